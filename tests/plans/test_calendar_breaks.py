"""The calendar feed follows a plan's breaks and light days: no study session in a break,
the course weeks after it moved back, a light day named as one."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from careers.content.models import LearningTrack
from careers.plans.services import break_create, plan_update
from tests.factories import LearningPlanFactory

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
START = date(2026, 11, 30)


@pytest.fixture
def plan(seeded, alice):
    with time_machine.travel(NOW, tick=False):
        return LearningPlanFactory(
            owner=alice,
            track=LearningTrack.objects.get(slug="deep-learning-foundations"),
            start_date=START,
            weeks=16,
            study_days=[1, 5],
            timezone="Europe/London",
            now=NOW,
        )


def events(plan) -> dict[date, str]:
    token = plan.owner.profile.calendar_token
    response = Client().get(reverse("plans:plan_calendar_feed", args=[token]))
    assert response.status_code == 200
    return {
        event.decoded("dtstart"): str(event["summary"])
        for event in Calendar.from_ical(response.content).walk("VEVENT")
    }


def test_it_leaves_a_break_out_of_the_feed_and_moves_the_weeks_after_it_back(plan):
    before = events(plan)
    # A break over Christmas and New Year: the weeks of 21 and 28 December 2026.
    with time_machine.travel(NOW, tick=False):
        break_create(plan=plan, start=date(2026, 12, 22), end=date(2027, 1, 2))
    after = events(plan)

    assert len(after) == len(before) == 16 * 2
    assert not [day for day in after if date(2026, 12, 21) <= day <= date(2027, 1, 3)]
    # The course week that fell on Tuesday 22 December now falls on Tuesday 5 January.
    assert after[date(2027, 1, 5)] == before[date(2026, 12, 22)]
    assert max(after) == max(before) + timedelta(weeks=2)


def test_it_names_a_light_day_in_the_feed(plan):
    with time_machine.travel(NOW, tick=False):
        plan_update(plan=plan, light_days=[1])
    feed = events(plan)
    assert feed[date(2026, 12, 1)].startswith("Light study: ")
    assert feed[date(2026, 12, 5)].startswith("Study: ")
