"""The editorial workflow: draft -> in review -> published -> archived, with pending revisions.

Items that were never published (drafts, items in review, archived items) are edited in place:
no user sees them. A change to a *published* item is stored as a ``ContentRevision`` holding
the whole item in the form seed files use; the row itself, the live version, stays as it is
until a reviewer publishes the revision. Each publication bumps the item's ``version``, which
stored comparison results record.

Editors (``change`` permission on the model) save, submit and withdraw; reviewers (the
``content.publish_content`` permission) also publish, archive and revert. Every function
checks the permission itself, so the admin, bulk actions and any future caller agree.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from careers.content.models import ContentRevision, Status
from careers.content.snapshots import (
    Snapshot,
    SnapshotError,
    fingerprint,
    item_snapshot,
    record_snapshot,
    snapshot_apply,
)

PUBLISH_PERMISSION = "content.publish_content"


class WorkflowError(ValidationError):
    """A step that does not apply to the item in its current state."""


def can_publish(user) -> bool:
    return user.has_perm(PUBLISH_PERMISSION)


def can_edit(user, model: type[models.Model]) -> bool:
    return user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")


def _require_edit(user, item: models.Model) -> None:
    if not can_edit(user, type(item)):
        raise PermissionDenied("Only editors and reviewers change curated content.")


def _require_publish(user) -> None:
    if not can_publish(user):
        raise PermissionDenied("Only reviewers publish, archive or revert content.")


def _lock(item: models.Model) -> models.Model:
    """The item's row, locked for the rest of the transaction (a no-op on SQLite, where
    writers are serialised anyway)."""
    return type(item).objects.select_for_update().get(pk=item.pk)


# -- Reads ------------------------------------------------------------------------------------


def open_revision(item: models.Model) -> ContentRevision | None:
    return (
        ContentRevision.objects.filter(
            content_type=ContentType.objects.get_for_model(item),
            object_id=item.pk,
            status__in=ContentRevision.OPEN,
        )
        .select_related("created_by", "updated_by", "submitted_by")
        .first()
    )


# -- Editing -----------------------------------------------------------------------------------


def edit_token(item: models.Model, revision: ContentRevision | None) -> str:
    """What an editor's form was built from: the live version and the pending change as
    it was. Saving with a stale token never overwrites anybody's work."""
    return f"{item.version}:{_revision_stamp(revision)}"


def _revision_stamp(revision: ContentRevision | None) -> str:
    return "" if revision is None else f"{revision.pk}:{revision.updated_at.isoformat()}"


def revision_save(
    *, item: models.Model, data: Snapshot, user, token: str | None = None
) -> ContentRevision | None:
    """Keep ``data`` as the pending change of a published item (creating the revision or
    updating the open one). Returns ``None``, and withdraws the revision, when ``data`` is
    the live version again: there is nothing left to review.

    A change to what is in review sends it back to draft: a reviewer publishes only what was
    submitted. ``token`` (from ``edit_token`` when the editor's form was built) guards against
    lost updates: if the live version moved on meanwhile, the change keeps the version it was
    based on, so publishing it is refused until someone compares and saves it again; if
    someone else saved the pending change meanwhile, theirs is kept as a withdrawn revision
    rather than overwritten."""
    _require_edit(user, item)
    with transaction.atomic():
        live = _lock(item)
        if live.status != Status.PUBLISHED:
            raise WorkflowError("Only a published item keeps its changes as a revision.")
        revision = open_revision(live)
        base_version = live.version
        if token is not None:
            seen_version, _, seen_revision = token.partition(":")
            if seen_version.isdigit():
                base_version = min(int(seen_version), live.version)
            if revision is not None and seen_revision != _revision_stamp(revision):
                _close(revision, ContentRevision.Status.WITHDRAWN, user)
                revision = None
        elif revision is not None:
            base_version = revision.base_version
        if data == item_snapshot(live) and base_version == live.version:
            if revision is not None:
                _close(revision, ContentRevision.Status.WITHDRAWN, user)
            return None
        if revision is None:
            return ContentRevision.objects.create(
                content_type=ContentType.objects.get_for_model(live),
                object_id=live.pk,
                data=data,
                base_version=base_version,
                created_by=user,
                updated_by=user,
            )
        revision.data = data
        revision.base_version = base_version
        revision.updated_by = user
        fields = ["data", "base_version", "updated_by", "updated_at"]
        if revision.status == ContentRevision.Status.IN_REVIEW:
            revision.status = ContentRevision.Status.DRAFT
            revision.submitted_by = None
            revision.submitted_at = None
            fields += ["status", "submitted_by", "submitted_at"]
        revision.save(update_fields=fields)
        return revision


def review_fingerprint(item: models.Model, revision: ContentRevision | None) -> str:
    """A fingerprint of what publishing would make live, for the reviewer's page to carry."""
    return fingerprint(revision.data if revision is not None else item_snapshot(item))


def _close(revision: ContentRevision, status: str, user) -> None:
    revision.status = status
    revision.decided_by = user
    revision.decided_at = timezone.now()
    revision.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])


def _set_status(item: models.Model, status: str, *, version: int | None = None) -> None:
    item.status = status
    fields = ["status", "updated_at"]
    if version is not None:
        item.version = version
        fields.append("version")
    item.save(update_fields=fields)


def item_submit(*, item: models.Model, user) -> str:
    """Ask for review: of the draft item itself, or of the published item's pending change."""
    _require_edit(user, item)
    with transaction.atomic():
        live = _lock(item)
        revision = open_revision(live)
        if revision is not None:
            if revision.status == ContentRevision.Status.IN_REVIEW:
                raise WorkflowError("This change is already in review.")
            revision.status = ContentRevision.Status.IN_REVIEW
            revision.submitted_by = user
            revision.submitted_at = timezone.now()
            revision.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
            return "change submitted for review"
        if live.status != Status.DRAFT:
            raise WorkflowError(
                f"Only a draft or a pending change can be submitted; this item is "
                f"{live.get_status_display().lower()} with no pending change."
            )
        _set_status(live, Status.IN_REVIEW)
        _copy_state(live, item)
        return "submitted for review"


def item_publish(*, item: models.Model, user, seen: str | None = None) -> str:
    """Make what is in review live: the item itself, or its pending change. ``seen`` is the
    ``review_fingerprint`` of what the reviewer looked at; publishing refuses if it changed."""
    _require_publish(user)
    with transaction.atomic():
        live = _lock(item)
        revision = open_revision(live)
        if seen is not None and seen != review_fingerprint(live, revision):
            raise WorkflowError(
                "This item changed since you opened it: review it again before publishing."
            )
        if revision is not None:
            if revision.status != ContentRevision.Status.IN_REVIEW:
                raise WorkflowError("The pending change has not been submitted for review yet.")
            if revision.base_version != live.version:
                raise WorkflowError(
                    f"The live version changed (version {revision.base_version} became "
                    f"{live.version}) since this change was started: compare them and save "
                    "the change again before publishing."
                )
            version = live.version + 1
            try:
                snapshot_apply(live, revision.data, status=Status.PUBLISHED, version=version)
            except SnapshotError as error:
                raise WorkflowError(error.detail) from None
            revision.published_version = version
            revision.save(update_fields=["published_version", "updated_at"])
            _close(revision, ContentRevision.Status.PUBLISHED, user)
            item.refresh_from_db()
            return f"change published as version {version}"
        if live.status != Status.IN_REVIEW:
            raise WorkflowError(
                f"Only an item in review can be published; this one is "
                f"{live.get_status_display().lower()}."
            )
        _set_status(live, Status.PUBLISHED, version=live.version + 1)
        _copy_state(live, item)
        return f"published as version {live.version}"


def item_archive(*, item: models.Model, user) -> str:
    """Take the item off the site (and drop its pending change); it can be restored."""
    _require_publish(user)
    with transaction.atomic():
        live = _lock(item)
        if live.status == Status.ARCHIVED:
            raise WorkflowError("This item is already archived.")
        revision = open_revision(live)
        if revision is not None:
            _close(revision, ContentRevision.Status.WITHDRAWN, user)
        _set_status(live, Status.ARCHIVED)
        _copy_state(live, item)
        return "archived"


def item_restore(*, item: models.Model, user) -> str:
    """Bring an archived item back as a draft, to be reviewed before it goes live again."""
    _require_edit(user, item)
    with transaction.atomic():
        live = _lock(item)
        if live.status != Status.ARCHIVED:
            raise WorkflowError("Only an archived item can be restored.")
        _set_status(live, Status.DRAFT)
        _copy_state(live, item)
        return "restored as a draft"


def revision_withdraw(*, item: models.Model, user) -> str:
    """Drop the pending change; the live version is untouched."""
    _require_edit(user, item)
    with transaction.atomic():
        revision = open_revision(_lock(item))
        if revision is None:
            raise WorkflowError("There is no pending change to withdraw.")
        _close(revision, ContentRevision.Status.WITHDRAWN, user)
        return "pending change withdrawn"


def item_revert(*, item: models.Model, record: Any, user) -> str:
    """Go back to the content of a historical record. A published item gets it as a pending
    change (in review, for a reviewer to publish); an unpublished one is changed in place."""
    _require_publish(user)
    if record.instance_type is not type(item) or record.id != item.pk:
        raise WorkflowError("That version belongs to another item.")
    data = record_snapshot(record)
    with transaction.atomic():
        live = _lock(item)
        if live.status == Status.PUBLISHED:
            revision = revision_save(item=live, data=data, user=user)
            if revision is None:
                return "already identical to that version"
            if revision.status != ContentRevision.Status.IN_REVIEW:
                item_submit(item=live, user=user)
            return "that version is now a change in review"
        try:
            snapshot_apply(live, data, status=live.status, version=live.version)
        except SnapshotError as error:
            raise WorkflowError(error.detail) from None
        item.refresh_from_db()
        return "reverted"


def item_mark_verified(*, item: models.Model, user, on: date | None = None) -> str:
    """Record that someone checked the citation today. It is a fact about the source, not a
    change of wording, so it applies to the live row and to any pending change alike."""
    _require_edit(user, item)
    on = on or timezone.localdate()
    with transaction.atomic():
        live = _lock(item)
        seed_owned = live.seed_fingerprint == fingerprint(item_snapshot(live))
        live.last_verified_on = on
        fields = ["last_verified_on", "updated_at"]
        if seed_owned:
            # Still the seed's wording: re-verifying it must not make it an editor's item
            # that later seed loads leave alone.
            live.seed_fingerprint = fingerprint(item_snapshot(live))
            fields.append("seed_fingerprint")
        live.save(update_fields=fields)
        revision = open_revision(live)
        if revision is not None and isinstance(revision.data.get("citation"), dict):
            revision.data["citation"]["verified"] = on.isoformat()
            revision.save(update_fields=["data", "updated_at"])
        _copy_state(live, item)
        return f"citation marked verified on {on.isoformat()}"


def _copy_state(source: models.Model, target: models.Model) -> None:
    if source is not target:
        for name in ("status", "version", "last_verified_on", "updated_at"):
            setattr(target, name, getattr(source, name))


WORKFLOW_STEPS = {
    "submit": item_submit,
    "publish": item_publish,
    "archive": item_archive,
    "restore": item_restore,
    "withdraw": revision_withdraw,
    "verify": item_mark_verified,
}
