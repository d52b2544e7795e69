"""A PUT of what a GET returned changes nothing, for every API resource a user can PUT.

Each case fills its object completely (tests.filled), reads it, writes the body back and
compares every stored column and the representation read again. An endpoint that accepts
PUT without a case here fails the sweep.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import get_resolver
from rest_framework.test import APIClient

from careers.comparisons.models import Answer, Comparison, Option
from careers.plans.models import LearningPlan, PaperNote, WeeklyCheckin
from careers.plans.services import plan_update
from tests.factories import UserFactory
from tests.filled import (
    filled_answers,
    filled_checkin,
    filled_comparison,
    filled_option,
    filled_plan,
    filled_private_option,
    stored,
)

# What the server stamps on every write, and so differs between two reads.
STAMPS = {"updated_at"}


@dataclass(frozen=True)
class Resource:
    url: str
    rows: Callable[[], list]


def comparison(user) -> Resource:
    made = filled_comparison(user)
    return Resource(
        f"/api/comparisons/{made.pk}/", lambda: stored(Comparison.objects.filter(pk=made.pk))
    )


def option(user) -> Resource:
    made = filled_option(user)
    return Resource(
        f"/api/comparisons/{made.comparison_id}/options/{made.pk}/",
        lambda: stored(Option.objects.filter(pk=made.pk)),
    )


def private_option(user) -> Resource:
    made = filled_private_option(user)
    return Resource(
        f"/api/comparisons/{made.comparison_id}/options/{made.pk}/",
        lambda: stored(Option.objects.filter(pk=made.pk)),
    )


def answers(user) -> Resource:
    made = filled_answers(user)
    return Resource(
        f"/api/comparisons/{made.comparison_id}/options/{made.pk}/answers/",
        lambda: stored(Answer.objects.filter(option=made)),
    )


def plan(user) -> Resource:
    made = filled_plan(user)
    # The fields filled_plan leaves at their defaults (empty, or null) filled too: a light
    # day among its study days (1, 3, 6), a target, a second reminder after its Wednesday
    # email.
    plan_update(
        plan=made,
        light_days=[3],
        skip_budget=3,
        target_date=made.start_date + timedelta(weeks=30),
        reminder_weekday=4,
    )
    assert made.next_reminder_at is not None
    return Resource(
        f"/api/plans/{made.pk}/", lambda: stored(LearningPlan.objects.filter(pk=made.pk))
    )


def checkin(user) -> Resource:
    made = filled_checkin(user)
    return Resource(
        f"/api/plans/{made.plan_id}/checkins/{made.week_start.isoformat()}/",
        lambda: [
            *stored(WeeklyCheckin.objects.filter(pk=made.pk)),
            *stored(PaperNote.objects.filter(checkin=made)),
        ],
    )


# URL name in the ``api`` namespace -> case.
CASES = {
    "comparison-detail": comparison,
    "option-detail": option,
    "option-answers": answers,
    "plan-detail": plan,
    "checkin-detail": checkin,
}


def put_routes() -> set[str]:
    """The names of the API's routes whose view answers PUT."""

    def walk(patterns) -> set[str]:
        names = set()
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                names |= walk(pattern.url_patterns)
            elif "put" in (getattr(pattern.callback, "actions", None) or {}):
                names.add(pattern.name)
        return names

    api = next(p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "api")
    return walk(api.url_patterns)


# Every case, with a second option: the parts of pay one option cannot hold at once.
ROUND_TRIPS = {**CASES, "option-detail, a private company's": private_option}


def test_it_has_a_round_trip_for_every_route_that_takes_a_put():
    assert put_routes() == set(CASES)


def unstamped(body):
    if isinstance(body, dict):
        return {key: unstamped(value) for key, value in body.items() if key not in STAMPS}
    if isinstance(body, list):
        return [unstamped(item) for item in body]
    return body


@pytest.mark.parametrize("name", list(ROUND_TRIPS))
def test_it_changes_nothing_when_a_get_is_put_back(seeded, name):
    user = UserFactory()
    resource = ROUND_TRIPS[name](user)
    client = APIClient()
    client.force_authenticate(user)
    before = resource.rows()
    shown = client.get(resource.url)
    assert shown.status_code == 200, shown.content

    saved = client.put(resource.url, shown.json(), format="json")

    assert saved.status_code == 200, saved.content
    assert resource.rows() == before
    assert unstamped(client.get(resource.url).json()) == unstamped(shown.json())
