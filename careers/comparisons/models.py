"""A user's comparison of offers: options on the four paths, answers per criterion, weights.

Scoring lives in ``careers.scoring`` (pure functions); these models only hold what the user
typed, with the limits that keep one comparison small enough to score in a few queries.
"""

import re
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
# The largest count an answer takes (people met, say): far past any real answer.
COUNT_MAX = 1000
# The form of a criterion's key, which requests name criteria by.
KEY_PATTERN = re.compile(r"[-a-zA-Z0-9_]{1,60}")
# What a user sets on an option, in the order forms and exports show it.
OPTION_FIELDS = (
    "path",
    "organisation",
    "team",
    "location",
    "manager_name",
    "base_salary",
    "bonus",
    "equity_per_year",
    "stipend",
    "currency",
    "offer_deadline",
    "notes",
)

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
    # Bumped (in SQL, ``F() + 1``) by every service that changes what the comparison's result
    # or its page shows: its options, answers, weights, title, notes and deadline. A stored
    # result and a cached page are keyed by it (``freshness.result_key``). A counter rather
    # than ``updated_at``: two writes within one tick of a clock (or under a frozen clock)
    # still give two values. Never written by ``save()`` of a whole row: a stale instance
    # would put an old value back.
    inputs_version = models.PositiveBigIntegerField(default=0, editable=False)

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
    """The last result computed for a comparison, with the scoring version and weights used.

    ``input_fingerprint`` is the ``freshness.result_key`` of the inputs it was computed
    from: while the key is unchanged the row is the result, read instead of scored again.
    """

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
    payload = models.JSONField(
        default=dict,
        help_text="The result as GET /api/comparisons/{id}/result/ shows it, kept so that "
        "an unchanged result is answered without scoring or serialising it again.",
    )
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Result of {self.comparison_id} (v{self.scoring_version})"
