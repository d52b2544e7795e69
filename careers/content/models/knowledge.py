"""The career knowledge base: paths, goals, evaluation criteria, red-flag rules, tags and
advice.

All of it is content, edited in the admin and loaded from ``seeds/``. Each item carries a
citation into the interview and a ``seed_fingerprint``: the fingerprint of the item as the
seed loader last wrote it, so the loader can tell an editor's change from its own.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from careers.content.models.base import Content


class CareerPath(Content):
    """One of the four kinds of place to work or study: industry team, lab, PhD, startup."""

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    summary = models.TextField()
    what_to_look_for = models.TextField(help_text="Markdown.")
    typical_questions = models.TextField(help_text="One question per line.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def typical_question_list(self) -> list[str]:
        return [line.strip() for line in self.typical_questions.splitlines() if line.strip()]


class Goal(Content):
    """Where a person wants to end up; each fits some paths and may require one."""

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField()
    paths = models.ManyToManyField(CareerPath, related_name="goals", blank=True)
    requires_path = models.ForeignKey(
        CareerPath,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="required_by_goals",
        help_text="A path this goal cannot be reached without (a professorship needs a PhD).",
    )
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords(m2m_fields=[paths])

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


# The criteria the advisor computes instead of asking, and from what.
COMPUTED_CRITERIA = {"pay": "the four-year pay of each offer, after living costs"}


class Criterion(Content):
    """One question of the offer evaluation.

    Direction is fixed for every criterion so nobody has to guess it: a ``yes`` answer is the
    favourable one, and a higher scale value or count is always better.
    """

    class Category(models.TextChoices):
        PEOPLE = "people", "People"
        WORK = "work", "Work"
        GROWTH = "growth", "Growth"
        PRACTICAL = "practical", "Practical"

    class AnswerType(models.TextChoices):
        SCALE = "scale", "Scale 1-5"
        YES_NO = "yes_no", "Yes or no"
        COUNT = "count", "Count"
        # Worked out by the advisor from what the user typed elsewhere, never answered: only
        # the keys of COMPUTED_CRITERIA, which the code computes.
        COMPUTED = "computed", "Computed by the advisor"

    class AskWhom(models.TextChoices):
        MANAGER = "manager", "Your future manager"
        FUTURE_PEERS = "future_peers", "Your future peers"
        RECRUITER = "recruiter", "The recruiter"
        FOUNDERS = "founders", "The founders"
        ADVISOR = "advisor", "Your future advisor"

    key = models.SlugField(max_length=60, unique=True)
    question = models.CharField(max_length=240)
    help_text = models.TextField(blank=True)
    category = models.CharField(max_length=16, choices=Category.choices)
    answer_type = models.CharField(max_length=16, choices=AnswerType.choices)
    default_weight = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Relative weight 0-100 before the user adjusts it.",
    )
    count_target = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="For counts: the count that earns full marks (e.g. 5 peers met).",
    )
    paths = models.ManyToManyField(CareerPath, related_name="criteria")
    question_to_ask = models.CharField(
        max_length=240, help_text="What to ask the organisation while the answer is unknown."
    )
    ask_whom = models.CharField(
        "whom to ask",
        max_length=16,
        choices=AskWhom.choices,
        blank=True,
        help_text="Who is best placed to answer the question to ask.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords(m2m_fields=[paths])

    class Meta:
        ordering = ["position", "key"]
        verbose_name_plural = "criteria"

    def __str__(self) -> str:
        return self.key

    def clean(self) -> None:
        super().clean()
        if self.answer_type == self.AnswerType.COUNT and not self.count_target:
            raise ValidationError({"count_target": "A count criterion needs a count target."})
        if self.answer_type != self.AnswerType.COUNT and self.count_target:
            raise ValidationError({"count_target": "Only count criteria have a count target."})
        if (self.answer_type == self.AnswerType.COMPUTED) != (self.key in COMPUTED_CRITERIA):
            raise ValidationError(
                {
                    "answer_type": "Only "
                    + ", ".join(sorted(COMPUTED_CRITERIA))
                    + " is computed by the advisor, and it is never answered."
                }
            )


class RedFlagRule(Content):
    """A condition on one criterion's answer that deserves a warning, and why."""

    class Operator(models.TextChoices):
        EQUALS = "equals", "answer is"
        AT_MOST = "at_most", "answer is at most"
        AT_LEAST = "at_least", "answer is at least"
        UNKNOWN = "unknown", "answer is unknown"

    class Severity(models.TextChoices):
        CAUTION = "caution", "Caution"
        SERIOUS = "serious", "Serious"

    key = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=160)
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="red_flags")
    operator = models.CharField(max_length=16, choices=Operator.choices)
    value = models.CharField(
        max_length=16,
        blank=True,
        help_text="yes/no for yes-no criteria, a number for scales and counts; "
        "empty for 'unknown'.",
    )
    severity = models.CharField(max_length=16, choices=Severity.choices, default="serious")
    explanation = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key

    @property
    def condition_text(self) -> str:
        if self.operator == self.Operator.UNKNOWN:
            return "answer is unknown"
        return f"{self.get_operator_display()} {self.value}"

    def clean(self) -> None:
        super().clean()
        if self.criterion_id is None:
            return
        answer_type = self.criterion.answer_type
        if answer_type == Criterion.AnswerType.COMPUTED:
            raise ValidationError(
                {"criterion": "A red flag needs a criterion people answer, not a computed one."}
            )
        if self.operator == self.Operator.UNKNOWN:
            if self.value:
                raise ValidationError({"value": "Leave the value empty for 'unknown'."})
            return
        if answer_type == Criterion.AnswerType.YES_NO:
            if self.operator != self.Operator.EQUALS or self.value not in ("yes", "no"):
                raise ValidationError(
                    {"value": "A yes-no criterion takes 'answer is' with yes or no."}
                )
            return
        try:
            number = int(self.value)
        except ValueError:
            raise ValidationError({"value": "Give a whole number."}) from None
        if answer_type == Criterion.AnswerType.SCALE and not 1 <= number <= 5:
            raise ValidationError({"value": "A scale answer is between 1 and 5."})
        if answer_type == Criterion.AnswerType.COUNT and number < 0:
            raise ValidationError({"value": "A count is never negative."})


class Tag(models.Model):
    """A label on advice: the stage of a career it speaks to, or its topic."""

    class Kind(models.TextChoices):
        STAGE = "stage", "Stage"
        TOPIC = "topic", "Topic"

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.TOPIC)
    seed_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class AdviceItem(Content):
    """A short piece of advice in our own words, with the interview span it comes from."""

    class Audience(models.TextChoices):
        # Empty, the default, is the people the site is for, so seed files only name the
        # exception.
        CANDIDATES = "", "People choosing where to work, or learning"
        ORGANISATIONS = "organisations", "Organisations"

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=160)
    body = models.TextField(help_text="Markdown; raw HTML is removed when shown.")
    audience = models.CharField(
        max_length=16,
        choices=Audience.choices,
        default=Audience.CANDIDATES,
        blank=True,
        help_text="Whom the advice speaks to. Advice for organisations stays in the library "
        "and is never picked for a candidate's decision.",
    )
    paths = models.ManyToManyField(CareerPath, related_name="advice_items", blank=True)
    tags = models.ManyToManyField(Tag, related_name="advice_items", blank=True)
    red_flags = models.ManyToManyField(
        RedFlagRule,
        related_name="advice_items",
        blank=True,
        help_text="Shown under a comparison's results when one of these red flags is raised.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords(m2m_fields=[paths, tags, red_flags])

    class Meta:
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title
