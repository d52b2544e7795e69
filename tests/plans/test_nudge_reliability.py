"""Weekly nudges are never silently lost: the requeue sweep, a dispatch with the broker down,
and deliveries stuck in sending shown to an operator with a one-click resend."""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.urls import reverse

from advisor.celery import app
from careers.content.models import LearningTrack
from careers.plans import nudges
from careers.plans.models import NudgeDelivery
from careers.plans.tasks import enqueue_delivery_chunk, nudges_requeue
from tests.factories import LearningPlanFactory, UserFactory
from tests.plans.test_nudges import FIRST_SLOT, SLOT, START, Status
from tests.smtp_sink import free_port


@pytest.fixture
def clock():
    """Just after the first slot, ticking (the SMTP sink and Celery need time to pass)."""
    with time_machine.travel(FIRST_SLOT + timedelta(minutes=1), tick=True) as traveller:
        yield traveller


@pytest.fixture
def track(seeded):
    return LearningTrack.objects.get(slug="deep-learning-foundations")


def make_plans(track, count: int):
    return [
        LearningPlanFactory(owner=UserFactory(username=f"learner{n}"), track=track, **SLOT)
        for n in range(count)
    ]


@pytest.fixture
def eager():
    """Tasks run in this process when enqueued, as a broker that always answers would."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def broker_down():
    """The app's broker is a Redis address nobody listens on."""
    saved = {
        name: app.conf[name] for name in ("broker_url", "task_always_eager", "task_publish_retry")
    }
    app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    app.conf.task_always_eager = False
    # Fail at once instead of retrying the publish for a while.
    app.conf.task_publish_retry = False
    app._pool = None
    app.amqp._producer_pool = None
    yield
    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None


def recipients(smtp_sink) -> Counter:
    return Counter(message["To"] for message in smtp_sink.messages)


def test_it_requeues_an_old_pending_delivery_and_not_a_fresh_one(track, clock, settings):
    settings.NUDGE_REQUEUE_AFTER = 300
    make_plans(track, 2)
    old, fresh = nudges.nudges_dispatch(now=FIRST_SLOT).chunks[0]
    nudges.deliveries_mark_enqueued(delivery_ids=[old])
    nudges.deliveries_mark_enqueued(delivery_ids=[fresh])
    assert nudges.nudges_requeue(enqueue=None) == []
    clock.shift(timedelta(minutes=4))
    # Enqueued again a minute ago (a retry, a resend): not the sweep's yet.
    nudges.deliveries_mark_enqueued(delivery_ids=[fresh])
    clock.shift(timedelta(minutes=2))
    enqueued: list[list[int]] = []
    assert nudges.nudges_requeue(enqueue=enqueued.append) == [[old]]
    assert enqueued == [[old]]


def test_it_requeues_a_delivery_that_was_never_enqueued_once_it_is_old(track, clock, settings):
    settings.NUDGE_REQUEUE_AFTER = 300
    make_plans(track, 1)
    [[delivery_id]] = nudges.nudges_dispatch(now=FIRST_SLOT).chunks
    assert nudges.nudges_to_requeue() == []
    clock.shift(timedelta(minutes=6))
    assert nudges.nudges_to_requeue() == [delivery_id]


def test_it_sends_one_email_when_the_same_pending_delivery_is_enqueued_twice(
    track, clock, eager, smtp_sink, django_capture_on_commit_callbacks
):
    make_plans(track, 1)
    [chunk] = nudges.nudges_dispatch(now=FIRST_SLOT).chunks
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_delivery_chunk(chunk)
        enqueue_delivery_chunk(chunk)
    assert len(smtp_sink.messages) == 1
    assert NudgeDelivery.objects.get().status == Status.SENT


def test_it_requeues_lost_deliveries_at_the_end_of_every_dispatch(track, clock, settings):
    settings.NUDGE_REQUEUE_AFTER = 300
    lost_plan, due_plan = make_plans(track, 2)
    lost = NudgeDelivery.objects.create(plan=lost_plan, week_start=START, scheduled_for=FIRST_SLOT)
    lost_plan.next_nudge_at = FIRST_SLOT + timedelta(weeks=1)
    lost_plan.save(update_fields=["next_nudge_at"])
    nudges.deliveries_mark_enqueued(delivery_ids=[lost.pk])
    clock.shift(timedelta(minutes=10))
    enqueued: list[list[int]] = []
    report = nudges.nudges_dispatch(enqueue=enqueued.append)
    new = NudgeDelivery.objects.get(plan=due_plan)
    assert (report.claimed, report.created, report.requeued) == (1, 1, 1)
    assert enqueued == [[new.pk], [lost.pk]]


def test_it_says_in_the_dispatch_command_that_lost_emails_are_sent_again(
    track, clock, settings, smtp_sink
):
    settings.NUDGE_REQUEUE_AFTER = 300
    [plan] = make_plans(track, 1)
    nudges.nudges_dispatch(now=FIRST_SLOT)
    clock.shift(timedelta(minutes=10))
    out = StringIO()
    call_command("dispatch_nudges", "--sync", stdout=out)
    assert "1 earlier email was still waiting (their task was lost)" in out.getvalue()
    assert recipients(smtp_sink) == {plan.owner.email: 1}


@pytest.mark.django_db(transaction=True)
def test_it_strands_no_plan_when_the_broker_is_down_and_sends_each_once_when_it_is_back(
    track, clock, settings, smtp_sink, broker_down
):
    plans = make_plans(track, 7)
    with pytest.raises(CommandError) as failure:
        call_command("dispatch_nudges", "--now", FIRST_SLOT.isoformat(), stdout=StringIO())
    message = str(failure.value)
    assert "broker did not take the emails" in message
    assert "stay pending" in message
    assert smtp_sink.messages == []
    pending = NudgeDelivery.objects.filter(status=Status.PENDING).count()
    assert pending == 7
    assert not NudgeDelivery.objects.filter(enqueued_at__isnull=False).exists()

    # The broker is back: beat's sweep and its next dispatch.
    app.conf.task_always_eager = True
    settings.NUDGE_REQUEUE_AFTER = 300
    clock.shift(timedelta(minutes=6))
    assert nudges_requeue.delay().get() == 7
    call_command("dispatch_nudges", stdout=StringIO())
    assert recipients(smtp_sink) == {plan.owner.email: 1 for plan in plans}
    assert not NudgeDelivery.objects.exclude(status=Status.SENT).exists()


@pytest.mark.django_db(transaction=True)
def test_it_stops_claiming_when_the_broker_refuses_and_the_rest_follow_later(
    track, clock, settings, smtp_sink, broker_down
):
    plans = make_plans(track, 7)
    report = nudges.nudges_dispatch(
        now=FIRST_SLOT, enqueue=enqueue_delivery_chunk, batch_size=3, chunk_size=2
    )
    # The first claim batch is committed and pending; the dispatch claimed no more.
    assert (report.claimed, report.created, report.unqueued) == (3, 3, 3)
    assert "OperationalError" in report.enqueue_error
    assert NudgeDelivery.objects.filter(status=Status.PENDING).count() == 3

    app.conf.task_always_eager = True
    settings.NUDGE_REQUEUE_AFTER = 300
    clock.shift(timedelta(minutes=6))
    again = nudges.nudges_dispatch(now=FIRST_SLOT, enqueue=enqueue_delivery_chunk)
    assert (again.claimed, again.requeued) == (4, 3)
    assert recipients(smtp_sink) == {plan.owner.email: 1 for plan in plans}
    assert NudgeDelivery.objects.filter(status=Status.SENT).count() == 7
    assert not NudgeDelivery.objects.filter(status=Status.PENDING).exists()


def test_it_marks_a_delivery_left_in_sending_as_stuck_and_never_resends_it_alone(
    track, clock, smtp_sink
):
    make_plans(track, 1)
    [[delivery_id]] = nudges.nudges_dispatch(now=FIRST_SLOT).chunks
    NudgeDelivery.objects.filter(pk=delivery_id).update(
        status=Status.SENDING, sending_since=FIRST_SLOT
    )
    clock.shift(timedelta(minutes=40))
    assert nudges.nudges_stuck() == [delivery_id]
    delivery = NudgeDelivery.objects.get()
    assert delivery.status == Status.STUCK
    assert "Check, then resend" in delivery.last_error
    # Neither the sweep nor a second delivery sends it: at most once.
    assert nudges.nudges_requeue(enqueue=None) == []
    assert nudges.nudges_deliver(delivery_ids=[delivery_id]) == ({"taken": 1}, [])
    assert smtp_sink.messages == []


def test_it_lists_stuck_deliveries_first_and_resends_them_from_the_admin(
    track, clock, settings, eager, smtp_sink, admin_client, django_capture_on_commit_callbacks
):
    settings.NUDGE_REQUEUE_AFTER = 300
    stuck_plan, overdue_plan, fresh_plan, sent_plan = make_plans(track, 4)
    report = nudges.nudges_dispatch(now=FIRST_SLOT)
    by_plan = {d.plan_id: d for d in NudgeDelivery.objects.all()}
    stuck, overdue = by_plan[stuck_plan.pk], by_plan[overdue_plan.pk]
    fresh, sent = by_plan[fresh_plan.pk], by_plan[sent_plan.pk]
    assert report.created == 4
    NudgeDelivery.objects.filter(pk=sent.pk).update(status=Status.SENT)
    NudgeDelivery.objects.filter(pk=stuck.pk).update(
        status=Status.SENDING, sending_since=FIRST_SLOT
    )
    nudges.deliveries_mark_enqueued(delivery_ids=[overdue.pk])
    clock.shift(timedelta(minutes=40))
    nudges.nudges_stuck()
    # Enqueued a minute ago: its task is on its way, so the resend leaves it alone.
    nudges.deliveries_mark_enqueued(delivery_ids=[fresh.pk])

    changelist = reverse("admin:plans_nudgedelivery_changelist")
    listed = admin_client.get(changelist)
    assert listed.context["cl"].result_list[0].pk == stuck.pk
    assert "Stuck (check, then resend)</strong>" in listed.content.decode()
    only_stuck = admin_client.get(changelist, {"status__exact": "stuck"})
    assert [d.pk for d in only_stuck.context["cl"].result_list] == [stuck.pk]

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            changelist,
            {
                "action": "resend_failed_of_current_week",
                "_selected_action": [stuck.pk, overdue.pk, fresh.pk, sent.pk],
            },
        )
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("Resent 2 deliveries; skipped 2")
    assert recipients(smtp_sink) == {stuck_plan.owner.email: 1, overdue_plan.owner.email: 1}
    statuses = dict(NudgeDelivery.objects.values_list("pk", "status"))
    assert statuses == {
        stuck.pk: Status.SENT,
        overdue.pk: Status.SENT,
        fresh.pk: Status.PENDING,
        sent.pk: Status.SENT,
    }


def test_it_gives_up_on_a_lost_delivery_once_the_next_weeks_replaces_it(track, clock, settings):
    settings.NUDGE_REQUEUE_AFTER = 300
    replaced_plan, lonely_plan = make_plans(track, 2)
    nudges.nudges_dispatch(now=FIRST_SLOT)
    old = {d.plan_id: d.pk for d in NudgeDelivery.objects.all()}
    # A week on, both first emails still pending (their tasks lost); only the first plan is
    # due its second (the other's next slot is later).
    lonely_plan.next_nudge_at = FIRST_SLOT + timedelta(days=8)
    lonely_plan.save(update_fields=["next_nudge_at"])
    clock.shift(timedelta(days=7, minutes=1))

    report = nudges.nudges_dispatch()

    [new] = NudgeDelivery.objects.filter(plan=replaced_plan).exclude(pk=old[replaced_plan.pk])
    assert report.chunks == [[new.pk], [old[lonely_plan.pk]]]
    given_up = NudgeDelivery.objects.get(pk=old[replaced_plan.pk])
    assert given_up.status == Status.FAILED
    assert "the next week's email, which replaces it" in given_up.last_error
    # The other plan's first email is the only one it has: it is sent, late.
    assert NudgeDelivery.objects.get(pk=old[lonely_plan.pk]).status == Status.PENDING


def test_it_marks_a_nudge_stuck_not_resent_when_the_connection_breaks_at_the_dot(
    track, clock, settings
):
    """The server kept the email and hung up before its reply: whether it went out cannot be
    known, so it is not sent again on its own; the next email of the chunk goes out on a
    fresh connection."""
    from tests.comparisons.test_checkin_resend import HangingUpSink

    first, second = make_plans(track, 2)
    with HangingUpSink() as sink:
        settings.MAILERS = sink.mailer_settings()
        sink.handler.at_dot = 1
        [chunk] = nudges.nudges_dispatch(now=FIRST_SLOT).chunks
        outcomes, retry = nudges.nudges_deliver(delivery_ids=chunk)
        assert (outcomes, retry) == ({"stuck": 1, "sent": 1}, [])
        assert nudges.nudges_deliver(delivery_ids=chunk) == ({"taken": 2}, [])
        assert len(sink.messages) == 2, "the server kept both, each once"
    statuses = dict(NudgeDelivery.objects.values_list("plan_id", "status"))
    assert sorted(statuses.values()) == [Status.SENT, Status.STUCK]
    assert set(statuses) == {first.pk, second.pk}
