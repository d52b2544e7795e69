"""How each kind of curated content maps onto its seed-file form.

A ``ContentSpec`` names the file and section an item lives in, its natural key, its plain
fields, its links to other content (by natural key), a track's child rows, and the fields
that read better differently in a text file (weekday names, one question per line).
``CONTENT_SPECS`` lists every kind in load order: a spec only links to kinds before it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from careers.content.models import (
    WEEKDAYS,
    AdviceItem,
    CareerPath,
    Criterion,
    Goal,
    LearningTrack,
    RedFlagRule,
    Status,
    Tag,
    Tip,
    TrackCourse,
    TrackPrerequisite,
    TrackProjectStep,
)

CITATION_DEFAULTS = {
    "source": "interview",
    "span": "",
    "url": "",
    "licence": "own-words",
    "verified": "",
}
# Citation keys of the file form and the model fields they are stored in.
CITATION_FIELDS = {
    "source": "citation_source",
    "span": "citation_span",
    "url": "citation_url",
    "licence": "citation_licence",
    "verified": "last_verified_on",
}
WEEKDAY_NUMBERS = {name.lower(): number for number, name in WEEKDAYS}
WEEKDAY_NAMES = {number: name.lower() for number, name in WEEKDAYS}


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


def _unchanged(value: Any) -> Any:
    return value


# A transform is (file form -> database form, database form -> file form).
Transform = tuple[Callable[[Any], Any], Callable[[Any], Any]]


@dataclass(frozen=True)
class ChildSpec:
    """Rows that belong to an item and are edited with it (a track's courses)."""

    related_name: str
    model: type[models.Model]
    fields: tuple[str, ...]


@dataclass(frozen=True)
class ContentSpec:
    """How one section of one seed file maps onto a model."""

    file: str
    section: str
    model: type[models.Model]
    key_field: str
    fields: tuple[str, ...]
    many: dict[str, type[models.Model]] = field(default_factory=dict)
    foreign: dict[str, type[models.Model]] = field(default_factory=dict)
    children: tuple[ChildSpec, ...] = ()
    transforms: dict[str, Transform] = field(default_factory=dict)
    # Whether items carry a citation and go through the review workflow (tags do not).
    cited: bool = True
    # What items without a position are listed by in seed files before their natural key.
    listed_by: tuple[str, ...] = ()
    # A choice field whose label heads each run of items sharing a value in seed files, as a
    # comment: the grouping is in the data, so an export writes the same headings.
    heading: str | None = None

    @property
    def positioned(self) -> bool:
        return any(f.name == "position" for f in self.model._meta.get_fields())

    @property
    def all_fields(self) -> tuple[str, ...]:
        # The workflow status is part of what the loader writes, so an editor's archiving is
        # an editor's change like any other. Seed items are published unless they say not.
        return (*self.fields, "status") if self.cited else self.fields

    @property
    def file_fields(self) -> tuple[str, ...]:
        """The fields and links of an item in the order seed files write them: the order the
        model declares them, so a field added to the model and to ``fields`` takes its place
        there, and every item keeps it in the same place."""
        names = (*self.fields, *self.many, *self.foreign)
        return tuple(sorted(names, key=lambda n: self.model._meta.get_field(n).creation_counter))

    @property
    def file_order(self) -> tuple[str, ...]:
        """What seed files list items by: their position, or else (for kinds without one)
        ``listed_by`` and their natural key, which the admin rarely changes, so a rename
        never moves an item."""
        if self.positioned:
            return ("position", self.key_field)
        return (*self.listed_by, self.key_field)

    def allowed_keys(self) -> set[str]:
        keys = {self.key_field, *self.all_fields, *self.many, *self.foreign}
        keys |= {child.related_name for child in self.children}
        if self.cited:
            keys.add("citation")
        return keys

    def to_file(self, name: str, value: Any) -> Any:
        """A field's database value in its file form."""
        return self.transforms[name][1](value) if name in self.transforms else value

    def to_db(self, name: str, value: Any) -> Any:
        """A field's file value in its database form."""
        return self.transforms[name][0](value) if name in self.transforms else value


def natural_key_field(model: type[models.Model]) -> str:
    """The field seed files name an item of ``model`` by: its slug, or else its key."""
    return "slug" if any(f.name == "slug" for f in model._meta.get_fields()) else "key"


def field_default(model: type[models.Model], name: str) -> Any:
    """What a field left out of a file means: its model default (published, for status)."""
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


CONTENT_SPECS: tuple[ContentSpec, ...] = (
    ContentSpec(
        file="paths.yaml",
        section="paths",
        model=CareerPath,
        key_field="slug",
        fields=("name", "summary", "what_to_look_for", "typical_questions"),
        transforms={"typical_questions": (_lines_to_db, _lines_from_db)},
    ),
    ContentSpec(
        file="goals.yaml",
        section="goals",
        model=Goal,
        key_field="slug",
        fields=("name", "description"),
        many={"paths": CareerPath},
        foreign={"requires_path": CareerPath},
    ),
    ContentSpec(
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
            "ask_whom",
        ),
        many={"paths": CareerPath},
        heading="category",
    ),
    ContentSpec(
        file="red_flags.yaml",
        section="red_flags",
        model=RedFlagRule,
        key_field="key",
        fields=("title", "operator", "value", "severity", "explanation"),
        foreign={"criterion": Criterion},
        transforms={"value": (_flag_value_to_db, _unchanged)},
    ),
    ContentSpec(
        file="advice.yaml",
        section="tags",
        model=Tag,
        key_field="slug",
        fields=("name", "kind"),
        cited=False,
        # By kind, so the stages ("stage" sorts before "topic") come first, then by slug.
        listed_by=("kind",),
    ),
    ContentSpec(
        file="advice.yaml",
        section="advice",
        model=AdviceItem,
        key_field="slug",
        fields=("title", "body", "audience"),
        many={"paths": CareerPath, "tags": Tag, "red_flags": RedFlagRule},
    ),
    ContentSpec(
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
    ContentSpec(
        file="tips.yaml",
        section="tips",
        model=Tip,
        key_field="key",
        fields=("text",),
        foreign={"track": LearningTrack},
    ),
)


def spec_for(model: type[models.Model]) -> ContentSpec:
    for spec in CONTENT_SPECS:
        if spec.model is model:
            return spec
    raise LookupError(f"{model.__name__} is not curated content")


def spec_queryset(spec: ContentSpec, queryset: models.QuerySet) -> models.QuerySet:
    """``queryset`` with what snapshotting its items needs fetched up front, in file order."""
    if spec.many:
        queryset = queryset.prefetch_related(*spec.many)
    if spec.children:
        queryset = queryset.prefetch_related(*(c.related_name for c in spec.children))
    if spec.foreign:
        queryset = queryset.select_related(*spec.foreign)
    return queryset.order_by(*spec.file_order)
