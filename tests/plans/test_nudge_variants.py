"""The weekly email knows what the learner did, stays quiet in a break and can pause the plan;
the optional second reminder goes out only for a week with nothing logged. Sent through the
real dispatcher and send path to an SMTP sink, and read as a mail client reads it."""

import re
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from careers.content.models import LearningTrack
from careers.plans import nudges
from careers.plans.models import LearningPlan, NudgeDelivery, PlanBreak
from careers.plans.selectors import tip_choose, tips_for_track
from careers.plans.services import break_create, checkin_upsert, plan_update
from tests.factories import LearningPlanFactory, WeeklyCheckinFactory

# Plans start on Monday 30 November 2026; emails on Saturdays at 09:00 London time.
START = date(2026, 11, 30)
CREATED = datetime(2026, 11, 25, 12, tzinfo=UTC)
FIRST_SLOT = datetime(2026, 12, 5, 9, tzinfo=UTC)
SLOT = {
    "start_date": START,
    "nudge_weekday": 5,
    "nudge_hour": 9,
    "timezone": "Europe/London",
    "now": CREATED,
}
Status = NudgeDelivery.Status
Kind = NudgeDelivery.Kind


@pytest.fixture
def track(seeded):
    return LearningTrack.objects.get(slug="deep-learning-foundations")


@pytest.fixture
def plan(track, alice):
    return LearningPlanFactory(owner=alice, track=track, **SLOT)


def dispatch(now: datetime) -> None:
    """What beat and a worker do at ``now``: claim what is due and send it."""
    with time_machine.travel(now, tick=False):
        call_command("dispatch_nudges", "--sync", "--now", now.isoformat(), stdout=StringIO())


def parts(message) -> tuple[str, str]:
    return (
        message.get_body(("plain",)).get_content(),
        message.get_body(("html",)).get_content(),
    )


def words(text: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


# The weekly email ------------------------------------------------------------------------------


def test_it_asks_to_log_a_week_with_nothing_logged_and_says_the_skips_left(plan, smtp_sink):
    dispatch(FIRST_SLOT)
    [message] = smtp_sink.messages
    text, html = parts(message)
    assert message["Subject"].startswith("Week 1: Neural Networks and Deep Learning")
    for body in (text, words(html)):
        assert "Log this week" in body
        assert "Skips left: 2 of 2" in words(body)
        assert "Pause for two weeks" in body or "Pause the plan for two weeks" in body
    assert "I studied this week: http" in text


def test_it_congratulates_a_week_logged_before_the_email_and_shows_the_next_step(plan, smtp_sink):
    with time_machine.travel(FIRST_SLOT - timedelta(days=2), tick=False):
        checkin_upsert(plan=plan, week=START, study_days_done=2, papers_read=1)
    dispatch(FIRST_SLOT)
    [message] = smtp_sink.messages
    text, html = parts(message)
    assert message["Subject"].startswith("Week 1 logged: well done")
    for body in (text, words(html)):
        assert "2 study days" in body
        assert "1 paper" in body
        # Week 2 is the course's second week: the next step, not this week's ask.
        assert "Neural Networks and Deep Learning, week 2 of 4" in body
        assert "Log this week" not in body
    assert "I studied this week:" not in text
    assert "Skip this week:" not in text
    # The pause link stays: life may still get in the way of next week.
    assert "/nudges/action/" in text


def test_it_asks_again_when_only_a_skip_was_logged(plan, smtp_sink):
    # A week skipped on purpose has nothing done in it: no congratulations.
    with time_machine.travel(FIRST_SLOT - timedelta(days=1), tick=False):
        checkin_upsert(plan=plan, week=START, skipped=True)
    dispatch(FIRST_SLOT)
    [message] = smtp_sink.messages
    assert "well done" not in message["Subject"]
    assert "I studied this week: http" in parts(message)[0]


def test_it_draws_the_weeks_as_letters_and_an_image_free_table(plan, smtp_sink):
    # Week 1 logged, week 2 nothing (a skip used); the third email is about week 3.
    WeeklyCheckinFactory(plan=plan, week_start=START, study_days_done=1)
    for week in range(3):
        dispatch(FIRST_SLOT + timedelta(weeks=week))
    text, html = parts(smtp_sink.messages[-1])
    row = re.search(r"^  ([Lsbxo.]+)\r?$", text, re.MULTILINE).group(1)
    assert row == "Lso" + "." * 10  # a quarter per row
    assert "skipped: 1" in text
    assert "Skips left: 1 of 2" in text
    assert "<img" not in html
    assert 'title="Week of 7 Dec 2026: Skipped (a skip used)"' in html
    assert 'title="Week of 30 Nov 2026: Logged"' in html


# Breaks ----------------------------------------------------------------------------------------


def test_it_sends_nothing_in_a_break_and_the_same_local_hour_after_a_clock_change(
    track, alice, smtp_sink
):
    """A break over the weeks of 22 and 29 March 2027 (the UK's clocks go forward on Sunday
    28 March): the Saturdays of 27 March and 3 April get no email, and the next one, on
    10 April, comes at 09:00 summer time (08:00 UTC)."""
    made = datetime(2027, 3, 1, 12, tzinfo=UTC)
    with time_machine.travel(made, tick=False):
        plan = LearningPlanFactory(
            owner=alice,
            track=track,
            start_date=date(2027, 3, 1),
            nudge_weekday=5,
            nudge_hour=9,
            timezone="Europe/London",
            now=made,
        )
        break_create(plan=plan, start=date(2027, 3, 24), end=date(2027, 3, 30), reason="Exams")
    item = PlanBreak.objects.get(plan=plan)
    assert (item.start, item.end) == (date(2027, 3, 22), date(2027, 4, 4))
    saturdays = [datetime(2027, 3, 20, 9, tzinfo=UTC)] + [
        datetime(2027, 3, 27, 8, tzinfo=UTC) + timedelta(weeks=n) for n in range(3)
    ]
    for saturday in saturdays:
        dispatch(saturday + timedelta(minutes=1))
    weeks = list(NudgeDelivery.objects.order_by("week_start").values_list("week_start", "status"))
    assert weeks == [(date(2027, 3, 15), Status.SENT), (date(2027, 4, 5), Status.SENT)]
    plan.refresh_from_db()
    assert plan.next_nudge_at == datetime(2027, 4, 17, 8, tzinfo=UTC)
    assert len(smtp_sink.messages) == 2


def test_it_moves_the_next_email_past_a_break_and_back_when_it_is_called_off(plan):
    from careers.plans.services import break_delete

    with time_machine.travel(CREATED, tick=False):
        item = break_create(plan=plan, start=START, end=START + timedelta(days=13))
        plan.refresh_from_db()
        assert plan.next_nudge_at == FIRST_SLOT + timedelta(weeks=2)
        assert break_delete(plan=plan, item=item) == "deleted"
    plan.refresh_from_db()
    assert plan.next_nudge_at == FIRST_SLOT


def test_it_does_not_send_an_email_claimed_before_a_break_was_planned(plan, smtp_sink):
    report = nudges.nudges_dispatch(now=FIRST_SLOT)
    PlanBreak.objects.create(plan=plan, start=START, end=START + timedelta(days=6))
    assert nudges.nudges_deliver(delivery_ids=report.chunks[0]) == ({"cancelled": 1}, [])
    delivery = NudgeDelivery.objects.get()
    assert delivery.status == Status.CANCELLED
    assert "break" in delivery.last_error
    assert smtp_sink.messages == []


def test_it_pauses_the_plan_for_two_weeks_from_the_email_only_on_confirm(plan, smtp_sink):
    dispatch(FIRST_SLOT)
    [message] = smtp_sink.messages
    text = parts(message)[0]
    link = path_of(re.search(r"Pause the plan for two weeks \([^)]*\): (\S+)", text).group(1))
    client = Client()
    with time_machine.travel(FIRST_SLOT + timedelta(hours=2), tick=False):
        page = client.get(link)
        assert page.status_code == 200
        assert "Monday 30 November" in words(page.content.decode())
        assert "Sunday 13 December 2026" in words(page.content.decode())
        assert not PlanBreak.objects.exists()
        done = client.post(link)
        again = client.post(link)
    assert done.status_code == again.status_code == 200
    assert "Already on a break" in again.content.decode()
    [item] = PlanBreak.objects.filter(plan=plan)
    assert (item.start, item.end) == (START, date(2026, 12, 13))
    plan.refresh_from_db()
    # The emails of the weeks of 30 November and 7 December are not sent; the next is the
    # Saturday after the break.
    assert plan.next_nudge_at == FIRST_SLOT + timedelta(weeks=2)


def test_it_pauses_from_this_week_when_the_email_is_read_a_week_late(plan, smtp_sink):
    dispatch(FIRST_SLOT)
    text = parts(smtp_sink.messages[0])[0]
    link = path_of(re.search(r"Pause the plan for two weeks \([^)]*\): (\S+)", text).group(1))
    with time_machine.travel(FIRST_SLOT + timedelta(days=8), tick=False):
        assert Client().post(link).status_code == 200
    item = PlanBreak.objects.get(plan=plan)
    assert (item.start, item.end) == (date(2026, 12, 7), date(2026, 12, 20))


# The second reminder ---------------------------------------------------------------------------

SUNDAY_SLOT = FIRST_SLOT + timedelta(days=1)


def test_it_sends_no_second_reminder_by_default(plan, smtp_sink):
    dispatch(FIRST_SLOT)
    dispatch(SUNDAY_SLOT + timedelta(minutes=1))
    assert [m["Subject"].split(" — ")[0] for m in smtp_sink.messages] == [
        "Week 1: Neural Networks and Deep Learning"
    ]
    assert plan.next_reminder_at is None


@pytest.fixture
def reminded(plan):
    """Alice's plan with a second reminder on Sundays (the weekly email is on Saturdays)."""
    with time_machine.travel(CREATED, tick=False):
        return plan_update(plan=plan, reminder_weekday=6, now=CREATED)


def test_it_sends_the_second_reminder_when_nothing_is_logged(reminded, smtp_sink, settings):
    settings.SITE_URL = "https://advisor.example.org"
    assert reminded.next_reminder_at == SUNDAY_SLOT
    dispatch(FIRST_SLOT)
    dispatch(SUNDAY_SLOT)
    weekly, reminder = smtp_sink.messages
    assert reminder["Subject"].startswith("Nothing logged yet this week")
    assert reminder["Message-ID"] == f"<nudge-reminder.{reminded.pk}.20261130@advisor.example.org>"
    assert reminder["Message-ID"] != weekly["Message-ID"]
    assert reminder["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, _html = parts(reminder)
    assert "I studied this week: http" in text
    # Short: no tip and no advice of the week, which the Saturday email carried.
    assert "Advice of the week" not in text
    assert "Advice of the week" in parts(weekly)[0]
    assert set(NudgeDelivery.objects.values_list("kind", "status")) == {
        (Kind.WEEKLY, Status.SENT),
        (Kind.REMINDER, Status.SENT),
    }
    reminded.refresh_from_db()
    assert reminded.next_reminder_at == SUNDAY_SLOT + timedelta(weeks=1)


def test_it_sends_no_second_reminder_for_a_week_logged_from_the_first(reminded, smtp_sink):
    dispatch(FIRST_SLOT)
    with time_machine.travel(FIRST_SLOT + timedelta(hours=3), tick=False):
        checkin_upsert(plan=reminded, week=START, papers_read=1)
    dispatch(SUNDAY_SLOT)
    assert len(smtp_sink.messages) == 1
    assert not NudgeDelivery.objects.filter(kind=Kind.REMINDER).exists()
    reminded.refresh_from_db()
    assert reminded.next_reminder_at == SUNDAY_SLOT + timedelta(weeks=1)


def test_it_cancels_a_claimed_reminder_when_the_week_is_logged_before_it_goes(reminded, smtp_sink):
    dispatch(FIRST_SLOT)
    report = nudges.nudges_dispatch(now=SUNDAY_SLOT)
    WeeklyCheckinFactory(plan=reminded, week_start=START, study_days_done=1)
    assert nudges.nudges_deliver(delivery_ids=report.chunks[0]) == ({"cancelled": 1}, [])
    assert len(smtp_sink.messages) == 1
    reminder = NudgeDelivery.objects.get(kind=Kind.REMINDER)
    assert reminder.status == Status.CANCELLED
    assert "logged" in reminder.last_error


def test_it_refuses_a_second_reminder_that_is_not_later_in_the_week(plan):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as raised:
        plan_update(plan=plan, reminder_weekday=5)
    assert "later in the week" in str(raised.value)


def test_it_stops_the_second_reminder_with_the_weekly_email(reminded, smtp_sink):
    dispatch(FIRST_SLOT)
    link = re.search(r"Stop these emails: (\S+)", parts(smtp_sink.messages[0])[0]).group(1)
    Client().post(path_of(link))
    reminded.refresh_from_db()
    assert (reminded.next_nudge_at, reminded.next_reminder_at) == (None, None)
    dispatch(SUNDAY_SLOT)
    assert len(smtp_sink.messages) == 1


# Light days ------------------------------------------------------------------------------------


def test_it_suggests_a_paper_on_a_light_day_and_the_module_on_a_full_one(plan, smtp_sink):
    # Study days Saturday and Sunday (the track's); Saturday light.
    with time_machine.travel(CREATED, tick=False):
        plan_update(plan=plan, light_days=[5], now=CREATED)
    dispatch(FIRST_SLOT)
    text, html = parts(smtp_sink.messages[0])
    assert "- Saturday (light): A paper, or a short exercise on what you studied" in text
    assert "- Sunday: Neural Networks and Deep Learning, week 1 of 4" in text
    assert "This week's focus" in html


def test_it_suggests_no_new_module_in_a_week_of_light_days(plan, smtp_sink):
    with time_machine.travel(CREATED, tick=False):
        plan_update(plan=plan, light_days=[5, 6], now=CREATED)
    dispatch(FIRST_SLOT)
    text, html = parts(smtp_sink.messages[0])
    assert "a light one" in text
    assert "Focus: a paper or a short exercise on each day" in text
    assert "Focus: Neural Networks" not in text
    assert "A light week" in html
    assert "This week's focus" not in html
    days = re.findall(r"^- (Saturday|Sunday) \(light\): (.+?)\r?$", text, re.MULTILINE)
    assert [day for day, _ in days] == ["Saturday", "Sunday"]
    assert all("paper" in suggestion for _, suggestion in days)


def test_it_sends_no_second_reminder_without_a_weekly_email_before_it(track, alice, smtp_sink):
    # Made on Sunday morning, an hour before the reminder's slot: the week's Saturday email
    # never went to this plan, so there is nothing to remind of.
    made = SUNDAY_SLOT - timedelta(hours=1)
    with time_machine.travel(made, tick=False):
        plan = LearningPlanFactory(owner=alice, track=track, **{**SLOT, "now": made})
        plan_update(plan=plan, reminder_weekday=6, now=made)
    assert plan.next_reminder_at == SUNDAY_SLOT
    dispatch(SUNDAY_SLOT)
    assert smtp_sink.messages == []
    assert not NudgeDelivery.objects.exists()
    plan.refresh_from_db()
    assert plan.next_reminder_at == SUNDAY_SLOT + timedelta(weeks=1)


def test_it_sends_the_weekly_email_alone_when_an_outage_covered_both_slots(reminded, smtp_sink):
    # Beat was down from Saturday to Sunday afternoon: one dispatch finds both due.
    dispatch(SUNDAY_SLOT + timedelta(hours=5))
    assert [m["Subject"].split(" — ")[0] for m in smtp_sink.messages] == [
        "Week 1: Neural Networks and Deep Learning"
    ]


def test_it_sends_no_second_reminder_for_a_week_skipped_on_purpose(reminded, smtp_sink):
    dispatch(FIRST_SLOT)
    with time_machine.travel(FIRST_SLOT + timedelta(hours=3), tick=False):
        checkin_upsert(plan=reminded, week=START, skipped=True)
    dispatch(SUNDAY_SLOT)
    assert len(smtp_sink.messages) == 1


def test_it_cancels_a_claimed_reminder_turned_off_before_it_goes(reminded, smtp_sink):
    dispatch(FIRST_SLOT)
    report = nudges.nudges_dispatch(now=SUNDAY_SLOT)
    with time_machine.travel(SUNDAY_SLOT, tick=False):
        plan_update(plan=reminded, reminder_weekday=None)
    assert nudges.nudges_deliver(delivery_ids=report.chunks[0]) == ({"cancelled": 1}, [])
    assert "turned off" in NudgeDelivery.objects.get(kind=Kind.REMINDER).last_error
    reminded.refresh_from_db()
    assert reminded.next_reminder_at is None


def test_it_spends_no_tip_on_a_second_reminder(reminded, smtp_sink):
    dispatch(FIRST_SLOT)
    dispatch(SUNDAY_SLOT)
    weekly = NudgeDelivery.objects.get(kind=Kind.WEEKLY)
    reminder = NudgeDelivery.objects.get(kind=Kind.REMINDER)
    assert weekly.tip_id is not None
    assert reminder.tip_id is None
    # The next Saturday brings the tip that follows the first one shown, none skipped.
    dispatch(FIRST_SLOT + timedelta(weeks=1))
    second = NudgeDelivery.objects.get(kind=Kind.WEEKLY, week_start=START + timedelta(weeks=1))
    expected = tip_choose(
        tips=tips_for_track(track_id=reminded.track_id), last_sent={weekly.tip_id: START}
    )
    assert second.tip_id == expected.pk != weekly.tip_id


def test_it_speaks_of_its_own_week_when_sent_after_the_week_ended(plan, smtp_sink):
    """A Sunday-evening email whose send is retried past midnight: still about its week."""
    sunday_evening = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
    LearningPlan.objects.filter(pk=plan.pk).update(next_nudge_at=sunday_evening)
    report = nudges.nudges_dispatch(now=sunday_evening)
    # Logged on Monday, in the next week, before the retried send.
    with time_machine.travel(sunday_evening + timedelta(hours=1), tick=False):
        checkin_upsert(plan=plan, week=START + timedelta(weeks=1), study_days_done=1)
        assert nudges.nudges_deliver(delivery_ids=report.chunks[0]) == ({"sent": 1}, [])
    [message] = smtp_sink.messages
    assert message["Subject"].startswith("Week 1: Neural Networks and Deep Learning")
    assert "well done" not in message["Subject"]
