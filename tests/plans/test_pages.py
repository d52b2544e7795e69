"""The server-rendered learning plan pages: the create and edit flow, weekly check-ins with
back-filling, ownership, form errors, the calendar feed and escaping.

alice owns the plan; charlie must reach nothing of hers through any page or method.
The clock is frozen on Wednesday 25 November 2026, 12:00 UTC; alice lives in London.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from careers.accounts.models import Profile
from careers.content.models import LearningTrack
from careers.plans import services
from careers.plans.models import LearningPlan, PaperNote, WeeklyCheckin
from tests.factories import LearningPlanFactory

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
THIS_MONDAY = date(2026, 11, 23)
NEXT_MONDAY = date(2026, 11, 30)
SEEDED_TRACK = "deep-learning-foundations"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def track(seeded) -> LearningTrack:
    return LearningTrack.objects.get(slug=SEEDED_TRACK)


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def plan(track, alice) -> LearningPlan:
    """Alice's plan, four weeks in: week 1 began on Monday 2 November."""
    return LearningPlanFactory(
        owner=alice, track=track, start_date=date(2026, 11, 2), now=NOW, timezone="Europe/London"
    )


def plan_data(track: LearningTrack, **overrides) -> dict:
    """A complete create/edit submission: both core prerequisites ticked."""
    data = {
        "track": str(track.pk),
        "start_date": "2026-11-23",
        "weeks": "16",
        "prerequisite__python": "on",
        "prerequisite__matrix_multiplication": "on",
        "study_days": ["5", "6"],
        "papers_per_week": "2",
        "skip_budget": "2",
        "nudges_enabled": "on",
        "nudge_weekday": "5",
        "nudge_hour": "9",
        "timezone": "Europe/London",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def checkin_url(plan: LearningPlan, week: date | str) -> str:
    return reverse("plans:checkin_edit", args=[plan.pk, str(week)])


def feed_events(client, token: str) -> list:
    response = client.get(reverse("plans:plan_calendar_feed", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


# --- Create and edit ------------------------------------------------------------------------


def test_it_sends_a_user_without_plans_to_the_create_page(alice_client, seeded):
    response = alice_client.get(reverse("plans:plan_list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:plan_create")


def test_it_starts_the_create_form_from_the_track_and_the_profile(alice_client, alice, track):
    alice.profile.timezone = "Pacific/Auckland"
    alice.profile.save()
    response = alice_client.get(reverse("plans:plan_create"))
    form = response.context["form"]
    html = response.content.decode()
    assert form["track"].value() == track.pk
    # 12:00 UTC on the 25th is already the 26th in Auckland.
    assert form["start_date"].value() == date(2026, 11, 26)
    assert form["weeks"].value() == 16
    assert form["study_days"].value() == [5, 6]
    assert form["papers_per_week"].value() == 2
    assert form["timezone"].value() == "Pacific/Auckland"
    assert '<option value="9" selected>09:00</option>' in html
    assert "the specialization spread over this many weeks" in html.lower()
    assert "I can write basic programs in Python" in html
    assert "I can multiply two matrices" in html
    # Checkbox groups are fieldsets with a legend.
    assert '<legend class="field__label">Study days</legend>' in html


def test_it_creates_a_plan_and_shows_this_weeks_focus(alice_client, alice, track):
    response = alice_client.post(reverse("plans:plan_create"), plan_data(track))
    plan = LearningPlan.objects.get(owner=alice)
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:plan_detail", args=[plan.pk])
    assert plan.start_date == THIS_MONDAY
    assert plan.study_days == [5, 6]
    assert plan.ml_course_first is False
    # The first slot after now: Saturday 28 November, 09:00 in London (= UTC in winter).
    assert plan.next_nudge_at == datetime(2026, 11, 28, 9, 0, tzinfo=UTC)

    response = alice_client.get(reverse("plans:plan_detail", args=[plan.pk]))
    html = response.content.decode()
    assert "Week 1 of 16" in html
    assert "Neural Networks and Deep Learning</strong>, week 1 of" in html
    assert "A small network on MNIST" in html
    assert 'class="schedule__row schedule__row--current"' in html
    assert "Saturday 28 November 2026, 09:00" in html
    assert "Not logged yet." in html
    # Nothing read yet: no pace to speak of, only the plan's own target.
    assert "0 of 2 so far. Your target of 2 a week comes to about 104 a year." in html
    assert "about 0 a year" not in html
    calendar_url = "http://testserver" + reverse(
        "plans:plan_calendar_feed", args=[plan.owner.profile.calendar_token]
    )
    assert f'value="{calendar_url}"' in html
    assert "financial aid" in html
    assert "Source: interview 13:16-13:33" in html
    assert "Source: interview 16:18-18:15" in html


@pytest.mark.parametrize(
    ("ticked", "anyway", "ml_first"),
    [
        (["python", "matrix_multiplication"], False, False),
        (["python", "matrix_multiplication", "calculus"], False, False),
        (["python"], False, True),
        (["matrix_multiplication"], False, True),
        ([], False, True),
        (["python", "matrix_multiplication"], True, True),
    ],
)
def test_it_decides_the_ml_course_from_the_prerequisites_check(
    alice_client, alice, track, ticked, anyway, ml_first
):
    data = plan_data(track, prerequisite__python=None, prerequisite__matrix_multiplication=None)
    data.update({f"prerequisite__{key}": "on" for key in ticked})
    if anyway:
        data["ml_course_first_anyway"] = "on"
    alice_client.post(reverse("plans:plan_create"), data)
    plan = LearningPlan.objects.get(owner=alice)
    assert plan.ml_course_first is ml_first

    html = alice_client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    progress = alice_client.get(reverse("plans:plan_detail", args=[plan.pk])).context["progress"]
    if ml_first:
        assert "The machine learning course comes first." in html
        assert progress.focus.is_ml_course
        assert progress.total_weeks == 16 + track.ml_course_weeks
    else:
        assert "The machine learning course comes first." not in html
        assert not progress.focus.is_ml_course
        assert progress.total_weeks == 16


def test_it_keeps_the_prerequisites_answer_when_a_plan_is_edited(alice_client, alice, track):
    """The check is not stored: the edit form starts from the plan, so an unchanged save
    keeps the ML course where it was."""
    alice_client.post(reverse("plans:plan_create"), plan_data(track, prerequisite__python=None))
    plan = LearningPlan.objects.get(owner=alice)
    form = alice_client.get(reverse("plans:plan_edit", args=[plan.pk])).context["form"]
    data = {
        name: field.value()
        for name, field in ((name, form[name]) for name in form.fields)
        if field.value() not in (None, False)
    }
    data = {key: ("on" if value is True else value) for key, value in data.items()}
    alice_client.post(reverse("plans:plan_edit", args=[plan.pk]), data)
    plan.refresh_from_db()
    assert plan.ml_course_first is True


def test_it_changes_the_schedule_and_the_next_send_time_when_a_plan_is_edited(
    alice_client, alice, track
):
    alice_client.post(reverse("plans:plan_create"), plan_data(track))
    plan = LearningPlan.objects.get(owner=alice)
    before = alice_client.get(reverse("plans:plan_detail", args=[plan.pk])).context
    assert len(before["rows"]) == 16
    assert plan.next_nudge_at == datetime(2026, 11, 28, 9, 0, tzinfo=UTC)

    response = alice_client.post(
        reverse("plans:plan_edit", args=[plan.pk]),
        plan_data(
            track, weeks="32", nudge_weekday="1", nudge_hour="18", timezone="America/New_York"
        ),
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    # Tuesday 1 December, 18:00 in New York (EST, UTC-5).
    assert plan.next_nudge_at == datetime(2026, 12, 1, 23, 0, tzinfo=UTC)

    response = alice_client.get(reverse("plans:plan_detail", args=[plan.pk]))
    rows = response.context["rows"]
    html = response.content.decode()
    assert len(rows) == 32
    assert rows[0].focus.course_weeks == 8  # the first course's share of 32 weeks, not 16
    assert "Week 1 of 32" in html
    assert "every Tuesday at 18:00, America/New_York time" in html
    assert "Tuesday 1 December 2026, 18:00" in html


def test_it_clears_the_next_send_time_when_nudges_go_off(alice_client, plan, track):
    alice_client.post(
        reverse("plans:plan_edit", args=[plan.pk]),
        plan_data(track, start_date="2026-11-02", nudges_enabled=None),
    )
    plan.refresh_from_db()
    assert plan.nudges_enabled is False
    assert plan.next_nudge_at is None
    html = alice_client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert "Off: no weekly emails are sent for this plan" in html


def test_it_lists_the_users_plans(alice_client, plan):
    response = alice_client.get(reverse("plans:plan_list"))
    assert response.status_code == 200
    assert reverse("plans:plan_detail", args=[plan.pk]) in response.content.decode()


def test_it_deletes_a_plan_only_on_post(alice_client, plan):
    url = reverse("plans:plan_delete", args=[plan.pk])
    token = plan.owner.profile.calendar_token
    assert alice_client.get(url).status_code == 200
    assert LearningPlan.objects.filter(pk=plan.pk).exists()
    response = alice_client.post(url)
    assert response.status_code == 302
    assert not LearningPlan.objects.filter(pk=plan.pk).exists()
    # The learner's feed stays, without the deleted plan's study days.
    assert feed_events(alice_client, token) == []


def test_it_requires_a_login_for_plan_pages(client, plan):
    for url in (
        reverse("plans:plan_list"),
        reverse("plans:plan_create"),
        reverse("plans:plan_detail", args=[plan.pk]),
        checkin_url(plan, THIS_MONDAY),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# --- Check-ins ----------------------------------------------------------------------------


def test_it_logs_this_week_and_back_fills_a_past_week(alice_client, plan):
    response = alice_client.post(
        checkin_url(plan, THIS_MONDAY),
        {
            "study_days_done": "2",
            "papers_read": "1",
            "paper_1_title": "Attention Is All You Need",
            "paper_1_takeaway": "Attention alone can replace recurrence.",
            "paper_2_title": "Batch Normalization",
            "project_step": str(plan.track.project_steps.first().pk),
            "project_progress": "40",
            "handwritten_notes": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:plan_detail", args=[plan.pk])
    this_week = WeeklyCheckin.objects.get(plan=plan, week_start=THIS_MONDAY)
    assert this_week.study_days_done == 2
    assert this_week.papers_read == 2  # at least the two papers noted
    assert this_week.handwritten_notes is True
    assert this_week.project_progress == 40
    assert sorted(this_week.papers.values_list("title", flat=True)) == [
        "Attention Is All You Need",
        "Batch Normalization",
    ]

    # Back-fill week 2 (the week of 9 November); week 3 stays missed.
    response = alice_client.post(
        checkin_url(plan, date(2026, 11, 9)),
        {"study_days_done": "1", "papers_read": "1", "project_progress": "0"},
    )
    assert response.status_code == 302
    assert WeeklyCheckin.objects.filter(plan=plan).count() == 2

    response = alice_client.get(reverse("plans:plan_detail", args=[plan.pk]))
    html = response.content.decode()
    # Weeks 1 and 3 ended with nothing logged: each used one of the plan's two skips, so the
    # streak carries on (the skip budget replaced "one missed week in eight").
    assert response.context["progress"].streak == 2
    assert response.context["progress"].skips_left == 0
    assert "<strong>0 of 2 left</strong>" in html
    assert "2 weeks</strong>" in html
    assert "3 of 8 so far, about 39 a year at this pace." in html
    assert "Attention alone can replace recurrence." in html
    logged = {row.focus.week for row in response.context["rows"] if row.checkin}
    assert logged == {2, 4}

    # Editing the week again starts from what was saved.
    form = alice_client.get(checkin_url(plan, THIS_MONDAY)).context["form"]
    assert form["study_days_done"].value() == 2
    assert form["paper_1_title"].value() == "Attention Is All You Need"


def test_it_replaces_a_weeks_papers_when_it_is_saved_again(alice_client, plan):
    services.checkin_upsert(
        plan=plan, week=THIS_MONDAY, now=NOW, papers=[{"title": "Old"}], papers_read=1
    )
    alice_client.post(
        checkin_url(plan, THIS_MONDAY),
        {
            "study_days_done": "1",
            "papers_read": "1",
            "paper_1_title": "New",
            "project_progress": "0",
        },
    )
    assert list(PaperNote.objects.values_list("title", flat=True)) == ["New"]


def test_it_shows_a_skipped_week_as_skipped(alice_client, plan):
    alice_client.post(
        checkin_url(plan, date(2026, 11, 16)),
        {"study_days_done": "0", "papers_read": "0", "project_progress": "0", "skipped": "on"},
    )
    rows = alice_client.get(reverse("plans:plan_detail", args=[plan.pk])).context["rows"]
    assert rows[2].checkin.skipped is True


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_refuses_a_future_week_with_a_clear_error(alice_client, plan, method):
    response = getattr(alice_client, method)(
        checkin_url(plan, NEXT_MONDAY),
        {"study_days_done": "2", "papers_read": "1", "project_progress": "0"},
    )
    assert response.status_code == 400
    assert "That week has not started yet." in response.content.decode()
    assert response.context["form"] is None
    assert not WeeklyCheckin.objects.filter(plan=plan).exists()


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ("2026-11-25", "A week starts on a Monday."),
        ("2026-10-26", "That week is before the plan starts."),
    ],
)
def test_it_refuses_a_week_that_is_not_a_plan_week(alice_client, plan, week, message):
    response = alice_client.post(checkin_url(plan, week), {"study_days_done": "1"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not WeeklyCheckin.objects.exists()


def test_it_returns_404_for_a_week_that_is_not_a_date(alice_client, plan):
    assert alice_client.get(checkin_url(plan, "next-week")).status_code == 404


def test_it_follows_the_plans_time_zone_for_the_week(alice_client, plan):
    """At 23:30 UTC on Sunday 29 November it is already Monday 30 November in Auckland."""
    plan.timezone = "Pacific/Auckland"
    plan.save()
    with time_machine.travel(datetime(2026, 11, 29, 23, 30, tzinfo=UTC), tick=False):
        response = alice_client.get(checkin_url(plan, NEXT_MONDAY))
    assert response.status_code == 200


# --- Form errors ---------------------------------------------------------------------------


def test_it_keeps_what_was_typed_on_plan_form_errors(alice_client, alice, track):
    response = alice_client.post(
        reverse("plans:plan_create"),
        plan_data(
            track,
            weeks="2",
            study_days=None,
            papers_per_week="7",
            nudge_hour="21",
            timezone="Asia/Tokyo",
            start_date="2026-12-07",
        ),
    )
    assert response.status_code == 200
    assert not LearningPlan.objects.exists()
    form = response.context["form"]
    assert "weeks" in form.errors
    assert form.errors["study_days"] == ["Choose at least one study day."]
    html = response.content.decode()
    assert "Your plan was not saved." in html
    assert 'name="weeks" value="2"' in html
    assert 'name="papers_per_week" value="7"' in html
    assert 'value="2026-12-07"' in html
    assert '<option value="21" selected>21:00</option>' in html
    assert '<option value="Asia/Tokyo" selected>' in html
    assert 'id="id_prerequisite__python" checked' in html


def test_it_keeps_what_was_typed_on_checkin_form_errors(alice_client, plan):
    response = alice_client.post(
        checkin_url(plan, THIS_MONDAY),
        {
            "study_days_done": "9",
            "papers_read": "1",
            "paper_3_title": "Deep Residual Learning",
            "project_progress": "150",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"study_days_done", "project_progress"}
    html = response.content.decode()
    assert 'value="Deep Residual Learning"' in html
    assert 'name="study_days_done" value="9"' in html
    assert not WeeklyCheckin.objects.exists()


# --- Calendar feed -------------------------------------------------------------------------


def test_it_puts_one_event_per_study_day_in_the_calendar_feed_and_follows_edits(
    alice_client, alice, track
):
    alice_client.post(reverse("plans:plan_create"), plan_data(track))
    plan = LearningPlan.objects.get(owner=alice)
    events = feed_events(alice_client, plan.owner.profile.calendar_token)
    assert len(events) == 16 * 2
    days = [event.decoded("dtstart") for event in events]
    assert {day.weekday() for day in days} == {5, 6}
    assert min(days) == date(2026, 11, 28)
    assert len({str(event["uid"]) for event in events}) == len(events)

    alice_client.post(
        reverse("plans:plan_edit", args=[plan.pk]), plan_data(track, study_days=["0", "2", "4"])
    )
    events = feed_events(alice_client, plan.owner.profile.calendar_token)
    assert len(events) == 16 * 3
    assert {event.decoded("dtstart").weekday() for event in events} == {0, 2, 4}


def test_it_retires_the_old_calendar_address_when_it_is_regenerated(alice_client, plan):
    old = plan.owner.profile.calendar_token
    url = reverse("plans:plan_calendar_regenerate", args=[plan.pk])
    assert alice_client.get(url).status_code == 405
    plan.refresh_from_db()
    assert plan.owner.profile.calendar_token == old

    response = alice_client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:plan_detail", args=[plan.pk]) + "#calendar"
    new = Profile.objects.get(user=plan.owner).calendar_token
    assert new != old
    assert alice_client.get(reverse("plans:plan_calendar_feed", args=[old])).status_code == 404
    assert feed_events(alice_client, new)
    html = alice_client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert reverse("plans:plan_calendar_feed", args=[new]) in html
    assert old not in html


def test_it_shows_all_of_a_learners_plans_at_one_calendar_address(alice_client, plan, charlie):
    second = services.plan_create(
        owner=plan.owner,
        track=plan.track,
        start_date=plan.start_date + timedelta(weeks=20),
        study_days=[2],
    )
    services.plan_create(owner=charlie, track=plan.track)  # someone else's: never in alice's feed
    events = feed_events(alice_client, Profile.objects.get(user=plan.owner).calendar_token)
    assert len(events) == 16 * len(plan.study_days) + 16
    uids = {str(event["uid"]) for event in events}
    assert any(f"plan-{second.pk}-" in uid for uid in uids)
    assert all(uid.startswith((f"plan-{plan.pk}-", f"plan-{second.pk}-")) for uid in uids)


# --- Isolation -----------------------------------------------------------------------------


def plan_urls(plan: LearningPlan) -> dict[str, str]:
    return {
        "detail": reverse("plans:plan_detail", args=[plan.pk]),
        "edit": reverse("plans:plan_edit", args=[plan.pk]),
        "delete": reverse("plans:plan_delete", args=[plan.pk]),
        "checkin": checkin_url(plan, THIS_MONDAY),
        "past_checkin": checkin_url(plan, date(2026, 11, 9)),
        "regenerate": reverse("plans:plan_calendar_regenerate", args=[plan.pk]),
    }


def snapshot(plan: LearningPlan) -> dict:
    return {
        "plan": list(LearningPlan.objects.filter(pk=plan.pk).values()),
        "checkins": list(WeeklyCheckin.objects.filter(plan=plan).order_by("pk").values()),
        "papers": list(PaperNote.objects.filter(checkin__plan=plan).order_by("pk").values()),
    }


@pytest.mark.parametrize(
    "page", ["detail", "edit", "delete", "checkin", "past_checkin", "regenerate"]
)
@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
def test_it_lets_charlie_reach_nothing_of_alices_plan(client, charlie, plan, track, page, method):
    services.checkin_upsert(
        plan=plan, week=THIS_MONDAY, now=NOW, papers=[{"title": "Alice's paper"}], study_days_done=1
    )
    before = snapshot(plan)
    client.force_login(charlie)
    body = plan_data(track, weeks="40") | {"study_days_done": "7", "papers_read": "9"}
    url = plan_urls(plan)[page]
    response = getattr(client, method)(url, body)
    # A method a page does not take is refused the same way with or without a plan behind the
    # URL, so a 405 says nothing about alice; every method a page takes is a 404.
    missing_url = url.replace(f"/{plan.pk}/", "/999999/")
    missing = getattr(client, method)(missing_url, body)
    assert response.status_code == missing.status_code
    assert response.status_code in (404, 405)
    assert snapshot(plan) == before
    assert "Alice's paper" not in response.content.decode()


@pytest.mark.parametrize(
    ("page", "method"),
    [
        ("detail", "get"),
        ("edit", "get"),
        ("edit", "post"),
        ("delete", "get"),
        ("delete", "post"),
        ("checkin", "get"),
        ("checkin", "post"),
        ("past_checkin", "post"),
        ("regenerate", "post"),
    ],
)
def test_it_gives_charlie_404_on_every_page_and_method_it_serves(
    client, charlie, plan, track, page, method
):
    client.force_login(charlie)
    body = plan_data(track) | {"study_days_done": "1", "papers_read": "1", "project_progress": "0"}
    response = getattr(client, method)(plan_urls(plan)[page], body)
    assert response.status_code == 404
    assert LearningPlan.objects.filter(pk=plan.pk, weeks=16).exists()


def test_it_shows_charlie_none_of_alices_plans_in_his_lists(client, charlie, plan):
    client.force_login(charlie)
    assert client.get(reverse("plans:plan_list"))["Location"] == reverse("plans:plan_create")
    html = client.get(reverse("dashboard")).content.decode()
    assert reverse("plans:plan_detail", args=[plan.pk]) not in html
    assert "Start a learning plan" in html


# --- Escaping and the other pages ----------------------------------------------------------

SCRIPT = "<script>alert('x')</script>"


def test_it_shows_text_typed_into_a_check_in_as_text(alice_client, plan):
    alice_client.post(
        checkin_url(plan, THIS_MONDAY),
        {
            "study_days_done": "1",
            "papers_read": "1",
            "paper_1_title": SCRIPT,
            "paper_1_takeaway": '"><img src=x onerror=alert(1)>',
            "project_progress": "0",
        },
    )
    assert PaperNote.objects.get().title == SCRIPT
    for url in (reverse("plans:plan_detail", args=[plan.pk]), checkin_url(plan, THIS_MONDAY)):
        html = alice_client.get(url).content.decode()
        assert SCRIPT not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;" in html


def test_it_shows_this_weeks_focus_and_the_streak_on_the_dashboard(alice_client, plan):
    services.checkin_upsert(plan=plan, week=date(2026, 11, 16), now=NOW, study_days_done=2)
    html = alice_client.get(reverse("dashboard")).content.decode()
    assert reverse("plans:plan_detail", args=[plan.pk]) in html
    assert "This week (week 4 of 16)" in html
    assert "Neural Networks and Deep Learning" in html
    assert "Streak: <strong>1 week</strong>" in html
    assert "Coming soon" not in html


def test_it_offers_to_start_a_plan_on_the_dashboard(alice_client, seeded):
    html = alice_client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("plans:plan_create")}">Start a learning plan' in html


def test_it_links_the_learning_plan_card_on_the_home_page(client, alice, seeded):
    html = client.get(reverse("content:home")).content.decode()
    assert f'href="{reverse("accounts:signup")}">Sign up to start a learning plan' in html
    client.force_login(alice)
    html = client.get(reverse("content:home")).content.decode()
    assert f'href="{reverse("plans:plan_list")}">Start a learning plan' in html
    assert "Coming soon" not in html
