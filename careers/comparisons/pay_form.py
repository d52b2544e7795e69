"""The pay part of the option form: its groups, labels and the custom vesting field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from careers.comparisons.pay import schedule_as_json


class VestingScheduleField(forms.CharField):
    """Four yearly percentages typed as "10, 20, 30, 40", kept as a list of numbers (what
    the model's JSON field and the API hold). Whether they add up to 100 is the compensation
    engine's to say, on the same field, for the form and the API alike."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(f"{Decimal(str(part)).normalize():f}" for part in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        parts = [part for part in re.split(r"[\s,;/]+", text.strip()) if part]
        try:
            numbers = [Decimal(part.rstrip("%")) for part in parts]
        except InvalidOperation:
            raise ValidationError("Give four numbers, such as 10, 20, 30, 40.") from None
        if any(not n.is_finite() or abs(n) > 1000 for n in numbers):
            raise ValidationError("Give four numbers, such as 10, 20, 30, 40.")
        return schedule_as_json(numbers)


# The pay fields' labels on the page, where the model's would be too terse.
PAY_LABELS = {
    "raise_low_percent": "Yearly raise, low (%)",
    "raise_percent": "Yearly raise, expected (%)",
    "raise_high_percent": "Yearly raise, high (%)",
    "signon_bonus": "Sign-on bonus",
    "signon_repay_months": "Months before the sign-on is yours to keep",
    "bonus_percent": "Yearly bonus target, as % of base",
    "bonus_low": "Yearly bonus, low",
    "bonus_high": "Yearly bonus, high",
    "equity_grant_value": "Equity grant, total value at grant",
    "vesting": "Vesting schedule",
    "cliff_months": "Cliff (months)",
    "refresher_low": "Yearly refresher, low",
    "refresher": "Yearly refresher, expected",
    "refresher_high": "Yearly refresher, high",
    "private_shares": "Number of options or shares",
    "private_strike_price": "Strike price per share",
    "private_share_price": "Latest price per share",
    "private_exercise_days": "Days to exercise after leaving",
    "private_worth_low_percent": "Worth, low (% of paper value)",
    "private_worth_percent": "Worth, expected (% of paper value)",
    "private_worth_high_percent": "Worth, high (% of paper value)",
    "stipend_years": "Years the stipend is funded",
    "program_years": "Expected length of the program (years)",
    "tuition_covered": "Tuition covered",
    "tuition_per_year": "Tuition per year (if not covered)",
    "one_off_amounts": "One-off amounts (relocation)",
    "yearly_benefits": "Yearly benefits you want counted",
    "monthly_living_cost": "Monthly living cost where the offer is",
}
# The pay fields in the groups the form shows them in.
PAY_SECTIONS = (
    (
        "salary",
        "Salary and bonus",
        (
            "currency",
            "base_salary",
            "raise_low_percent",
            "raise_percent",
            "raise_high_percent",
            "bonus",
            "bonus_percent",
            "bonus_low",
            "bonus_high",
            "signon_bonus",
            "signon_repay_months",
        ),
    ),
    (
        "equity",
        "Equity in a listed company",
        (
            "equity_grant_value",
            "equity_per_year",
            "vesting",
            "vesting_custom",
            "cliff_months",
            "refresher_low",
            "refresher",
            "refresher_high",
        ),
    ),
    (
        "private",
        "Options or shares in a private company (a startup)",
        (
            "private_shares",
            "private_strike_price",
            "private_share_price",
            "private_exercise_days",
            "private_worth_low_percent",
            "private_worth_percent",
            "private_worth_high_percent",
        ),
    ),
    (
        "phd",
        "PhD funding",
        ("stipend", "stipend_years", "program_years", "tuition_covered", "tuition_per_year"),
    ),
    (
        "other",
        "Other amounts and living costs",
        ("one_off_amounts", "yearly_benefits", "monthly_living_cost"),
    ),
)


@dataclass(frozen=True)
class PaySection:
    key: str
    title: str
    fields: list[forms.BoundField]
    open: bool


# Fields with a default value: a section is not opened for them alone.
DEFAULTED = {"vesting", "cliff_months", "tuition_covered", "currency"}
