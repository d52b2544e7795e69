import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client

from careers.content.models import LearningTrack, Tip
from careers.plans import nudges
from careers.plans.links import nudge_action_token
from careers.plans.models import LearningPlan, NudgeDelivery, WeeklyCheckin
from careers.plans.services import plan_create
from careers.plans.tasks import nudge_deliver_chunk
from tests.factories import LearningPlanFactory, LearningTrackFactory

# Plans start on Monday 30 November 2026; nudges on Saturdays at 09:00 London time.
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


@pytest.fixture
def track(seeded):
    return LearningTrack.objects.get(slug="deep-learning-foundations")


@pytest.fixture
def plan(track, alice):
    return LearningPlanFactory(owner=alice, track=track, **SLOT)


def test_it_schedules_the_first_nudge_at_the_first_slot_after_the_start(plan):
    assert plan.next_nudge_at == FIRST_SLOT


def test_it_claims_nothing_before_the_slot(plan):
    report = nudges.nudges_dispatch(now=FIRST_SLOT - timedelta(minutes=1))
    assert report.claimed == 0
    assert not NudgeDelivery.objects.exists()


def test_it_claims_a_due_plan_once_and_moves_it_to_next_week(plan):
    first = nudges.nudges_dispatch(now=FIRST_SLOT + timedelta(minutes=5))
    second = nudges.nudges_dispatch(now=FIRST_SLOT + timedelta(minutes=5))
    assert (first.claimed, first.created) == (1, 1)
    assert (second.claimed, second.created) == (0, 0)
    delivery = NudgeDelivery.objects.get()
    assert delivery.week_start == date(2026, 11, 30)
    assert delivery.status == Status.PENDING
    plan.refresh_from_db()
    assert plan.next_nudge_at == FIRST_SLOT + timedelta(weeks=1)


def test_it_sends_one_email_when_dispatched_twice_at_the_same_instant(plan, smtp_sink):
    for _ in range(2):
        call_command(
            "dispatch_nudges", "--sync", "--now", FIRST_SLOT.isoformat(), stdout=StringIO()
        )
    assert len(smtp_sink.messages) == 1
    assert NudgeDelivery.objects.get().status == Status.SENT


def test_it_sends_once_when_the_same_row_is_delivered_twice(plan, smtp_sink):
    report = nudges.nudges_dispatch(now=FIRST_SLOT)
    [delivery_id] = report.chunks[0]
    assert nudges.nudges_deliver(delivery_ids=[delivery_id]) == ({"sent": 1}, [])
    assert nudges.nudges_deliver(delivery_ids=[delivery_id]) == ({"taken": 1}, [])
    # A retried or redelivered task runs the whole chunk again: still one email.
    nudge_deliver_chunk.apply(args=[[delivery_id]])
    assert len(smtp_sink.messages) == 1
    assert NudgeDelivery.objects.get().attempts == 1


def test_it_leaves_a_delivery_claimed_by_another_worker_alone(plan, smtp_sink):
    report = nudges.nudges_dispatch(now=FIRST_SLOT)
    [delivery_id] = report.chunks[0]
    NudgeDelivery.objects.filter(pk=delivery_id).update(status=Status.SENDING)
    assert nudges.nudges_deliver(delivery_ids=[delivery_id]) == ({"taken": 1}, [])
    assert smtp_sink.messages == []


def test_it_sends_an_email_with_both_parts_and_the_unsubscribe_headers(plan, smtp_sink, settings):
    settings.SITE_URL = "https://advisor.example.org"
    call_command("dispatch_nudges", "--sync", "--now", FIRST_SLOT.isoformat(), stdout=StringIO())
    [message] = smtp_sink.messages
    assert message["To"] == plan.owner.email
    assert message["Message-ID"] == f"<nudge.{plan.pk}.20261130@advisor.example.org>"
    assert message["List-Unsubscribe"].startswith("<https://advisor.example.org/nudges/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # On the wire too: a plain <https://...> header, not RFC 2047 encoded words.
    [raw] = smtp_sink.handler.raw
    assert b"\r\nList-Unsubscribe: <https://advisor.example.org/nudges/unsubscribe/" in raw
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    focus = "Neural Networks and Deep Learning"
    assert focus in message["Subject"]
    for body in (text, html):
        assert focus in body
        assert "MNIST" in body
        assert "Papers read: 0 of 2" in body
        assert "streak" in body.lower()
        for path in ("/nudges/action/", "/nudges/unsubscribe/", f"/plans/{plan.pk}/edit/"):
            assert f"https://advisor.example.org{path}" in body
    first_tip = Tip.objects.published().order_by("position", "pk").first()
    assert first_tip.text[:40] in " ".join(text.split())


def test_it_brings_a_tip_not_sent_before_each_week(plan, smtp_sink):
    for week in range(3):
        call_command(
            "dispatch_nudges",
            "--sync",
            "--now",
            (FIRST_SLOT + timedelta(weeks=week)).isoformat(),
            stdout=StringIO(),
        )
    tips = list(NudgeDelivery.objects.order_by("week_start").values_list("tip_id", flat=True))
    assert len(tips) == 3
    assert len(set(tips)) == 3
    assert len(smtp_sink.messages) == 3


def test_it_retries_a_transient_smtp_error_and_then_sends(plan, smtp_sink):
    smtp_sink.handler.transient_failures = 1
    [delivery_id] = nudges.nudges_dispatch(now=FIRST_SLOT).chunks[0]
    assert nudges.nudges_deliver(delivery_ids=[delivery_id]) == ({"retry": 1}, [delivery_id])
    delivery = NudgeDelivery.objects.get()
    assert delivery.status == Status.PENDING
    assert "451" in delivery.last_error
    assert nudges.nudges_deliver(delivery_ids=[delivery_id]) == ({"sent": 1}, [])
    assert len(smtp_sink.messages) == 1
    assert NudgeDelivery.objects.get().attempts == 2


def test_it_fails_the_delivery_and_stops_the_nudges_on_a_permanent_bounce(plan, smtp_sink):
    smtp_sink.handler.refuse = {plan.owner.email}
    [delivery_id] = nudges.nudges_dispatch(now=FIRST_SLOT).chunks[0]
    assert nudges.nudges_deliver(delivery_ids=[delivery_id]) == ({"failed": 1}, [])
    delivery = NudgeDelivery.objects.get()
    assert delivery.status == Status.FAILED
    assert "550" in delivery.last_error
    plan.refresh_from_db()
    assert plan.nudges_enabled is False
    assert plan.next_nudge_at is None


def test_it_does_not_mail_a_plan_unsubscribed_after_dispatch(plan, smtp_sink):
    [delivery_id] = nudges.nudges_dispatch(now=FIRST_SLOT).chunks[0]
    LearningPlan.objects.filter(pk=plan.pk).update(nudges_enabled=False)
    assert nudges.nudges_deliver(delivery_ids=[delivery_id]) == ({"failed": 1}, [])
    assert smtp_sink.messages == []


def test_it_reports_a_delivery_stuck_in_sending(plan):
    [delivery_id] = nudges.nudges_dispatch(now=FIRST_SLOT).chunks[0]
    NudgeDelivery.objects.filter(pk=delivery_id).update(
        status=Status.SENDING, sending_since=FIRST_SLOT
    )
    assert nudges.nudges_stuck(now=FIRST_SLOT + timedelta(minutes=10)) == []
    assert nudges.nudges_stuck(now=FIRST_SLOT + timedelta(hours=1)) == [delivery_id]


def test_it_covers_the_current_week_with_one_email_after_an_outage(plan):
    three_weeks_late = FIRST_SLOT + timedelta(weeks=3, hours=2)
    report = nudges.nudges_dispatch(now=three_weeks_late)
    assert report.created == 1
    assert NudgeDelivery.objects.get().week_start == date(2026, 12, 21)
    plan.refresh_from_db()
    assert plan.next_nudge_at == FIRST_SLOT + timedelta(weeks=4)


def test_it_reports_what_the_dispatch_command_did(plan, smtp_sink):
    out = StringIO()
    call_command("dispatch_nudges", "--sync", "--now", FIRST_SLOT.isoformat(), stdout=out)
    assert out.getvalue().splitlines() == [
        "1 plan was due a nudge: 1 email to send.",
        "Sending here, in 1 batch.",
        "  Batch 1 of 1: 1 email sent.",
        "Done: 1 email sent.",
    ]
    assert "(s)" not in out.getvalue()
    assert "(ies)" not in out.getvalue()


def test_it_says_when_a_due_plan_already_had_this_weeks_email(plan, smtp_sink):
    call_command("dispatch_nudges", "--sync", "--now", FIRST_SLOT.isoformat(), stdout=StringIO())
    # Turned off and on again within the week: due again, but this week's email is sent.
    LearningPlan.objects.filter(pk=plan.pk).update(next_nudge_at=FIRST_SLOT)
    other = LearningPlanFactory(track=plan.track, **SLOT)
    out = StringIO()
    call_command("dispatch_nudges", "--sync", "--now", FIRST_SLOT.isoformat(), stdout=out)
    assert out.getvalue().splitlines() == [
        "2 plans were due a nudge: 1 email to send, and 1 plan already had this week's email "
        "or needed none (the week logged before its reminder).",
        "Sending here, in 1 batch.",
        "  Batch 1 of 1: 1 email sent.",
        "Done: 1 email sent.",
    ]
    assert [m["To"] for m in smtp_sink.messages] == [plan.owner.email, other.owner.email]


def test_it_says_when_no_plan_is_due(plan):
    out = StringIO()
    call_command("dispatch_nudges", "--sync", "--now", CREATED.isoformat(), stdout=out)
    assert out.getvalue() == "No plan was due a nudge: nothing to send.\n"


@pytest.mark.parametrize("value", ["yesterday", "2026-12-05T09:00:00"])
def test_it_refuses_a_bad_now_in_the_dispatch_command(db, value):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--now"):
        call_command("dispatch_nudges", "--now", value, stdout=StringIO())


# One-click links -----------------------------------------------------------------------------


def links_of(message) -> dict[str, str]:
    text = message.get_body(("plain",)).get_content()
    return {
        "studied": re.search(r"I studied this week: (\S+)", text).group(1),
        "papers_2": re.search(r"2 or more (\S+)", text).group(1),
        "skip": re.search(r"Skip this week: (\S+)", text).group(1),
        "unsubscribe": re.search(r"Stop these emails: (\S+)", text).group(1),
    }


@pytest.fixture
def sent_message(plan, smtp_sink):
    call_command("dispatch_nudges", "--sync", "--now", FIRST_SLOT.isoformat(), stdout=StringIO())
    return smtp_sink.messages[0]


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_it_changes_nothing_on_a_link_scanners_get(plan, sent_message, client):
    for name in ("studied", "papers_2", "skip", "unsubscribe"):
        response = client.get(path_of(links_of(sent_message)[name]))
        assert response.status_code == 200
        assert b'method="post"' in response.content
    assert not WeeklyCheckin.objects.exists()
    plan.refresh_from_db()
    assert plan.nudges_enabled


def test_it_records_the_week_from_the_confirm_buttons(plan, sent_message):
    client = Client()
    links = links_of(sent_message)
    with time_machine.travel(FIRST_SLOT + timedelta(hours=1)):
        client.post(path_of(links["studied"]))
        client.post(path_of(links["papers_2"]))
    checkin = WeeklyCheckin.objects.get(plan=plan)
    assert checkin.week_start == date(2026, 11, 30)
    assert checkin.study_days_done == 1
    assert checkin.papers_read == 2


def test_it_unsubscribes_in_one_click_without_a_cookie_or_csrf_token(plan, sent_message):
    client = Client(enforce_csrf_checks=True)
    url = path_of(sent_message["List-Unsubscribe"].strip("<>"))
    response = client.post(
        url,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    plan.refresh_from_db()
    assert plan.nudges_enabled is False
    assert plan.next_nudge_at is None


def test_it_never_expires_the_unsubscribe_link(plan, sent_message):
    url = path_of(links_of(sent_message)["unsubscribe"])
    with time_machine.travel(FIRST_SLOT + timedelta(days=400)):
        assert Client().post(url).status_code == 200
    plan.refresh_from_db()
    assert plan.nudges_enabled is False


def test_it_expires_an_action_link_after_fourteen_days(plan, sent_message):
    url = path_of(links_of(sent_message)["studied"])
    with time_machine.travel(FIRST_SLOT + timedelta(days=15)):
        response = Client().post(url)
    assert response.status_code == 400
    assert b"expired" in response.content
    assert not WeeklyCheckin.objects.exists()


@pytest.mark.parametrize("where", ["action", "unsubscribe"])
def test_it_refuses_a_tampered_link_with_a_clear_page(plan, sent_message, where):
    url = path_of(links_of(sent_message)["studied" if where == "action" else "unsubscribe"])
    token = url.rstrip("/").rsplit("/", 1)[1]
    forged = url.replace(token, token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"))
    response = Client().post(forged)
    assert response.status_code == 400
    assert b"not valid" in response.content
    plan.refresh_from_db()
    assert plan.nudges_enabled
    assert not WeeklyCheckin.objects.exists()


def test_it_refuses_a_link_signed_with_another_key(plan, settings):
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    token = nudge_action_token(plan_id=plan.pk, week=START, action="studied")
    settings.SECRET_KEY = "the-real-secret-key-" + "y" * 40
    assert Client().post(f"/nudges/action/{token}/").status_code == 400
    assert not WeeklyCheckin.objects.exists()


# Concurrency on a real database ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not connection.features.has_select_for_update_skip_locked,
    reason="concurrent dispatchers need a database with row locks (PostgreSQL in CI)",
)
def test_it_creates_one_delivery_per_plan_with_two_dispatchers_at_once(track):
    LearningPlanFactory.create_batch(60, track=track, **SLOT)
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(
            pool.map(lambda _: nudges.nudges_dispatch(now=FIRST_SLOT, batch_size=7), range(2))
        )
    connection.close()
    assert sum(report.created for report in reports) == 60
    assert NudgeDelivery.objects.count() == 60
    assert sum(report.claimed for report in reports) == 60


# What the review of the exactly-once paths asked for ---------------------------------------


def test_it_leaves_a_delivery_being_sent_right_now_alone_on_resend(plan):
    [delivery_id] = nudges.nudges_dispatch(now=FIRST_SLOT).chunks[0]
    delivery = NudgeDelivery.objects.get(pk=delivery_id)
    NudgeDelivery.objects.filter(pk=delivery_id).update(
        status=Status.SENDING, sending_since=FIRST_SLOT
    )
    assert not nudges.nudge_resend(delivery=delivery, now=FIRST_SLOT + timedelta(minutes=2))
    assert nudges.nudge_resend(delivery=delivery, now=FIRST_SLOT + timedelta(hours=1))
    assert NudgeDelivery.objects.get(pk=delivery_id).status == Status.PENDING


def test_it_marks_a_chunk_whose_retries_ran_out_as_failed(plan, smtp_sink):
    smtp_sink.handler.transient_failures = 100
    [chunk] = nudges.nudges_dispatch(now=FIRST_SLOT).chunks
    result = nudge_deliver_chunk.apply(args=[chunk], retries=nudge_deliver_chunk.max_retries)
    assert result.successful()
    delivery = NudgeDelivery.objects.get()
    assert delivery.status == Status.FAILED
    assert "Gave up after retries" in delivery.last_error
    assert smtp_sink.messages == []


def test_it_retries_a_chunk_until_the_server_takes_it(plan, smtp_sink):
    # Run eagerly, Celery performs each retry at once instead of after its countdown.
    smtp_sink.handler.transient_failures = 3
    [chunk] = nudges.nudges_dispatch(now=FIRST_SLOT).chunks
    nudge_deliver_chunk.apply(args=[chunk])
    delivery = NudgeDelivery.objects.get()
    assert delivery.status == Status.SENT
    assert delivery.attempts == 4
    assert len(smtp_sink.messages) == 1


def test_it_reports_a_delivery_lost_before_it_ran(plan):
    [delivery_id] = nudges.nudges_dispatch(now=FIRST_SLOT).chunks[0]
    assert nudges.nudges_stuck(now=FIRST_SLOT + timedelta(minutes=30)) == []
    assert nudges.nudges_stuck(now=FIRST_SLOT + timedelta(hours=3)) == [delivery_id]


def test_it_sends_one_email_when_nudges_go_off_and_on_within_a_week(plan, smtp_sink):
    from careers.plans.services import plan_update

    call_command("dispatch_nudges", "--sync", "--now", FIRST_SLOT.isoformat(), stdout=StringIO())
    plan.refresh_from_db()
    later = FIRST_SLOT + timedelta(hours=2)
    plan_update(plan=plan, nudges_enabled=False, now=later)
    # Back on, and the hour moved to later the same Saturday: the slot comes round again.
    plan_update(plan=plan, nudges_enabled=True, nudge_hour=20, now=later)
    assert plan.next_nudge_at == datetime(2026, 12, 5, 20, tzinfo=UTC)
    call_command(
        "dispatch_nudges",
        "--sync",
        "--now",
        (plan.next_nudge_at + timedelta(minutes=1)).isoformat(),
        stdout=StringIO(),
    )
    assert len(smtp_sink.messages) == 1
    assert NudgeDelivery.objects.count() == 1


def test_it_keeps_a_dispatch_that_ran_meanwhile_when_a_stale_plan_is_edited(plan):
    from careers.plans.services import plan_update

    stale = LearningPlan.objects.get(pk=plan.pk)
    nudges.nudges_dispatch(now=FIRST_SLOT)
    plan_update(plan=stale, weeks=20)
    assert LearningPlan.objects.get(pk=plan.pk).next_nudge_at == FIRST_SLOT + timedelta(weeks=1)
    assert nudges.nudges_dispatch(now=FIRST_SLOT + timedelta(minutes=1)).claimed == 0


def test_it_explains_an_action_link_for_a_week_the_plan_no_longer_has(plan, sent_message):
    LearningPlan.objects.filter(pk=plan.pk).update(start_date=date(2027, 1, 4))
    with time_machine.travel(FIRST_SLOT + timedelta(hours=1)):
        response = Client().post(path_of(links_of(sent_message)["studied"]))
    assert response.status_code == 400
    assert b"before the plan starts" in response.content
    assert not WeeklyCheckin.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/nudges/action/abc%00def/",
        "/nudges/unsubscribe/abc%00/",
        "/plans/calendar/abc%00.ics",
        "/comparisons/shared/abc%00/",
    ],
)
def test_it_returns_404_for_a_nul_byte_in_a_token_url(db, client, url):
    assert client.get(url).status_code == 404


def test_it_refuses_a_plan_that_starts_in_the_far_future(alice):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Start within a year"):
        plan_create(owner=alice, track=LearningTrackFactory(), start_date=date(9999, 12, 31))
