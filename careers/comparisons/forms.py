"""Forms of the offer comparison pages. They parse and bound input; services do the writes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError

from careers.comparisons.models import (
    COUNT_MAX,
    PAY_FIELDS,
    UNKNOWN,
    Answer,
    Comparison,
    Option,
    WeightOverride,
)
from careers.comparisons.pay_form import (
    DEFAULTED,
    PAY_LABELS,
    PAY_SECTIONS,
    PaySection,
    VestingScheduleField,
)
from careers.content.models import CareerPath, Criterion
from careers.content.selectors import criteria_by_category, path_list
from careers.core.forms import DateInput, ServiceForm, model_bounds, model_form_field

SCALE_CHOICES = [
    ("1", "1 (poor)"),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
    ("5", "5 (excellent)"),
    (UNKNOWN, "I don't know yet"),
]
YES_NO_CHOICES = [("yes", "Yes"), ("no", "No"), (UNKNOWN, "I don't know yet")]


class ComparisonForm(ServiceForm):
    title = model_form_field(
        Comparison,
        "title",
        help_text="For example: “Spring offers” or “After the PhD interviews”.",
    )
    notes = model_form_field(
        Comparison,
        "notes",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only you see these, unless you choose to share them.",
    )
    decision_deadline = model_form_field(
        Comparison,
        "decision_deadline",
        widget=DateInput,
        help_text="When you need to decide, if you know.",
    )
    currency = model_form_field(
        Comparison,
        "currency",
        label="Compare pay in",
        help_text="Three letters, such as USD, EUR or GBP. Empty: the first option's currency.",
        widget=forms.TextInput(attrs={"size": 3, "autocapitalize": "characters"}),
    )

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].strip().upper()


class PathChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: CareerPath) -> str:
        return obj.name


def _option_field(name: str, label: str, help_text: str = "", **overrides) -> forms.Field:
    return model_form_field(Option, name, label=label, help_text=help_text, **overrides)


class OptionForm(ServiceForm):
    path = PathChoiceField(
        queryset=CareerPath.objects.published(),
        empty_label="Choose a career path",
        help_text="Each path asks about its own people: a manager, a research lead, a PhD "
        "advisor or a startup's founders.",
    )
    organisation = _option_field("organisation", "Organisation")
    team = _option_field(
        "team",
        "Team, lab or role",
        "Leave empty if they have not told you which team you would join.",
    )
    location = _option_field("location", "Location")
    manager_name = _option_field("manager_name", "Manager or advisor")
    base_salary = _option_field("base_salary", "Base salary per year")
    bonus = _option_field("bonus", "Bonus per year")
    equity_per_year = _option_field(
        "equity_per_year", "Equity per year", "The yearly value of stock or options."
    )
    stipend = _option_field(
        "stipend", "PhD stipend per year", "Shown on its own, not added to a salary."
    )
    currency = _option_field(
        "currency",
        "Currency",
        "Three letters, such as USD, EUR or GBP.",
        widget=forms.TextInput(attrs={"size": 3, "autocapitalize": "characters"}),
    )
    offer_deadline = _option_field("offer_deadline", "Offer deadline", widget=DateInput)
    notes = _option_field("notes", "Notes", widget=forms.Textarea(attrs={"rows": 4}))
    vesting_custom = VestingScheduleField(
        label="Custom yearly vesting (%)",
        required=False,
        help_text="For a custom schedule: four percentages that add up to 100, such as "
        "10, 20, 30, 40.",
    )

    def clean_currency(self) -> str:
        currency = self.cleaned_data["currency"].strip().upper()
        for validator in Option._meta.get_field("currency").validators:
            validator(currency)
        return currency

    def clean_vesting(self) -> str:
        return self.cleaned_data["vesting"] or Option._meta.get_field("vesting").default

    def clean_cliff_months(self) -> int:
        value = self.cleaned_data["cliff_months"]
        return Option._meta.get_field("cliff_months").default if value is None else value

    @property
    def pay_sections(self) -> list[PaySection]:
        """The pay fields in their groups; a group starts open when one of its fields has an
        error or a value of its own (not just its default)."""
        sections = []
        for key, title, names in PAY_SECTIONS:
            fields = [self[name] for name in names]
            filled = any(
                f.errors or (f.value() not in (None, "", [], False) and f.name not in DEFAULTED)
                for f in fields
            )
            sections.append(PaySection(key, title, fields, key == "salary" or filled))
        return sections


def _pay_field(name: str) -> forms.Field:
    field = _option_field(name, PAY_LABELS.get(name, ""))
    if name in ("vesting", "cliff_months"):
        # Each has a default the model keeps when a request leaves it out.
        field.required = False
    if name == "vesting":
        field.help_text = "How the grant vests, year by year (refreshers vest evenly over 4 years)."
    return field


# The pay fields, declared once for the class (the page places each one itself).
OptionForm.base_fields.update(
    {name: _pay_field(name) for name in PAY_FIELDS if name not in OptionForm.base_fields}
)


@dataclass(frozen=True)
class CriterionFields:
    """One criterion of the evaluation with its bound fields, for the template."""

    criterion: Criterion
    value: forms.BoundField
    note: forms.BoundField
    source: forms.BoundField
    told_on: forms.BoundField
    confirmed_in_writing: forms.BoundField

    @property
    def has_provenance_errors(self) -> bool:
        return bool(
            self.note.errors
            or self.source.errors
            or self.told_on.errors
            or self.confirmed_in_writing.errors
        )

    @property
    def answered(self) -> bool:
        """Whether the question has an answer, as the page stands: submitted or saved."""
        return self.value.value() not in (None, "", UNKNOWN)


@dataclass(frozen=True)
class QuestionGroup:
    """One category of the evaluation: its questions and how many have an answer."""

    category: str
    label: str
    items: list[CriterionFields]

    @property
    def answered(self) -> int:
        return sum(item.answered for item in self.items)

    @property
    def total(self) -> int:
        return len(self.items)


class EvaluationForm(ServiceForm):
    """One answer per criterion of an option's path, each with a note and its provenance.

    Field names are ``<part>__<criterion key>``; an unanswered question is ``unknown``.
    """

    def __init__(
        self,
        *args,
        criteria: list[Criterion],
        answers: dict[int, Answer] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        answers = answers or {}
        for criterion in criteria:
            saved = answers.get(criterion.pk)
            key = criterion.key
            self.fields[f"value__{key}"] = self._value_field(criterion, saved)
            self.fields[f"note__{key}"] = forms.CharField(
                label="Note",
                required=False,
                max_length=Answer._meta.get_field("note").max_length,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=saved.note if saved else "",
            )
            self.fields[f"source__{key}"] = forms.CharField(
                label="Who told you",
                required=False,
                max_length=Answer._meta.get_field("source").max_length,
                initial=saved.source if saved else "",
            )
            self.fields[f"told_on__{key}"] = forms.DateField(
                label="When",
                required=False,
                widget=DateInput,
                initial=saved.told_on if saved else None,
            )
            self.fields[f"confirmed_in_writing__{key}"] = forms.BooleanField(
                label="Confirmed in writing",
                required=False,
                initial=saved.confirmed_in_writing if saved else False,
            )

    @staticmethod
    def _value_field(criterion: Criterion, saved: Answer | None) -> forms.Field:
        value = saved.value if saved else UNKNOWN
        help_text = criterion.help_text
        if criterion.answer_type == Criterion.AnswerType.COUNT:
            return forms.IntegerField(
                label="Your answer (a number)",
                required=False,
                min_value=0,
                max_value=COUNT_MAX,
                initial=None if value == UNKNOWN else value,
                help_text=f"{help_text} Leave it empty if you don't know yet: an unknown "
                "answer widens the score range instead of counting as zero.".strip(),
            )
        choices = YES_NO_CHOICES
        if criterion.answer_type == Criterion.AnswerType.SCALE:
            choices = SCALE_CHOICES
        return forms.ChoiceField(
            label="Your answer",
            choices=choices,
            required=False,
            initial=value,
            widget=forms.RadioSelect,
            help_text=help_text,
        )

    def groups(self) -> list[QuestionGroup]:
        """The bound fields grouped by category, people first, each group with its count of
        answered questions (so the page says how far along it is without JavaScript)."""
        return [
            QuestionGroup(
                category=category,
                label=label,
                items=[
                    CriterionFields(
                        criterion=criterion,
                        value=self[f"value__{criterion.key}"],
                        note=self[f"note__{criterion.key}"],
                        source=self[f"source__{criterion.key}"],
                        told_on=self[f"told_on__{criterion.key}"],
                        confirmed_in_writing=self[f"confirmed_in_writing__{criterion.key}"],
                    )
                    for criterion in criteria
                ],
            )
            for category, label, criteria in criteria_by_category(criteria=self.criteria)
        ]

    def answered_count(self) -> int:
        return sum(group.answered for group in self.groups())

    def answers(self) -> list[dict]:
        """The cleaned answers, in the shape ``answers_upsert`` takes."""
        data = self.cleaned_data
        items = []
        for criterion in self.criteria:
            key = criterion.key
            value = data.get(f"value__{key}")
            items.append(
                {
                    "criterion": key,
                    "value": UNKNOWN if value in (None, "") else value,
                    "note": data.get(f"note__{key}", ""),
                    "source": data.get(f"source__{key}", ""),
                    "told_on": data.get(f"told_on__{key}"),
                    "confirmed_in_writing": data.get(f"confirmed_in_writing__{key}", False),
                }
            )
        return items

    def service_errors_add(self, error: ValidationError) -> None:
        """Put ``answers_upsert`` errors (keyed by item position) beside their question."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for index, messages in error.error_dict.items():
            try:
                key = self.criteria[int(index)].key
            except (ValueError, IndexError):
                self.add_error(None, messages)
            else:
                self.add_error(f"value__{key}", messages)


@dataclass(frozen=True)
class WeightRow:
    criterion: Criterion
    field: forms.BoundField


@dataclass(frozen=True)
class WeightGroup:
    """One category on the weights page: its weights, their sum and its share of the total."""

    category: str
    label: str
    rows: list[WeightRow]
    weight: int
    # A whole percentage of the total weight; None while every weight is 0.
    share: int | None


def weight_percent(part: int, total: int) -> int | None:
    """``part`` as a whole percentage of ``total``, halves rounded up. static/comparisons/
    weights.js rounds the same way, so the share it shows as you type is the one this page
    shows after saving."""
    if total <= 0:
        return None
    return (200 * part + total) // (2 * total)


class WeightsForm(ServiceForm):
    """One weight (0-100) per criterion, starting at the comparison's current weight.

    ``path_ids`` are the comparison's paths: each weight's help says which of them it is
    asked on."""

    def __init__(
        self,
        *args,
        criteria: list[Criterion],
        weights: dict[str, int],
        path_ids: Iterable[int] = (),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        wanted = set(path_ids)
        paths = [path for path in path_list() if path.pk in wanted] if wanted else []
        for criterion in criteria:
            asked_on = _asked_on(criterion, paths)
            self.fields[criterion.key] = forms.IntegerField(
                label=criterion.question,
                **model_bounds(WeightOverride, "weight"),
                initial=weights.get(criterion.key, criterion.default_weight),
                help_text=f"Default: {criterion.default_weight}. {asked_on}".strip(),
                widget=forms.NumberInput(
                    attrs={"class": "input--short", "data-weight-category": criterion.category}
                ),
            )

    def _weight(self, key: str) -> int:
        """The weight as the page stands: a submitted one that is not a valid weight counts
        as 0 until it is corrected (as it does in weights.js)."""
        bound = self[key]
        if not self.is_bound:
            return bound.initial
        try:
            return bound.field.clean(bound.data)
        except ValidationError:
            return 0

    def groups(self) -> list[WeightGroup]:
        by_category = criteria_by_category(criteria=self.criteria)
        sums = {
            category: sum(self._weight(c.key) for c in criteria)
            for category, _, criteria in by_category
        }
        total = sum(sums.values())
        return [
            WeightGroup(
                category=category,
                label=label,
                rows=[WeightRow(criterion=c, field=self[c.key]) for c in criteria],
                weight=sums[category],
                share=weight_percent(sums[category], total),
            )
            for category, label, criteria in by_category
        ]


def _asked_on(criterion: Criterion, paths: list[CareerPath]) -> str:
    """Which of the comparison's paths a criterion is asked on (nothing to say for one)."""
    own = {path.pk for path in criterion.paths.all()}
    names = [path.name for path in paths if path.pk in own]
    if len(paths) < 2:
        return ""
    if len(names) == len(paths):
        return f"Asked on all {len(paths)} paths."
    return f"Asked on: {', '.join(names)}."


class ShareForm(forms.Form):
    include_private = forms.BooleanField(
        label="Include notes and where answers came from",
        required=False,
        help_text="Off by default: the link shows scores, answers, red flags and questions, "
        "but not your notes or who told you what.",
    )
