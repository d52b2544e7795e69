"""An option's pay as the compensation engine reads it, in the comparison's currency.

``pay_input`` turns what the user typed on an option (``models.PAY_FIELDS`` and the four
older fields) into the engine's ``PayInput``; ``pay_errors`` is what the engine refuses, by
the option's field, for forms and the API alike. ``option_pays`` forecasts every option of a
comparison and converts it into the comparison's currency at the bundled rates, keeping the
original currency and the rate beside it; ``pay_fractions`` is what the computed ``pay``
criterion of the score reads. Works on any object with the option's attributes: no query.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from careers.comparisons.compensation import (
    CompensationError,
    PayForecast,
    PayInput,
    Spread,
    YearPay,
    forecast,
)
from careers.comparisons.money import RATE_SOURCE, NoRate, Rate, RateTable, rate_table
from careers.comparisons.scoring import ComputedAnswer

PAY_CRITERION = "pay"
TWO = Decimal(2)

# The engine's name of an input, and the option's field a form shows its error on.
ERROR_FIELDS = {
    "raise_percent": "raise_percent",
    "bonus": "bonus_high",
    "vesting": "vesting",
    "vesting_custom": "vesting_custom",
    "cliff_months": "cliff_months",
    "refresher": "refresher",
    "private_worth_percent": "private_worth_percent",
}


def _triple(low: Any, expected: Any, high: Any) -> tuple[Decimal, Decimal, Decimal] | None:
    """A low-expected-high range from what was typed: a missing expected figure is the middle
    of the two ends (or the one end given), a missing end is the expected figure."""
    if low is None and expected is None and high is None:
        return None
    if expected is None:
        if low is not None and high is not None:
            expected = (low + high) / TWO
        else:
            expected = low if low is not None else high
    return (
        Decimal(low if low is not None else expected),
        Decimal(expected),
        Decimal(high if high is not None else expected),
    )


def _custom_schedule(value: Any) -> list[Decimal] | None:
    if value in (None, "", []):
        return None
    if not isinstance(value, list | tuple):
        raise CompensationError(
            "vesting_custom", "Give four yearly percentages, such as 10, 20, 30, 40."
        )
    try:
        percentages = [Decimal(str(part)) for part in value]
    except (InvalidOperation, ValueError) as error:
        raise CompensationError(
            "vesting_custom", "Each yearly percentage must be a number."
        ) from error
    # Checked whatever the schedule, so nothing out of shape is ever stored.
    if len(percentages) != 4 or any(not 0 <= p <= 100 for p in percentages):
        raise CompensationError(
            "vesting_custom", "Give four yearly percentages from 0 to 100, such as 10, 20, 30, 40."
        )
    return percentages


def pay_input(option: Any) -> PayInput:
    """What ``option`` pays, as the engine reads it. Raises ``CompensationError`` for
    parts that contradict each other."""
    if option.bonus is not None and option.bonus_percent is not None:
        raise CompensationError(
            "bonus_percent", "Give the yearly bonus as an amount or as a share of base, not both."
        )
    percent = option.bonus_percent is not None
    bonus = _triple(
        option.bonus_low, option.bonus_percent if percent else option.bonus, option.bonus_high
    )
    grant = option.equity_grant_value
    if grant is not None and option.equity_per_year is not None:
        raise CompensationError(
            "equity_grant_value", "Give the grant's total value or its value per year, not both."
        )
    if option.equity_per_year is not None:
        grant = option.equity_per_year * 4
    if option.private_shares and grant is not None:
        raise CompensationError(
            "private_shares",
            "A grant is either a listed company's (its value) or a private company's (options "
            "or shares with their prices), not both.",
        )
    return PayInput(
        base_salary=option.base_salary,
        raise_percent=_triple(
            option.raise_low_percent, option.raise_percent, option.raise_high_percent
        ),
        signon_bonus=option.signon_bonus,
        signon_repay_months=option.signon_repay_months,
        bonus_kind="percent" if percent else "amount",
        bonus=bonus,
        equity_kind="private"
        if option.private_shares
        else ("public" if grant or option.refresher or option.refresher_high else ""),
        equity_grant_value=grant,
        vesting=option.vesting,
        vesting_custom=_custom_schedule(option.vesting_custom),
        cliff_months=option.cliff_months,
        refresher=_triple(option.refresher_low, option.refresher, option.refresher_high),
        private_shares=Decimal(option.private_shares) if option.private_shares else None,
        private_strike=option.private_strike_price,
        private_price=option.private_share_price,
        private_exercise_days=option.private_exercise_days,
        private_worth_percent=_triple(
            option.private_worth_low_percent,
            option.private_worth_percent,
            option.private_worth_high_percent,
        ),
        stipend=option.stipend,
        stipend_years=option.stipend_years,
        tuition_covered=option.tuition_covered,
        tuition_per_year=option.tuition_per_year,
        program_years=option.program_years,
        one_off=option.one_off_amounts,
        yearly_benefits=option.yearly_benefits,
        monthly_living_cost=option.monthly_living_cost,
    )


def pay_errors(option: Any) -> dict[str, str]:
    """What the engine refuses of ``option``'s pay, as ``{field: message}`` (empty: none)."""
    try:
        forecast(pay_input(option))
    except CompensationError as error:
        return {ERROR_FIELDS.get(error.field, error.field): error.message}
    return {}


def has_pay(pay: PayInput) -> bool:
    """Whether anything about pay was typed (a living cost alone is not pay)."""
    return any(
        value
        for value in (
            pay.base_salary,
            pay.signon_bonus,
            pay.bonus,
            pay.equity_grant_value,
            pay.refresher,
            pay.private_shares,
            pay.stipend,
            pay.program_years,
            pay.one_off,
            pay.yearly_benefits,
            not pay.tuition_covered and pay.tuition_per_year,
        )
    )


@dataclass(frozen=True)
class OptionPay:
    """One option's forecast in the comparison's currency, with the rate that took it there.

    ``forecast`` is ``None`` when nothing about pay was typed, or when no rate is known for
    the option's currency (``rate`` is then ``None`` too): its pay is then neither shown in
    the comparison's currency nor counted in the score."""

    option_id: int
    currency: str
    original_currency: str
    rate: Rate | None
    forecast: PayForecast | None
    problem: str = ""
    # The expected first year in the option's own currency, before any conversion.
    own_first_year: Decimal | None = None

    @property
    def converted(self) -> bool:
        return self.rate is not None and not self.rate.identity

    def as_api(self) -> dict | None:
        """The API's ``compensation`` of a result's option (``None``: no pay typed)."""
        if self.forecast is None and not self.problem:
            return None
        figures = self.forecast
        return {
            "currency": self.currency,
            "original_currency": self.original_currency,
            "rate": f"{self.rate.value:f}" if self.rate else None,
            "rate_date": self.rate.on.isoformat() if self.rate else None,
            "rate_source": RATE_SOURCE if self.rate else None,
            "is_stipend": figures.is_stipend if figures else False,
            "years": [_year_api(year) for year in figures.years] if figures else [],
            "first_year": _spread_api(figures.first_year) if figures else None,
            "four_year": _spread_api(figures.four_year) if figures else None,
            "four_year_after_living_costs": _spread_api(figures.four_year_left)
            if figures and figures.four_year_left
            else None,
            "assumptions": list(figures.assumptions) if figures else [self.problem],
        }


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _spread_api(spread: Spread) -> dict[str, str]:
    return {
        "low": _money(spread.low),
        "expected": _money(spread.expected),
        "high": _money(spread.high),
    }


def _year_api(year: YearPay) -> dict[str, Any]:
    return {
        "year": year.year,
        **_spread_api(year.total),
        "cash": _money(year.cash),
        "equity": _money(year.equity),
        "living_cost": _money(year.living) if year.living is not None else None,
    }


def converted(figures: PayForecast, rate: Rate) -> PayForecast:
    """``figures`` in the rate's target currency: each year converted, the totals their sums."""
    if rate.identity:
        return figures

    def spread(value: Spread) -> Spread:
        return Spread(
            rate.convert(value.low), rate.convert(value.expected), rate.convert(value.high)
        )

    years = [
        replace(
            year,
            total=spread(year.total),
            cash=rate.convert(year.cash),
            equity=rate.convert(year.equity),
            living=rate.convert(year.living) if year.living is not None else None,
        )
        for year in figures.years
    ]
    four_year = sum((year.total for year in years), Spread.exactly(Decimal(0)))
    living = [year.living for year in years]
    left = None
    if all(value is not None for value in living):
        left = four_year - Spread.exactly(sum(living, Decimal(0)))
    return replace(
        figures,
        years=years,
        first_year=years[0].total,
        four_year=four_year,
        four_year_left=left,
        assumptions=[*figures.assumptions, f"Converted at {rate.label}."],
    )


def comparison_currency(comparison: Any, options: Sequence[Any]) -> str:
    """The currency a comparison's pay is shown in: its own, else its first option's."""
    if comparison.currency:
        return comparison.currency
    return options[0].currency if options else "USD"


def option_pays(
    comparison: Any, options: Sequence[Any], *, table: RateTable | None = None
) -> dict[int, OptionPay]:
    """Every option's pay in the comparison's currency, by option id."""
    table = table or rate_table()
    currency = comparison_currency(comparison, options)
    pays = {}
    for option in options:
        pays[option.pk] = _option_pay(option, currency, table)
    return pays


def _option_pay(option: Any, currency: str, table: RateTable) -> OptionPay:
    try:
        pay = pay_input(option)
        figures = forecast(pay)
    except CompensationError as error:
        # Stored before a rule it breaks existed: shown as the problem, not counted.
        return OptionPay(option.pk, currency, option.currency, None, None, problem=error.message)
    if not has_pay(pay):
        return OptionPay(option.pk, currency, option.currency, None, None)
    own = figures.first_year.expected
    try:
        rate = table.rate(option.currency, currency)
    except NoRate as missing:
        return OptionPay(
            option.pk,
            currency,
            option.currency,
            None,
            None,
            problem=f"{missing} This offer's pay is not converted to {currency}, and not "
            "counted in the score.",
            own_first_year=own,
        )
    return OptionPay(
        option.pk, currency, option.currency, rate, converted(figures, rate), own_first_year=own
    )


def compared_totals(pays: Iterable[OptionPay]) -> dict[int, Spread]:
    """What the pay criterion compares, by option: four years after living costs when every
    option with pay has one, else every option before them (never one net, another gross)."""
    forecasts = {pay.option_id: pay.forecast for pay in pays if pay.forecast is not None}
    if forecasts and all(f.four_year_left is not None for f in forecasts.values()):
        return {key: f.four_year_left for key, f in forecasts.items()}
    return {key: f.four_year for key, f in forecasts.items()}


def _share(value: Decimal, floor: Decimal, top: Decimal) -> float:
    return float(min(max((value - floor) / (top - floor), Decimal(0)), Decimal(1)))


def pay_fractions(
    pays: Iterable[OptionPay], *, private: Mapping[int, bool] | None = None
) -> dict[int, ComputedAnswer]:
    """The computed ``pay`` answer of each option with pay: its four-year total (after living
    costs where every option has one) as a share of the highest figure any option could
    reach, its low, expected and high figures each a share, so an uncertain upside counts to
    the end of its range. When that highest figure is not above zero (living costs beyond
    every offer) the shares run from the lowest figure instead, so the offers still differ.
    An option without pay has none: the criterion is unknown for it."""
    private = private or {}
    totals = compared_totals(pays)
    if not totals:
        return {}
    top = max(total.high for total in totals.values())
    floor = Decimal(0) if top > 0 else min(total.low for total in totals.values())
    answers = {}
    for option_id, total in totals.items():
        if top <= floor:
            answers[option_id] = ComputedAnswer(1.0, 1.0, 1.0)
            continue
        answers[option_id] = ComputedAnswer(
            low=_share(total.low, floor, top),
            expected=_share(total.expected, floor, top),
            high=_share(total.high, floor, top),
            if_low="pay comes in at the low end of its range"
            + (" (its equity worth nothing)" if private.get(option_id) else ""),
            if_high="equity is worth its paper value"
            if private.get(option_id)
            else "pay comes in at the high end of its range",
        )
    return answers


def schedule_as_json(percentages: Iterable[Decimal]) -> list[int | float]:
    """Yearly percentages as a JSON list holds them: whole numbers as integers."""
    return [int(p) if p == p.to_integral_value() else float(p) for p in percentages]
