"""What an offer pays, year by year: a pure function of plain data, no ORM inside.

For each of the first four years the engine gives the cash and the equity an option pays,
as a low, an expected and a high figure, with the first-year and four-year totals. What is
certain (a base salary) is one number; what is not (raises, a bonus, refreshers, what a
private company's options will be worth, unfunded PhD years) is a range, and the ranges add
up. Everything is in the option's own currency: converting is ``money``'s part.

The model, month by month over 48 months, so that a cliff and leaving early are exact:

- base salary is paid monthly; it grows at the start of each year by the yearly raise
  (low, expected, high), compounded;
- a yearly bonus (an amount, or a share of that year's base) is paid at the end of each
  completed year;
- a sign-on bonus is paid in the first month, and paid back in the month of leaving when
  that comes before its repayment period ends;
- an equity grant accrues monthly by its schedule's yearly percentages ("even" vests on each
  anniversary instead) and nothing is delivered before the cliff: at the cliff, what accrued
  until then arrives at once;
- a refresher is granted at the start of each year from year 2 and vests evenly, monthly,
  over four years;
- a private company's grant is worth its paper value (shares x (latest price - strike)) times
  the share of it the user believes in, from nothing to all of it;
- a PhD stipend is paid for its funded years; the years of the program past them range from
  nothing to the stipend; tuition the program does not cover is a cost; after the program's
  expected length nothing is counted (the advisor does not guess a later salary);
- one-off amounts arrive in the first month; yearly benefits monthly.

``stay_months`` (48 unless given) is when the person leaves: pay stops, unvested equity is
lost, a sign-on inside its repayment period is paid back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

# Bumped with every change of what the engine computes: stored results are keyed by it
# (``freshness.result_key``), so none outlives the figures it was scored with.
COMPENSATION_VERSION = "1"
YEARS = 4
MONTHS = 12 * YEARS
ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

# Yearly vesting percentages of each preset, and how it delivers.
VESTING_PRESETS: dict[str, tuple[int, ...]] = {
    "even": (25, 25, 25, 25),
    "front_loaded": (33, 33, 22, 12),
    "back_loaded": (5, 15, 40, 40),
    "monthly": (25, 25, 25, 25),
}
VESTING_LABELS = {
    "even": "Even over 4 years, 1-year cliff (25% each anniversary)",
    "front_loaded": "Front-loaded 33/33/22/12",
    "back_loaded": "Back-loaded 5/15/40/40",
    "monthly": "Monthly after a cliff",
    "custom": "Custom yearly percentages",
}
DEFAULT_CLIFF_MONTHS = 12
# What a private company's grant is believed to be worth, as a share of its paper value,
# when the user says nothing: anywhere from nothing to all of it.
PRIVATE_WORTH_DEFAULT = (ZERO, Decimal(50), HUNDRED)
PRIVATE_EQUITY_NOTE = (
    "Equity in a private company is worth nothing until it can be sold, and often it never "
    "can: the range runs from nothing to its paper value."
)


class CompensationError(ValueError):
    """Input the engine cannot work with; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Spread:
    """A low, an expected and a high figure."""

    low: Decimal
    expected: Decimal
    high: Decimal

    @classmethod
    def exactly(cls, value: Decimal) -> Spread:
        return cls(value, value, value)

    def __add__(self, other: Spread) -> Spread:
        return Spread(self.low + other.low, self.expected + other.expected, self.high + other.high)

    def __sub__(self, other: Spread) -> Spread:
        return Spread(self.low - other.low, self.expected - other.expected, self.high - other.high)

    def times(self, factor: Decimal) -> Spread:
        return Spread(self.low * factor, self.expected * factor, self.high * factor)

    def rounded(self) -> Spread:
        return Spread(_cents(self.low), _cents(self.expected), _cents(self.high))


NOTHING = Spread.exactly(ZERO)


@dataclass(frozen=True)
class PayInput:
    """Everything an option may pay, every part optional. Percentages are 0-100."""

    base_salary: Decimal | None = None
    raise_percent: tuple[Decimal, Decimal, Decimal] | None = None  # low, expected, high
    signon_bonus: Decimal | None = None
    signon_repay_months: int | None = None
    bonus_kind: str = "amount"  # "amount" or "percent" (of the year's base)
    bonus: tuple[Decimal, Decimal, Decimal] | None = None  # low, target, high
    equity_kind: str = ""  # "", "public" or "private"
    equity_grant_value: Decimal | None = None  # public: the grant's total value
    vesting: str = "even"  # a VESTING_PRESETS key or "custom"
    vesting_custom: Sequence[Decimal] | None = None  # yearly percentages, adding up to 100
    cliff_months: int = DEFAULT_CLIFF_MONTHS
    refresher: tuple[Decimal, Decimal, Decimal] | None = None  # yearly value, low-high
    private_shares: Decimal | None = None
    private_strike: Decimal | None = None
    private_price: Decimal | None = None  # the latest price per share
    private_exercise_days: int | None = None
    private_worth_percent: tuple[Decimal, Decimal, Decimal] | None = None
    stipend: Decimal | None = None
    stipend_years: int | None = None
    tuition_covered: bool = True
    tuition_per_year: Decimal | None = None
    program_years: int | None = None
    one_off: Decimal | None = None  # relocation and other one-off amounts
    yearly_benefits: Decimal | None = None
    monthly_living_cost: Decimal | None = None


@dataclass(frozen=True)
class YearPay:
    """One year: the total as a range, its expected cash and equity, what living costs."""

    year: int
    total: Spread
    cash: Decimal
    equity: Decimal
    living: Decimal | None

    @property
    def left(self) -> Spread | None:
        """What is left after the year's living cost; ``None`` without one."""
        return None if self.living is None else self.total - Spread.exactly(self.living)


@dataclass(frozen=True)
class PayForecast:
    years: list[YearPay]
    first_year: Spread
    four_year: Spread
    four_year_left: Spread | None
    is_stipend: bool
    assumptions: list[str] = field(default_factory=list)

    @property
    def has_range(self) -> bool:
        return self.four_year.low != self.four_year.high


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _spread(values: tuple[Decimal, Decimal, Decimal] | None, *, name: str) -> Spread | None:
    if values is None:
        return None
    low, expected, high = values
    if not low <= expected <= high:
        raise CompensationError(
            name, "The low figure must not exceed the expected one, nor it the high one."
        )
    return Spread(low, expected, high)


def vesting_percentages(vesting: str, custom: Sequence[Decimal] | None) -> tuple[Decimal, ...]:
    """The yearly percentages of a schedule; a custom one must have four years adding to 100."""
    if vesting in VESTING_PRESETS:
        return tuple(Decimal(p) for p in VESTING_PRESETS[vesting])
    if vesting != "custom":
        raise CompensationError("vesting", f"Unknown vesting schedule {vesting!r}.")
    if not custom or len(custom) != YEARS:
        raise CompensationError("vesting_custom", "Give a percentage for each of the four years.")
    percentages = tuple(Decimal(p) for p in custom)
    if any(p < 0 for p in percentages):
        raise CompensationError("vesting_custom", "A year's percentage cannot be negative.")
    total = sum(percentages, ZERO)
    if total != HUNDRED:
        raise CompensationError(
            "vesting_custom", f"The yearly percentages add up to {total.normalize():f}, not 100."
        )
    return percentages


def vesting_by_month(
    vesting: str, custom: Sequence[Decimal] | None, cliff_months: int
) -> list[Decimal]:
    """The share of a grant (0-1) delivered in each of the 48 months."""
    if not 0 <= cliff_months <= MONTHS:
        raise CompensationError("cliff_months", "A cliff runs from 0 to 48 months.")
    percentages = vesting_percentages(vesting, custom)
    if vesting == "even":
        # Delivered on each anniversary: the cliff is the first of them.
        accrued = [ZERO] * MONTHS
        for year, percent in enumerate(percentages, start=1):
            accrued[12 * year - 1] = percent / HUNDRED
    else:
        accrued = [percentages[month // 12] / HUNDRED / 12 for month in range(MONTHS)]
    delivered = [ZERO] * MONTHS
    waiting = ZERO
    for month, share in enumerate(accrued, start=1):
        waiting += share
        if month >= cliff_months:
            delivered[month - 1] = waiting
            waiting = ZERO
    return delivered


def _paper_value(pay: PayInput) -> Decimal:
    shares = pay.private_shares or ZERO
    gain = (pay.private_price or ZERO) - (pay.private_strike or ZERO)
    return shares * max(gain, ZERO)


def _grant(pay: PayInput) -> tuple[Spread, list[str]]:
    """The grant's total value as a range, and what it assumed."""
    if pay.equity_kind == "public" and pay.equity_grant_value:
        return Spread.exactly(pay.equity_grant_value), []
    if pay.equity_kind != "private" or not pay.private_shares:
        return NOTHING, []
    paper = _paper_value(pay)
    low, expected, high = pay.private_worth_percent or PRIVATE_WORTH_DEFAULT
    if not ZERO <= low <= expected <= high <= HUNDRED:
        raise CompensationError(
            "private_worth_percent",
            "What the equity is worth runs from 0% (nothing) to 100% (its paper value), "
            "low to high.",
        )
    notes = [
        f"Private equity counted at {low.normalize():f}% to {high.normalize():f}% of its paper "
        f"value ({_cents(paper)}), {expected.normalize():f}% expected. {PRIVATE_EQUITY_NOTE}"
    ]
    if pay.private_exercise_days is not None:
        notes.append(
            f"Vested options must be bought within {pay.private_exercise_days} days of leaving."
        )
    return Spread(paper * low, paper * expected, paper * high).times(Decimal("0.01")), notes


def forecast(pay: PayInput, *, stay_months: int = MONTHS) -> PayForecast:
    """The first four years of what ``pay`` describes, as ``YearPay`` rows and totals."""
    if not 0 <= stay_months <= MONTHS:
        raise CompensationError("stay_months", "Leaving is counted from month 0 to 48.")
    cash = [NOTHING] * MONTHS
    equity = [NOTHING] * MONTHS
    assumptions: list[str] = []

    def pay_cash(month: int, amount: Spread) -> None:
        if month < stay_months:
            cash[month] = cash[month] + amount

    raises = _spread(pay.raise_percent, name="raise_percent") or NOTHING
    bonus = _spread(pay.bonus, name="bonus")
    refresher = _spread(pay.refresher, name="refresher")
    for year in range(YEARS):
        grown = Spread(
            *((1 + r / HUNDRED) ** year for r in (raises.low, raises.expected, raises.high))
        )
        base = (
            Spread(*(pay.base_salary * g for g in (grown.low, grown.expected, grown.high)))
            if pay.base_salary
            else NOTHING
        )
        for month in range(12 * year, 12 * year + 12):
            pay_cash(month, base.times(Decimal(1) / 12))
            if pay.yearly_benefits:
                pay_cash(month, Spread.exactly(pay.yearly_benefits / 12))
        if bonus is not None and 12 * (year + 1) <= stay_months:
            amount = (
                bonus
                if pay.bonus_kind == "amount"
                else Spread(
                    base.low * bonus.low, base.expected * bonus.expected, base.high * bonus.high
                ).times(Decimal("0.01"))
            )
            cash[12 * year + 11] = cash[12 * year + 11] + amount
    if pay.raise_percent:
        assumptions.append(
            f"Base grows {raises.low.normalize():f}% to {raises.high.normalize():f}% a year "
            f"({raises.expected.normalize():f}% expected)."
        )
    if pay.signon_bonus:
        pay_cash(0, Spread.exactly(pay.signon_bonus))
        repay_by = pay.signon_repay_months or 0
        # Paid back only by someone who leaves within the four years, before its months.
        if 0 < stay_months < min(repay_by, MONTHS):
            cash[stay_months - 1] = cash[stay_months - 1] - Spread.exactly(pay.signon_bonus)
            assumptions.append(f"The sign-on bonus is paid back: leaving before {repay_by} months.")
    if pay.one_off:
        pay_cash(0, Spread.exactly(pay.one_off))

    grant, notes = _grant(pay)
    assumptions += notes
    if grant != NOTHING:
        label = VESTING_LABELS.get(pay.vesting, pay.vesting)
        assumptions.append(f"Vesting: {label}; cliff {pay.cliff_months} months.")
        for month, share in enumerate(
            vesting_by_month(pay.vesting, pay.vesting_custom, pay.cliff_months)
        ):
            if share and month < stay_months:
                equity[month] = equity[month] + grant.times(share)
    if refresher is not None and refresher.high > 0:
        assumptions.append("Refreshers granted each year from year 2, vesting evenly over 4 years.")
        for granted in range(12, MONTHS, 12):
            for month in range(granted, min(MONTHS, granted + MONTHS)):
                if month < stay_months:
                    equity[month] = equity[month] + refresher.times(Decimal(1) / MONTHS)

    is_stipend = (
        bool(pay.stipend)
        or bool(pay.program_years)
        or bool(not pay.tuition_covered and pay.tuition_per_year)
    )
    if is_stipend:
        _stipend(pay, pay_cash, assumptions)

    living = pay.monthly_living_cost * 12 if pay.monthly_living_cost is not None else None
    years = []
    for year in range(YEARS):
        months = range(12 * year, 12 * year + 12)
        year_cash = sum((cash[m] for m in months), NOTHING)
        year_equity = sum((equity[m] for m in months), NOTHING)
        total = (year_cash + year_equity).rounded()
        years.append(
            YearPay(
                year=year + 1,
                total=total,
                cash=_cents(year_cash.expected),
                equity=_cents(year_equity.expected),
                living=_cents(living) if living is not None else None,
            )
        )
    four_year = sum((y.total for y in years), NOTHING)
    left = None
    if living is not None:
        left = four_year - Spread.exactly(_cents(living) * YEARS)
    return PayForecast(
        years=years,
        first_year=years[0].total,
        four_year=four_year,
        four_year_left=left,
        is_stipend=is_stipend,
        assumptions=assumptions,
    )


def _stipend(pay: PayInput, pay_cash, assumptions: list[str]) -> None:
    stipend = pay.stipend or ZERO
    program = pay.program_years if pay.program_years is not None else YEARS
    funded = pay.stipend_years if pay.stipend_years is not None else program
    for year in range(min(program, YEARS)):
        amount = Spread.exactly(stipend) if year < funded else Spread(ZERO, stipend / 2, stipend)
        if not pay.tuition_covered and pay.tuition_per_year:
            amount = amount - Spread.exactly(pay.tuition_per_year)
        for month in range(12 * year, 12 * year + 12):
            pay_cash(month, amount.times(Decimal(1) / 12))
    if funded < min(program, YEARS):
        assumptions.append(
            f"The stipend is funded for {funded} years; the years after range from nothing to it."
        )
    if program < YEARS:
        assumptions.append(
            f"The program is expected to take {program} years: nothing is counted after it."
        )
    if not pay.tuition_covered and pay.tuition_per_year:
        assumptions.append("Tuition is not covered: it is counted as a cost each year.")
