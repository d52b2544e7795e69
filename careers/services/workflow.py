"""The editorial workflow: draft -> in review -> published -> archived, with pending revisions.

Items that were never published (drafts, items in review, archived items) are edited in place:
no user sees them. A change to a *published* item is stored as a ``ContentRevision`` holding
the whole item in the form seed files use; the row itself, the live version, stays as it is
until a reviewer publishes the revision. Each publication bumps the item's ``version``, which
stored comparison results record.

Editors (``change`` permission on the model) save, submit and withdraw; reviewers (the
``careers.publish_content`` permission) also publish, archive and revert. Every function
checks the permission itself, so the admin, bulk actions and any future caller agree.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from careers.models import ContentRevision, Status
from careers.services.seeds import (
    SeedError,
    _natural_key_field,
    fingerprint,
    seed_item_apply,
    seed_item_serialize,
    seed_item_serialize_stored,
    spec_for,
)

PUBLISH_PERMISSION = "careers.publish_content"


class WorkflowError(ValidationError):
    """A step that does not apply to the item in its current state."""


def can_publish(user) -> bool:
    return user.has_perm(PUBLISH_PERMISSION)


def can_edit(user, model: type[models.Model]) -> bool:
    return user.has_perm(f"careers.change_{model._meta.model_name}")


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


# -- Snapshots: an item as a plain dict, the unit of revisions, diffs and reverts -------------


def item_snapshot(item: models.Model) -> dict[str, Any]:
    """The item as it is stored now, in the form seed files use (plus its position)."""
    return seed_item_serialize_stored(spec_for(type(item)), item)


def record_snapshot(record: Any) -> dict[str, Any]:
    """A historical record (django-simple-history) as a snapshot, links and children as they
    were at the time of the record."""
    spec = spec_for(record.instance_type)
    instance = record.instance
    many_keys = {}
    for name, target in spec.many.items():
        target_field = target._meta.model_name
        many_keys[name] = [
            getattr(getattr(row, target_field), _natural_key_field(target))
            for row in getattr(record, name).select_related(target_field)
        ]
    children = {}
    for child in spec.children:
        history = child.model.history.filter(
            track_id=record.id, history_date__lte=record.history_date
        ).order_by("id", "-history_date", "-history_id")
        latest: dict[int, Any] = {}
        for row in history:
            latest.setdefault(row.id, row)
        children[child.related_name] = sorted(
            (row.instance for row in latest.values() if row.history_type != "-"),
            key=lambda obj: (obj.position, obj.pk),
        )
    return seed_item_serialize(spec, instance, many_keys=many_keys, children=children)


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any

    @property
    def inline_diff(self) -> SafeString:
        """Word-level diff of two texts as HTML: removed words in <del>, added in <ins>."""
        before, after = value_text(self.before), value_text(self.after)
        old, new = before.split(" "), after.split(" ")
        parts = []
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new).get_opcodes():
            if op == "equal":
                parts.append(escape(" ".join(old[i1:i2])))
                continue
            if op in ("delete", "replace"):
                parts.append(f"<del>{escape(' '.join(old[i1:i2]))}</del>")
            if op in ("insert", "replace"):
                parts.append(f"<ins>{escape(' '.join(new[j1:j2]))}</ins>")
        return mark_safe(" ".join(parts))  # noqa: S308  (every piece is escaped above)


def value_text(value: Any) -> str:
    """A snapshot value as one line of text: lists joined by commas, mappings by semicolons."""
    if isinstance(value, list):
        return ", ".join(value_text(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {value_text(item)}" for key, item in value.items())
    return "" if value is None else str(value)


def _flatten(data: dict[str, Any]) -> dict[str, Any]:
    flat = {}
    for key, value in data.items():
        if key == "citation" and isinstance(value, dict):
            flat.update({f"citation {name}": item for name, item in value.items()})
        else:
            flat[key] = value
    return flat


def snapshot_diff(before: dict[str, Any], after: dict[str, Any]) -> list[FieldChange]:
    """The fields that differ between two snapshots, in the order the item lists them."""
    old, new = _flatten(before), _flatten(after)
    names = list(dict.fromkeys([*new, *old]))
    return [
        FieldChange(name, old.get(name), new.get(name))
        for name in names
        if old.get(name) != new.get(name) and name != "status"
    ]


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


def review_state(item: models.Model, revision: ContentRevision | None = None) -> str:
    """What a reviewer would call the item's state, pending change included."""
    if revision is None:
        revision = open_revision(item)
    state = item.get_status_display()
    if revision is not None:
        state += f", with a change {revision.get_status_display().lower()}"
    return state


# -- Editing -----------------------------------------------------------------------------------


def edit_token(item: models.Model, revision: ContentRevision | None) -> str:
    """What an editor's form was built from: the live version and the pending change as
    it was. Saving with a stale token never overwrites anybody's work."""
    return f"{item.version}:{_revision_stamp(revision)}"


def _revision_stamp(revision: ContentRevision | None) -> str:
    return "" if revision is None else f"{revision.pk}:{revision.updated_at.isoformat()}"


def revision_save(
    *, item: models.Model, data: dict[str, Any], user, token: str | None = None
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
                seed_item_apply(live, revision.data, status=Status.PUBLISHED, version=version)
            except SeedError as error:
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
            seed_item_apply(live, data, status=live.status, version=live.version)
        except SeedError as error:
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
