"""Content as files: writing items as YAML, JSON or CSV, and reading an uploaded file back
into items in the seed-file form, with a clear message for anything that cannot be read."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

import yaml
from django.db import models

from careers.content.snapshots import (
    CITATION_FIELDS,
    CONTENT_SPECS,
    ContentSpec,
    export_form,
    field_default,
    in_file_order,
    item_snapshot,
    spec_for,
    spec_queryset,
    yaml_dump,
)
from careers.core.csv_cells import csv_cell, csv_cell_read

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

CSV_CITATION_COLUMNS = {f"citation_{key}": key for key in CITATION_FIELDS}


class ImportFileError(Exception):
    """The file cannot be read as content of this type; the message says why."""


def content_format_from_filename(name: str) -> str | None:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return FORMAT_EXTENSIONS.get(extension)


def content_export_filename(*, model: type[models.Model], fmt: str, on: date) -> str:
    """``advice-2026-11-26.yaml``: the section name and the day of the export."""
    return f"{spec_for(model).section.replace('_', '-')}-{on.isoformat()}.{fmt}"


# -- Export -------------------------------------------------------------------------------------


def _list_fields(spec: ContentSpec) -> set[str]:
    """Plain fields whose file form is a list (typical questions, study days): one entry per
    line in a CSV cell."""
    names = set()
    for name in spec.fields:
        if isinstance(spec.to_file(name, field_default(spec.model, name)), list):
            names.add(name)
    return names


def csv_columns(spec: ContentSpec) -> list[str]:
    columns = [spec.key_field, *spec.fields]
    if spec.cited:
        columns.append("status")
    columns += [*spec.many, *spec.foreign]
    if spec.cited:
        columns += list(CSV_CITATION_COLUMNS)
    columns += [child.related_name for child in spec.children]
    return columns


def _csv_row(spec: ContentSpec, item: dict[str, Any], list_fields: set[str]) -> list[str]:
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
    return [csv_cell(cells[column]) for column in csv_columns(spec)]


def content_export(*, model: type[models.Model], queryset: models.QuerySet, fmt: str) -> bytes:
    """The items of ``queryset`` as a file in ``fmt`` (yaml, csv or json).

    YAML and JSON hold ``{section: [items]}`` in the seed-file form; CSV holds one row per
    item with links as natural keys (``;`` between several) and a track's children as JSON.
    """
    spec = spec_for(model)
    objects = in_file_order(spec, spec_queryset(spec, queryset))
    if fmt == "yaml":
        items = [export_form(spec, obj) for obj in objects]
        return yaml_dump({spec.section: items}).encode("utf-8")
    if fmt == "json":
        items = [export_form(spec, obj) for obj in objects]
        return (json.dumps({spec.section: items}, ensure_ascii=False, indent=2) + "\n").encode(
            "utf-8"
        )
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(csv_columns(spec))
        list_fields = _list_fields(spec)
        for obj in objects:
            item = item_snapshot(obj)
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


def _document_items(spec: ContentSpec, document: Any, kind: str) -> list[dict[str, Any]]:
    section = spec.section
    if not isinstance(document, dict):
        raise ImportFileError(
            f"The {kind} file must hold a mapping with a '{section}' list at the top level."
        )
    known = {s.section for s in CONTENT_SPECS}
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


def _parse_csv(spec: ContentSpec, text: str) -> list[dict[str, Any]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise ImportFileError("The file is empty.")
        header = [csv_cell_read(name.strip()) for name in header]
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
            values = dict(zip(header, (csv_cell_read(cell) for cell in cells), strict=False))
            rows.append(_csv_item(spec, values, list_fields, number))
    except csv.Error as error:
        raise ImportFileError(f"Not valid CSV (line {reader.line_num}): {error}.") from None
    return rows


def _csv_item(
    spec: ContentSpec, values: dict[str, str], list_fields: set[str], number: int
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
