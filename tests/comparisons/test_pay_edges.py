"""The corners of pay: a lone low figure, a long repayment period, offers with and without
living costs, currencies the ECB does not publish, huge figures, tuition without a stipend,
offers that all cost more than they pay, and an upside past every expected figure."""

from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from careers.comparisons import compensation
from careers.comparisons.compensation import PayInput, forecast
from careers.comparisons.models import Option
from careers.comparisons.pay import compared_totals, option_pays, pay_fractions
from careers.comparisons.scoring import KIND_RANGE
from tests.comparisons.test_pay_score import offer
from tests.factories import ComparisonFactory, OptionFactory


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize(
    "fields",
    [
        {"private_shares": 1000, "private_share_price": "2", "private_worth_low_percent": "0"},
        {"base_salary": "50000", "raise_low_percent": "0"},
        {"bonus_low": "0"},
        {"refresher_low": "0"},
    ],
)
def test_it_takes_a_lone_low_figure_of_zero(seeded, alice, fields):
    comparison = ComparisonFactory(owner=alice)
    body = {"path": "startup", "organisation": "Tiny", "currency": "USD", **fields}

    response = api_for(alice).post(f"/api/comparisons/{comparison.pk}/options/", body)

    assert response.status_code == 201, response.content
    result = api_for(alice).get(f"/api/comparisons/{comparison.pk}/result/")
    assert result.status_code == 200


def test_it_keeps_a_signon_with_a_long_repayment_period_for_someone_who_stays():
    pay = PayInput(base_salary=D(120_000), signon_bonus=D(20_000), signon_repay_months=60)

    result = forecast(pay)

    assert [y.total.expected for y in result.years] == [D(140_000)] + [D(120_000)] * 3
    assert not any("paid back" in note for note in result.assumptions)
    # Leaving at 30 months: 30 months of salary; the sign-on paid, then paid back.
    leaving = forecast(pay, stay_months=30)
    assert leaving.four_year.expected == D(300_000)
    assert any("paid back" in note for note in leaving.assumptions)


def test_it_never_compares_one_offer_after_living_costs_with_another_before():
    comparison = SimpleNamespace(currency="USD")
    with_living = offer(1, "USD", base_salary=D(100_000), monthly_living_cost=D(2_000))
    without = offer(2, "USD", base_salary=D(90_000))

    totals = compared_totals(option_pays(comparison, [with_living, without]).values())

    assert totals[1].expected == D(400_000)  # before living costs, as the other
    assert totals[2].expected == D(360_000)
    both = offer(2, "USD", base_salary=D(90_000), monthly_living_cost=D(1_000))
    totals = compared_totals(option_pays(comparison, [with_living, both]).values())
    assert (totals[1].expected, totals[2].expected) == (D(304_000), D(312_000))


def test_it_compares_offers_in_a_currency_without_a_rate_among_themselves():
    comparison = SimpleNamespace(currency="")
    first = offer(1, "AED", base_salary=D(300_000))
    second = offer(2, "AED", base_salary=D(200_000))

    pays = option_pays(comparison, [first, second])

    assert pays[1].currency == "AED"
    assert pays[2].forecast.four_year.expected == D(800_000)
    assert set(pay_fractions(pays.values())) == {1, 2}


def test_it_answers_a_result_with_figures_in_the_trillions(seeded, alice):
    comparison = ComparisonFactory(owner=alice, currency="IDR")
    OptionFactory(
        comparison=comparison,
        path_slug="startup",
        currency="USD",
        private_shares=1_000_000_000,
        private_share_price=D(1000),
    )

    response = api_for(alice).get(f"/api/comparisons/{comparison.pk}/result/")

    assert response.status_code == 200, response.content
    (option,) = response.json()["options"]
    assert D(option["compensation"]["four_year"]["high"]) > 10**15


@pytest.mark.parametrize("schedule", [[1000, 0, 0, 0], [999.999, 0, 0, 0], [10, 20, 30]])
def test_it_refuses_a_custom_schedule_out_of_shape_whatever_the_schedule(seeded, alice, schedule):
    comparison = ComparisonFactory(owner=alice)
    body = {
        "path": "startup",
        "organisation": "Tiny",
        "currency": "USD",
        "vesting": "even",
        "vesting_custom": schedule,
    }

    response = api_for(alice).post(
        f"/api/comparisons/{comparison.pk}/options/", body, format="json"
    )

    assert response.status_code == 400
    assert "vesting_custom" in response.json()
    assert not Option.objects.filter(comparison=comparison).exists()


def test_it_tells_offers_apart_when_each_costs_more_than_it_pays():
    comparison = SimpleNamespace(currency="USD")
    rich = offer(1, "USD", stipend=D(30_000), monthly_living_cost=D(3_000))
    poor = offer(2, "USD", stipend=D(20_000), monthly_living_cost=D(3_000))

    fractions = pay_fractions(option_pays(comparison, [rich, poor]).values())

    assert fractions[1].expected == 1.0
    assert fractions[2].expected == 0.0


def test_it_counts_tuition_without_a_stipend_as_a_cost():
    pay = PayInput(tuition_covered=False, tuition_per_year=D(20_000), program_years=2)
    comparison = SimpleNamespace(currency="USD")
    program = offer(1, "USD", tuition_covered=False, tuition_per_year=D(20_000), program_years=2)

    assert [y.total.expected for y in forecast(pay).years] == [D(-20_000)] * 2 + [D(0)] * 2
    assert option_pays(comparison, [program])[1].forecast.is_stipend
    assert forecast(PayInput(stipend=D(30_000), program_years=0)).four_year.expected == 0


def test_it_counts_a_startups_upside_past_the_best_expected_pay(seeded, alice):
    comparison = SimpleNamespace(currency="USD")
    flat = offer(1, "USD", base_salary=D(200_000))
    startup = offer(
        2,
        "USD",
        base_salary=D(150_000),
        private_shares=1_000_000,
        private_strike_price=D(0),
        private_share_price=D(2),
    )

    fractions = pay_fractions(option_pays(comparison, [flat, startup]).values(), private={2: True})

    # Four years: flat 800,000; startup 600,000 + 0 to 2,000,000.
    assert fractions[2].high == 1.0
    assert fractions[2].expected < 1.0
    assert fractions[2].high > fractions[2].expected


def test_it_scores_again_when_the_compensation_engine_changes(seeded, alice, monkeypatch):
    comparison = ComparisonFactory(owner=alice, currency="USD")
    OptionFactory(comparison=comparison, path_slug="startup", base_salary=D(100_000))
    api = api_for(alice)
    before = api.get(f"/api/comparisons/{comparison.pk}/result/")

    monkeypatch.setattr(compensation, "COMPENSATION_VERSION", "99")
    after = api.get(f"/api/comparisons/{comparison.pk}/result/")

    assert after["ETag"] != before["ETag"]


def test_it_says_a_leaders_low_end_alone_could_swap_the_two(seeded, alice):
    from django.test import Client

    comparison = ComparisonFactory(owner=alice, currency="USD", title="Two startups")
    OptionFactory(
        comparison=comparison,
        path_slug="startup",
        organisation="Risky",
        base_salary=D(50_000),
        private_shares=1_000_000,
        private_share_price=D(1),
    )
    OptionFactory(
        comparison=comparison, path_slug="startup", organisation="Steady", base_salary=D(250_000)
    )
    client = Client()
    client.force_login(alice)

    result = api_for(alice).get(f"/api/comparisons/{comparison.pk}/result/").json()
    html = client.get(f"/comparisons/{comparison.pk}/results/").content.decode()

    ranges = [u for u in result["flip_analysis"]["ranked_unknowns"] if u["kind"] == KIND_RANGE]
    assert ranges
    assert "If Risky&#x27;s" in html or "If Risky's" in html
