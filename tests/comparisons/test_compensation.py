"""The compensation engine against tables worked by hand.

Each row gives an offer, when the person leaves (48: they stay the four years), and the
expected total of each year; where a range is at stake, the low and high too.
"""

from decimal import Decimal as D

import pytest

from careers.comparisons.compensation import (
    CompensationError,
    PayInput,
    Spread,
    forecast,
    vesting_by_month,
)


def expected_years(pay: PayInput, stay_months: int = 48) -> list[D]:
    return [year.total.expected for year in forecast(pay, stay_months=stay_months).years]


def grant(vesting: str, cliff: int, custom=None) -> PayInput:
    return PayInput(
        equity_kind="public",
        equity_grant_value=D(100_000),
        vesting=vesting,
        vesting_custom=custom,
        cliff_months=cliff,
    )


# A grant of 100,000. "even" delivers on each anniversary; the others accrue monthly by their
# yearly percentages and deliver nothing before the cliff, then what accrued at once.
VESTING_TABLE = [
    # vesting, cliff, leaves at month, yearly equity
    ("even", 12, 48, ["25000", "25000", "25000", "25000"]),
    ("even", 0, 48, ["25000", "25000", "25000", "25000"]),
    ("even", 12, 18, ["25000", "0", "0", "0"]),  # the second anniversary never comes
    ("even", 12, 11, ["0", "0", "0", "0"]),
    ("front_loaded", 12, 48, ["33000", "33000", "22000", "12000"]),
    ("front_loaded", 0, 48, ["33000", "33000", "22000", "12000"]),
    ("front_loaded", 12, 11, ["0", "0", "0", "0"]),
    ("front_loaded", 0, 11, ["30250", "0", "0", "0"]),  # 11/12 of 33,000
    ("back_loaded", 12, 48, ["5000", "15000", "40000", "40000"]),
    ("back_loaded", 0, 48, ["5000", "15000", "40000", "40000"]),
    ("back_loaded", 12, 6, ["0", "0", "0", "0"]),
    ("back_loaded", 0, 6, ["2500", "0", "0", "0"]),  # 6/12 of 5,000
    ("monthly", 12, 48, ["25000", "25000", "25000", "25000"]),
    ("monthly", 0, 48, ["25000", "25000", "25000", "25000"]),
    ("monthly", 12, 18, ["25000", "12500", "0", "0"]),  # 6 months of 25,000 / 12
    ("monthly", 12, 11, ["0", "0", "0", "0"]),
    ("monthly", 0, 11, ["22916.67", "0", "0", "0"]),  # 11/12 of 25,000
    # An 18-month cliff: the first 18 months arrive together in month 18.
    ("monthly", 18, 48, ["0", "50000", "25000", "25000"]),
]


@pytest.mark.parametrize(("vesting", "cliff", "stay", "years"), VESTING_TABLE)
def test_it_vests_each_preset_with_and_without_a_cliff(vesting, cliff, stay, years):
    assert expected_years(grant(vesting, cliff), stay) == [D(y) for y in years]


def test_it_vests_a_custom_schedule_by_its_own_percentages():
    pay = grant("custom", 12, custom=[D(10), D(20), D(30), D(40)])

    assert expected_years(pay) == [D(10_000), D(20_000), D(30_000), D(40_000)]
    assert round(sum(vesting_by_month("custom", [D(10), D(20), D(30), D(40)], 12)), 20) == 1


@pytest.mark.parametrize(
    ("custom", "message"),
    [
        ([D(10), D(20), D(30), D(30)], "The yearly percentages add up to 90, not 100."),
        ([D(50), D(50), D(10), D(0)], "The yearly percentages add up to 110, not 100."),
        ([D(100)], "Give a percentage for each of the four years."),
        ([D(120), D(-20), D(0), D(0)], "A year's percentage cannot be negative."),
    ],
)
def test_it_refuses_a_custom_schedule_that_does_not_add_up_to_100(custom, message):
    with pytest.raises(CompensationError) as refused:
        forecast(grant("custom", 12, custom=custom))

    assert refused.value.field == "vesting_custom"
    assert refused.value.message == message


def test_it_pays_base_with_a_ranged_raise_compounded_each_year():
    pay = PayInput(base_salary=D(100_000), raise_percent=(D(2), D(3), D(5)))
    result = forecast(pay)

    assert [y.total for y in result.years] == [
        Spread(D(100_000), D(100_000), D(100_000)),
        Spread(D(102_000), D(103_000), D(105_000)),
        Spread(D("104040"), D("106090"), D("110250")),
        Spread(D("106120.80"), D("109272.70"), D("115762.50")),
    ]
    assert result.four_year == Spread(D("412160.80"), D("418362.70"), D("431012.50"))
    assert result.first_year == Spread.exactly(D(100_000))
    assert all(y.cash == y.total.expected and y.equity == 0 for y in result.years)


@pytest.mark.parametrize(
    ("stay", "first_year", "four_year"),
    [
        (48, "140000", "500000"),  # kept: 120,000 x 4 + 20,000
        (12, "140000", "140000"),  # leaves as the repayment period ends: kept
        (6, "60000", "60000"),  # leaves before 12 months: half a year's pay, sign-on repaid
        (11, "110000", "110000"),
    ],
)
def test_it_takes_back_a_signon_bonus_when_leaving_before_its_months(stay, first_year, four_year):
    pay = PayInput(base_salary=D(120_000), signon_bonus=D(20_000), signon_repay_months=12)
    result = forecast(pay, stay_months=stay)

    assert result.first_year.expected == D(first_year)
    assert result.four_year.expected == D(four_year)
    assert ("paid back" in " ".join(result.assumptions)) == (stay < 12)


def test_it_starts_refreshers_in_year_two_and_vests_each_over_four_years():
    # One refresher a year from year 2, 30,000 to 60,000 (40,000 expected), each a quarter a
    # year: year 2 has a quarter of one, year 3 of two, year 4 of three.
    pay = PayInput(equity_kind="public", refresher=(D(30_000), D(40_000), D(60_000)))
    years = forecast(pay).years

    assert [y.total for y in years] == [
        Spread.exactly(D(0)),
        Spread(D(7_500), D(10_000), D(15_000)),
        Spread(D(15_000), D(20_000), D(30_000)),
        Spread(D(22_500), D(30_000), D(45_000)),
    ]
    assert [y.equity for y in years] == [D(0), D(10_000), D(20_000), D(30_000)]


def test_it_counts_a_private_grant_from_nothing_to_its_paper_value():
    # 10,000 options at a strike of 1.00, shares last priced at 5.00: 40,000 on paper, a
    # quarter a year; believed worth 0% to 100% of that, 50% expected (the default).
    pay = PayInput(
        equity_kind="private",
        private_shares=D(10_000),
        private_strike=D(1),
        private_price=D(5),
        private_exercise_days=90,
    )
    result = forecast(pay)

    assert [y.total for y in result.years] == [Spread(D(0), D(5_000), D(10_000))] * 4
    assert result.four_year == Spread(D(0), D(20_000), D(40_000))
    assert result.has_range
    notes = " ".join(result.assumptions)
    assert "0% to 100% of its paper value (40000.00)" in notes
    assert "often it never can" in notes
    assert "within 90 days of leaving" in notes


def test_it_counts_a_private_grant_by_the_share_the_user_believes_in():
    pay = PayInput(
        equity_kind="private",
        private_shares=D(1_000),
        private_strike=D(2),
        private_price=D(10),
        private_worth_percent=(D(0), D(10), D(25)),
    )
    # 8,000 on paper; year by year a quarter: 2,000, of which 0%, 10% and 25%.
    assert forecast(pay).first_year == Spread(D(0), D(200), D(500))


def test_it_counts_options_under_water_as_worth_nothing():
    pay = PayInput(
        equity_kind="private", private_shares=D(5_000), private_strike=D(4), private_price=D(3)
    )
    assert forecast(pay).four_year == Spread.exactly(D(0))


def test_it_refuses_a_belief_outside_nothing_to_the_paper_value():
    pay = PayInput(
        equity_kind="private",
        private_shares=D(1),
        private_price=D(1),
        private_worth_percent=(D(0), D(50), D(150)),
    )
    with pytest.raises(CompensationError) as refused:
        forecast(pay)
    assert refused.value.field == "private_worth_percent"


@pytest.mark.parametrize(
    ("stay", "first_year"),
    [(48, Spread(D(100_000), D(110_000), D(120_000))), (6, Spread.exactly(D(50_000)))],
)
def test_it_pays_a_bonus_as_a_share_of_base_at_each_years_end(stay, first_year):
    pay = PayInput(base_salary=D(100_000), bonus_kind="percent", bonus=(D(0), D(10), D(20)))
    assert forecast(pay, stay_months=stay).first_year == first_year


def test_it_pays_a_bonus_amount_as_typed():
    pay = PayInput(bonus=(D(5_000), D(10_000), D(15_000)))
    assert forecast(pay).four_year == Spread(D(20_000), D(40_000), D(60_000))


def test_it_shows_a_phd_stipend_for_its_funded_years_and_a_range_after():
    pay = PayInput(stipend=D(40_000), stipend_years=3, program_years=5)
    result = forecast(pay)

    assert result.is_stipend
    assert [y.total for y in result.years] == [Spread.exactly(D(40_000))] * 3 + [
        Spread(D(0), D(20_000), D(40_000))
    ]
    assert "funded for 3 years" in " ".join(result.assumptions)


def test_it_counts_nothing_after_a_short_program_and_tuition_as_a_cost():
    pay = PayInput(
        stipend=D(30_000), program_years=3, tuition_covered=False, tuition_per_year=D(10_000)
    )
    result = forecast(pay)

    assert expected_years(pay) == [D(20_000), D(20_000), D(20_000), D(0)]
    notes = " ".join(result.assumptions)
    assert "nothing is counted after it" in notes
    assert "Tuition is not covered" in notes


def test_it_leaves_what_living_costs_out_of_what_is_left():
    pay = PayInput(
        base_salary=D(60_000),
        one_off=D(5_000),
        yearly_benefits=D(1_200),
        monthly_living_cost=D(2_000),
    )
    result = forecast(pay)

    assert result.first_year == Spread.exactly(D(66_200))
    assert [y.left.expected for y in result.years] == [D(42_200), D(37_200), D(37_200), D(37_200)]
    assert result.four_year_left == Spread.exactly(D(153_800))


def test_it_has_no_living_cost_figures_without_a_living_cost():
    result = forecast(PayInput(base_salary=D(60_000)))
    assert result.four_year_left is None
    assert result.years[0].left is None


@pytest.mark.parametrize(
    ("pay", "field"),
    [
        (PayInput(raise_percent=(D(5), D(3), D(6))), "raise_percent"),
        (PayInput(bonus=(D(2), D(1), D(3))), "bonus"),
        (grant("monthly", 60), "cliff_months"),
        (grant("weekly", 12), "vesting"),
    ],
)
def test_it_names_the_field_of_an_input_it_cannot_use(pay, field):
    with pytest.raises(CompensationError) as refused:
        forecast(pay)
    assert refused.value.field == field


def test_it_pays_nothing_for_an_empty_offer():
    result = forecast(PayInput())
    assert result.four_year == Spread.exactly(D(0))
    assert not result.is_stipend
    assert result.assumptions == []
