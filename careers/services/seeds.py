"""Loading the seed content in ``seeds/`` into the knowledge base.

Every seeded row remembers the fingerprint of what the loader last wrote to it. On the next
load a row whose current fingerprint differs was changed by an editor in the admin: the loader
keeps it and reports it instead of overwriting the editor's work. Rows are matched by their
natural key (``slug`` or ``key``), never by primary key, so seeds load into any database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import models, transaction

from careers.models import (
    AdviceItem,
    CareerPath,
    Criterion,
    Goal,
    LearningTrack,
    RedFlagRule,
    Tag,
    Tip,
    TrackCourse,
    TrackPrerequisite,
    TrackProjectStep,
)
from careers.models.content import WEEKDAYS, Status

CITATION_DEFAULTS = {
    "source": "interview",
    "span": "",
    "url": "",
    "licence": "own-words",
    "verified": "",
}
CITATION_FIELDS = {
    "source": "citation_source",
    "span": "citation_span",
    "url": "citation_url",
    "licence": "citation_licence",
    "verified": "last_verified_on",
}
WEEKDAY_NUMBERS = {name.lower(): number for number, name in WEEKDAYS}
WEEKDAY_NAMES = {number: name.lower() for number, name in WEEKDAYS}


class SeedError(Exception):
    """Bad seed data; the message names the file and the item. ``detail`` leaves the file
    out, for data that did not come from a seed file (a pending change, an upload)."""

    def __init__(self, message: str, *, detail: str | None = None):
        super().__init__(message)
        self.detail = message if detail is None else detail


def _days_to_db(value: Any) -> Any:
    if not isinstance(value, list):
        return value
    return [WEEKDAY_NUMBERS.get(str(day).lower(), day) for day in value]


def _days_from_db(value: Any) -> Any:
    return [WEEKDAY_NAMES.get(day, day) for day in value]


def _flag_value_to_db(value: Any) -> Any:
    # YAML 1.1 reads an unquoted yes/no as a boolean; a red flag means the words.
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value).lower()


def _lines_to_db(value: Any) -> Any:
    if isinstance(value, list):
        return "\n".join(str(line).strip() for line in value)
    return value


def _lines_from_db(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


@dataclass(frozen=True)
class ChildSpec:
    related_name: str
    model: type[models.Model]
    fields: tuple[str, ...]


@dataclass(frozen=True)
class SeedSpec:
    """How one section of one seed file maps onto a model."""

    file: str
    section: str
    model: type[models.Model]
    key_field: str
    fields: tuple[str, ...]
    many: dict[str, type[models.Model]] = field(default_factory=dict)
    foreign: dict[str, type[models.Model]] = field(default_factory=dict)
    children: tuple[ChildSpec, ...] = ()
    # YAML form <-> database form for fields that read better differently in a text file.
    transforms: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = field(
        default_factory=dict
    )
    cited: bool = True

    @property
    def positioned(self) -> bool:
        return any(f.name == "position" for f in self.model._meta.get_fields())

    @property
    def all_fields(self) -> tuple[str, ...]:
        # The workflow status is part of what the loader writes, so an editor's archiving is
        # an editor's change like any other. Seed items are published unless they say not.
        return (*self.fields, "status") if self.cited else self.fields

    def allowed_keys(self) -> set[str]:
        keys = {self.key_field, *self.all_fields, *self.many, *self.foreign}
        keys |= {child.related_name for child in self.children}
        if self.cited:
            keys.add("citation")
        return keys


def _natural_key_field(model: type[models.Model]) -> str:
    return "slug" if any(f.name == "slug" for f in model._meta.get_fields()) else "key"


# Loaded in this order: a spec may only refer to models loaded before it.
SEED_SPECS: tuple[SeedSpec, ...] = (
    SeedSpec(
        file="paths.yaml",
        section="paths",
        model=CareerPath,
        key_field="slug",
        fields=("name", "summary", "what_to_look_for", "typical_questions"),
        transforms={"typical_questions": (_lines_to_db, _lines_from_db)},
    ),
    SeedSpec(
        file="goals.yaml",
        section="goals",
        model=Goal,
        key_field="slug",
        fields=("name", "description"),
        many={"paths": CareerPath},
        foreign={"requires_path": CareerPath},
    ),
    SeedSpec(
        file="criteria.yaml",
        section="criteria",
        model=Criterion,
        key_field="key",
        fields=(
            "question",
            "help_text",
            "category",
            "answer_type",
            "default_weight",
            "count_target",
            "question_to_ask",
        ),
        many={"paths": CareerPath},
    ),
    SeedSpec(
        file="red_flags.yaml",
        section="red_flags",
        model=RedFlagRule,
        key_field="key",
        fields=("title", "operator", "value", "severity", "explanation"),
        foreign={"criterion": Criterion},
        transforms={"value": (_flag_value_to_db, lambda v: v)},
    ),
    SeedSpec(
        file="advice.yaml",
        section="tags",
        model=Tag,
        key_field="slug",
        fields=("name", "kind"),
        cited=False,
    ),
    SeedSpec(
        file="advice.yaml",
        section="advice",
        model=AdviceItem,
        key_field="slug",
        fields=("title", "body"),
        many={"paths": CareerPath, "tags": Tag},
    ),
    SeedSpec(
        file="tracks.yaml",
        section="tracks",
        model=LearningTrack,
        key_field="slug",
        fields=(
            "name",
            "summary",
            "ml_course_title",
            "ml_course_weeks",
            "ml_course_first_when",
            "specialization_title",
            "default_weeks",
            "papers_per_week",
            "study_days",
        ),
        children=(
            ChildSpec("prerequisites", TrackPrerequisite, ("key", "question", "help_text")),
            ChildSpec("courses", TrackCourse, ("title", "summary", "weeks_share")),
            ChildSpec("project_steps", TrackProjectStep, ("title", "description")),
        ),
        transforms={"study_days": (_days_to_db, _days_from_db)},
    ),
    SeedSpec(
        file="tips.yaml",
        section="tips",
        model=Tip,
        key_field="key",
        fields=("text",),
        foreign={"track": LearningTrack},
    ),
)


@dataclass
class SectionReport:
    file: str
    section: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.file} [{self.section}]: {len(self.created)} created, "
            f"{len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.kept)} kept (changed in the admin since the last load)"
        )


@dataclass
class SeedReport:
    sections: list[SectionReport] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return sum(len(s.created) + len(s.updated) for s in self.sections)

    @property
    def kept(self) -> list[tuple[str, str]]:
        return [(s.file, key) for s in self.sections for key in s.kept]


def fingerprint(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _field_default(model: type[models.Model], name: str) -> Any:
    if name == "status":
        return Status.PUBLISHED
    model_field = model._meta.get_field(name)
    if model_field.many_to_many:
        return []
    if model_field.has_default():
        return model_field.get_default()
    if model_field.null:
        return None
    return ""


def _normalise_text(value: Any) -> Any:
    """Text as the admin saves it: browsers send CRLF line breaks and Django's form fields
    strip surrounding whitespace, so neither may count as an editor's change."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    if isinstance(value, list):
        return [_normalise_text(item) for item in value]
    return value


def _citation_value(key: str, value: Any) -> str:
    """A citation field in its text form; a verification date is written ``YYYY-MM-DD``."""
    if value is None:
        return ""
    if key == "verified" and isinstance(value, date):
        return value.isoformat()
    return _normalise_text(str(value))


def _child_rows(spec: ChildSpec, children: Iterable[models.Model]) -> list[dict[str, Any]]:
    return [
        {name: _normalise_text(getattr(child, name)) for name in spec.fields} for child in children
    ]


def seed_item_serialize(
    spec: SeedSpec,
    instance: models.Model,
    *,
    many_keys: dict[str, list[str]],
    children: dict[str, list[models.Model]],
) -> dict[str, Any]:
    """The YAML form of one item. Both sides of every comparison go through here."""
    data: dict[str, Any] = {spec.key_field: getattr(instance, spec.key_field)}
    for name in spec.all_fields:
        value = getattr(instance, name)
        if name in spec.transforms:
            value = spec.transforms[name][1](value)
        data[name] = _normalise_text(value)
    for name in spec.many:
        data[name] = sorted(many_keys[name])
    for name, target in spec.foreign.items():
        related = getattr(instance, name)
        data[name] = getattr(related, _natural_key_field(target)) if related else None
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


def spec_for(model: type[models.Model]) -> SeedSpec:
    for spec in SEED_SPECS:
        if spec.model is model:
            return spec
    raise LookupError(f"{model.__name__} is not curated content")


def spec_queryset(spec: SeedSpec, queryset: models.QuerySet) -> models.QuerySet:
    """``queryset`` with what serialising its items needs fetched up front, in file order."""
    if spec.many:
        queryset = queryset.prefetch_related(*spec.many)
    if spec.children:
        queryset = queryset.prefetch_related(*(c.related_name for c in spec.children))
    if spec.foreign:
        queryset = queryset.select_related(*spec.foreign)
    ordering = ["position", spec.key_field] if spec.positioned else [spec.key_field]
    return queryset.order_by(*ordering)


def seed_item_serialize_stored(spec: SeedSpec, instance: models.Model) -> dict[str, Any]:
    many_keys = {
        name: [getattr(obj, _natural_key_field(target)) for obj in getattr(instance, name).all()]
        for name, target in spec.many.items()
    }
    children = {
        c.related_name: list(getattr(instance, c.related_name).all()) for c in spec.children
    }
    return seed_item_serialize(spec, instance, many_keys=many_keys, children=children)


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(errors)}" for name, errors in error.message_dict.items()
        )
    return " ".join(error.messages)


@dataclass
class _Planned:
    key: str
    existing: models.Model | None
    instance: models.Model
    many_ids: dict[str, list[int]]
    many_keys: dict[str, list[str]]
    children: dict[str, list[models.Model]]


class _SectionLoader:
    def __init__(self, spec: SeedSpec, items: list[Any], known: dict[type, dict[str, Any]]):
        self.spec = spec
        self.items = items
        self.known = known

    def fail(self, key: str | None, message: str) -> SeedError:
        where = f"{self.spec.section} item '{key}'" if key else self.spec.section
        return SeedError(
            f"seeds/{self.spec.file}: {where}: {message}", detail=f"{where}: {message}"
        )

    def plan(
        self,
        raw: Any,
        index: int,
        existing: models.Model | None,
        *,
        position: int | None = None,
        validate_unique: bool | None = None,
    ) -> _Planned:
        spec = self.spec
        if not isinstance(raw, dict):
            raise self.fail(None, f"entry #{index + 1} is not a mapping of fields")
        key = raw.get(spec.key_field)
        if not key or not isinstance(key, str):
            raise self.fail(None, f"entry #{index + 1} has no '{spec.key_field}'")
        unknown = sorted(set(raw) - spec.allowed_keys())
        if unknown:
            raise self.fail(key, f"unknown field(s) {', '.join(unknown)}")

        instance = spec.model(**{spec.key_field: key})
        if existing is not None:
            instance.pk = existing.pk
            instance._state.adding = False  # so uniqueness checks leave the row itself out
        for name in spec.all_fields:
            value = raw.get(name, _field_default(spec.model, name))
            if name in spec.transforms:
                value = spec.transforms[name][0](value)
            setattr(instance, name, _normalise_text(value))
        if spec.positioned:
            instance.position = index + 1 if position is None else position
        if spec.cited:
            citation = raw.get("citation")
            if not isinstance(citation, dict):
                raise self.fail(key, "needs a citation with at least a span or a url")
            extra = sorted(set(citation) - set(CITATION_DEFAULTS))
            if extra:
                raise self.fail(key, f"unknown citation field(s) {', '.join(extra)}")
            for ckey, attr in CITATION_FIELDS.items():
                value = citation.get(ckey, CITATION_DEFAULTS[ckey])
                if ckey == "verified":
                    value = self._date(key, value)
                elif value is None:
                    value = ""
                setattr(instance, attr, value if ckey == "verified" else str(value))

        for name, target in spec.foreign.items():
            ref = raw.get(name)
            if ref is None:
                setattr(instance, name, None)
                continue
            if not isinstance(ref, str):
                raise self.fail(key, f"{name} must be a single {spec.key_field}-like name")
            obj = self.known[target].get(ref)
            if obj is None:
                raise self.fail(key, f"{name}: no {target._meta.verbose_name} '{ref}'")
            setattr(instance, name, obj)

        many_ids: dict[str, list[int]] = {}
        many_keys: dict[str, list[str]] = {}
        for name, target in spec.many.items():
            refs = raw.get(name, [])
            if not isinstance(refs, list) or not all(isinstance(ref, str) for ref in refs):
                raise self.fail(key, f"{name} must be a list of names")
            repeated = sorted({ref for ref in refs if refs.count(ref) > 1})
            if repeated:
                raise self.fail(key, f"{name}: {', '.join(repeated)} listed more than once")
            missing = [ref for ref in refs if ref not in self.known[target]]
            if missing:
                raise self.fail(
                    key, f"{name}: no {target._meta.verbose_name} {', '.join(map(str, missing))}"
                )
            many_ids[name] = [self.known[target][ref].pk for ref in refs]
            many_keys[name] = [str(ref) for ref in refs]

        exclude = [*spec.many, "seed_fingerprint"]
        if validate_unique is None:
            validate_unique = existing is None
        try:
            instance.full_clean(exclude=exclude, validate_unique=validate_unique)
        except ValidationError as error:
            raise self.fail(key, _messages(error)) from None

        children: dict[str, list[models.Model]] = {}
        for child_spec in spec.children:
            rows = raw.get(child_spec.related_name, [])
            if not isinstance(rows, list):
                raise self.fail(key, f"{child_spec.related_name} must be a list")
            built = []
            for position, row in enumerate(rows, start=1):
                if not isinstance(row, dict) or set(row) - set(child_spec.fields):
                    raise self.fail(
                        key,
                        f"{child_spec.related_name} #{position} takes only "
                        f"{', '.join(child_spec.fields)}",
                    )
                child = child_spec.model(
                    position=position, **{k: _normalise_text(v) for k, v in row.items()}
                )
                try:
                    child.full_clean(exclude=["track"], validate_constraints=False)
                except ValidationError as error:
                    raise self.fail(
                        key, f"{child_spec.related_name} #{position}: {_messages(error)}"
                    ) from None
                built.append(child)
            children[child_spec.related_name] = built
        return _Planned(key, existing, instance, many_ids, many_keys, children)

    def _date(self, key: str, value: Any) -> date | None:
        if value in (None, ""):
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise self.fail(
                key, f"citation verified {value!r} is not a date (YYYY-MM-DD)"
            ) from None

    def apply(self, report: SectionReport) -> None:
        spec = self.spec
        queryset = spec.model.objects.all()
        if spec.many:
            queryset = queryset.prefetch_related(*spec.many)
        if spec.children:
            queryset = queryset.prefetch_related(*(c.related_name for c in spec.children))
        existing = {getattr(obj, spec.key_field): obj for obj in queryset}

        seen: set[str] = set()
        for index, raw in enumerate(self.items):
            key = raw.get(spec.key_field) if isinstance(raw, dict) else None
            if not isinstance(key, str):
                key = None
            if key in seen:
                raise self.fail(key, "appears twice")
            planned = self.plan(raw, index, existing.get(key))
            seen.add(planned.key)
            desired = seed_item_serialize(
                spec,
                planned.instance,
                many_keys=planned.many_keys,
                children=planned.children,
            )
            stored = existing.get(planned.key)
            if stored is not None:
                self.known[spec.model][planned.key] = stored
                current = seed_item_serialize_stored(spec, stored)
                if current == desired:
                    # Identical to the seed, whoever wrote it: the seed owns it again.
                    if stored.seed_fingerprint != fingerprint(desired):
                        spec.model.objects.filter(pk=stored.pk).update(
                            seed_fingerprint=fingerprint(desired)
                        )
                    report.unchanged.append(planned.key)
                    continue
                if fingerprint(current) != stored.seed_fingerprint:
                    report.kept.append(planned.key)
                    continue
            self._write(planned, desired)
            (report.created if stored is None else report.updated).append(planned.key)
            self.known[spec.model][planned.key] = planned.instance

    def _write(
        self,
        planned: _Planned,
        desired: dict[str, Any],
        *,
        seed_fingerprint: str | None = None,
        version: int | None = None,
    ) -> None:
        """Save a planned item; ``seed_fingerprint`` keeps a fingerprint other than the one of
        ``desired`` (an editor's change applied through the workflow is not the seed's)."""
        instance = planned.instance
        instance.seed_fingerprint = (
            fingerprint(desired) if seed_fingerprint is None else seed_fingerprint
        )
        if self.spec.cited:
            # The loader writes only what changed: a change to live content is a new version.
            existing = planned.existing
            previous = existing.version if existing is not None else 0
            instance.version = previous + 1 if instance.status == Status.PUBLISHED else previous
        if version is not None:
            instance.version = version
        if not (self.spec.many or self.spec.children):
            instance.save()
            return
        # One history record of the item as written, links and children included: the row
        # and its links are written without history (each link change would otherwise add
        # a record of a half-written item), then saved once more to record it whole.
        instance.skip_history_when_saving = True
        try:
            instance.save()
            for name, ids in planned.many_ids.items():
                getattr(instance, name).set(ids)
        finally:
            del instance.skip_history_when_saving
        for child_spec in self.spec.children:
            _children_write(instance, child_spec, planned.children[child_spec.related_name])
        instance.save()


def _children_write(parent: models.Model, spec: ChildSpec, wanted: list[models.Model]) -> None:
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
    for child, row in zip(wanted, matched, strict=True):
        names = (*spec.fields, "position")
        if row is None:
            child.track = parent
            child.save()
        elif any(getattr(row, name) != getattr(child, name) for name in names):
            for name in names:
                setattr(row, name, getattr(child, name))
            row.save()


def referenced_items(spec: SeedSpec) -> dict[type, dict[str, models.Model]]:
    """Every item the spec's links may name, by natural key, per model."""
    return {
        target: {getattr(obj, _natural_key_field(target)): obj for obj in target.objects.all()}
        for target in {*spec.many.values(), *spec.foreign.values()}
    }


def seed_item_apply(
    instance: models.Model, data: dict[str, Any], *, status: str, version: int
) -> models.Model:
    """Write ``data`` (an item in the form ``seed_item_serialize`` gives) onto the stored
    ``instance`` with the given workflow ``status`` and ``version``, fields, links and
    children alike, validated as the loader validates. The row keeps its seed fingerprint,
    so a later ``load_seeds`` still sees an editor's change and keeps it."""
    spec = spec_for(type(instance))
    known = referenced_items(spec)
    loader = _SectionLoader(spec, [], known)
    raw = dict(data)
    position = raw.pop("position", None)
    raw["status"] = status
    planned = loader.plan(raw, 0, instance, position=position, validate_unique=True)
    desired = seed_item_serialize(
        spec, planned.instance, many_keys=planned.many_keys, children=planned.children
    )
    loader._write(planned, desired, seed_fingerprint=instance.seed_fingerprint, version=version)
    return planned.instance


def _read_file(directory: Path, name: str) -> dict[str, Any]:
    path = directory / name
    if not path.exists():
        raise SeedError(f"seeds/{name}: file not found in {directory}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise SeedError(f"seeds/{name}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise SeedError(f"seeds/{name}: expected a mapping of sections at the top level")
    return data


def seeds_load(*, directory: Path, progress: Callable[[str], None] | None = None) -> SeedReport:
    """Load every seed file in ``directory``, all or nothing.

    Creates missing items, updates items whose seed text changed, leaves identical items
    alone, and keeps (and reports) items an editor changed since the last load. Any bad item
    aborts the whole load with a ``SeedError`` naming the file and the item.
    """
    files: dict[str, dict[str, Any]] = {}
    for spec in SEED_SPECS:
        if spec.file not in files:
            files[spec.file] = _read_file(directory, spec.file)
    for name, data in files.items():
        sections = {spec.section for spec in SEED_SPECS if spec.file == name}
        unknown = sorted(set(data) - sections)
        if unknown:
            raise SeedError(f"seeds/{name}: unknown section(s) {', '.join(unknown)}")

    report = SeedReport()
    known: dict[type, dict[str, Any]] = {}
    with transaction.atomic():
        for spec in SEED_SPECS:
            known[spec.model] = {
                getattr(obj, spec.key_field): obj for obj in spec.model.objects.all()
            }
            items = files[spec.file].get(spec.section) or []
            if not isinstance(items, list):
                raise SeedError(f"seeds/{spec.file}: '{spec.section}' must be a list of items")
            section = SectionReport(file=spec.file, section=spec.section)
            _SectionLoader(spec, items, known).apply(section)
            report.sections.append(section)
            if progress is not None:
                progress(section.summary())
    return report


class _SeedDumper(yaml.SafeDumper):
    """YAML as people write it: multi-line text as literal blocks, lists indented."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_SeedDumper.add_representer(str, _represent_text)


def _export_item(spec: SeedSpec, instance: models.Model) -> dict[str, Any]:
    """An item in the form seed files use: list order stands for position, and fields left
    at their default (and the default citation source and licence) are left out."""
    data = seed_item_serialize_stored(spec, instance)
    data.pop("position", None)
    if data.get("status") == Status.PUBLISHED:
        data.pop("status")
    for name in spec.fields:
        default = _field_default(spec.model, name)
        if name in spec.transforms:
            default = spec.transforms[name][1](default)
        if data.get(name) == _normalise_text(default) and name not in spec.many:
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


def seeds_export(
    *, directory: Path, progress: Callable[[str], None] | None = None
) -> dict[str, int]:
    """Write the published content to seed files in ``directory``, in the format
    ``seeds_load`` reads; returns the number of items written per file.

    Loading the files and exporting again gives the same files, byte for byte.
    """
    directory.mkdir(parents=True, exist_ok=True)
    files: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for spec in SEED_SPECS:
        queryset = spec.model.objects.all()
        if spec.cited:
            queryset = queryset.filter(status=Status.PUBLISHED)
        items = [_export_item(spec, obj) for obj in spec_queryset(spec, queryset)]
        files.setdefault(spec.file, {})[spec.section] = items
    counts: dict[str, int] = {}
    for name, sections in files.items():
        text = yaml.dump(
            sections, Dumper=_SeedDumper, sort_keys=False, allow_unicode=True, width=100
        )
        (directory / name).write_text(text, encoding="utf-8")
        counts[name] = sum(len(items) for items in sections.values())
        if progress is not None:
            progress(f"{name}: {counts[name]} item(s)")
    return counts
