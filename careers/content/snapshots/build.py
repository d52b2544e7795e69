"""Snapshots of items: a stored item, an unsaved one or a historical record as a plain dict
in the seed-file form, the trimmed form seed files are written in, and YAML as people
write it."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from datetime import date
from typing import Any

import yaml
from django.db import models

from careers.content.models import Status
from careers.content.snapshots.specs import (
    CITATION_DEFAULTS,
    CITATION_FIELDS,
    CONTENT_SPECS,
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


_EMPTY = (None, "", [])


def in_file_order(spec: ContentSpec, items: Iterable[models.Model]) -> list[models.Model]:
    """``items`` in the order seed files list them (``spec.file_order``). Sorted here rather
    than by the database, whose collation may order slugs with hyphens otherwise."""
    return sorted(items, key=lambda obj: tuple(getattr(obj, f) for f in spec.file_order))


def _link_keys(target: type[models.Model], items: Iterable[models.Model]) -> list[str]:
    spec = spec_for(target)
    return [getattr(obj, spec.key_field) for obj in in_file_order(spec, items)]


def export_form(spec: ContentSpec, item: models.Model) -> Snapshot:
    """An item as seed files write it, in one canonical form so that an export differs from
    the files only where the content does.

    List order stands for position. The natural key comes first, then the status of an
    unpublished item, the fields and links in the order the model declares them (every link,
    an empty one too, so a reader sees there is none), a track's rows and the citation.
    Links are listed in the order their own file lists them. A field left empty, where
    empty is its default, is left out; any other value is written, a default one too (only
    the default citation source and licence are left out, being the same everywhere).
    """
    data = item_snapshot(item)
    form: Snapshot = {spec.key_field: data[spec.key_field]}
    if spec.cited and data["status"] != Status.PUBLISHED:
        form["status"] = data["status"]
    for name in spec.file_fields:
        if name in spec.many:
            form[name] = _link_keys(spec.many[name], getattr(item, name).all())
            continue
        if name in spec.fields and data[name] in _EMPTY:
            default = normalise_text(spec.to_file(name, field_default(spec.model, name)))
            if data[name] == default:
                continue
        form[name] = data[name]
    for child in spec.children:
        form[child.related_name] = data[child.related_name]
    if spec.cited:
        form["citation"] = {
            key: value
            for key, value in data["citation"].items()
            if value and value != CITATION_DEFAULTS[key]
        }
    return form


# -- YAML ---------------------------------------------------------------------------------------

# Seed files are wrapped at 90 columns, the width they were first written to by hand.
_WIDTH = 90
# Text a reader could take for a number, a time or a date (spans, days, "2") is quoted even
# where YAML would not need it, so nobody has to know which of them YAML reads as strings.
_LOOKS_NUMERIC = re.compile(r"[0-9][0-9:.\-]*")
# Line breaks other than "\n" do not survive block styles: such text is written escaped.
_RARE_BREAKS = re.compile("[\r\x85\u2028\u2029]")
# A list of single words (link keys, weekday names) is written on one line.
_WORD = re.compile(r"[\w.-]+")
# Where folded text may break: a single space between two words. YAML reads a folded line
# break back as one space, so a break anywhere else would change the text.
_FOLD_POINT = re.compile(r"(?<=\S) (?=\S)")


class _Prose(str):
    """A prose field's text on one line: written folded, wrapped to the file's width."""


class _Dumper(yaml.SafeDumper):
    """YAML as people write it: prose folded and wrapped, multi-line text as literal blocks,
    other text on one line however long, lists of words inline, other lists indented, and
    double quotes where quotes are needed."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        # Seed files spell every value out: no anchors, even where two items share a list.
        return True

    def choose_scalar_style(self) -> str:
        style = super().choose_scalar_style()
        return '"' if style == "'" else style

    # PyYAML wraps plain and quoted text at the width too; only folded prose is wrapped.
    def write_plain(self, text: str, split: bool = True) -> None:
        super().write_plain(text, split=False)

    def write_double_quoted(self, text: str, split: bool = True) -> None:
        super().write_double_quoted(text, split=False)

    def write_folded(self, text: str) -> None:
        # PyYAML breaks a folded line at the first space past the width, so its lines run
        # over by a word; here each line takes the words that fit within the width, as
        # people wrap text. Only one-line text without surrounding spaces is folded.
        self.write_indicator(">" + self.determine_block_hints(text), True)
        self.write_line_break()
        self.write_indent()
        for index, word in enumerate(_FOLD_POINT.split(text)):
            if index and self.column + 1 + len(word) > self.best_width:
                self.write_indent()
            elif index:
                self._write_text(" ")
            self._write_text(word)
        self.write_line_break()

    def _write_text(self, data: str) -> None:
        self.column += len(data)
        self.stream.write(data.encode(self.encoding) if self.encoding else data)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if _RARE_BREAKS.search(value):
        style = '"'
    elif "\n" in value:
        style = "|"
    elif isinstance(value, _Prose) and value == value.strip():
        style = ">"
    elif _LOOKS_NUMERIC.fullmatch(value):
        style = '"'
    else:
        style = None
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style=style)


def _represent_list(dumper: yaml.SafeDumper, value: list) -> yaml.SequenceNode:
    words = bool(value) and all(isinstance(v, str) and _WORD.fullmatch(v) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=words)


_Dumper.add_representer(str, _represent_text)
_Dumper.add_representer(_Prose, _represent_text)
_Dumper.add_representer(list, _represent_list)

_SPECS_BY_SECTION = {spec.section: spec for spec in CONTENT_SPECS}


def _prose_fields(model: type[models.Model]) -> set[str]:
    return {f.name for f in model._meta.get_fields() if isinstance(f, models.TextField)}


def _styled(row: dict[str, Any], model: type[models.Model], spec: ContentSpec | None) -> dict:
    prose = _prose_fields(model)
    children = {child.related_name: child.model for child in spec.children} if spec else {}
    styled: dict[str, Any] = {}
    for name, value in row.items():
        if name in prose and isinstance(value, str):
            value = _Prose(value)
        elif name in children and isinstance(value, list):
            value = [_styled(child, children[name], None) for child in value]
        styled[name] = value
    return styled


def _headings(spec: ContentSpec | None, items: list[Snapshot]) -> list[str]:
    """For each item, the comment line that heads it: where the value of the spec's
    ``heading`` field changes, a line with its label (``# --- People ----``), else ''."""
    if spec is None or spec.heading is None:
        return [""] * len(items)
    labels = dict(spec.model._meta.get_field(spec.heading).flatchoices)
    headings, previous = [], object()
    for item in items:
        value = item.get(spec.heading)
        label = str(labels.get(value, value))
        headings.append(f"  # --- {label} ".ljust(_WIDTH, "-") + "\n" if value != previous else "")
        previous = value
    return headings


def _section_text(section: str, items: list[Snapshot]) -> str:
    spec = _SPECS_BY_SECTION.get(section)
    if spec is not None:
        items = [_styled(item, spec.model, spec) for item in items]
    if not items:
        return _yaml_text({section: []})
    # Items that carry a citation are paragraphs of their own, a blank line apart; tags,
    # three short lines each, read better as one block.
    separator = "\n" if spec is None or spec.cited else ""
    texts = [
        heading + _yaml_text({section: [item]}).split("\n", 1)[1]
        for heading, item in zip(_headings(spec, items), items, strict=True)
    ]
    return f"{section}:\n" + separator.join(texts)


def _yaml_text(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=_WIDTH)


def yaml_dump(sections: dict[str, list[Snapshot]]) -> str:
    """Sections of items as a seed file's text, a blank line between sections. The same
    content always gives the same text, so a change to an item changes only its lines."""
    return "\n".join(_section_text(section, items) for section, items in sections.items())
