"""From snapshots back to items: read a snapshot into an unsaved item, validated as the model
validates and with its links resolved by natural key, then write it with one history record
of the whole item."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from careers.content.snapshots import specs
from careers.content.snapshots.build import Snapshot, normalise_text, snapshot_build

# Items by natural key, per model: what a snapshot's links may name.
Known = dict[type[models.Model], dict[str, models.Model]]


class SnapshotError(Exception):
    """Data an item cannot take. The message names the seed file, the section and the item;
    ``detail`` leaves the file out, for data that did not come from a seed file (a pending
    change, an upload)."""

    def __init__(self, message: str, *, detail: str | None = None):
        super().__init__(message)
        self.detail = message if detail is None else detail


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(errors)}" for name, errors in error.message_dict.items()
        )
    return " ".join(error.messages)


@dataclass
class PlannedItem:
    """A snapshot read into an unsaved item, ready to write."""

    spec: specs.ContentSpec
    key: str
    existing: models.Model | None
    instance: models.Model
    many_ids: dict[str, list[int]]
    many_keys: dict[str, list[str]]
    children: dict[str, list[models.Model]]

    def snapshot(self) -> Snapshot:
        """The item as it will be stored, in the form every comparison uses."""
        return snapshot_build(
            self.spec, self.instance, many_keys=self.many_keys, children=self.children
        )


def referenced_items(spec: specs.ContentSpec) -> Known:
    """Every item the spec's links may name, by natural key, per model."""
    return {
        target: {getattr(obj, specs.natural_key_field(target)): obj for obj in target.objects.all()}
        for target in {*spec.many.values(), *spec.foreign.values()}
    }


class SnapshotReader:
    """Reads snapshots of one kind of content into unsaved items.

    ``known`` holds the items links may name; the seed loader grows it section by section,
    as the items a later section links to are loaded.
    """

    def __init__(self, spec: specs.ContentSpec, known: Known | None = None):
        self.spec = spec
        self.known = referenced_items(spec) if known is None else known

    def error(self, key: str | None, message: str) -> SnapshotError:
        where = f"{self.spec.section} item '{key}'" if key else self.spec.section
        return SnapshotError(
            f"seeds/{self.spec.file}: {where}: {message}", detail=f"{where}: {message}"
        )

    def read(
        self,
        raw: Any,
        index: int,
        existing: models.Model | None,
        *,
        position: int | None = None,
        validate_unique: bool | None = None,
    ) -> PlannedItem:
        """Entry ``index`` of a section (``raw``) as an item, onto the row ``existing`` when
        there is one. Its position is ``position``, or else its place in the section.
        Raises ``SnapshotError`` naming the item and what is wrong with it."""
        spec = self.spec
        if not isinstance(raw, dict):
            raise self.error(None, f"entry #{index + 1} is not a mapping of fields")
        key = raw.get(spec.key_field)
        if not key or not isinstance(key, str):
            raise self.error(None, f"entry #{index + 1} has no '{spec.key_field}'")
        unknown = sorted(set(raw) - spec.allowed_keys())
        if unknown:
            raise self.error(key, f"unknown field(s) {', '.join(unknown)}")

        instance = spec.model(**{spec.key_field: key})
        if existing is not None:
            instance.pk = existing.pk
            instance._state.adding = False  # so uniqueness checks leave the row itself out
        for name in spec.all_fields:
            value = spec.to_db(name, raw.get(name, specs.field_default(spec.model, name)))
            setattr(instance, name, normalise_text(value))
        if spec.positioned:
            instance.position = index + 1 if position is None else position
        if spec.cited:
            self._read_citation(key, raw.get("citation"), instance)
        for name, target in spec.foreign.items():
            setattr(instance, name, self._foreign(key, name, target, raw.get(name)))
        many_ids: dict[str, list[int]] = {}
        many_keys: dict[str, list[str]] = {}
        for name, target in spec.many.items():
            refs = self._many(key, name, target, raw.get(name, []))
            many_ids[name] = [self.known[target][ref].pk for ref in refs]
            many_keys[name] = refs

        if validate_unique is None:
            validate_unique = existing is None
        try:
            instance.full_clean(
                exclude=[*spec.many, "seed_fingerprint"], validate_unique=validate_unique
            )
        except ValidationError as error:
            raise self.error(key, _messages(error)) from None
        children = {
            child.related_name: self._children(key, child, raw.get(child.related_name, []))
            for child in spec.children
        }
        return PlannedItem(spec, key, existing, instance, many_ids, many_keys, children)

    def _read_citation(self, key: str, citation: Any, instance: models.Model) -> None:
        if not isinstance(citation, dict):
            raise self.error(key, "needs a citation with at least a span or a url")
        extra = sorted(set(citation) - set(specs.CITATION_DEFAULTS))
        if extra:
            raise self.error(key, f"unknown citation field(s) {', '.join(extra)}")
        for name, attr in specs.CITATION_FIELDS.items():
            value = citation.get(name, specs.CITATION_DEFAULTS[name])
            if name == "verified":
                setattr(instance, attr, self._date(key, value))
            else:
                setattr(instance, attr, "" if value is None else str(value))

    def _date(self, key: str, value: Any) -> date | None:
        if value in (None, ""):
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise self.error(
                key, f"citation verified {value!r} is not a date (YYYY-MM-DD)"
            ) from None

    def _foreign(self, key: str, name: str, target: type, ref: Any) -> models.Model | None:
        if ref is None:
            return None
        if not isinstance(ref, str):
            raise self.error(key, f"{name} must be a single {self.spec.key_field}-like name")
        obj = self.known[target].get(ref)
        if obj is None:
            raise self.error(key, f"{name}: no {target._meta.verbose_name} '{ref}'")
        return obj

    def _many(self, key: str, name: str, target: type, refs: Any) -> list[str]:
        if not isinstance(refs, list) or not all(isinstance(ref, str) for ref in refs):
            raise self.error(key, f"{name} must be a list of names")
        repeated = sorted({ref for ref in refs if refs.count(ref) > 1})
        if repeated:
            raise self.error(key, f"{name}: {', '.join(repeated)} listed more than once")
        missing = [ref for ref in refs if ref not in self.known[target]]
        if missing:
            raise self.error(key, f"{name}: no {target._meta.verbose_name} {', '.join(missing)}")
        return list(refs)

    def _children(self, key: str, spec: specs.ChildSpec, rows: Any) -> list[models.Model]:
        if not isinstance(rows, list):
            raise self.error(key, f"{spec.related_name} must be a list")
        built = []
        for position, row in enumerate(rows, start=1):
            if not isinstance(row, dict) or set(row) - set(spec.fields):
                raise self.error(
                    key, f"{spec.related_name} #{position} takes only {', '.join(spec.fields)}"
                )
            child = spec.model(position=position, **{k: normalise_text(v) for k, v in row.items()})
            try:
                child.full_clean(exclude=["track"], validate_constraints=False)
            except ValidationError as error:
                raise self.error(
                    key, f"{spec.related_name} #{position}: {_messages(error)}"
                ) from None
            built.append(child)
        return built


def item_write(planned: PlannedItem, *, seed_fingerprint: str, version: int | None) -> None:
    """Save a planned item with its links and child rows, as one history record.

    ``seed_fingerprint`` is what the seed loader will compare the item with next time (the
    seed's own snapshot, or the stored one to keep an editor's change the editor's);
    ``version`` is the published version to store, ``None`` for content without versions.
    """
    instance = planned.instance
    instance.seed_fingerprint = seed_fingerprint
    if version is not None:
        instance.version = version
    spec = planned.spec
    if not (spec.many or spec.children):
        instance.save()
        return
    # One history record of the item as written, links and children included: the row and
    # its links are written without history (each link change would otherwise add a record
    # of a half-written item), then saved once more to record it whole.
    instance.skip_history_when_saving = True
    try:
        instance.save()
        for name, ids in planned.many_ids.items():
            getattr(instance, name).set(ids)
    finally:
        del instance.skip_history_when_saving
    for child_spec in spec.children:
        _children_write(instance, child_spec, planned.children[child_spec.related_name])
    instance.save()


def _children_write(
    parent: models.Model, spec: specs.ChildSpec, wanted: list[models.Model]
) -> None:
    """Make the parent's children match ``wanted``, changing rows in place so that what
    refers to them (a learner's check-in names its project step) keeps referring to them.
    Rows are matched by their ``key`` where they have one, otherwise by position; each save
    and delete is recorded in the child's history."""
    stored = list(getattr(parent, spec.related_name).order_by("position", "pk"))
    if "key" in spec.fields:
        by_key = {row.key: row for row in stored}
        matched = [by_key.pop(child.key, None) for child in wanted]
        surplus = list(by_key.values())
    else:
        matched = [*stored[: len(wanted)], *[None] * (len(wanted) - len(stored))]
        surplus = stored[len(wanted) :]
    for row in surplus:
        row.delete()
    names = (*spec.fields, "position")
    for child, row in zip(wanted, matched, strict=True):
        if row is None:
            child.track = parent
            child.save()
        elif any(getattr(row, name) != getattr(child, name) for name in names):
            for name in names:
                setattr(row, name, getattr(child, name))
            row.save()


def snapshot_apply(
    item: models.Model, data: Snapshot, *, status: str, version: int
) -> models.Model:
    """Write ``data`` (a snapshot) onto the stored ``item`` with the given workflow
    ``status`` and ``version``: fields, links and child rows alike, validated as the seed
    loader validates. The row keeps its seed fingerprint, so a later ``load_seeds`` still
    sees an editor's change and keeps it. Raises ``SnapshotError`` if the data no longer
    applies (a path it names was renamed, say)."""
    spec = specs.spec_for(type(item))
    raw = dict(data)
    position = raw.pop("position", None)
    raw["status"] = status
    planned = SnapshotReader(spec).read(raw, 0, item, position=position, validate_unique=True)
    item_write(planned, seed_fingerprint=item.seed_fingerprint, version=version)
    return planned.instance
