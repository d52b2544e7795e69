"""The learning plan REST API against the seeded track: plans with their defaults,
validation, check-ins by week, progress (skips, weeks, the pace a target date asks for), and
isolation between users. Breaks are in test_api_breaks.py."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from rest_framework.test import APIClient

from careers.content.models import LearningTrack
from careers.plans.models import LearningPlan, PaperNote, PlanBreak, WeeklyCheckin
from careers.plans.services import break_create, checkin_upsert, plan_create, plan_update
from tests.drf import error_messages
from tests.factories import LearningPlanFactory, WeeklyCheckinFactory

TRACK = "deep-learning-foundations"
# A Wednesday, 10:00 in London (GMT): the plans below start on Monday 5 January 2026, so
# this is their fifth week.
NOW = datetime(2026, 2, 4, 10, 0, tzinfo=UTC)
START = date(2026, 1, 5)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def api(alice):
    client = APIClient()
    client.force_authenticate(alice)
    return client


@pytest.fixture
def track(seeded):
    return LearningTrack.objects.get(slug=TRACK)


@pytest.fixture
def plan(track, alice, now):
    return LearningPlanFactory(owner=alice, track=track, start_date=START)


def plan_url(plan) -> str:
    return f"/api/plans/{plan.pk}/"


def checkins_url(plan, week: str | None = None) -> str:
    url = f"/api/plans/{plan.pk}/checkins/"
    return f"{url}{week}/" if week else url


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def plan_progress_json(api, plan, now: datetime | None = None) -> dict:
    """The plan's progress as the API shows it, at ``now`` when given."""
    if now is None:
        return api.get(f"/api/plans/{plan.pk}/progress/").json()
    with time_machine.travel(now, tick=False):
        return api.get(f"/api/plans/{plan.pk}/progress/").json()


# Plans --------------------------------------------------------------------------------------


def test_it_creates_a_plan_with_every_default_from_an_empty_body(api, alice, seeded, now):
    response = api.post("/api/plans/", {})
    assert response.status_code == 201
    body = response.json()
    plan = LearningPlan.objects.get(pk=body["id"])
    assert plan.owner == alice
    assert body["track"] == TRACK
    assert body["start_date"] == "2026-02-04"  # today in London
    assert (body["weeks"], body["papers_per_week"], body["study_days"]) == (16, 2, [5, 6])
    assert body["timezone"] == "Europe/London"  # alice's profile
    assert body["ml_course_first"] is False
    assert body["nudges_enabled"] is True
    assert (body["nudge_weekday"], body["nudge_hour"]) == (5, 9)
    assert (body["light_days"], body["skip_budget"], body["target_date"]) == ([], 2, None)
    assert (body["reminder_weekday"], body["next_reminder_at"]) == (None, None)
    # The first chosen slot after now: Saturday 7 February, 09:00 in London (GMT).
    assert parse_time(body["next_nudge_at"]) == datetime(2026, 2, 7, 9, 0, tzinfo=UTC)
    assert plan.next_nudge_at == datetime(2026, 2, 7, 9, 0, tzinfo=UTC)
    assert parse_time(body["created_at"]) == NOW
    assert parse_time(body["updated_at"]) == NOW


def test_it_creates_a_plan_from_minimal_fields_in_another_zone(api, seeded, now):
    response = api.post(
        "/api/plans/",
        {"timezone": "America/New_York", "nudge_weekday": 0, "nudge_hour": 7, "weeks": 20},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["weeks"], body["papers_per_week"], body["study_days"]) == (20, 2, [5, 6])
    assert body["start_date"] == "2026-02-04"
    # Monday 9 February, 07:00 in New York (EST, UTC-5).
    assert parse_time(body["next_nudge_at"]) == datetime(2026, 2, 9, 12, 0, tzinfo=UTC)


def test_it_creates_a_plan_with_nudges_off_and_no_send_time(api, seeded, now):
    response = api.post("/api/plans/", {"nudges_enabled": False, "start_date": "2026-03-02"})
    assert response.status_code == 201
    assert response.json()["nudges_enabled"] is False
    assert response.json()["next_nudge_at"] is None


def test_it_creates_a_plan_with_light_days_skips_a_target_and_a_second_reminder(api, seeded, now):
    response = api.post(
        "/api/plans/",
        {
            "study_days": [1, 3, 5],
            "light_days": [3],
            "skip_budget": 4,
            "target_date": "2026-07-31",
            "reminder_weekday": 6,
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    plan = LearningPlan.objects.get(pk=body["id"])
    assert (plan.light_days, plan.skip_budget, plan.target_date) == ([3], 4, date(2026, 7, 31))
    assert (body["light_days"], body["skip_budget"], body["target_date"]) == ([3], 4, "2026-07-31")
    assert body["reminder_weekday"] == 6
    # The weekly email on Saturday 7 February, the second reminder on Sunday 8, both 09:00.
    assert parse_time(body["next_nudge_at"]) == datetime(2026, 2, 7, 9, tzinfo=UTC)
    assert parse_time(body["next_reminder_at"]) == datetime(2026, 2, 8, 9, tzinfo=UTC)
    assert plan.next_reminder_at == datetime(2026, 2, 8, 9, tzinfo=UTC)


def test_it_moves_and_clears_the_second_reminder_with_the_plan(api, plan):
    response = api.patch(plan_url(plan), {"reminder_weekday": 6}, format="json")
    assert response.status_code == 200
    assert parse_time(response.json()["next_reminder_at"]) == datetime(2026, 2, 8, 9, tzinfo=UTC)
    response = api.patch(plan_url(plan), {"reminder_weekday": None}, format="json")
    assert response.status_code == 200
    assert response.json()["next_reminder_at"] is None
    plan.refresh_from_db()
    assert (plan.reminder_weekday, plan.next_reminder_at) == (None, None)


def test_it_ignores_a_next_reminder_at_sent_by_the_client(api, plan):
    response = api.patch(plan_url(plan), {"next_reminder_at": "2030-01-01T00:00:00Z"})
    assert response.status_code == 200
    assert response.json()["next_reminder_at"] is None
    plan.refresh_from_db()
    assert plan.next_reminder_at is None


def test_it_schedules_a_future_plans_first_nudge_at_the_first_slot_after_it_starts(
    api, seeded, now
):
    response = api.post("/api/plans/", {"start_date": "2026-03-02", "study_days": [0, 2]})
    assert response.status_code == 201
    assert response.json()["study_days"] == [0, 2]
    assert parse_time(response.json()["next_nudge_at"]) == datetime(2026, 3, 7, 9, tzinfo=UTC)


def test_it_lists_only_the_users_plans_newest_first(api, alice, charlie, track, now):
    older = plan_create(owner=alice, track=track)
    newer = plan_create(owner=alice, track=track)
    plan_create(owner=charlie, track=track)
    response = api.get("/api/plans/")
    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert [p["id"] for p in response.json()["results"]] == [newer.pk, older.pk]


def test_it_retrieves_a_plan(api, plan):
    response = api.get(plan_url(plan))
    assert response.status_code == 200
    assert response.json()["id"] == plan.pk
    assert response.json()["start_date"] == "2026-01-05"
    assert "calendar_token" not in response.json()


def test_it_updates_a_plan_with_put_and_patch_and_moves_the_next_nudge(api, plan):
    assert plan.next_nudge_at == datetime(2026, 2, 7, 9, tzinfo=UTC)
    response = api.put(
        plan_url(plan),
        {"nudge_weekday": 3, "nudge_hour": 18, "timezone": "Pacific/Auckland", "weeks": 24},
    )
    assert response.status_code == 200
    # Thursday 5 February, 18:00 in Auckland (NZDT, UTC+13) = 05:00 UTC the same day.
    assert parse_time(response.json()["next_nudge_at"]) == datetime(2026, 2, 5, 5, tzinfo=UTC)
    response = api.patch(plan_url(plan), {"papers_per_week": 3, "ml_course_first": True})
    assert response.status_code == 200
    plan.refresh_from_db()
    assert (plan.weeks, plan.papers_per_week, plan.ml_course_first) == (24, 3, True)
    assert (plan.nudge_weekday, plan.nudge_hour, plan.timezone) == (3, 18, "Pacific/Auckland")
    assert plan.start_date == START  # not given, so kept
    assert plan.next_nudge_at == datetime(2026, 2, 5, 5, tzinfo=UTC)


def test_it_clears_the_send_time_when_nudges_go_off_and_sets_it_when_they_go_on(api, plan):
    response = api.patch(plan_url(plan), {"nudges_enabled": False})
    assert response.json()["next_nudge_at"] is None
    response = api.patch(plan_url(plan), {"nudges_enabled": True})
    assert parse_time(response.json()["next_nudge_at"]) == datetime(2026, 2, 7, 9, tzinfo=UTC)


def test_it_deletes_a_plan_with_its_checkins(api, plan):
    checkin_upsert(plan=plan, week=START, study_days_done=1)
    response = api.delete(plan_url(plan))
    assert response.status_code == 204
    assert not LearningPlan.objects.filter(pk=plan.pk).exists()
    assert WeeklyCheckin.objects.count() == 0
    assert api.get(plan_url(plan)).status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "fragment"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone", "IANA"),
        ({"timezone": ""}, "timezone", "blank"),
        ({"nudge_hour": 24}, "nudge_hour", "23"),
        ({"nudge_hour": -1}, "nudge_hour", "0"),
        ({"nudge_weekday": 7}, "nudge_weekday", "6"),
        ({"weeks": 3}, "weeks", "4"),
        ({"weeks": 105}, "weeks", "104"),
        ({"study_days": [7]}, "study_days", "6"),
        ({"study_days": []}, "study_days", "at least 1"),
        ({"study_days": [1, 1]}, "study_days", "distinct"),
        ({"study_days": "weekends"}, "study_days", "list"),
        ({"papers_per_week": 21}, "papers_per_week", "20"),
        ({"track": "no-such-track"}, "track", "not exist"),
        ({"start_date": "soon"}, "start_date", "format"),
        ({"start_date": "9999-12-31"}, "start_date", "Start within a year"),
        ({"nudges_enabled": "perhaps"}, "nudges_enabled", "boolean"),
        # The study days default to the track's: Saturday and Sunday.
        ({"light_days": [2]}, "light_days", "some of the study days"),
        ({"light_days": [5, 5]}, "light_days", "distinct"),
        ({"light_days": [7]}, "light_days", "6"),
        ({"light_days": "saturday"}, "light_days", "list"),
        ({"skip_budget": 9}, "skip_budget", "8"),
        ({"skip_budget": -1}, "skip_budget", "0"),
        # The weekly email defaults to Saturday (5): a second reminder comes after it.
        ({"reminder_weekday": 5}, "reminder_weekday", "later in the week"),
        ({"reminder_weekday": 2}, "reminder_weekday", "later in the week"),
        ({"reminder_weekday": 7}, "reminder_weekday", "6"),
        ({"target_date": "2026-02-04"}, "target_date", "after the plan starts"),  # today
        ({"target_date": "9999-12-31"}, "target_date", "Choose a date by"),
        ({"target_date": "1999-12-31"}, "target_date", "2000-01-01 or later"),
        ({"target_date": "next year"}, "target_date", "format"),
    ],
)
def test_it_rejects_a_bad_plan_and_writes_nothing(api, seeded, now, body, field, fragment):
    response = api.post("/api/plans/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert any(fragment in message for message in error_messages(response.json()[field]))
    assert LearningPlan.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"nudge_hour": 24}, "nudge_hour"),
        ({"weeks": 3}, "weeks"),
        ({"study_days": [1, 1]}, "study_days"),
        ({"light_days": [1]}, "light_days"),
        # Light days the new study days no longer include.
        ({"study_days": [0, 1], "light_days": [5]}, "light_days"),
        ({"nudge_weekday": 6, "reminder_weekday": 6}, "reminder_weekday"),
        ({"target_date": "2026-01-05"}, "target_date"),  # the day the plan starts
        ({"start_date": "2026-03-02", "target_date": "2026-02-27"}, "target_date"),
    ],
)
def test_it_rejects_a_bad_update_and_keeps_the_plan(api, plan, body, field):
    before = LearningPlan.objects.filter(pk=plan.pk).values().get()
    response = api.patch(plan_url(plan), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert LearningPlan.objects.filter(pk=plan.pk).values().get() == before


# Check-ins ----------------------------------------------------------------------------------


def test_it_creates_a_checkin_then_updates_the_same_week_instead_of_duplicating(api, plan):
    response = api.post(
        checkins_url(plan),
        {
            "week_start": "2026-02-02",
            "study_days_done": 2,
            "papers": [{"title": "Attention Is All You Need", "takeaway": "Attention suffices."}],
            "project_step": 1,
            "project_progress": 40,
            "handwritten_notes": True,
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["week_start"] == "2026-02-02"
    assert (body["study_days_done"], body["papers_read"]) == (2, 1)  # at least the notes
    assert body["project_step"] == 1
    assert body["counts_for_streak"] is True
    assert body["papers"] == [
        {"title": "Attention Is All You Need", "takeaway": "Attention suffices."}
    ]

    response = api.put(
        checkins_url(plan, "2026-02-02"), {"papers_read": 3, "project_step": 2, "skipped": False}
    )
    assert response.status_code == 200
    response = api.patch(checkins_url(plan, "2026-02-02"), {"project_progress": 100})
    assert response.status_code == 200
    assert WeeklyCheckin.objects.filter(plan=plan).count() == 1
    checkin = WeeklyCheckin.objects.get(plan=plan)
    assert (checkin.study_days_done, checkin.papers_read, checkin.project_progress) == (2, 3, 100)
    assert checkin.project_step.position == 2
    assert checkin.handwritten_notes is True
    # Papers not given: the notes stay.
    assert list(checkin.papers.values_list("title", flat=True)) == ["Attention Is All You Need"]

    # Posting the same week again updates it too.
    response = api.post(checkins_url(plan), {"week_start": "2026-02-02", "papers": []})
    assert response.status_code == 200
    assert WeeklyCheckin.objects.filter(plan=plan).count() == 1
    assert PaperNote.objects.count() == 0


def test_it_back_fills_a_past_week_on_put(api, plan):
    response = api.put(checkins_url(plan, "2026-01-12"), {"study_days_done": 1})
    assert response.status_code == 201
    assert response.json()["week_start"] == "2026-01-12"
    response = api.get(checkins_url(plan, "2026-01-12"))
    assert response.status_code == 200
    assert response.json()["study_days_done"] == 1


def test_it_lists_checkins_newest_first(api, plan):
    for week in (date(2026, 1, 12), date(2026, 2, 2), date(2026, 1, 5)):
        checkin_upsert(plan=plan, week=week, papers_read=1)
    response = api.get(checkins_url(plan))
    assert response.status_code == 200
    assert [c["week_start"] for c in response.json()["results"]] == [
        "2026-02-02",
        "2026-01-12",
        "2026-01-05",
    ]


def test_it_returns_404_for_a_week_without_a_checkin_or_not_a_date(api, plan):
    assert api.get(checkins_url(plan, "2026-01-19")).status_code == 404
    assert api.get(checkins_url(plan, "not-a-date")).status_code == 404
    assert api.get(checkins_url(plan, "2026-02-30")).status_code == 404
    assert api.put(checkins_url(plan, "20260119"), {"papers_read": 1}).status_code == 404
    assert WeeklyCheckin.objects.count() == 0


@pytest.mark.parametrize(
    ("week", "fragment"),
    [
        ("2026-02-09", "not started yet"),  # next week
        ("2025-12-29", "before the plan starts"),
        ("2026-01-07", "Monday"),
    ],
)
def test_it_refuses_a_week_outside_the_plan_or_not_a_monday(api, plan, week, fragment):
    response = api.post(checkins_url(plan), {"week_start": week, "papers_read": 1})
    assert response.status_code == 400
    assert any(fragment in m for m in error_messages(response.json()["week_start"]))
    response = api.put(checkins_url(plan, week), {"papers_read": 1})
    assert response.status_code == 400
    assert any(fragment in m for m in error_messages(response.json()["week_start"]))
    assert WeeklyCheckin.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"study_days_done": 8}, "study_days_done"),
        ({"papers_read": 51}, "papers_read"),
        ({"project_progress": 101}, "project_progress"),
        ({"project_step": 9}, "project_step"),
        ({"project_step": 0}, "project_step"),
        ({"papers": [{"title": "t"}] * 21}, "papers"),
        ({"papers": [{"title": "t" * 201}]}, "papers"),
        ({"papers": [{"takeaway": "t" * 281}]}, "papers"),
        ({"papers": "Attention"}, "papers"),
        ({"skipped": "maybe"}, "skipped"),
    ],
)
def test_it_rejects_a_bad_checkin_and_writes_nothing(api, plan, body, field):
    response = api.post(checkins_url(plan), {"week_start": "2026-01-26", **body})
    assert response.status_code == 400
    assert list(response.json()) == [field]
    response = api.put(checkins_url(plan, "2026-01-26"), body)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert WeeklyCheckin.objects.count() == 0


def test_it_requires_a_checkins_week(api, plan):
    response = api.post(checkins_url(plan), {"papers_read": 1})
    assert response.status_code == 400
    assert "week_start" in response.json()


def test_it_returns_html_in_paper_titles_verbatim(api, plan):
    title = '<script>alert("x")</script> & <b>Attention</b>'
    takeaway = "<img src=x onerror=alert(1)> is just text"
    response = api.post(
        checkins_url(plan),
        {"week_start": "2026-02-02", "papers": [{"title": title, "takeaway": takeaway}]},
    )
    assert response.status_code == 201
    assert response.json()["papers"] == [{"title": title, "takeaway": takeaway}]
    assert response["Content-Type"] == "application/json"
    listed = api.get(checkins_url(plan)).json()["results"][0]["papers"]
    assert listed == [{"title": title, "takeaway": takeaway}]


# Progress -----------------------------------------------------------------------------------


def test_it_counts_the_streak_and_papers_against_the_target(api, plan):
    checkin_upsert(plan=plan, week=date(2026, 1, 5), study_days_done=2, papers_read=2)
    checkin_upsert(plan=plan, week=date(2026, 1, 12), papers_read=1)
    # 19 January: nothing logged. The rule was "one missed week in eight is forgiven"; it is
    # now the skip budget (careers/plans/timeline.py): the week spends one of the plan's two
    # skips and the streak carries on.
    checkin_upsert(plan=plan, week=date(2026, 1, 26), study_days_done=1, papers_read=3)
    response = api.get(f"/api/plans/{plan.pk}/progress/")
    assert response.status_code == 200
    body = response.json()
    weeks = body.pop("weeks")
    assert [(w["week_start"], w["state"], w["number"]) for w in weeks[:6]] == [
        ("2026-01-05", "logged", 1),
        ("2026-01-12", "logged", 2),
        ("2026-01-19", "skipped", 3),
        ("2026-01-26", "logged", 4),
        ("2026-02-02", "current", 5),
        ("2026-02-09", "future", 6),
    ]
    assert len(weeks) == 16
    assert weeks[-1] == {"week_start": "2026-04-20", "state": "future", "number": 16}
    assert body == {
        "week": 5,
        "week_start": "2026-02-02",
        "total_weeks": 16,
        "streak": 3,
        "papers_read": 6,
        "papers_target": 10,  # 2 a week for 5 weeks
        "papers_year_pace": 62,  # 6 papers in 5 weeks, over 52 weeks
        "focus": {
            # Courses share the 16 weeks 4:3:2:4:3, so week 5 opens the second course.
            "course": (
                "Improving Deep Neural Networks: Hyperparameter Tuning, Regularisation and "
                "Optimisation"
            ),
            "course_week": 1,
            "course_weeks": 3,
            "project_step": "A small network on MNIST",
            "is_ml_course": False,
        },
        "finished": False,
        "skips_left": 1,  # two, less the one 19 January spent
        "skip_budget": 2,
        "on_break": None,
        # Saturday takes the week's module; with two full days, Sunday the project step.
        "days": [
            {
                "weekday": 5,
                "light": False,
                "suggestion": (
                    "Improving Deep Neural Networks: Hyperparameter Tuning, Regularisation and "
                    "Optimisation, week 1 of 3"
                ),
            },
            {"weekday": 6, "light": False, "suggestion": "Project step: A small network on MNIST"},
        ],
        "target": None,
    }


def test_it_breaks_the_streak_once_the_skips_run_out_and_counts_this_week(api, plan):
    checkin_upsert(plan=plan, week=date(2026, 1, 5), study_days_done=1)
    checkin_upsert(plan=plan, week=date(2026, 2, 2), papers_read=2)
    # 12, 19 and 26 January missed. Under the old rule the second missed week broke the
    # streak; now the first two spend the plan's two skips and the third, with none left,
    # starts the streak again: this week alone counts.
    body = api.get(f"/api/plans/{plan.pk}/progress/").json()
    assert (body["streak"], body["papers_read"], body["skips_left"]) == (1, 2, 0)
    assert [w["state"] for w in body["weeks"][:5]] == [
        "logged",
        "skipped",
        "skipped",
        "missed",
        "logged",
    ]


def test_it_keeps_the_streak_over_two_missed_weeks_with_two_skips(api, plan):
    checkin_upsert(plan=plan, week=date(2026, 1, 5), study_days_done=1)
    checkin_upsert(plan=plan, week=date(2026, 1, 26), study_days_done=1)
    checkin_upsert(plan=plan, week=date(2026, 2, 2), papers_read=1)
    body = api.get(f"/api/plans/{plan.pk}/progress/").json()
    # 12 and 19 January spent both skips: three weeks logged in a row, as far as the streak
    # goes.
    assert (body["streak"], body["skips_left"], body["skip_budget"]) == (3, 0, 2)


def test_it_spends_a_skip_on_a_week_skipped_on_purpose_and_none_on_this_week(api, plan):
    plan_update(plan=plan, skip_budget=3)
    for week in (date(2026, 1, 5), date(2026, 1, 19), date(2026, 1, 26)):
        checkin_upsert(plan=plan, week=week, study_days_done=1)
    checkin_upsert(plan=plan, week=date(2026, 1, 12), skipped=True)
    body = api.get(f"/api/plans/{plan.pk}/progress/").json()
    # This week has nothing logged yet, but it is not over: it spends nothing.
    assert (body["skips_left"], body["skip_budget"], body["streak"]) == (2, 3, 3)
    assert [w["state"] for w in body["weeks"][:5]] == [
        "logged",
        "skipped",
        "logged",
        "logged",
        "current",
    ]


def test_it_earns_a_skip_back_after_four_weeks_logged(api, track, alice, now):
    plan = plan_create(owner=alice, track=track, start_date=date(2025, 12, 1))
    # 8 December missed: a skip spent. Four weeks logged after it earn it back.
    for week in (date(2025, 12, 1), date(2025, 12, 15), date(2025, 12, 22), date(2025, 12, 29)):
        checkin_upsert(plan=plan, week=week, study_days_done=1)
    wednesday = datetime(2026, 1, 7, 10, tzinfo=UTC)
    before = plan_progress_json(api, plan, now=wednesday)
    assert (before["skips_left"], before["streak"]) == (1, 4)
    checkin_upsert(plan=plan, week=date(2026, 1, 5), study_days_done=1)  # the fourth
    after = plan_progress_json(api, plan, now=wednesday)
    assert (after["skips_left"], after["streak"]) == (2, 5)


def test_it_starts_the_streak_again_on_a_missed_week_with_no_skips(api, plan):
    api.patch(plan_url(plan), {"skip_budget": 0})
    checkin_upsert(plan=plan, week=date(2026, 1, 5), study_days_done=1)
    checkin_upsert(plan=plan, week=date(2026, 1, 19), study_days_done=1)
    checkin_upsert(plan=plan, week=date(2026, 1, 26), study_days_done=1)
    body = api.get(f"/api/plans/{plan.pk}/progress/").json()
    assert (body["streak"], body["skips_left"], body["skip_budget"]) == (2, 0, 0)
    assert body["weeks"][1]["state"] == "missed"


def test_it_suggests_a_paper_on_a_light_day(api, plan):
    api.patch(plan_url(plan), {"study_days": [1, 5, 6], "light_days": [1]}, format="json")
    days = api.get(f"/api/plans/{plan.pk}/progress/").json()["days"]
    assert [(d["weekday"], d["light"]) for d in days] == [(1, True), (5, False), (6, False)]
    assert days[0]["suggestion"] == "A paper, or a short exercise on what you studied"
    assert days[2]["suggestion"] == "Project step: A small network on MNIST"


def test_it_says_a_target_date_is_met_at_the_present_pace(api, plan):
    api.patch(plan_url(plan), {"target_date": "2026-05-03"}, format="json")
    target = api.get(f"/api/plans/{plan.pk}/progress/").json()["target"]
    # Sixteen course weeks from 5 January end on Sunday 26 April.
    assert target == {
        "target_date": "2026-05-03",
        "on_track": True,
        "finish": "2026-04-26",
        "weeks_available": 13,  # 2 February to the week ending on Sunday 3 May
        "suggested_weeks": None,
        "suggested_papers_per_week": None,
        "finish_at_new_pace": None,
        "problem": "",
    }


def test_it_suggests_the_pace_that_meets_an_earlier_target_date(api, plan):
    checkin_upsert(plan=plan, week=date(2026, 1, 5), papers_read=4)
    api.patch(plan_url(plan), {"target_date": "2026-04-05"}, format="json")
    target = api.get(f"/api/plans/{plan.pk}/progress/").json()["target"]
    assert target == {
        "target_date": "2026-04-05",
        "on_track": False,
        "finish": "2026-04-26",
        "weeks_available": 9,  # 2 February to the week ending on Sunday 5 April
        # Four course weeks are behind; nine more fit: thirteen for the specialization.
        "suggested_weeks": 13,
        # 32 papers planned (2 a week for 16 weeks), 4 read: 28 over 9 weeks.
        "suggested_papers_per_week": 4,
        "finish_at_new_pace": "2026-04-05",
        "problem": "",
    }
    # Nothing changes until the learner takes the pace.
    plan.refresh_from_db()
    assert (plan.weeks, plan.papers_per_week) == (16, 2)


def test_it_says_why_no_pace_meets_a_target_date_too_close(api, plan):
    api.patch(plan_url(plan), {"target_date": "2026-02-22"}, format="json")
    target = api.get(f"/api/plans/{plan.pk}/progress/").json()["target"]
    assert target["on_track"] is False
    assert target["weeks_available"] == 3
    assert (target["suggested_weeks"], target["suggested_papers_per_week"]) == (None, None)
    assert "fastest pace" in target["problem"]


def test_it_shows_no_focus_before_the_plan_starts(api, track, alice, now):
    plan = plan_create(owner=alice, track=track, start_date=date(2026, 3, 2))
    body = api.get(f"/api/plans/{plan.pk}/progress/").json()
    assert (body["week"], body["focus"], body["finished"], body["streak"]) == (0, None, False, 0)
    assert body["papers_target"] == 0


def test_it_reports_the_plan_finished_after_the_last_week(api, track, alice, now):
    plan = plan_create(owner=alice, track=track, start_date=date(2025, 6, 2), weeks=4)
    body = api.get(f"/api/plans/{plan.pk}/progress/").json()
    assert body["finished"] is True
    assert body["focus"] is None
    assert body["total_weeks"] == 5  # one week at least for each of the five courses


# Isolation ----------------------------------------------------------------------------------

PLAN = "/api/plans/{plan}/"
CHECKINS = "/api/plans/{plan}/checkins/"
CHECKIN = "/api/plans/{plan}/checkins/2026-01-26/"
PROGRESS = "/api/plans/{plan}/progress/"
BREAKS = "/api/plans/{plan}/breaks/"
BREAK = "/api/plans/{plan}/breaks/{item}/"
# Every body is valid, so ownership is the only reason for a refusal.
PLAN_BODY = {"timezone": "Asia/Tokyo", "nudge_hour": 3, "nudges_enabled": False, "weeks": 40}
CHECKIN_BODY = {"study_days_done": 7, "papers_read": 9, "papers": [{"title": "Charlie's"}]}
ENDPOINTS = [
    ("get", PLAN, None),
    ("put", PLAN, PLAN_BODY),
    ("patch", PLAN, PLAN_BODY),
    ("delete", PLAN, None),
    ("get", CHECKINS, None),
    ("post", CHECKINS, {"week_start": "2026-01-26", **CHECKIN_BODY}),
    ("post", CHECKINS, {"week_start": "2026-01-19", **CHECKIN_BODY}),
    ("get", CHECKIN, None),
    ("put", CHECKIN, CHECKIN_BODY),
    ("patch", CHECKIN, CHECKIN_BODY),
    ("put", "/api/plans/{plan}/checkins/2026-01-19/", CHECKIN_BODY),
    ("get", PROGRESS, None),
    ("get", BREAKS, None),
    ("post", BREAKS, {"start": "2026-03-09", "end": "2026-03-22", "reason": "Charlie's"}),
    ("delete", BREAK, None),
]
ENDPOINT_IDS = [f"{method.upper()} {url} {bool(body)}" for method, url, body in ENDPOINTS]


def snapshot(owner) -> dict:
    """Every row of the owner's plans, as the database holds it."""
    plans = LearningPlan.objects.filter(owner=owner)
    checkins = WeeklyCheckin.objects.filter(plan__in=plans)
    return {
        "plans": list(plans.order_by("pk").values()),
        "checkins": list(checkins.order_by("pk").values()),
        "papers": list(PaperNote.objects.filter(checkin__in=checkins).order_by("pk").values()),
        "breaks": list(PlanBreak.objects.filter(plan__in=plans).order_by("pk").values()),
    }


@pytest.fixture
def alices(plan):
    checkin = WeeklyCheckinFactory(
        plan=plan, week_start=date(2026, 1, 26), study_days_done=1, papers=[{"title": "Alice's"}]
    )
    item = break_create(plan=plan, start=date(2026, 2, 16), end=date(2026, 3, 1), reason="Exams")
    return plan, checkin, item


def address(url: str, alices) -> str:
    plan, _, item = alices
    return url.format(plan=plan.pk, item=item.pk)


@pytest.mark.parametrize(("method", "url", "body"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_it_gives_charlie_404_everywhere_and_leaves_alices_plan_unchanged(
    alices, alice, charlie, method, url, body
):
    before = snapshot(alice)
    client = APIClient()
    client.force_authenticate(charlie)
    response = getattr(client, method)(address(url, alices), body, format="json")
    assert response.status_code == 404
    assert snapshot(alice) == before
    assert not LearningPlan.objects.filter(owner=charlie).exists()


def test_it_lists_none_of_alices_plans_to_charlie(alices, charlie):
    client = APIClient()
    client.force_authenticate(charlie)
    assert client.get("/api/plans/").json()["count"] == 0


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [*ENDPOINTS, ("get", "/api/plans/", None), ("post", "/api/plans/", {})],
    ids=[*ENDPOINT_IDS, "GET /api/plans/", "POST /api/plans/"],
)
def test_it_refuses_anonymous_requests(alices, alice, method, url, body):
    before = snapshot(alice)
    response = getattr(APIClient(), method)(address(url, alices), body, format="json")
    assert response.status_code in (401, 403)
    assert snapshot(alice) == before
    assert LearningPlan.objects.count() == 1
