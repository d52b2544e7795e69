"""The pages behind a nudge email's one-click links check the link on GET: what cannot be done
or is already done is said at once, with no confirm button; the POST checks it all again."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from careers.content.models import AdviceFeedback, AdviceItem, LearningTrack, Status
from careers.plans.links import nudge_links
from careers.plans.models import LearningPlan, WeeklyCheckin
from careers.plans.selectors import advice_for_nudges, advice_of_the_week
from tests.factories import LearningPlanFactory, WeeklyCheckinFactory

# Plans start on Monday 30 November 2026; the week's email goes out on Saturday 5 December.
START = date(2026, 11, 30)
CREATED = datetime(2026, 11, 25, 12, tzinfo=UTC)
SENT = datetime(2026, 12, 5, 9, tzinfo=UTC)
OPENED = SENT + timedelta(hours=3)
CONFIRM_FORM = b'<form method="post"'
CHECKIN_FIELDS = ("study_days_done", "papers_read", "skipped", "updated_at")


@pytest.fixture
def track(seeded):
    return LearningTrack.objects.get(slug="deep-learning-foundations")


@pytest.fixture
def plan(track, alice):
    return LearningPlanFactory(
        owner=alice,
        track=track,
        start_date=START,
        nudge_weekday=5,
        nudge_hour=9,
        timezone="Europe/London",
        now=CREATED,
    )


@pytest.fixture
def clock():
    """The learner opens the email three hours after it was sent."""
    with time_machine.travel(OPENED, tick=False) as traveller:
        yield traveller


def email_links(plan: LearningPlan, *, week: date = START) -> dict[str, str]:
    """The links the week's email carries, signed now, with the advice the sender picks."""
    advice = advice_of_the_week(items=advice_for_nudges(), plan=plan, week=week)
    links = nudge_links(plan_id=plan.pk, week=week, owner_id=plan.owner_id, advice_id=advice.pk)
    return {name: re.sub(r"^https?://[^/]+", "", url) for name, url in links.items()}


@pytest.fixture
def links(plan, clock):
    return email_links(plan)


def advice_in(plan: LearningPlan) -> AdviceItem:
    return advice_of_the_week(items=advice_for_nudges(), plan=plan, week=START)


def checkin_state(plan: LearningPlan) -> list[tuple]:
    return list(WeeklyCheckin.objects.filter(plan=plan).values_list(*CHECKIN_FIELDS))


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


# A fresh link ---------------------------------------------------------------------------------


def test_it_offers_the_confirm_button_on_a_fresh_link_and_records_on_post(plan, links):
    client = Client()
    page = client.get(links["studied"])
    assert page.status_code == 200
    assert CONFIRM_FORM in page.content
    assert "Record that you studied this week" in text_of(page)
    assert not WeeklyCheckin.objects.exists()

    done = client.post(links["studied"])
    assert done.status_code == 200
    assert "<h1>Recorded</h1>" in text_of(done)
    checkin = WeeklyCheckin.objects.get(plan=plan)
    assert (checkin.week_start, checkin.study_days_done, checkin.skipped) == (START, 1, False)


def test_it_offers_the_button_when_the_week_records_something_else(plan, links):
    WeeklyCheckinFactory(plan=plan, week_start=START, study_days_done=0, skipped=True)
    page = Client().get(links["studied"])
    assert page.status_code == 200
    assert CONFIRM_FORM in page.content
    assert "Logged for this week so far: skipped" in text_of(page)

    Client().post(links["studied"])
    checkin = WeeklyCheckin.objects.get(plan=plan)
    assert (checkin.study_days_done, checkin.skipped) == (1, False)


# An action already recorded -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("link", "logged"),
    [
        ("studied", {"study_days_done": 3}),
        ("papers_1", {"papers_read": 1}),
        # "Two or more" never lowers a count logged in more detail.
        ("papers_2", {"papers_read": 4}),
        # "0 papers" never drops below the papers already noted by title.
        ("papers_0", {"papers_read": 1, "papers": [{"title": "Attention is all you need"}]}),
        ("skip", {"study_days_done": 0, "skipped": True}),
    ],
)
def test_it_says_an_action_is_already_recorded_without_offering_a_button(
    plan, links, clock, link, logged
):
    WeeklyCheckinFactory(plan=plan, week_start=START, **logged)
    before = checkin_state(plan)

    page = Client().get(links[link])
    assert page.status_code == 200
    assert CONFIRM_FORM not in page.content
    assert "Already recorded" in text_of(page)
    assert "already has this for the week of 30 November 2026" in text_of(page)

    # A POST from a page opened before the week was logged elsewhere: re-checked, and nothing
    # is written (a write would move ``updated_at``).
    clock.shift(timedelta(minutes=5))
    again = Client().post(links[link])
    assert again.status_code == 200
    assert "Already recorded" in text_of(again)
    assert checkin_state(plan) == before


def test_it_says_already_recorded_on_the_second_click_of_the_same_link(plan, links, clock):
    client = Client()
    client.post(links["papers_2"])
    before = checkin_state(plan)
    clock.shift(timedelta(minutes=5))
    page = client.get(links["papers_2"])
    assert page.status_code == 200
    assert CONFIRM_FORM not in page.content
    assert "Week of 30 November 2026: 0 study days, 2 papers." in text_of(page)
    client.post(links["papers_2"])
    assert checkin_state(plan) == before


# Links that cannot be used --------------------------------------------------------------------


@pytest.mark.parametrize("link", ["studied", "papers_1", "skip", "helpful_yes"])
def test_it_says_at_once_that_a_link_has_expired(plan, links, clock, link):
    clock.shift(timedelta(days=15))
    page = Client().get(links[link])
    assert page.status_code == 400
    assert CONFIRM_FORM not in page.content
    assert "This link has expired: links in nudge emails work for 14 days." in text_of(page)

    assert Client().post(links[link]).status_code == 400
    assert not WeeklyCheckin.objects.exists()
    assert not AdviceFeedback.objects.exists()


def test_it_still_offers_the_button_on_the_last_day_a_link_works(plan, links, clock):
    clock.shift(timedelta(days=13, hours=23))
    page = Client().get(links["studied"])
    assert page.status_code == 200
    assert CONFIRM_FORM in page.content


@pytest.mark.parametrize("link", ["studied", "papers_2", "helpful_no", "unsubscribe"])
def test_it_says_at_once_that_a_tampered_link_is_not_valid(plan, links, link):
    url = links[link]
    token = url.rstrip("/").rsplit("/", 1)[1]
    forged = url.replace(token, token[:-3] + ("bbb" if token.endswith("aaa") else "aaa"))
    page = Client().get(forged)
    assert page.status_code == 400
    assert CONFIRM_FORM not in page.content
    assert "not valid" in text_of(page)

    assert Client().post(forged).status_code == 400
    plan.refresh_from_db()
    assert plan.nudges_enabled
    assert not WeeklyCheckin.objects.exists()
    assert not AdviceFeedback.objects.exists()


# The week of a link has not started in the plan's time zone ----------------------------------

NEXT_WEEK = date(2026, 12, 7)
# Sunday 6 December, 20:00 UTC: already Monday 7 December 09:00 in Auckland, still Sunday
# noon in Los Angeles.
SUNDAY_EVENING_UTC = datetime(2026, 12, 6, 20, tzinfo=UTC)


def plan_in(zone: str, *, owner, track) -> LearningPlan:
    return LearningPlanFactory(
        owner=owner, track=track, start_date=START, nudge_weekday=0, timezone=zone, now=CREATED
    )


def test_it_refuses_a_link_whose_week_has_not_started_where_the_learner_is(alice, track):
    plan = plan_in("America/Los_Angeles", owner=alice, track=track)
    with time_machine.travel(SUNDAY_EVENING_UTC, tick=False):
        links = email_links(plan, week=NEXT_WEEK)
        page = Client().get(links["studied"])
        assert page.status_code == 400
        assert CONFIRM_FORM not in page.content
        assert (
            "This link is for the week of 7 December 2026. That week has not started yet."
            in text_of(page)
        )
        assert Client().post(links["studied"]).status_code == 400
    assert not WeeklyCheckin.objects.exists()

    # Monday 09:00 in Los Angeles: the same link now offers its button.
    with time_machine.travel(datetime(2026, 12, 7, 17, tzinfo=UTC), tick=False):
        page = Client().get(links["studied"])
    assert page.status_code == 200
    assert CONFIRM_FORM in page.content


def test_it_offers_the_button_where_the_week_has_already_started(alice, track):
    plan = plan_in("Pacific/Auckland", owner=alice, track=track)
    with time_machine.travel(SUNDAY_EVENING_UTC, tick=False):
        links = email_links(plan, week=NEXT_WEEK)
        page = Client().get(links["studied"])
        assert page.status_code == 200
        assert CONFIRM_FORM in page.content
        Client().post(links["studied"])
    assert WeeklyCheckin.objects.get(plan=plan).week_start == NEXT_WEEK


def test_it_refuses_on_get_a_link_for_a_week_the_plan_no_longer_has(plan, links):
    LearningPlan.objects.filter(pk=plan.pk).update(start_date=date(2027, 1, 4))
    page = Client().get(links["skip"])
    assert page.status_code == 400
    assert CONFIRM_FORM not in page.content
    assert "That week is before the plan starts." in text_of(page)


# What the link names is gone ------------------------------------------------------------------


def test_it_shows_the_link_error_page_for_an_action_on_a_deleted_plan(plan, links):
    plan.delete()
    page = Client().get(links["studied"])
    assert page.status_code == 404
    assert CONFIRM_FORM not in page.content
    assert "This link can't be used" in text_of(page)
    assert "This plan no longer exists: it was deleted after the email was sent." in text_of(page)
    assert Client().post(links["studied"]).status_code == 404
    assert not WeeklyCheckin.objects.exists()


def test_it_shows_the_link_error_page_for_advice_withdrawn_since_the_email(plan, links):
    AdviceItem.objects.filter(pk=advice_in(plan).pk).update(status=Status.ARCHIVED)
    page = Client().get(links["helpful_yes"])
    assert page.status_code == 404
    assert CONFIRM_FORM not in page.content
    assert "This advice is no longer published" in text_of(page)
    assert Client().post(links["helpful_yes"]).status_code == 404
    assert not AdviceFeedback.objects.exists()


def test_it_says_there_is_nothing_to_unsubscribe_from_once_the_plan_is_deleted(plan, links):
    plan.delete()
    page = Client().get(links["unsubscribe"])
    assert page.status_code == 200
    assert CONFIRM_FORM not in page.content
    assert "There is nothing left to send to you." in text_of(page)


# Was this helpful? ----------------------------------------------------------------------------


@pytest.mark.parametrize(("link", "helpful"), [("helpful_yes", True), ("helpful_no", False)])
def test_it_says_the_advice_was_already_answered_the_same_way(plan, links, clock, link, helpful):
    item = advice_in(plan)
    AdviceFeedback.objects.create(advice_item=item, user=plan.owner, helpful=helpful)
    before = list(AdviceFeedback.objects.values_list("helpful", "updated_at"))

    page = Client().get(links[link])
    assert page.status_code == 200
    assert CONFIRM_FORM not in page.content
    assert "You have already answered" in text_of(page)
    assert item.title in text_of(page)

    clock.shift(timedelta(minutes=5))
    again = Client().post(links[link])
    assert again.status_code == 200
    assert "You have already answered" in text_of(again)
    assert list(AdviceFeedback.objects.values_list("helpful", "updated_at")) == before


def test_it_offers_to_change_an_answer_given_the_other_way(plan, links):
    item = advice_in(plan)
    AdviceFeedback.objects.create(advice_item=item, user=plan.owner, helpful=False)
    page = Client().get(links["helpful_yes"])
    assert page.status_code == 200
    assert CONFIRM_FORM in page.content
    assert "You said before that it did not help you. Confirm to change your answer." in (
        text_of(page)
    )

    done = Client().post(links["helpful_yes"])
    assert "Thank you" in text_of(done)
    assert AdviceFeedback.objects.get(advice_item=item, user=plan.owner).helpful is True


# Unsubscribe ----------------------------------------------------------------------------------


def test_it_offers_the_unsubscribe_button_while_nudges_are_on(plan, links):
    page = Client().get(links["unsubscribe"])
    assert page.status_code == 200
    assert CONFIRM_FORM in page.content
    assert "Stop the weekly emails?" in text_of(page)
    plan.refresh_from_db()
    assert plan.nudges_enabled


def test_it_says_the_learner_is_already_unsubscribed(plan, links):
    Client().post(links["unsubscribe"])
    page = Client().get(links["unsubscribe"])
    assert page.status_code == 200
    assert CONFIRM_FORM not in page.content
    assert "You are already unsubscribed" in text_of(page)
    assert f"“{plan.track.name}” were already off" in text_of(page)

    # A mail client's one-click unsubscribe after the page's: still a success, still off.
    again = Client(enforce_csrf_checks=True).post(
        links["unsubscribe"],
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert again.status_code == 200
    assert "You are already unsubscribed" in text_of(again)
    plan.refresh_from_db()
    assert (plan.nudges_enabled, plan.next_nudge_at) == (False, None)
