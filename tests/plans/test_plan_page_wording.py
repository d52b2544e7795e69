"""What the plan page says about papers and habits: the plan's own numbers, and no line that
only makes sense beside another.

The clock is frozen on Wednesday 25 November 2026, 12:00 UTC.
"""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from careers.content.models import LearningTrack
from careers.plans.timeline import skips_refill_explained
from tests.factories import LearningPlanFactory, WeeklyCheckinFactory

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def plan_page(client, plan) -> str:
    return client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()


def test_it_measures_papers_against_the_plans_own_target(seeded, alice, alice_client):
    track = LearningTrack.objects.get(slug="deep-learning-foundations")
    # Week 1, nothing logged, three papers a week.
    plan = LearningPlanFactory(
        owner=alice, track=track, start_date=date(2026, 11, 23), now=NOW, papers_per_week=3
    )
    html = plan_page(alice_client, plan)
    assert "0 of 3 so far. Your target of 3 a week comes to about 156 a year." in html
    assert "on the way to about 0 a year" not in html
    assert "Two a week is about a hundred a year" not in html


def test_it_gives_the_pace_once_papers_are_logged(seeded, alice, alice_client):
    track = LearningTrack.objects.get(slug="deep-learning-foundations")
    plan = LearningPlanFactory(
        owner=alice, track=track, start_date=date(2026, 11, 2), now=NOW, papers_per_week=1
    )
    WeeklyCheckinFactory(plan=plan, week_start=date(2026, 11, 2), papers_read=2)
    html = plan_page(alice_client, plan)
    # Week 4: 2 papers in 4 weeks is 26 a year, against the plan's 52.
    assert "2 of 4 so far, about 26 a year at this pace." in html
    assert "Your target of 1 a week comes to about 52 a year." in html


def test_it_words_the_note_under_the_handwriting_tip_on_its_own(seeded, alice, alice_client):
    track = LearningTrack.objects.get(slug="deep-learning-foundations")
    plan = LearningPlanFactory(owner=alice, track=track, start_date=date(2026, 11, 2), now=NOW)
    html = plan_page(alice_client, plan)
    assert "Each check-in asks whether you did." not in html
    assert "Your weekly check-in asks whether you took notes by hand that week." in html


def test_it_words_the_streak_by_the_plans_skip_budget(seeded, alice, alice_client):
    """The fixed "one missed week in eight" gave way to a budget of skips the learner sets."""
    track = LearningTrack.objects.get(slug="deep-learning-foundations")
    plan = LearningPlanFactory(
        owner=alice, track=track, start_date=date(2026, 11, 2), now=NOW, skip_budget=4
    )
    WeeklyCheckinFactory(plan=plan, week_start=date(2026, 11, 16), study_days_done=1)
    html = plan_page(alice_client, plan)
    assert "One missed week in eight" not in html
    assert "neither counts nor breaks it" not in html
    # Weeks 1 and 2 each used a skip.
    assert "<strong>2 of 4 left</strong>" in html
    assert skips_refill_explained(4) in html
    assert "You hold up to 4 skips." in html
