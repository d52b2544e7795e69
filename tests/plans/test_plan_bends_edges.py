"""The edges of a plan that bends: a break at the end of the calendar, a break planned while
this week's email is due, old breaks that no longer count against the limit, the pause link
clicked twice at once, a change of papers a week that rewrites no week gone, and a second
reminder found by its Message-ID in the admin."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from careers.content.models import LearningTrack
from careers.plans import services
from careers.plans.charts import papers_chart
from careers.plans.models import LearningPlan, NudgeDelivery, PlanBreak
from careers.plans.selectors import plan_progress
from careers.plans.services import BreakError, break_create, break_pause, plan_update
from tests.factories import LearningPlanFactory, WeeklyCheckinFactory

# Wednesday 25 November 2026; the plan began on Monday 2 November, in London, with its
# weekly email on Saturdays at 09:00 and two papers a week.
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
START = date(2026, 11, 2)
THIS_MONDAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def plan(seeded, alice) -> LearningPlan:
    return LearningPlanFactory(
        owner=alice,
        track=LearningTrack.objects.get(slug="deep-learning-foundations"),
        start_date=START,
        nudge_weekday=5,
        nudge_hour=9,
        papers_per_week=2,
        timezone="Europe/London",
        now=NOW,
    )


@pytest.mark.parametrize("end", [date(9999, 12, 31), date(9999, 12, 27), date(2040, 1, 1)])
def test_it_refuses_a_break_past_the_dates_a_plan_can_have(plan, end):
    with pytest.raises(BreakError) as raised:
        break_create(plan=plan, start=THIS_MONDAY, end=end)
    assert "end" in raised.value.message_dict
    assert not PlanBreak.objects.exists()


def test_it_answers_a_break_form_at_the_end_of_the_calendar_with_a_400(plan, client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("plans:plan_breaks", args=[plan.pk]),
        {"start": "2026-12-07", "end": "9999-12-31", "reason": ""},
    )
    assert response.status_code == 400
    assert "Choose a day between" in response.content.decode()


def test_it_keeps_this_weeks_due_email_when_a_break_is_planned_months_ahead(plan):
    # Saturday's email is due and the dispatcher has not come round yet.
    due = datetime(2026, 11, 28, 9, tzinfo=UTC)
    with time_machine.travel(due + timedelta(minutes=5), tick=False):
        break_create(plan=plan, start=date(2027, 2, 1), end=date(2027, 2, 14))
    plan.refresh_from_db()
    assert plan.next_nudge_at == due


def test_it_moves_a_due_email_whose_week_became_a_break(plan):
    due = datetime(2026, 11, 28, 9, tzinfo=UTC)
    with time_machine.travel(due + timedelta(minutes=5), tick=False):
        break_create(plan=plan, start=THIS_MONDAY, end=THIS_MONDAY + timedelta(days=6))
    plan.refresh_from_db()
    assert plan.next_nudge_at == due + timedelta(weeks=1)


def test_it_counts_only_breaks_not_over_against_the_limit(plan):
    # Twenty breaks already over (written directly: a break is planned ahead), then one more.
    PlanBreak.objects.bulk_create(
        PlanBreak(plan=plan, start=date(2025, 1, 6) + timedelta(weeks=2 * n), end=date(2025, 1, 12)
                  + timedelta(weeks=2 * n))
        for n in range(20)
    )  # fmt: skip
    item = break_create(plan=plan, start=THIS_MONDAY, end=THIS_MONDAY)
    assert item.pk
    for n in range(1, 20):
        monday = THIS_MONDAY + timedelta(weeks=2 * n)
        break_create(plan=plan, start=monday, end=monday)
    with pytest.raises(BreakError) as raised:
        break_create(plan=plan, start=date(2028, 1, 3), end=date(2028, 1, 3))
    assert "at most 20 breaks to come" in str(raised.value)


def test_it_takes_a_pause_clicked_twice_at_once_as_one_break(plan, monkeypatch):
    first, created = break_pause(plan=plan, week=THIS_MONDAY)
    assert created
    # The second click read the breaks before the first one's committed.
    monkeypatch.setattr(services, "plan_breaks", lambda plan: [])
    again, created = break_pause(plan=plan, week=THIS_MONDAY)
    assert (again.pk, created) == (first.pk, False)
    assert PlanBreak.objects.count() == 1


def test_it_keeps_the_papers_asked_for_in_weeks_gone_when_the_pace_changes(plan):
    # Three weeks gone at two a week (six asked for), all read; this is week 4.
    for week in range(3):
        WeeklyCheckinFactory(
            plan=plan, week_start=START + timedelta(weeks=week), study_days_done=1, papers_read=2
        )
    assert plan_progress(plan=plan).papers_target == 8
    plan_update(plan=plan, papers_per_week=5)
    plan.refresh_from_db()
    assert (plan.papers_carried, plan.papers_carried_week) == (6, THIS_MONDAY)
    # Six from before, five for this week: not 20, as five a week since the start would be.
    assert plan_progress(plan=plan).papers_target == 11
    with time_machine.travel(NOW + timedelta(weeks=1), tick=False):
        assert plan_progress(plan=plan).papers_target == 16
        # Changed again: the weeks at five are carried on top of the weeks at two.
        plan_update(plan=plan, papers_per_week=1)
        plan.refresh_from_db()
        assert (plan.papers_carried, plan.papers_carried_week) == (
            11,
            THIS_MONDAY + timedelta(weeks=1),
        )
        assert plan_progress(plan=plan).papers_target == 12


def test_it_lets_a_plan_not_begun_take_its_new_pace_from_the_first_week(seeded, alice):
    plan = LearningPlanFactory(
        owner=alice,
        track=LearningTrack.objects.get(slug="deep-learning-foundations"),
        start_date=date(2026, 12, 7),
        now=NOW,
    )
    plan_update(plan=plan, papers_per_week=3)
    plan.refresh_from_db()
    assert (plan.papers_carried, plan.papers_carried_week) == (0, None)
    with time_machine.travel(datetime(2026, 12, 16, 12, tzinfo=UTC), tick=False):
        assert plan_progress(plan=plan).papers_target == 6


def test_it_draws_the_papers_target_on_from_the_papers_carried(plan):
    for week in range(3):
        WeeklyCheckinFactory(
            plan=plan, week_start=START + timedelta(weeks=week), study_days_done=1, papers_read=2
        )
    plan_update(plan=plan, papers_per_week=5)
    plan.refresh_from_db()
    progress = plan_progress(plan=plan)
    weeks = [week for week in progress.timeline.weeks if week.monday <= THIS_MONDAY]
    chart = papers_chart(
        weeks,
        papers={START + timedelta(weeks=n): 2 for n in range(3)},
        papers_per_week=5,
        carried=plan.papers_carried,
        carried_week=plan.papers_carried_week,
    )
    # The target line ends where the page's figure does, not at five a week since the start.
    assert progress.papers_target == 11
    assert "against a target of 11 by this" in chart.summary


def test_it_finds_a_second_reminder_by_its_message_id(admin_client, plan):
    reminder = NudgeDelivery.objects.create(
        plan=plan,
        week_start=THIS_MONDAY,
        kind=NudgeDelivery.Kind.REMINDER,
        scheduled_for=NOW,
        status=NudgeDelivery.Status.SENT,
        message_id=f"<nudge-reminder.{plan.pk}.20261123@advisor.example.org>",
    )
    NudgeDelivery.objects.create(
        plan=plan,
        week_start=THIS_MONDAY,
        scheduled_for=NOW,
        status=NudgeDelivery.Status.SENT,
        message_id=f"<nudge.{plan.pk}.20261123@advisor.example.org>",
    )
    response = admin_client.get(
        reverse("admin:plans_nudgedelivery_changelist"), {"q": reminder.message_id}
    )
    assert response.status_code == 200
    assert [row.pk for row in response.context["cl"].result_list] == [reminder.pk]
