"""A user's comparison of offers: options on the four paths, answers per criterion, weights.

Scoring lives in ``careers.scoring`` (pure functions); these models only hold what the user
typed, with the limits that keep one comparison small enough to score in a few queries.
"""

import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from careers.comparisons.money import rate_table
from careers.comparisons.pay import pay_errors
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
# What a user sets on an option besides the parts of its pay below, in the order forms and
# exports show it.
OFFER_FIELDS = (
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
# The parts of what an option pays beyond the four above, every one optional, in the order
# forms and exports show them (``careers.comparisons.pay`` reads them into the engine).
PAY_FIELDS = (
    "raise_low_percent",
    "raise_percent",
    "raise_high_percent",
    "signon_bonus",
    "signon_repay_months",
    "bonus_percent",
    "bonus_low",
    "bonus_high",
    "equity_grant_value",
    "vesting",
    "vesting_custom",
    "cliff_months",
    "refresher_low",
    "refresher",
    "refresher_high",
    "private_shares",
    "private_strike_price",
    "private_share_price",
    "private_exercise_days",
    "private_worth_low_percent",
    "private_worth_percent",
    "private_worth_high_percent",
    "stipend_years",
    "program_years",
    "tuition_covered",
    "tuition_per_year",
    "one_off_amounts",
    "yearly_benefits",
    "monthly_living_cost",
)
# Everything a user sets on an option.
OPTION_FIELDS = (*OFFER_FIELDS, *PAY_FIELDS)

money_validators = [MinValueValidator(0), MaxValueValidator(MONEY_MAX)]
percent_validators = [MinValueValidator(0), MaxValueValidator(100)]


def _money(verbose_name: str, help_text: str = "") -> models.DecimalField:
    """An optional amount of money, as every pay field of an option holds it."""
    return models.DecimalField(
        verbose_name,
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=money_validators,
        help_text=help_text,
    )


def _percent(verbose_name: str, help_text: str = "") -> models.DecimalField:
    """An optional percentage, 0 to 100."""
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=percent_validators,
        help_text=help_text,
    )


PRICE_MAX = 1_000_000
SHARES_MAX = 10_000_000_000
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
    # The currency pay is compared in; empty: the first option's.
    currency = models.CharField(
        max_length=3,
        blank=True,
        validators=[currency_validator],
        help_text="The currency every option's pay is converted to; empty: the first option's.",
    )
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

    def clean(self) -> None:
        super().clean()
        if self.currency and not rate_table().knows(self.currency):
            raise ValidationError(
                {
                    "currency": f"No exchange rate is known for {self.currency}: choose one of "
                    + ", ".join(sorted(rate_table().currencies))
                    + "."
                }
            )


class Vesting(models.TextChoices):
    EVEN = "even", "Even over 4 years, 1-year cliff"
    FRONT_LOADED = "front_loaded", "Front-loaded 33/33/22/12"
    BACK_LOADED = "back_loaded", "Back-loaded 5/15/40/40"
    MONTHLY = "monthly", "Monthly after a cliff"
    CUSTOM = "custom", "Custom yearly percentages"


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
    stipend = _money("PhD stipend per year")
    currency = models.CharField(max_length=3, default="USD", validators=[currency_validator])
    raise_low_percent = _percent("yearly raise, low (%)")
    raise_percent = _percent("yearly raise, expected (%)")
    raise_high_percent = _percent("yearly raise, high (%)")
    signon_bonus = _money("sign-on bonus")
    signon_repay_months = models.PositiveSmallIntegerField(
        "months until the sign-on is yours",
        null=True,
        blank=True,
        validators=[MaxValueValidator(120)],
        help_text="Leave before this many months and it must be paid back.",
    )
    bonus_percent = _percent(
        "yearly bonus target (% of base)",
        "Instead of an amount: a share of each year's base salary.",
    )
    bonus_low = _money(
        "yearly bonus, low", "In the bonus's own unit: an amount, or a percentage of base."
    )
    bonus_high = _money(
        "yearly bonus, high", "In the bonus's own unit: an amount, or a percentage of base."
    )
    equity_grant_value = _money(
        "equity grant, total value at grant",
        "A listed company's grant: its value when granted, over all its years.",
    )
    vesting = models.CharField(
        "vesting schedule", max_length=20, choices=Vesting.choices, default=Vesting.EVEN
    )
    vesting_custom = models.JSONField(
        "custom yearly vesting (%)",
        null=True,
        blank=True,
        help_text="Four yearly percentages that add up to 100, for a custom schedule.",
    )
    cliff_months = models.PositiveSmallIntegerField(
        "cliff (months)",
        default=12,
        validators=[MaxValueValidator(48)],
        help_text="Nothing vests before it; at the cliff, what accrued arrives at once.",
    )
    refresher_low = _money("yearly refresher, low")
    refresher = _money("yearly refresher, expected", "Equity granted again each year from year 2.")
    refresher_high = _money("yearly refresher, high")
    private_shares = models.PositiveBigIntegerField(
        "options or shares (private company)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(SHARES_MAX)],
    )
    private_strike_price = models.DecimalField(
        "strike price per share",
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(PRICE_MAX)],
    )
    private_share_price = models.DecimalField(
        "latest price per share",
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(PRICE_MAX)],
        help_text="The price of the latest funding round or valuation.",
    )
    private_exercise_days = models.PositiveIntegerField(
        "exercise window after leaving (days)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(3650)],
    )
    private_worth_low_percent = _percent("worth, low (% of paper value)")
    private_worth_percent = _percent("worth, expected (% of paper value)")
    private_worth_high_percent = _percent("worth, high (% of paper value)")
    stipend_years = models.PositiveSmallIntegerField(
        "years the stipend is funded", null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    program_years = models.PositiveSmallIntegerField(
        "expected length of the program (years)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(10)],
    )
    tuition_covered = models.BooleanField("tuition covered", default=True)
    tuition_per_year = _money("tuition per year", "Counted as a cost when tuition is not covered.")
    one_off_amounts = _money(
        "one-off amounts", "Relocation and other one-off payments, in the first month."
    )
    yearly_benefits = _money(
        "yearly benefits counted",
        "What benefits are worth to you each year, if you want them counted.",
    )
    monthly_living_cost = _money(
        "monthly living cost",
        "For the option's location, as you estimate it: the results show what is left.",
    )
    offer_deadline = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=NOTES_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.team})" if self.team else self.organisation

    def clean(self) -> None:
        super().clean()
        # What the compensation engine refuses (a custom schedule that does not add up to
        # 100, a range whose low end is above its high one), on the field at fault.
        errors = pay_errors(self)
        if errors:
            raise ValidationError(errors)

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


# The models of what follows a choice live in their own module; importing them here
# registers them with the app.
from careers.comparisons.decision_models import (  # noqa: E402
    Decision,
    DecisionCheckin,
    Rater,
    RaterAnswer,
    UserCheckinSettings,
)

__all__ = [
    "Answer",
    "Comparison",
    "ComparisonResult",
    "Decision",
    "DecisionCheckin",
    "Option",
    "Rater",
    "RaterAnswer",
    "UserCheckinSettings",
    "WeightOverride",
]
