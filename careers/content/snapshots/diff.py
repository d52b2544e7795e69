"""Differences between two snapshots, field by field and word by word.

django-simple-history's ``diff_against`` compares two historical records of one model's own
fields. Editors also compare the live row with a pending change (which is no record) and a
track's rows with their history, so every comparison is made between snapshots instead.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from careers.content.snapshots.build import Snapshot


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


def _flatten(data: Snapshot) -> dict[str, Any]:
    flat = {}
    for key, value in data.items():
        if key == "citation" and isinstance(value, dict):
            flat.update({f"citation {name}": item for name, item in value.items()})
        else:
            flat[key] = value
    return flat


def snapshot_diff(before: Snapshot, after: Snapshot) -> list[FieldChange]:
    """The fields that differ between two snapshots, in the order the item lists them."""
    old, new = _flatten(before), _flatten(after)
    names = list(dict.fromkeys([*new, *old]))
    return [
        FieldChange(name, old.get(name), new.get(name))
        for name in names
        if old.get(name) != new.get(name) and name != "status"
    ]
