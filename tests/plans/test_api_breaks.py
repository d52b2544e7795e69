"""Planned breaks through the REST API: listed oldest first, created in whole weeks, refused
field by field, called off (gone, ended early, or kept once over), never shown to another
user, and never a week with a nudge in it; and what progress says during one."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from rest_framework.test import APIClient

from careers.content.models import LearningTrack
from careers.plans.models import LearningPlan, PlanBreak
from careers.plans.services import break_create
from careers.plans.timeline import MAX_BREAKS
from tests.drf import error_messages
from tests.factories import LearningPlanFactory

TRACK = "deep-learning-foundations"
# A Wednesday, 10:00 in London (GMT), in the fifth week of plans started on Monday 5 January
# 2026. Their weekly email goes out on Saturdays at 09:00: next on 7 February.
NOW = datetime(2026, 2, 4, 10, 0, tzinfo=UTC)
START = date(2026, 1, 5)
NEXT_SATURDAY = datetime(2026, 2, 7, 9, 0, tzinfo=UTC)
# Mondays when a break starting that week could still be planned.
JAN_12 = datetime(2026, 1, 12, 10, 0, tzinfo=UTC)
LAST_WEEK = datetime(2026, 1, 26, 10, 0, tzinfo=UTC)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def track(seeded):
    return LearningTrack.objects.get(slug=TRACK)


@pytest.fixture
def plan(track, alice, now):
    return LearningPlanFactory(owner=alice, track=track, start_date=START)


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def api(alice):
    return client_of(alice)


def breaks_url(plan, item=None) -> str:
    url = f"/api/plans/{plan.pk}/breaks/"
    return f"{url}{item.pk}/" if item else url


def next_nudge_at(plan) -> datetime:
    return LearningPlan.objects.get(pk=plan.pk).next_nudge_at


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# Listing and creating -----------------------------------------------------------------------


def test_it_lists_the_plans_breaks_oldest_first(api, plan):
    later = break_create(plan=plan, start=date(2026, 4, 6), end=date(2026, 4, 12))
    sooner = break_create(plan=plan, start=date(2026, 2, 16), end=date(2026, 3, 1), reason="Exams")
    response = api.get(breaks_url(plan))
    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert response.json()["results"] == [
        {
            "id": sooner.pk,
            "start": "2026-02-16",
            "end": "2026-03-01",
            "reason": "Exams",
            "weeks": 2,
        },
        {"id": later.pk, "start": "2026-04-06", "end": "2026-04-12", "reason": "", "weeks": 1},
    ]


def test_it_lists_no_breaks_for_a_plan_without_any(api, plan):
    response = api.get(breaks_url(plan))
    assert response.status_code == 200
    assert (response.json()["count"], response.json()["results"]) == (0, [])


def test_it_creates_a_break_of_the_whole_weeks_its_days_fall_in(api, plan):
    # From a Wednesday to the Thursday of the next week: both weeks, Monday to Sunday.
    response = api.post(
        breaks_url(plan), {"start": "2026-02-11", "end": "2026-02-19", "reason": "Holiday"}
    )
    assert response.status_code == 201
    body = response.json()
    item = PlanBreak.objects.get(pk=body["id"])
    assert body == {
        "id": item.pk,
        "start": "2026-02-09",
        "end": "2026-02-22",
        "reason": "Holiday",
        "weeks": 2,
    }
    assert (item.plan, item.start, item.end, item.reason) == (
        plan,
        date(2026, 2, 9),
        date(2026, 2, 22),
        "Holiday",
    )


def test_it_creates_a_break_of_this_week_without_a_reason(api, plan):
    response = api.post(breaks_url(plan), {"start": "2026-02-04", "end": "2026-02-04"})
    assert response.status_code == 201
    assert response.json() == {
        "id": PlanBreak.objects.get().pk,
        "start": "2026-02-02",
        "end": "2026-02-08",
        "reason": "",
        "weeks": 1,
    }


def test_it_moves_the_next_nudge_past_a_break_and_back_when_it_is_called_off(api, plan):
    assert next_nudge_at(plan) == NEXT_SATURDAY
    response = api.post(breaks_url(plan), {"start": "2026-02-02", "end": "2026-02-15"})
    assert response.status_code == 201
    # No email on 7 or 14 February: the first after the break is Saturday 21 February.
    assert next_nudge_at(plan) == datetime(2026, 2, 21, 9, 0, tzinfo=UTC)
    shown = api.get(f"/api/plans/{plan.pk}/").json()
    assert parse_time(shown["next_nudge_at"]) == datetime(2026, 2, 21, 9, 0, tzinfo=UTC)

    item = PlanBreak.objects.get(pk=response.json()["id"])
    assert api.delete(breaks_url(plan, item)).status_code == 204
    assert next_nudge_at(plan) == NEXT_SATURDAY


def test_it_moves_the_second_reminder_past_a_break_too(api, plan):
    api.patch(f"/api/plans/{plan.pk}/", {"reminder_weekday": 6}, format="json")
    api.post(breaks_url(plan), {"start": "2026-02-02", "end": "2026-02-08"})
    plan.refresh_from_db()
    assert plan.next_nudge_at == datetime(2026, 2, 14, 9, 0, tzinfo=UTC)
    assert plan.next_reminder_at == datetime(2026, 2, 15, 9, 0, tzinfo=UTC)


# Refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field", "fragment"),
    [
        ({"start": "2026-01-26", "end": "2026-02-08"}, "start", "this week or later"),
        ({"start": "2026-02-09", "end": "2026-08-10"}, "end", "at most 26 weeks"),  # 27 weeks
        ({"start": "2026-02-18", "end": "2026-02-10"}, "end", "on or after the day it starts"),
        ({"start": "2026-02-09", "end": "2026-02-15", "reason": "x" * 201}, "reason", "200"),
        ({"end": "2026-02-15"}, "start", "required"),
        ({"start": "2026-02-09"}, "end", "required"),
        ({"start": "soon", "end": "2026-02-15"}, "start", "format"),
        ({"start": "2026-02-09", "end": "2026-02-30"}, "end", "format"),
        ({"start": "2026-02-09", "end": None}, "end", "null"),
        ({"start": "2026-02-09", "end": "2026-02-15", "reason": None}, "reason", "null"),
        ({"start": "2026-02-09", "end": "2026-02-15", "reason": "a\x00b"}, "reason", "Null"),
        # Far ends of the calendar: refused, never a server error (the week of 31 December
        # 9999 would end in the year 10000).
        ({"start": "2026-02-09", "end": "9999-12-31"}, "end", "Choose a date by"),
        ({"start": "9999-12-27", "end": "2026-02-15"}, "start", "Choose a date by"),
        ({"start": "0001-01-01", "end": "2026-02-15"}, "start", "Choose a day between"),
        ({"start": "2026-02-09", "end": "10000-01-02"}, "end", "format"),
        ({"start": "2026-02-09", "end": "2031-02-10"}, "end", "Choose a date by"),
    ],
)
def test_it_refuses_a_break_under_the_field_at_fault_and_writes_nothing(
    api, plan, body, field, fragment
):
    response = api.post(breaks_url(plan), body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert any(fragment in message for message in error_messages(response.json()[field]))
    assert PlanBreak.objects.count() == 0
    assert next_nudge_at(plan) == NEXT_SATURDAY


def test_it_refuses_a_break_before_the_plan_starts(api, track, alice, now):
    plan = LearningPlanFactory(owner=alice, track=track, start_date=date(2026, 3, 4))
    response = api.post(breaks_url(plan), {"start": "2026-02-23", "end": "2026-03-08"})
    assert response.status_code == 400
    assert any("before the plan does" in m for m in error_messages(response.json()["start"]))
    # The week the plan starts in may be a break.
    response = api.post(breaks_url(plan), {"start": "2026-03-02", "end": "2026-03-08"})
    assert response.status_code == 201


def test_it_refuses_a_break_overlapping_another_and_keeps_that_one(api, plan):
    kept = break_create(plan=plan, start=date(2026, 2, 16), end=date(2026, 3, 1))
    response = api.post(breaks_url(plan), {"start": "2026-02-25", "end": "2026-03-10"})
    assert response.status_code == 400
    messages = error_messages(response.json()["start"])
    assert any("overlaps your break from 16 February 2026 to 1 March 2026" in m for m in messages)
    assert list(PlanBreak.objects.values_list("pk", "start", "end")) == [
        (kept.pk, date(2026, 2, 16), date(2026, 3, 1))
    ]
    # Right after it is fine.
    assert (
        api.post(breaks_url(plan), {"start": "2026-03-02", "end": "2026-03-08"}).status_code == 201
    )


def test_it_refuses_a_break_past_the_most_a_plan_has(api, plan):
    # Every other week from 9 February: twenty one-week breaks.
    for n in range(MAX_BREAKS):
        day = date(2026, 2, 9) + timedelta(weeks=2 * n)
        break_create(plan=plan, start=day, end=day)
    response = api.post(breaks_url(plan), {"start": "2027-06-07", "end": "2027-06-13"})
    assert response.status_code == 400
    assert any(
        f"at most {MAX_BREAKS} breaks" in m
        for m in error_messages(response.json()["non_field_errors"])
    )
    assert PlanBreak.objects.count() == MAX_BREAKS


# Calling a break off ------------------------------------------------------------------------


def test_it_deletes_a_break_still_to_come(api, plan):
    # From this week: none of it is over yet, so it goes whole.
    item = break_create(plan=plan, start=date(2026, 2, 2), end=date(2026, 2, 22))
    assert next_nudge_at(plan) == datetime(2026, 2, 28, 9, 0, tzinfo=UTC)
    response = api.delete(breaks_url(plan, item))
    assert response.status_code == 204
    assert response.content == b""
    assert not PlanBreak.objects.exists()
    assert next_nudge_at(plan) == NEXT_SATURDAY


def test_it_ends_a_break_under_way_with_last_week(api, plan):
    item = break_create(plan=plan, start=date(2026, 1, 26), end=date(2026, 2, 22), now=LAST_WEEK)
    response = api.delete(breaks_url(plan, item))
    assert response.status_code == 200
    # Its first week stays a break; this week and the two after it do not.
    assert response.json() == {
        "id": item.pk,
        "start": "2026-01-26",
        "end": "2026-02-01",
        "reason": "",
        "weeks": 1,
    }
    item.refresh_from_db()
    assert (item.start, item.end) == (date(2026, 1, 26), date(2026, 2, 1))
    # Listed, and shown in progress, as it now is.
    assert api.get(breaks_url(plan)).json()["results"] == [response.json()]
    progress = api.get(f"/api/plans/{plan.pk}/progress/").json()
    assert progress["on_break"] is None
    assert [w["state"] for w in progress["weeks"][3:5]] == ["break", "current"]


def test_it_brings_the_next_nudge_back_when_a_break_under_way_is_ended(api, plan):
    item = break_create(plan=plan, start=date(2026, 1, 26), end=date(2026, 2, 22), now=LAST_WEEK)
    assert next_nudge_at(plan) == datetime(2026, 2, 28, 9, 0, tzinfo=UTC)
    assert api.delete(breaks_url(plan, item)).status_code == 200
    # The break now ended on 1 February: this Saturday's email is due again.
    assert next_nudge_at(plan) == NEXT_SATURDAY


def test_it_keeps_a_break_that_is_over_and_says_so_with_409(api, plan):
    item = break_create(plan=plan, start=date(2026, 1, 12), end=date(2026, 1, 25), now=JAN_12)
    response = api.delete(breaks_url(plan, item))
    assert response.status_code == 409
    assert response.json() == {"detail": "This break is over: it stays in your plan's record."}
    item.refresh_from_db()
    assert (item.start, item.end) == (date(2026, 1, 12), date(2026, 1, 25))


def test_it_answers_404_for_a_break_that_is_not_there(api, plan):
    item = break_create(plan=plan, start=date(2026, 2, 9), end=date(2026, 2, 15))
    other_plan = LearningPlanFactory(owner=plan.owner, track=plan.track, start_date=START)
    # Another plan of the same user does not hold it.
    assert api.delete(breaks_url(other_plan, item)).status_code == 404
    assert api.delete(f"/api/plans/{plan.pk}/breaks/{item.pk + 1000}/").status_code == 404
    assert PlanBreak.objects.filter(pk=item.pk).exists()


# Another user -------------------------------------------------------------------------------


@pytest.fixture
def alices_break(plan):
    return break_create(plan=plan, start=date(2026, 2, 16), end=date(2026, 3, 1), reason="Exams")


def test_it_shows_charlie_nothing_of_alices_breaks(plan, alices_break, charlie):
    client = client_of(charlie)
    assert client.get(breaks_url(plan)).status_code == 404
    response = client.post(breaks_url(plan), {"start": "2026-03-09", "end": "2026-03-15"})
    assert response.status_code == 404
    assert client.delete(breaks_url(plan, alices_break)).status_code == 404
    assert client.get(f"/api/plans/{plan.pk}/progress/").status_code == 404
    assert list(PlanBreak.objects.values_list("pk", "start", "end")) == [
        (alices_break.pk, date(2026, 2, 16), date(2026, 3, 1))
    ]
    assert next_nudge_at(plan) == NEXT_SATURDAY


def test_it_does_not_let_charlie_reach_alices_break_through_his_own_plan(
    plan, alices_break, charlie, track
):
    his = LearningPlanFactory(owner=charlie, track=track, start_date=START)
    client = client_of(charlie)
    assert client.delete(breaks_url(his, alices_break)).status_code == 404
    assert client.get(breaks_url(his)).json()["count"] == 0
    assert PlanBreak.objects.filter(pk=alices_break.pk).exists()


def test_it_refuses_anonymous_break_requests(plan, alices_break):
    client = APIClient()
    assert client.get(breaks_url(plan)).status_code in (401, 403)
    response = client.post(breaks_url(plan), {"start": "2026-03-09", "end": "2026-03-15"})
    assert response.status_code in (401, 403)
    assert client.delete(breaks_url(plan, alices_break)).status_code in (401, 403)
    assert PlanBreak.objects.count() == 1


# Progress during a break --------------------------------------------------------------------


def test_it_shows_the_break_under_way_and_its_weeks_in_progress(api, plan):
    item = break_create(plan=plan, start=date(2026, 1, 26), end=date(2026, 2, 15), now=LAST_WEEK)
    body = api.get(f"/api/plans/{plan.pk}/progress/").json()
    assert body["on_break"] == {
        "id": item.pk,
        "start": "2026-01-26",
        "end": "2026-02-15",
        "reason": "",
        "weeks": 3,
    }
    # The break's weeks hold no course week: the plan's sixteen move back three weeks. (The
    # three weeks before it had nothing logged: two skips spent, then the streak lost.)
    weeks = [(w["week_start"], w["state"], w["number"]) for w in body["weeks"]]
    assert weeks[:7] == [
        ("2026-01-05", "skipped", 1),
        ("2026-01-12", "skipped", 2),
        ("2026-01-19", "missed", 3),
        ("2026-01-26", "break", None),
        ("2026-02-02", "break", None),
        ("2026-02-09", "break", None),
        ("2026-02-16", "future", 4),
    ]
    assert len(weeks) == 19
    assert weeks[-1] == ("2026-05-11", "future", 16)
    # A week of a break asks nothing: no study day has a suggestion.
    assert body["days"] == []


def test_it_spends_no_skip_on_the_weeks_of_a_break(api, plan):
    break_create(plan=plan, start=date(2026, 1, 12), end=date(2026, 2, 8), now=JAN_12)
    body = api.get(f"/api/plans/{plan.pk}/progress/").json()
    # 5 January spent a skip (nothing logged); the four weeks of the break spent none.
    assert (body["skips_left"], body["skip_budget"]) == (1, 2)
    assert body["on_break"]["start"] == "2026-01-12"
    assert [w["state"] for w in body["weeks"][:6]] == [
        "skipped",
        "break",
        "break",
        "break",
        "break",
        "future",
    ]
