"""Importing content files: what an import would do, row by row, and applying it all or
nothing through the review workflow."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from careers.content.models import ContentRevision, Status
from careers.content.snapshots import (
    ContentSpec,
    FieldChange,
    PlannedItem,
    SnapshotError,
    SnapshotReader,
    fingerprint,
    item_snapshot,
    item_write,
    snapshot_diff,
    spec_for,
    spec_queryset,
)
from careers.content.workflow import revision_save

IMPORT_CHANGE_REASON = "Imported from a file"


class ImportRefused(Exception):
    """The import was not applied (a row has errors); nothing was written."""

    def __init__(self, message: str, preview: ImportPreview):
        super().__init__(message)
        self.preview = preview


class ImportStale(ImportRefused):
    """The content changed since the preview the user confirmed; nothing was written."""


class RowAction:
    CREATE = "create"
    CHANGE = "change"
    PENDING = "pending"
    UNCHANGED = "unchanged"
    ERROR = "error"

    LABELS = {
        CREATE: "create as a draft",
        CHANGE: "change",
        PENDING: "change as a pending revision",
        UNCHANGED: "unchanged",
        ERROR: "error",
    }


@dataclass
class ImportRow:
    """What importing one row of the file would do."""

    number: int
    key: str
    action: str
    changes: list[FieldChange] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # What the changes are measured against: the live version or the open pending change.
    compared_with: str = ""
    planned: PlannedItem | None = field(default=None, repr=False, compare=False)
    desired: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    stored: models.Model | None = field(default=None, repr=False, compare=False)

    @property
    def action_label(self) -> str:
        return RowAction.LABELS[self.action]


@dataclass
class ImportPreview:
    model: type[models.Model]
    rows: list[ImportRow]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(RowAction.LABELS, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def has_errors(self) -> bool:
        return any(row.action == RowAction.ERROR for row in self.rows)

    @property
    def has_work(self) -> bool:
        return any(
            row.action in (RowAction.CREATE, RowAction.CHANGE, RowAction.PENDING)
            for row in self.rows
        )

    @property
    def fingerprint(self) -> str:
        """Identifies what the preview showed, to tell whether it still holds on confirm."""
        return fingerprint(
            [
                [row.number, row.key, row.action, row.errors, row.desired]
                + [[change.field, change.before, change.after] for change in row.changes]
                for row in self.rows
            ]
        )


@dataclass(frozen=True)
class ImportResult:
    created: int
    changed: int
    pending: int
    unchanged: int

    def summary(self) -> str:
        return (
            f"{self.created} created as drafts, {self.changed} changed in place, "
            f"{self.pending} kept as pending changes of published items (to submit for review), "
            f"{self.unchanged} unchanged"
        )


def import_allowed(user, model: type[models.Model]) -> bool:
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.add_{opts.model_name}") and user.has_perm(
        f"{opts.app_label}.change_{opts.model_name}"
    )


def _require_import(user, model: type[models.Model]) -> None:
    if not import_allowed(user, model):
        raise PermissionDenied(
            f"Importing {model._meta.verbose_name_plural} needs permission to add and change them."
        )


# -- Preview and apply --------------------------------------------------------------------------


def _import_plan(spec: ContentSpec, rows: list[dict[str, Any]], *, lock: bool) -> ImportPreview:
    model = spec.model
    queryset = model._default_manager.all()
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    queryset = spec_queryset(spec, queryset)
    stored_items = {getattr(obj, spec.key_field): obj for obj in queryset}
    revisions: dict[int, ContentRevision] = {}
    if spec.cited:
        revisions = {
            revision.object_id: revision
            for revision in ContentRevision.objects.filter(
                content_type=ContentType.objects.get_for_model(model),
                status__in=ContentRevision.OPEN,
            )
        }
    reader = SnapshotReader(spec)
    next_position = 1 + max(
        (obj.position for obj in stored_items.values()) if spec.positioned else (), default=0
    )
    seen: dict[str, int] = {}
    result = []
    for index, raw in enumerate(rows):
        number = index + 1
        key = raw.get(spec.key_field)
        key = key if isinstance(key, str) else ""
        if key and key in seen:
            result.append(
                ImportRow(
                    number,
                    key,
                    RowAction.ERROR,
                    errors=[f"'{key}' appears twice in the file (first in row {seen[key]})."],
                )
            )
            continue
        if key:
            seen[key] = number
        result.append(
            _import_row(spec, reader, raw, index, stored_items.get(key), revisions, next_position)
        )
        if key not in stored_items:
            next_position += 1
    return ImportPreview(model=model, rows=result)


def _import_row(
    spec: ContentSpec,
    reader: SnapshotReader,
    raw: dict[str, Any],
    index: int,
    stored: models.Model | None,
    revisions: dict[int, ContentRevision],
    next_position: int,
) -> ImportRow:
    number = index + 1
    key = raw.get(spec.key_field)
    row = ImportRow(number, key if isinstance(key, str) else "", RowAction.ERROR, stored=stored)
    raw = dict(raw)
    notes = []
    revision = revisions.get(stored.pk) if stored is not None else None
    base = None
    if stored is not None:
        base = revision.data if revision is not None else item_snapshot(stored)
    if spec.cited:
        file_status = raw.pop("status", None)
        status = stored.status if stored is not None else Status.DRAFT
        if file_status not in (None, status):
            notes.append(
                f"The file says status '{file_status}'; the item "
                f"{'stays' if stored is not None else 'starts as'} '{status}' "
                "(status changes only through the review workflow)."
            )
        raw["status"] = status
    position = None
    if spec.positioned:
        position = base.get("position", stored.position) if base is not None else next_position
    try:
        planned = reader.read(raw, index, stored, position=position)
    except SnapshotError as error:
        row.errors.append(error.detail)
        return row
    desired = planned.snapshot()
    row.planned, row.desired, row.notes = planned, desired, notes
    if stored is None:
        row.action = RowAction.CREATE
        row.changes = [
            change
            for change in snapshot_diff({}, desired)
            if change.after not in (None, "", [], {})
        ]
        return row
    row.changes = snapshot_diff(base, desired)
    row.compared_with = "the pending change" if revision is not None else "the current version"
    if not row.changes:
        row.action = RowAction.UNCHANGED
    elif spec.cited and stored.status == Status.PUBLISHED:
        row.action = RowAction.PENDING
        if revision is not None and desired == item_snapshot(stored):
            notes.append("Matches the live version: the pending change will be withdrawn.")
    else:
        row.action = RowAction.CHANGE
    return row


def content_import_preview(
    *, model: type[models.Model], rows: list[dict[str, Any]], user
) -> ImportPreview:
    """What importing ``rows`` would do, row by row, without writing anything: the action,
    the field changes (against the live version, or against the item's open pending change)
    and any errors, each naming the item."""
    _require_import(user, model)
    return _import_plan(spec_for(model), rows, lock=False)


def content_import_apply(
    *,
    model: type[models.Model],
    rows: list[dict[str, Any]],
    user,
    expected_fingerprint: str | None = None,
) -> ImportResult:
    """Import ``rows`` all or nothing, through the review workflow.

    New items are created as drafts (version 0); drafts, items in review and archived items
    are changed in place and keep their status; a change to a published item is stored as
    its pending revision. Unchanged rows are skipped. Raises ``ImportRefused`` if any row has
    errors, and ``ImportStale`` if ``expected_fingerprint`` (of the preview the user saw) no
    longer matches.
    """
    spec = spec_for(model)
    _require_import(user, model)
    with transaction.atomic():
        preview = _import_plan(spec, rows, lock=True)
        if preview.has_errors:
            raise ImportRefused("Some rows have errors; nothing was imported.", preview)
        if expected_fingerprint is not None and preview.fingerprint != expected_fingerprint:
            raise ImportStale(
                "The content changed since the preview; check the new preview.", preview
            )
        for row in preview.rows:
            _import_row_apply(spec, row, user)
    counts = preview.counts
    return ImportResult(
        created=counts[RowAction.CREATE],
        changed=counts[RowAction.CHANGE],
        pending=counts[RowAction.PENDING],
        unchanged=counts[RowAction.UNCHANGED],
    )


def _import_row_apply(spec: ContentSpec, row: ImportRow, user) -> None:
    if row.action == RowAction.UNCHANGED:
        return
    if row.action == RowAction.PENDING:
        revision_save(item=row.stored, data=row.desired, user=user)
        return
    planned = row.planned
    for obj in [planned.instance, *(c for cs in planned.children.values() for c in cs)]:
        obj._history_user = user
        obj._change_reason = IMPORT_CHANGE_REASON
    if row.action == RowAction.CREATE:
        # Not the seed's: a later load_seeds keeps an imported item as an editor's work.
        item_write(planned, seed_fingerprint="", version=0 if spec.cited else None)
        return
    if spec.cited and planned.instance.status == Status.IN_REVIEW:
        # Changed after it was submitted: a reviewer publishes only what was submitted.
        planned.instance.status = Status.DRAFT
    item_write(
        planned,
        seed_fingerprint=row.stored.seed_fingerprint,
        version=row.stored.version if spec.cited else None,
    )
