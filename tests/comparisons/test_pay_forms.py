"""Entering pay on the web form and through the API: what is refused names its field, and
what is saved shows in the exports."""

import csv
import io
import json
from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from careers.comparisons.models import Option
from careers.content.models import CareerPath
from tests.factories import ComparisonFactory, OptionFactory


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def option_post(comparison, **fields) -> dict:
    return {
        "path": CareerPath.objects.get(slug="industry-team").pk,
        "organisation": "Globex",
        "currency": "USD",
        "vesting": "even",
        "cliff_months": "12",
        "tuition_covered": "on",
        **fields,
    }


def create_url(comparison) -> str:
    return reverse("comparisons:option_create", kwargs={"comparison_id": comparison.pk})


def test_it_saves_a_custom_schedule_typed_as_four_percentages(seeded, alice):
    comparison = ComparisonFactory(owner=alice)
    response = signed_in(alice).post(
        create_url(comparison),
        option_post(
            comparison,
            equity_grant_value="200000",
            vesting="custom",
            vesting_custom="10, 20, 30, 40",
        ),
    )

    assert response.status_code == 302
    option = Option.objects.get(comparison=comparison)
    assert option.vesting_custom == [10, 20, 30, 40]
    assert option.equity_grant_value == D(200_000)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"vesting": "custom", "vesting_custom": "10, 20, 30, 30", "equity_grant_value": "1"},
            "vesting_custom",
            "The yearly percentages add up to 90, not 100.",
        ),
        ({"vesting_custom": "ten, twenty"}, "vesting_custom", "Give four numbers"),
        (
            {"bonus": "10000", "bonus_percent": "10"},
            "bonus_percent",
            "Give the yearly bonus as an amount or as a share of base, not both.",
        ),
        (
            {"equity_grant_value": "100000", "private_shares": "1000"},
            "private_shares",
            "either a listed company's",
        ),
        (
            {"raise_low_percent": "5", "raise_percent": "3"},
            "raise_percent",
            "The low figure must not exceed the expected one",
        ),
        ({"private_worth_high_percent": "150"}, "private_worth_high_percent", "100"),
        ({"cliff_months": "60"}, "cliff_months", "48"),
    ],
)
def test_it_refuses_pay_it_cannot_use_on_the_field_at_fault(seeded, alice, fields, field, message):
    comparison = ComparisonFactory(owner=alice)

    response = signed_in(alice).post(create_url(comparison), option_post(comparison, **fields))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert not Option.objects.filter(comparison=comparison).exists()


def option_body(**fields) -> dict:
    return {"path": "industry-team", "organisation": "Globex", "currency": "USD", **fields}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        (
            {"vesting": "custom", "vesting_custom": [10, 20, 30, 30], "equity_grant_value": "1"},
            "vesting_custom",
        ),
        ({"vesting_custom": [25, 25, 25]}, "vesting_custom"),
        ({"vesting_custom": "10,20,30,40"}, "vesting_custom"),
        ({"vesting_custom": [10, 20, 30, 140]}, "vesting_custom"),
        ({"bonus": "1", "bonus_percent": "1"}, "bonus_percent"),
        ({"vesting": "weekly"}, "vesting"),
        ({"private_shares": -5}, "private_shares"),
        ({"monthly_living_cost": "lots"}, "monthly_living_cost"),
    ],
)
def test_it_answers_400_naming_the_field_for_pay_it_cannot_use(seeded, alice, fields, field):
    comparison = ComparisonFactory(owner=alice)

    response = api_for(alice).post(
        f"/api/comparisons/{comparison.pk}/options/", option_body(**fields), format="json"
    )

    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()


PAY_NUMBERS = st.one_of(
    st.none(),
    st.integers(min_value=-10, max_value=10**12),
    st.decimals(allow_nan=True, allow_infinity=True, places=3).map(str),
    st.text(max_size=12),
)


HOSTILE_FIELDS = [
    "base_salary",
    "raise_low_percent",
    "raise_percent",
    "bonus_percent",
    "bonus_high",
    "private_shares",
    "private_share_price",
    "private_worth_percent",
    "cliff_months",
    "stipend_years",
    "monthly_living_cost",
]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.fixed_dictionaries(
        {},
        optional=dict.fromkeys(HOSTILE_FIELDS, PAY_NUMBERS),
    ),
    schedule=st.one_of(
        st.none(), st.lists(st.integers(-200, 200), max_size=6), st.text(max_size=5)
    ),
)
def test_it_never_answers_500_to_hostile_pay(seeded, alice, body, schedule):
    comparison = ComparisonFactory(owner=alice)
    fields = {**body, "vesting": "custom", "vesting_custom": schedule}

    response = api_for(alice).post(
        f"/api/comparisons/{comparison.pk}/options/", option_body(**fields), format="json"
    )

    assert response.status_code in (201, 400), response.content
    if response.status_code == 201:
        result = api_for(alice).get(f"/api/comparisons/{comparison.pk}/result/")
        assert result.status_code == 200


def test_it_exports_each_options_pay_in_the_comparisons_currency(seeded, alice):
    comparison = ComparisonFactory(owner=alice, currency="USD")
    OptionFactory(
        comparison=comparison,
        path_slug="industry-team",
        organisation="Globex",
        currency="USD",
        base_salary=D(100_000),
        equity_grant_value=D(200_000),
        vesting="back_loaded",
        monthly_living_cost=D(3_000),
    )
    client = signed_in(alice)

    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    reverse(
                        "comparisons:comparison_export_csv", kwargs={"comparison_id": comparison.pk}
                    )
                ).content.decode()
            )
        )
    )
    exported = json.loads(
        client.get(
            reverse("comparisons:comparison_export_json", kwargs={"comparison_id": comparison.pk})
        ).content
    )

    first = rows[0]
    assert first["pay_currency"] == "USD"
    # Back-loaded 5/15/40/40 of 200,000 on 100,000 a year.
    assert [first[f"year_{n}_expected"] for n in (1, 2, 3, 4)] == [
        "110000.00",
        "130000.00",
        "180000.00",
        "180000.00",
    ]
    assert first["four_year_expected"] == "600000.00"
    assert first["four_year_after_living_costs"] == "456000.00"
    assert "Back-loaded 5/15/40/40" in first["pay_assumptions"]
    pay_row = next(row for row in rows if row["criterion"] == "pay")
    assert pay_row["value"] == "100% of the highest pay here"
    (option,) = exported["result"]["options"]
    assert option["compensation"]["four_year"]["expected"] == "600000.00"
    assert exported["comparison"]["currency"] == "USD"
    assert exported["comparison"]["options"][0]["vesting"] == "back_loaded"


def test_it_shows_an_options_whole_pay_read_only_in_the_admin(seeded, alice, admin_client):
    comparison = ComparisonFactory(owner=alice, currency="EUR")
    OptionFactory(
        comparison=comparison,
        path_slug="startup",
        organisation="Tiny",
        private_shares=40_000,
        private_exercise_days=90,
        monthly_living_cost=D(2_100),
    )

    page = admin_client.get(
        reverse("admin:comparisons_comparison_change", args=[comparison.pk])
    ).content.decode()

    assert "Options or shares in a private company (a startup)" in page
    assert "40000" in page
    assert "2100" in page
    assert 'name="options-0-private_shares"' not in page  # shown, never editable
    listed = admin_client.get(reverse("admin:comparisons_comparison_changelist"))
    assert comparison.title in listed.content.decode()
