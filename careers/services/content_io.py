"""Import and export of curated content as YAML, CSV and JSON, with a preview.

The file form is the seed-file form (``careers.services.seeds``): an exported YAML file is
what ``load_seeds`` reads for that section, and items are matched by their natural key. We
build this on the seed loader rather than on django-import-export because the loader already
holds every rule an item must pass (citations, links by natural key, track children) and the
workflow already speaks in seed-form snapshots; a second description of the same content
would drift from the first.

An import never bypasses the review workflow. New items start as drafts, items nobody sees
yet (drafts, items in review, archived items) are changed in place, and a change to a
published item becomes its pending revision: the live version stays until a reviewer
publishes it. A ``status`` in the file is therefore never applied. Positions are not part of
the file form: existing items keep theirs and new items are placed after the last one, so
importing a filtered export does not reorder the rest.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from careers.models import ContentRevision, Status
from careers.services.seeds import (
    CITATION_FIELDS,
    SEED_SPECS,
    SeedError,
    SeedSpec,
    _export_item,
    _field_default,
    _Planned,
    _SectionLoader,
    _SeedDumper,
    fingerprint,
    referenced_items,
    seed_item_serialize,
    seed_item_serialize_stored,
    spec_for,
    spec_queryset,
)
from careers.services.workflow import FieldChange, item_snapshot, revision_save, snapshot_diff

FORMATS = ("yaml", "csv", "json")
FORMAT_EXTENSIONS = {"yaml": "yaml", "yml": "yaml", "csv": "csv", "json": "json"}
MEDIA_TYPES = {
    "yaml": "application/yaml; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
MAX_IMPORT_BYTES = 2 * 1024 * 1024
# Far above the few hundred items the knowledge base holds, and low enough that validating
# every row and rendering the preview stays within one request.
MAX_IMPORT_ROWS = 5000
IMPORT_CHANGE_REASON = "Imported from a file"

CSV_CITATION_COLUMNS = {f"citation_{key}": key for key in CITATION_FIELDS}
# A spreadsheet runs a cell starting with one of these as a formula. A leading quote is the
# usual guard; quotes themselves are guarded too, so stripping the guard is exact.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_GUARD = "'"


class ImportFileError(Exception):
    """The file cannot be read as content of this type; the message says why."""


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
    planned: _Planned | None = field(default=None, repr=False, compare=False)
    desired: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    stored: models.Model | None = field(default=None, repr=False, compare=False)

    @property
    def action_label(self) -> str:
        return RowAction.LABELS[self.action]


@dataclass
class ImportPreview:
    model: type[models.Model]
    rows: list[ImportRow]
    loader: _SectionLoader = field(repr=False)

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


def content_format_from_filename(name: str) -> str | None:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return FORMAT_EXTENSIONS.get(extension)


def content_export_filename(*, model: type[models.Model], fmt: str, on: date) -> str:
    """``advice-2026-11-26.yaml``: the section name and the day of the export."""
    return f"{spec_for(model).section.replace('_', '-')}-{on.isoformat()}.{fmt}"


# -- Export -------------------------------------------------------------------------------------


def _list_fields(spec: SeedSpec) -> set[str]:
    """Plain fields whose file form is a list (typical questions, study days): one entry per
    line in a CSV cell."""
    names = set()
    for name in spec.fields:
        default = _field_default(spec.model, name)
        if name in spec.transforms:
            default = spec.transforms[name][1](default)
        if isinstance(default, list):
            names.add(name)
    return names


def csv_columns(spec: SeedSpec) -> list[str]:
    columns = [spec.key_field, *spec.fields]
    if spec.cited:
        columns.append("status")
    columns += [*spec.many, *spec.foreign]
    if spec.cited:
        columns += list(CSV_CITATION_COLUMNS)
    columns += [child.related_name for child in spec.children]
    return columns


def _csv_guard(value: str) -> str:
    if value.startswith((*FORMULA_STARTS, CSV_GUARD)):
        return CSV_GUARD + value
    return value


def _csv_unguard(value: str) -> str:
    if value.startswith(CSV_GUARD) and value[1:].startswith((*FORMULA_STARTS, CSV_GUARD)):
        return value[1:]
    return value


def _csv_row(spec: SeedSpec, item: dict[str, Any], list_fields: set[str]) -> list[str]:
    cells: dict[str, Any] = {spec.key_field: item[spec.key_field]}
    for name in spec.fields:
        value = item[name]
        cells[name] = "\n".join(map(str, value)) if name in list_fields else value
    if spec.cited:
        cells["status"] = item["status"]
        for column, key in CSV_CITATION_COLUMNS.items():
            cells[column] = item["citation"][key]
    for name in spec.many:
        cells[name] = ";".join(item[name])
    for name in spec.foreign:
        cells[name] = item[name]
    for child in spec.children:
        cells[child.related_name] = json.dumps(item[child.related_name], ensure_ascii=False)
    return [
        _csv_guard("" if cells[column] is None else str(cells[column]))
        for column in csv_columns(spec)
    ]


def content_export(*, model: type[models.Model], queryset: models.QuerySet, fmt: str) -> bytes:
    """The items of ``queryset`` as a file in ``fmt`` (yaml, csv or json).

    YAML and JSON hold ``{section: [items]}`` in the seed-file form; CSV holds one row per
    item with links as natural keys (``;`` between several) and a track's children as JSON.
    """
    spec = spec_for(model)
    queryset = spec_queryset(spec, queryset)
    if fmt == "yaml":
        items = [_export_item(spec, obj) for obj in queryset]
        text = yaml.dump(
            {spec.section: items},
            Dumper=_SeedDumper,
            sort_keys=False,
            allow_unicode=True,
            width=100,
        )
        return text.encode("utf-8")
    if fmt == "json":
        items = [_export_item(spec, obj) for obj in queryset]
        return (json.dumps({spec.section: items}, ensure_ascii=False, indent=2) + "\n").encode(
            "utf-8"
        )
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(csv_columns(spec))
        list_fields = _list_fields(spec)
        for obj in queryset:
            item = seed_item_serialize_stored(spec, obj)
            writer.writerow(_csv_row(spec, item, list_fields))
        # With a byte order mark, spreadsheets read the file as UTF-8 instead of guessing.
        return buffer.getvalue().encode("utf-8-sig")
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


# -- Parsing ------------------------------------------------------------------------------------


def _check_expansion(document: Any) -> None:
    """Refuse YAML whose aliases repeat content far beyond the file's own size: a few nested
    aliases (``&a`` ... ``*a``) expand into billions of values once the content is walked."""
    budget = 2 * MAX_IMPORT_BYTES
    stack = [document]
    while stack:
        node = stack.pop()
        budget -= 1 + (len(node) if isinstance(node, str) else 0)
        if budget < 0:
            raise ImportFileError(
                "The YAML file expands to far more content than it holds (aliases repeated "
                "over and over); write the items out in full."
            )
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"The file is not UTF-8 text (byte {error.start + 1} cannot be read); "
            "save it with UTF-8 encoding."
        ) from None


def _document_items(spec: SeedSpec, document: Any, kind: str) -> list[dict[str, Any]]:
    section = spec.section
    if not isinstance(document, dict):
        raise ImportFileError(
            f"The {kind} file must hold a mapping with a '{section}' list at the top level."
        )
    known = {s.section for s in SEED_SPECS}
    unknown = sorted(str(name) for name in document if name not in known)
    if unknown:
        raise ImportFileError(f"Unknown section(s) in the file: {', '.join(unknown)}.")
    if section not in document:
        found = ", ".join(sorted(map(str, document))) or "no section"
        raise ImportFileError(
            f"The file has no '{section}' section (it has {found}): import it on the page of "
            "the content type it holds."
        )
    items = document[section] or []
    if not isinstance(items, list):
        raise ImportFileError(f"'{section}' must be a list of items.")
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ImportFileError(f"Item #{number} of '{section}' is not a mapping of fields.")
    return items


def _parse_csv(spec: SeedSpec, text: str) -> list[dict[str, Any]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise ImportFileError("The file is empty.")
        header = [_csv_unguard(name.strip()) for name in header]
        columns = csv_columns(spec)
        repeated = sorted({name for name in header if header.count(name) > 1})
        if repeated:
            raise ImportFileError(f"Column(s) named more than once: {', '.join(repeated)}.")
        unknown = [name for name in header if name not in columns]
        if unknown:
            raise ImportFileError(
                f"Unknown column(s) {', '.join(unknown)}; the columns are {', '.join(columns)}."
            )
        if spec.key_field not in header:
            raise ImportFileError(f"The file has no '{spec.key_field}' column.")
        list_fields = _list_fields(spec)
        rows = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            number = len(rows) + 1
            if len(rows) >= MAX_IMPORT_ROWS:
                raise ImportFileError(f"The file has more than {MAX_IMPORT_ROWS} rows.")
            if len(cells) > len(header):
                raise ImportFileError(f"Row {number} has more cells than the header has columns.")
            values = dict(zip(header, (_csv_unguard(cell) for cell in cells), strict=False))
            rows.append(_csv_item(spec, values, list_fields, number))
    except csv.Error as error:
        raise ImportFileError(f"Not valid CSV (line {reader.line_num}): {error}.") from None
    return rows


def _csv_item(
    spec: SeedSpec, values: dict[str, str], list_fields: set[str], number: int
) -> dict[str, Any]:
    """A CSV row in the seed-file form; an empty cell means the field's default, as a field
    left out of a seed file does."""
    item: dict[str, Any] = {}
    citation: dict[str, str] = {}
    children = {child.related_name for child in spec.children}
    for column, value in values.items():
        if not value.strip():
            continue
        if column in CSV_CITATION_COLUMNS:
            citation[CSV_CITATION_COLUMNS[column]] = value
        elif column in spec.many:
            item[column] = [ref.strip() for ref in value.split(";") if ref.strip()]
        elif column in list_fields:
            item[column] = [line.strip() for line in value.splitlines() if line.strip()]
        elif column in children:
            try:
                item[column] = json.loads(value)
            except json.JSONDecodeError as error:
                raise ImportFileError(
                    f"Row {number}: the '{column}' cell is not valid JSON ({error})."
                ) from None
        else:
            item[column] = value
    if spec.cited:
        item["citation"] = citation
    return item


def content_parse(*, model: type[models.Model], fmt: str, data: bytes) -> list[dict[str, Any]]:
    """The items of an uploaded file, in the seed-file form, for ``content_import_preview``.

    Raises ``ImportFileError`` with a message for people when the file cannot be read: too
    large, not UTF-8, not valid YAML, JSON or CSV, the wrong section, a missing key column,
    too many rows.
    """
    spec = spec_for(model)
    if fmt not in FORMATS:
        raise ImportFileError(f"Unknown format '{fmt}'; choose one of {', '.join(FORMATS)}.")
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_IMPORT_BYTES // 1024 // 1024} MB."
        )
    text = _decode(data)
    if not text.strip():
        raise ImportFileError("The file is empty.")
    if fmt == "csv":
        items = _parse_csv(spec, text)
    elif fmt == "yaml":
        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise ImportFileError(f"Not valid YAML: {error}") from None
        _check_expansion(document)
        items = _document_items(spec, document, "YAML")
    else:
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise ImportFileError(f"Not valid JSON: {error}.") from None
        items = _document_items(spec, document, "JSON")
    if not items:
        raise ImportFileError(f"The file holds no {spec.section.replace('_', ' ')}.")
    if len(items) > MAX_IMPORT_ROWS:
        raise ImportFileError(f"The file has more than {MAX_IMPORT_ROWS} items.")
    return items


# -- Preview and apply --------------------------------------------------------------------------


def _import_plan(spec: SeedSpec, rows: list[dict[str, Any]], *, lock: bool) -> ImportPreview:
    model = spec.model
    queryset = model._default_manager.all()
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    queryset = spec_queryset(spec, queryset)
    stored_items = {getattr(obj, spec.key_field): obj for obj in queryset}
    known = referenced_items(spec)
    revisions: dict[int, ContentRevision] = {}
    if spec.cited:
        revisions = {
            revision.object_id: revision
            for revision in ContentRevision.objects.filter(
                content_type=ContentType.objects.get_for_model(model),
                status__in=ContentRevision.OPEN,
            )
        }
    loader = _SectionLoader(spec, rows, known)
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
            _import_row(spec, loader, raw, index, stored_items.get(key), revisions, next_position)
        )
        if key not in stored_items:
            next_position += 1
    return ImportPreview(model=model, rows=result, loader=loader)


def _import_row(
    spec: SeedSpec,
    loader: _SectionLoader,
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
        planned = loader.plan(raw, index, stored, position=position)
    except SeedError as error:
        row.errors.append(error.detail)
        return row
    desired = seed_item_serialize(
        spec, planned.instance, many_keys=planned.many_keys, children=planned.children
    )
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
            _import_row_apply(spec, preview.loader, row, user)
    counts = preview.counts
    return ImportResult(
        created=counts[RowAction.CREATE],
        changed=counts[RowAction.CHANGE],
        pending=counts[RowAction.PENDING],
        unchanged=counts[RowAction.UNCHANGED],
    )


def _import_row_apply(spec: SeedSpec, loader: _SectionLoader, row: ImportRow, user) -> None:
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
        loader._write(planned, row.desired, seed_fingerprint="", version=0 if spec.cited else None)
        return
    if spec.cited and planned.instance.status == Status.IN_REVIEW:
        # Changed after it was submitted: a reviewer publishes only what was submitted.
        planned.instance.status = Status.DRAFT
    loader._write(
        planned,
        row.desired,
        seed_fingerprint=row.stored.seed_fingerprint,
        version=row.stored.version if spec.cited else None,
    )
