"""A user's comparison of offers: options on the four paths, answers per criterion, weights.

Scoring lives in ``careers.scoring`` (pure functions); these models only hold what the user
typed, with the limits that keep one comparison small enough to score in a few queries.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from careers.content.models import CareerPath, Criterion

MAX_OPTIONS = 6
MIN_OPTIONS_TO_RANK = 2
NOTES_MAX_LENGTH = 5000
ANSWER_NOTE_MAX_LENGTH = 1000
UNKNOWN = "unknown"
MONEY_MAX = 100_000_000

money_validators = [MinValueValidator(0), MaxValueValidator(MONEY_MAX)]
currency_validator = RegexValidator(
    r"^[A-Z]{3}$", "Use a three-letter ISO 4217 currency code such as USD, EUR or GBP."
)


def new_share_token() -> str:
    return secrets.token_urlsafe(32)


class Comparison(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comparisons"
    )
    title = models.CharField(max_length=120)
    notes = models.TextField(blank=True, max_length=NOTES_MAX_LENGTH)
    decision_deadline = models.DateField(null=True, blank=True)
    # A read-only link for people the owner chooses; empty when sharing is off.
    share_token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    share_includes_private = models.BooleanField(
        default=False, help_text="Show notes and answer provenance on the shared page."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["owner", "-updated_at"])]

    def __str__(self) -> str:
        return self.title


class Option(models.Model):
    """One offer: a place on one of the four paths, and what it pays."""

    comparison = models.ForeignKey(Comparison, on_delete=models.CASCADE, related_name="options")
    path = models.ForeignKey(CareerPath, on_delete=models.PROTECT, related_name="+")
    organisation = models.CharField(max_length=120)
    team = models.CharField("team, lab or role", max_length=120, blank=True)
    location = models.CharField(max_length=120, blank=True)
    manager_name = models.CharField("manager or advisor", max_length=120, blank=True)
    base_salary = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=money_validators
    )
    bonus = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=money_validators
    )
    equity_per_year = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=money_validators
    )
    stipend = models.DecimalField(
        "PhD stipend per year",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=money_validators,
    )
    currency = models.CharField(max_length=3, default="USD", validators=[currency_validator])
    offer_deadline = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=NOTES_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.team})" if self.team else self.organisation

    @property
    def label(self) -> str:
        return str(self)


class Answer(models.Model):
    """The user's answer to one criterion for one option, and where it came from.

    ``value`` holds ``unknown``, ``yes``/``no`` or a whole number, as the criterion's answer
    type allows; services validate it against the criterion before saving.
    """

    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(max_length=16, default=UNKNOWN)
    note = models.TextField(blank=True, max_length=ANSWER_NOTE_MAX_LENGTH)
    source = models.CharField("who told you", max_length=120, blank=True)
    told_on = models.DateField("when", null=True, blank=True)
    confirmed_in_writing = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["option", "criterion"], name="one_answer_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}={self.value}"


class WeightOverride(models.Model):
    comparison = models.ForeignKey(
        Comparison, on_delete=models.CASCADE, related_name="weight_overrides"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    weight = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comparison", "criterion"], name="one_weight_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.weight}"


class ComparisonResult(models.Model):
    """The last result computed for a comparison, with the scoring version and weights used."""

    comparison = models.OneToOneField(Comparison, on_delete=models.CASCADE, related_name="result")
    scoring_version = models.CharField(max_length=20)
    weights = models.JSONField()
    data = models.JSONField()
    content_versions = models.JSONField(
        default=dict,
        help_text="The published version of each criterion and red-flag rule the score used, "
        'as {"criteria": {key: version}, "red_flags": {key: version}}.',
    )
    input_fingerprint = models.CharField(max_length=64)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Result of {self.comparison_id} (v{self.scoring_version})"
