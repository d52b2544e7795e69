"""Snapshots of items: a stored item, an unsaved one or a historical record as a plain dict
in the seed-file form, the trimmed form seed files are written in, and YAML as people
write it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date
from typing import Any

import yaml
from django.db import models

from careers.content.models import Status
from careers.content.snapshots.specs import (
    CITATION_DEFAULTS,
    CITATION_FIELDS,
    ChildSpec,
    ContentSpec,
    field_default,
    natural_key_field,
    spec_for,
)

Snapshot = dict[str, Any]


def fingerprint(data: Any) -> str:
    """A stable hash of plain data (a snapshot, a preview): equal data, equal fingerprint."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def normalise_text(value: Any) -> Any:
    """Text as the admin saves it: browsers send CRLF line breaks and Django's form fields
    strip surrounding whitespace, so neither may count as an editor's change."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    if isinstance(value, list):
        return [normalise_text(item) for item in value]
    return value


def _citation_value(key: str, value: Any) -> str:
    """A citation field in its text form; a verification date is written ``YYYY-MM-DD``."""
    if value is None:
        return ""
    if key == "verified" and isinstance(value, date):
        return value.isoformat()
    return normalise_text(str(value))


def _child_rows(spec: ChildSpec, children: Iterable[models.Model]) -> list[dict[str, Any]]:
    return [
        {name: normalise_text(getattr(child, name)) for name in spec.fields} for child in children
    ]


def snapshot_build(
    spec: ContentSpec,
    instance: models.Model,
    *,
    many_keys: dict[str, list[str]],
    children: dict[str, list[models.Model]],
) -> Snapshot:
    """The seed-file form of one item (plus its position), from the item's own fields, the
    natural keys of its links and its child rows. Every snapshot is built here, so any two
    compare field by field."""
    data: Snapshot = {spec.key_field: getattr(instance, spec.key_field)}
    for name in spec.all_fields:
        data[name] = normalise_text(spec.to_file(name, getattr(instance, name)))
    for name in spec.many:
        data[name] = sorted(many_keys[name])
    for name, target in spec.foreign.items():
        related = getattr(instance, name)
        data[name] = getattr(related, natural_key_field(target)) if related else None
    for child in spec.children:
        data[child.related_name] = _child_rows(child, children[child.related_name])
    if spec.cited:
        data["citation"] = {
            key: _citation_value(key, getattr(instance, attr))
            for key, attr in CITATION_FIELDS.items()
        }
    if spec.positioned:
        data["position"] = instance.position
    return data


def item_snapshot(item: models.Model) -> Snapshot:
    """A stored item as it is now, links and child rows read from the database (or from
    what ``spec_queryset`` prefetched)."""
    spec = spec_for(type(item))
    many_keys = {
        name: [getattr(obj, natural_key_field(target)) for obj in getattr(item, name).all()]
        for name, target in spec.many.items()
    }
    children = {c.related_name: list(getattr(item, c.related_name).all()) for c in spec.children}
    return snapshot_build(spec, item, many_keys=many_keys, children=children)


def record_snapshot(record: Any) -> Snapshot:
    """A historical record (django-simple-history) as a snapshot, with its links and child
    rows as they were at the time of the record."""
    spec = spec_for(record.instance_type)
    many_keys = {}
    for name, target in spec.many.items():
        # simple-history keeps the links of each record (``m2m_fields``) as rows of its own.
        target_field = target._meta.model_name
        many_keys[name] = [
            getattr(getattr(row, target_field), natural_key_field(target))
            for row in getattr(record, name).select_related(target_field)
        ]
    children = {
        child.related_name: sorted(
            child.model.history.as_of(record.history_date).filter(track_id=record.id),
            key=lambda row: (row.position, row.pk),
        )
        for child in spec.children
    }
    return snapshot_build(spec, record.instance, many_keys=many_keys, children=children)


def export_form(spec: ContentSpec, item: models.Model) -> Snapshot:
    """An item as seed files write it: list order stands for position, and fields left at
    their default (the default citation source and licence too) are left out."""
    data = item_snapshot(item)
    data.pop("position", None)
    if data.get("status") == Status.PUBLISHED:
        data.pop("status")
    for name in spec.fields:
        default = normalise_text(spec.to_file(name, field_default(spec.model, name)))
        if data.get(name) == default:
            data.pop(name)
    for name in spec.many:
        if not data.get(name):
            data.pop(name, None)
    if "citation" in data:
        data["citation"] = {
            key: value
            for key, value in data["citation"].items()
            if value and value != CITATION_DEFAULTS[key]
        }
    return data


class _Dumper(yaml.SafeDumper):
    """YAML as people write it: multi-line text as literal blocks, lists indented."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_text)


def yaml_dump(sections: dict[str, list[Snapshot]]) -> str:
    """Sections of items as a seed file's text."""
    return yaml.dump(sections, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
