"""The plan pages of a plan that bends: planned breaks (planned, refused, called off), the skip
budget in words, the pace toward a target date (shown, then applied only as shown), light days
and the pictures of the habit; and, at the end, the pure geometry of those pictures.

alice owns the plan; charlie must reach nothing of hers. The clock is frozen on Wednesday
25 November 2026, 12:00 UTC; alice's plan runs in London and began on Monday 2 November, so
this is its week 4.
"""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from careers.content.models import LearningTrack
from careers.plans import services
from careers.plans.charts import (
    CELL,
    CELL_GAP,
    PER_ROW,
    ROW_LABEL,
    habit_heatmap,
    papers_chart,
    streak_chart,
)
from careers.plans.models import LearningPlan, PlanBreak
from careers.plans.schedule import WEEK
from careers.plans.timeline import LIGHT_DAY, PlanWeek, WeekState, skips_refill_explained
from tests.factories import LearningPlanFactory, WeeklyCheckinFactory

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
START = date(2026, 11, 2)
THIS_MONDAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def track(seeded) -> LearningTrack:
    return LearningTrack.objects.get()


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def plan(track, alice) -> LearningPlan:
    return LearningPlanFactory(
        owner=alice, track=track, start_date=START, now=NOW, timezone="Europe/London"
    )


def detail(client, plan) -> str:
    response = client.get(reverse("plans:plan_detail", args=[plan.pk]))
    assert response.status_code == 200
    return response.content.decode()


def breaks_url(plan) -> str:
    return reverse("plans:plan_breaks", args=[plan.pk])


def delete_url(plan, item) -> str:
    return reverse("plans:plan_break_delete", args=[plan.pk, item.pk])


def pace_url(plan) -> str:
    return reverse("plans:plan_pace", args=[plan.pk])


def snapshot(plan) -> dict:
    return {
        "plan": list(LearningPlan.objects.filter(pk=plan.pk).values()),
        "breaks": list(PlanBreak.objects.filter(plan=plan).order_by("pk").values()),
    }


# --- Planned breaks -----------------------------------------------------------------------


def test_it_plans_a_break_from_the_form_as_a_browser_sends_it(alice_client, plan):
    # A Wednesday to a Tuesday: the break covers the whole weeks they fall in.
    response = alice_client.post(
        breaks_url(plan), {"start": "2026-12-09", "end": "2026-12-15", "reason": "Holiday"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:plan_detail", args=[plan.pk]) + "#breaks"
    item = PlanBreak.objects.get(plan=plan)
    assert (item.start, item.end, item.reason) == (date(2026, 12, 7), date(2026, 12, 20), "Holiday")

    html = alice_client.get(response["Location"]).content.decode()
    assert "Break planned from Monday 7 December to Sunday 20 December 2026 (2 weeks)" in html
    assert '<time datetime="2026-12-07">Mon 7 Dec 2026</time>' in html
    assert "Holiday" in html
    assert f'action="{delete_url(plan, item)}"' in html
    assert "Call it off<span" in html


def test_it_shifts_the_schedule_past_a_break(alice_client, plan):
    services.break_create(plan=plan, start=date(2026, 12, 7), end=date(2026, 12, 20), now=NOW)
    response = alice_client.get(reverse("plans:plan_detail", args=[plan.pk]))
    rows = response.context["rows"]
    # Sixteen course weeks and the two weeks of the break between them.
    assert len(rows) == 18
    by_monday = {row.monday: row for row in rows}
    assert by_monday[date(2026, 11, 30)].week.number == 5
    assert by_monday[date(2026, 12, 7)].focus is None
    assert by_monday[date(2026, 12, 14)].focus is None
    assert by_monday[date(2026, 12, 21)].week.number == 6
    assert rows[-1].monday == date(2027, 3, 1)
    html = response.content.decode()
    assert html.count("A planned break: the course waits for you.") == 2
    assert 'data-label="Week">Break</th>' in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"start": "2026-11-09", "end": "2026-11-15"},
            "start",
            "A break starts this week or later",
        ),
        ({"start": "2026-12-20", "end": "2026-12-07"}, "end", "ends on or after the day it starts"),
        ({"start": "2026-12-07", "end": "2027-12-07"}, "end", "A break is at most 26 weeks"),
        ({"start": "", "end": "2026-12-07"}, "start", "This field is required."),
        ({"start": "next week", "end": "2026-12-07"}, "start", "Enter a valid date."),
    ],
)
def test_it_refuses_a_break_the_plan_cannot_take_beside_the_field(
    alice_client, plan, data, field, message
):
    response = alice_client.post(breaks_url(plan), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    assert "The break was not planned." in html
    assert f'id="id_{field}_error"' in html
    assert not PlanBreak.objects.exists()


def test_it_refuses_a_break_that_overlaps_another(alice_client, plan):
    services.break_create(plan=plan, start=date(2026, 12, 7), end=date(2026, 12, 13), now=NOW)
    response = alice_client.post(breaks_url(plan), {"start": "2026-12-10", "end": "2026-12-24"})
    assert response.status_code == 400
    assert "It overlaps your break from 7 December 2026" in " ".join(
        response.context["form"].errors["start"]
    )
    assert PlanBreak.objects.count() == 1


def test_it_shows_the_breaks_page_with_its_form(alice_client, plan):
    response = alice_client.get(breaks_url(plan))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<input type="date" name="start"' in html
    assert '<input type="date" name="end"' in html
    assert "No breaks planned." in html


def test_it_calls_off_a_break_to_come_only_on_post(alice_client, plan):
    item = services.break_create(
        plan=plan, start=date(2026, 12, 7), end=date(2026, 12, 20), now=NOW
    )
    page = alice_client.get(delete_url(plan, item))
    assert page.status_code == 200
    assert "It is removed" in page.content.decode()
    assert PlanBreak.objects.filter(pk=item.pk).exists()

    response = alice_client.post(delete_url(plan, item), follow=True)
    assert response.redirect_chain[-1][0].endswith("#breaks")
    assert not PlanBreak.objects.exists()
    html = response.content.decode()
    assert "Your break from 7 December to 20 December 2026 is called off and removed" in html
    assert len(response.context["rows"]) == 16


def test_it_ends_a_break_under_way_with_last_week(alice_client, plan):
    item = services.break_create(plan=plan, start=THIS_MONDAY, end=date(2026, 12, 13), now=NOW)
    # A week later, in its second week.
    with time_machine.travel(NOW + WEEK, tick=False):
        page = alice_client.get(delete_url(plan, item))
        assert "it ends with last week" in page.content.decode()
        response = alice_client.post(delete_url(plan, item), follow=True)
    item.refresh_from_db()
    assert item.end == date(2026, 11, 29)
    assert "Your break is ended: it stays in your plan up to Sunday 29 November" in (
        response.content.decode()
    )


def test_it_keeps_a_break_that_is_over(alice_client, plan):
    item = services.break_create(plan=plan, start=THIS_MONDAY, end=date(2026, 11, 29), now=NOW)
    # A week later: it ended last Sunday.
    with time_machine.travel(NOW + WEEK, tick=False):
        html = detail(alice_client, plan)
        assert "Over" in html
        assert f'action="{delete_url(plan, item)}"' not in html
        before = snapshot(plan)
        for method in ("get", "post"):
            response = getattr(alice_client, method)(delete_url(plan, item))
            assert response.status_code == 400
            assert "This break is over" in response.content.decode()
    assert snapshot(plan) == before


def test_it_asks_nothing_during_a_break(alice_client, plan):
    services.break_create(
        plan=plan, start=THIS_MONDAY, end=date(2026, 12, 6), reason="Exams", now=NOW
    )
    html = detail(alice_client, plan)
    assert "You are on a break until <time" in html
    assert "Sunday 6 December 2026</time> (Exams)" in html
    assert "Monday 7 December</time>" in html
    assert "Log this week" not in html
    assert "Your check-in" not in html
    list_html = alice_client.get(reverse("plans:plan_list")).content.decode()
    assert "On a break until 6 December 2026." in list_html
    dashboard = alice_client.get(reverse("dashboard")).content.decode()
    assert "On a break until <time" in dashboard
    assert "6 December 2026</time>: the schedule waits for you." in dashboard
    assert "not logged yet" not in dashboard
    # Three weeks with nothing logged before the break: both skips are spent.
    assert "0 skips left" in dashboard


# --- Skips --------------------------------------------------------------------------------


def test_it_counts_skips_against_the_budget_and_explains_the_rule(alice_client, plan):
    # Weeks 1 and 3 ended with nothing logged: each used a skip, the streak carried on.
    WeeklyCheckinFactory(plan=plan, week_start=date(2026, 11, 9), study_days_done=1)
    LearningPlan.objects.filter(pk=plan.pk).update(skip_budget=3)
    html = detail(alice_client, plan)
    assert "<strong>1 of 3 left</strong>" in html
    assert skips_refill_explained(3) in html
    assert "<strong>1 week</strong>" in html
    assert "One missed week in eight" not in html


@pytest.mark.parametrize(
    ("budget", "help_text"),
    [
        (3, "A skipped week uses one of your skips (1 of 3 left) and your streak carries on."),
        (2, "You have no skips left, so a skipped week starts your streak again."),
        (0, "Your plan keeps no skips: a skipped week starts your streak again."),
    ],
)
def test_it_says_what_skipping_a_week_costs_on_the_check_in_form(
    alice_client, plan, budget, help_text
):
    WeeklyCheckinFactory(plan=plan, week_start=date(2026, 11, 9), study_days_done=1)
    LearningPlan.objects.filter(pk=plan.pk).update(skip_budget=budget)
    html = alice_client.get(
        reverse("plans:checkin_edit", args=[plan.pk, THIS_MONDAY.isoformat()])
    ).content.decode()
    assert help_text in html


# --- Target date and pace -----------------------------------------------------------------


def test_it_says_a_plan_is_on_track_with_the_weeks_to_spare(alice_client, plan):
    LearningPlan.objects.filter(pk=plan.pk).update(target_date=date(2027, 3, 31))
    html = detail(alice_client, plan)
    # The sixteenth week ends on Sunday 21 February; 31 March is five weeks on.
    assert "On track" in html
    assert "Sunday 21 February 2027</time>, 5 weeks to spare before your target" in html
    assert '<time datetime="2027-03-31">31 March 2027</time>' in html
    assert "Use this pace" not in html


def test_it_offers_a_pace_then_applies_it_only_when_asked(alice_client, plan):
    LearningPlan.objects.filter(pk=plan.pk).update(target_date=date(2027, 1, 31))
    before = snapshot(plan)
    response = alice_client.get(reverse("plans:plan_detail", args=[plan.pk]))
    html = response.content.decode()
    pace = response.context["target"].pace
    assert "Not on track" in html
    assert '3 weeks after your target of <time datetime="2027-01-31">' in html
    # Ten weeks left before the target (this one to the week ending 31 January), three behind:
    # 13 weeks, and the 32 papers of the plan at 4 a week.
    assert (pace.weeks, pace.papers_per_week) == (13, 4)
    assert "13 (now 16)" in html
    assert "4 (now 2)" in html
    assert "Use this pace" in html
    assert alice_client.get(pace_url(plan)).status_code == 200
    assert snapshot(plan) == before  # nothing changes before the button

    response = alice_client.post(pace_url(plan), {"weeks": "13", "papers_per_week": "4"})
    assert response.status_code == 302
    assert response["Location"].endswith("#target")
    plan.refresh_from_db()
    assert (plan.weeks, plan.papers_per_week) == (13, 4)
    html = alice_client.get(response["Location"]).content.decode()
    assert "New pace: the specialization over 13 weeks and 4 papers a week" in html
    assert "On track" in html


def test_it_refuses_a_pace_that_changed_since_the_page_was_shown(alice_client, plan):
    LearningPlan.objects.filter(pk=plan.pk).update(target_date=date(2027, 1, 31))
    shown = alice_client.get(pace_url(plan)).context["target"].pace
    # A break planned since, in another tab: the same target now asks for a faster pace.
    services.break_create(plan=plan, start=date(2026, 12, 7), end=date(2026, 12, 13), now=NOW)
    before = snapshot(plan)
    response = alice_client.post(
        pace_url(plan), {"weeks": str(shown.weeks), "papers_per_week": str(shown.papers_per_week)}
    )
    assert response.status_code == 409
    assert snapshot(plan) == before
    html = response.content.decode()
    assert "The pace has changed since the page was shown" in html
    new = response.context["target"].pace
    assert new.weeks != shown.weeks
    assert f'name="weeks" value="{new.weeks}"' in html


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (None, "Your plan has no target date"),
        (date(2027, 6, 30), "Your plan is on track for its target date"),
        (date(2026, 12, 6), "Even at the fastest pace the plan offers"),
    ],
)
def test_it_applies_no_pace_when_none_is_offered(alice_client, plan, target, message):
    LearningPlan.objects.filter(pk=plan.pk).update(target_date=target)
    before = snapshot(plan)
    response = alice_client.post(pace_url(plan), {"weeks": "8", "papers_per_week": "4"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot(plan) == before


def test_it_sets_and_clears_the_target_date_in_the_edit_form(alice_client, plan, track):
    data = {
        "track": str(track.pk),
        "start_date": START.isoformat(),
        "weeks": "16",
        "prerequisite__python": "on",
        "prerequisite__matrix_multiplication": "on",
        "study_days": ["5", "6"],
        "light_days": ["6"],
        "papers_per_week": "2",
        "skip_budget": "3",
        "target_date": "2027-02-28",
        "nudges_enabled": "on",
        "nudge_weekday": "5",
        "nudge_hour": "9",
        "reminder_weekday": "6",
        "timezone": "Europe/London",
    }
    url = reverse("plans:plan_edit", args=[plan.pk])
    assert alice_client.post(url, data).status_code == 302
    plan.refresh_from_db()
    assert (plan.target_date, plan.light_days, plan.skip_budget) == (date(2027, 2, 28), [6], 3)
    assert plan.reminder_weekday == 6
    assert alice_client.post(url, {**data, "target_date": ""}).status_code == 302
    plan.refresh_from_db()
    assert plan.target_date is None

    response = alice_client.post(url, {**data, "light_days": ["2"], "reminder_weekday": "4"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["light_days"] == ["Light days are some of the study days."]
    assert "later in the week than the weekly email" in errors["reminder_weekday"][0]


def test_it_shows_the_new_fields_on_the_edit_form_with_their_help(alice_client, plan):
    html = alice_client.get(reverse("plans:plan_edit", args=[plan.pk])).content.decode()
    assert '<legend class="field__label">Light days' in html
    assert "Study days with less time" in html
    assert 'name="skip_budget" value="2"' in html
    assert '<input type="date" name="target_date"' in html
    assert "Optional: a short email later in the week" in html
    # The second reminder is off unless chosen.
    assert '<option value="" selected>None</option>' in html


# --- Light days ---------------------------------------------------------------------------


def test_it_lists_this_weeks_days_with_what_each_is_for(alice_client, track, alice):
    plan = LearningPlanFactory(
        owner=alice, track=track, start_date=START, now=NOW, study_days=[1, 3, 5], light_days=[3]
    )
    response = alice_client.get(reverse("plans:plan_detail", args=[plan.pk]))
    days = response.context["week_days"]
    assert [(day.name, day.light) for day in days] == [
        ("Tuesday", False),
        ("Thursday", True),
        ("Saturday", False),
    ]
    html = response.content.decode()
    assert (
        f'<strong>Thursday</strong> <span class="badge badge--muted">Light day</span>: {LIGHT_DAY}'
        in html
    )
    assert "<strong>Tuesday</strong>: Neural Networks and Deep Learning, week 4 of 4" in html
    assert "<strong>Saturday</strong>: Project step: A small network on MNIST" in html


# --- The pictures of the habit ------------------------------------------------------------


def test_it_draws_every_week_state_in_the_heatmap_with_its_title(alice_client, plan):
    # One skip: week 1 uses it, week 2 is missed, week 3 logged, week 4 is this week.
    LearningPlan.objects.filter(pk=plan.pk).update(skip_budget=1)
    WeeklyCheckinFactory(plan=plan, week_start=date(2026, 11, 16), study_days_done=2, papers_read=1)
    services.break_create(plan=plan, start=date(2026, 12, 7), end=date(2026, 12, 13), now=NOW)
    html = detail(alice_client, plan)
    for state in WeekState:
        assert f'class="habit-cell habit-cell--{state}"' in html
    assert "<title>Week 1, 2 Nov 2026 to 8 Nov 2026: Skipped (a skip used)</title>" in html
    assert "<title>Week 2, 9 Nov 2026 to 15 Nov 2026: Missed</title>" in html
    assert "<title>Week 3, 16 Nov 2026 to 22 Nov 2026: Logged</title>" in html
    assert "<title>Week 4, 23 Nov 2026 to 29 Nov 2026: This week, not logged yet</title>" in html
    assert "<title>7 Dec 2026 to 13 Dec 2026: Break</title>" in html
    assert (
        '<desc id="habit-map-desc">17 weeks: 1 logged; 1 skipped, a skip used; 1 in a break; '
        "1 missed; 1 this week, not logged yet; 12 to come.</desc>"
    ) in html
    assert 'role="img" aria-labelledby="habit-map-title"' in html
    assert "Missed: 1</li>" in html
    assert '<desc id="streak-chart-desc">Your streak is 1 week now' in html
    assert "It started again 1 time." in html
    assert "1 paper read so far, against a target of 8 by this week" in html


def test_it_draws_no_charts_before_the_plan_starts(alice_client, track, alice):
    plan = LearningPlanFactory(owner=alice, track=track, start_date=date(2026, 12, 7), now=NOW)
    html = detail(alice_client, plan)
    assert "habit-map__svg" in html
    assert "streak-chart-title" not in html
    assert "16 weeks: 16 to come." in html


# --- Isolation ----------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("page", ["breaks", "delete", "pace"])
def test_it_gives_charlie_404_for_alices_breaks_and_pace(
    client, charlie, plan, track, page, method
):
    item = services.break_create(
        plan=plan, start=date(2026, 12, 7), end=date(2026, 12, 20), now=NOW
    )
    LearningPlan.objects.filter(pk=plan.pk).update(target_date=date(2027, 1, 31))
    before = snapshot(plan)
    client.force_login(charlie)
    url = {"breaks": breaks_url(plan), "delete": delete_url(plan, item), "pace": pace_url(plan)}
    body = {"start": "2026-12-28", "end": "2027-01-03", "weeks": "13", "papers_per_week": "3"}
    response = getattr(client, method)(url[page], body)
    assert response.status_code == 404
    assert snapshot(plan) == before


def test_it_finds_no_break_of_another_plan_under_ones_own(client, charlie, plan, track):
    item = services.break_create(
        plan=plan, start=date(2026, 12, 7), end=date(2026, 12, 20), now=NOW
    )
    own = LearningPlanFactory(owner=charlie, track=track, start_date=START, now=NOW)
    client.force_login(charlie)
    url = reverse("plans:plan_break_delete", args=[own.pk, item.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert PlanBreak.objects.filter(pk=item.pk).exists()


def test_it_requires_a_login_for_the_break_and_pace_pages(client, plan):
    for url in (breaks_url(plan), pace_url(plan)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# --- The geometry of the pictures (pure) --------------------------------------------------


def weeks_of(states: list[WeekState], *, first: date = START) -> list[PlanWeek]:
    weeks, streak, number = [], 0, 0
    for index, state in enumerate(states):
        streak = (
            streak + 1 if state == WeekState.LOGGED else 0 if state == WeekState.MISSED else streak
        )
        number += state != WeekState.BREAK
        weeks.append(
            PlanWeek(
                monday=first + index * WEEK,
                number=None if state == WeekState.BREAK else number,
                focus=None,
                state=state,
                streak=streak,
                skips_left=0,
                in_break=state == WeekState.BREAK,
            )
        )
    return weeks


def test_it_wraps_the_heatmap_after_a_quarter_and_keeps_it_narrow():
    heatmap = habit_heatmap(weeks_of([WeekState.LOGGED] * 30))
    step = CELL + CELL_GAP
    assert len(heatmap.rows) == 3
    assert [row.label for row in heatmap.rows] == ["2 Nov", "1 Feb", "3 May"]
    assert (heatmap.cells[PER_ROW].x, heatmap.cells[PER_ROW].y) == (ROW_LABEL, step)
    assert heatmap.cells[PER_ROW - 1].x == ROW_LABEL + (PER_ROW - 1) * step
    assert heatmap.width == ROW_LABEL + PER_ROW * step - CELL_GAP
    assert heatmap.width <= 360  # a 390 px phone's column, unscaled
    assert heatmap.height == 3 * step - CELL_GAP


def test_it_marks_each_state_with_a_letter_and_counts_them():
    states = [
        WeekState.LOGGED,
        WeekState.SKIPPED,
        WeekState.BREAK,
        WeekState.MISSED,
        WeekState.CURRENT,
        WeekState.FUTURE,
        WeekState.FUTURE,
    ]
    heatmap = habit_heatmap(weeks_of(states))
    assert [cell.letter for cell in heatmap.cells] == ["L", "S", "B", "M", "N", "", ""]
    assert {item.state: item.count for item in heatmap.legend}[WeekState.FUTURE] == 2
    assert heatmap.cells[2].title == "16 Nov 2026 to 22 Nov 2026: Break"
    assert heatmap.cells[3].title == "Week 3, 23 Nov 2026 to 29 Nov 2026: Missed"
    assert heatmap.summary.startswith("7 weeks: 1 logged; 1 skipped, a skip used; 1 in a break")


def test_it_sizes_the_heatmap_of_a_short_plan_to_its_weeks():
    heatmap = habit_heatmap(weeks_of([WeekState.FUTURE] * 4))
    assert heatmap.width == ROW_LABEL + 4 * (CELL + CELL_GAP) - CELL_GAP
    assert habit_heatmap([]).summary == "No weeks yet."


def test_it_draws_the_streak_as_bars_on_the_longest_streaks_scale():
    weeks = weeks_of([WeekState.LOGGED, WeekState.LOGGED, WeekState.MISSED, WeekState.LOGGED])
    chart = streak_chart(weeks)
    assert [bar.height for bar in chart.bars] == [51.0, 102.0, 0.0, 51.0]
    assert chart.top_label == "2"
    assert all(chart.left <= bar.x and bar.x + chart.bar_width <= chart.width for bar in chart.bars)
    assert chart.summary == (
        "Your streak is 1 week now; the longest was 2 weeks. It started again 1 time."
    )
    assert [label.text for label in chart.week_labels] == ["2 Nov", "23 Nov"]


def test_it_draws_papers_against_a_target_that_skips_breaks():
    weeks = weeks_of([WeekState.LOGGED, WeekState.BREAK, WeekState.LOGGED])
    papers = {START: 3, START + 2 * WEEK: 1}
    chart = papers_chart(weeks, papers=papers, papers_per_week=2)
    # Read 3, 3, 4 against a target of 2, 2, 4, on a scale up to 4.
    assert chart.line == "30.0,33.5 175.0,33.5 320.0,8.0"
    assert chart.target_line == "30.0,59.0 175.0,59.0 320.0,8.0"
    assert [dot.title for dot in chart.dots][-1] == "Week of 16 Nov 2026: 4 papers read, target 4"
    assert chart.summary.startswith("4 papers read so far, against a target of 4 by this week")


def test_it_draws_a_single_week_of_papers_as_a_dot_in_the_middle():
    chart = papers_chart(weeks_of([WeekState.CURRENT]), papers={}, papers_per_week=2)
    assert [(dot.x, dot.y) for dot in chart.dots] == [(175.0, 110.0)]
