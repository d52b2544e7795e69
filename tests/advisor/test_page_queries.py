"""The dashboard and the plan page read a fixed number of queries, the same for a new user
and for one with many comparisons, plans, check-ins and papers.

alice is measured; bob's rows fill the database around hers.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from careers.content.models import LearningTrack
from careers.plans.models import LearningPlan
from careers.plans.schedule import week_start
from careers.plans.services import break_create
from tests.factories import (
    ComparisonFactory,
    LearningPlanFactory,
    OptionFactory,
    UserFactory,
    WeeklyCheckinFactory,
)

# The user with their profile (1; the session is in the cache); the plans with their tracks
# (1), their check-ins (1), their breaks (1), the tracks' courses (1) and project steps (1);
# the latest comparisons with their option counts (1); the published paths (1).
DASHBOARD = 8
# The user with their profile (1); the plan with its track (1); its check-ins (1), their papers
# (1) and the project steps they name (1); its breaks (1); the track's courses (1) and project
# steps (1), read once for the schedule, the pace and the charts; the tips shown beside the
# schedule (1).
PLAN_PAGE = 9


def plan_with_weeks(owner, track, weeks: int):
    plan = LearningPlanFactory(owner=owner, track=track)
    first = week_start(plan.start_date)
    step = track.project_steps.first()
    for week in range(weeks):
        WeeklyCheckinFactory(
            plan=plan,
            week_start=first + timedelta(weeks=week),
            project_step=step,
            project_progress=50,
            papers=[{"title": f"Paper {week}-{n}"} for n in range(3)],
        )
    return plan


@pytest.fixture
def track(seeded):
    return LearningTrack.objects.get()


def fill(user, track, *, comparisons: int, plans: int, weeks: int) -> None:
    for _ in range(comparisons):
        comparison = ComparisonFactory(owner=user)
        OptionFactory(comparison=comparison)
        OptionFactory(comparison=comparison, path_slug="phd")
    for _ in range(plans):
        plan_with_weeks(user, track, weeks)


def test_it_shows_the_dashboard_in_as_many_queries_for_a_full_account(
    track, alice, client, django_assert_num_queries
):
    client.force_login(alice)
    fill(alice, track, comparisons=1, plans=1, weeks=1)
    with django_assert_num_queries(DASHBOARD):
        small = client.get(reverse("dashboard"))

    fill(alice, track, comparisons=9, plans=3, weeks=6)
    fill(UserFactory(username="bob"), track, comparisons=10, plans=2, weeks=4)
    with django_assert_num_queries(DASHBOARD):
        large = client.get(reverse("dashboard"))

    assert small.content.count(b'class="comparison-list__meta"') == 1
    # Five shown, and a link to the rest.
    assert large.content.count(b'class="comparison-list__meta"') == 5
    assert b"All your comparisons" in large.content
    assert large.content.count(b"Streak:") == 4


def test_it_shows_the_plan_page_in_as_many_queries_for_a_long_plan(
    track, alice, client, django_assert_num_queries
):
    client.force_login(alice)
    new = plan_with_weeks(alice, track, 1)
    long = plan_with_weeks(alice, track, 12)
    # Breaks, a target date behind pace (the page works the new pace out) and light days
    # cost no query of their own.
    today = timezone.localdate()
    for start in (week_start(today) + timedelta(weeks=2), week_start(today) + timedelta(weeks=6)):
        break_create(plan=long, start=start, end=start + timedelta(days=6))
    LearningPlan.objects.filter(pk=long.pk).update(
        target_date=today + timedelta(weeks=14), light_days=[long.study_days[0]]
    )
    fill(UserFactory(username="bob"), track, comparisons=0, plans=3, weeks=8)

    for plan, weeks in ((new, 1), (long, 12)):
        with django_assert_num_queries(PLAN_PAGE):
            response = client.get(reverse("plans:plan_detail", args=[plan.pk]))
        assert response.status_code == 200
        assert response.content.count(b"Paper ") == 3 * weeks
    assert b"Use this pace" in response.content
    assert response.content.count(b": Break</title>") == 2
