"""The standing fault test of the weekly nudges: a few hundred due plans, a Redis of the test's
own, two real Celery worker processes on PostgreSQL and a real SMTP sink; in each run one thing
breaks in the middle of the fan-out, and each run ends with exactly one email per plan, no
duplicate and nothing pending, within a bounded time.

The sink can hold every new message at MAIL FROM (its sender waits for the reply), which
catches both workers mid-chunk at a known point: the fault then strikes while each has one
delivery in ``sending`` and chunks still queued, on every run, not only when timing is lucky.

Each run prints its figures (plans, emails, duplicates, lost, seconds to recover); ``pytest -s``
shows them.
"""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from careers.plans import nudges, tasks
from careers.plans.models import NudgeDelivery
from tests.integration.conftest import VISIBILITY_TIMEOUT
from tests.processes import REDIS_SERVER, ROOT, wait_for

PLANS = 300
# Messages the sink takes before it holds the rest: both workers are then mid-chunk (chunks
# of 50), with more chunks waiting in the queue.
HOLD_AFTER = 60
Status = NudgeDelivery.Status

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not REDIS_SERVER, reason="redis-server is not installed"),
]


def statuses() -> Counter:
    return Counter(NudgeDelivery.objects.values_list("status", flat=True))


def figures(fault: str, sink, plans, recovered_in: float) -> None:
    received = Counter(message["To"] for message in sink.messages)
    duplicates = sum(count - 1 for count in received.values())
    lost = sum(1 for plan in plans if plan.owner.email not in received)
    print(
        f"\nnudge fault, {fault}: {len(plans)} plans, {len(sink.messages)} emails, "
        f"{duplicates} duplicates, {lost} lost, recovered in {recovered_in:.1f} s"
    )


def assert_one_email_per_plan(sink, plans) -> None:
    # A moment more, so a late duplicate would have arrived too.
    time.sleep(1)
    assert Counter(message["To"] for message in sink.messages) == {
        plan.owner.email: 1 for plan in plans
    }
    assert len({message["Message-ID"] for message in sink.messages}) == len(plans)
    assert statuses() == {Status.SENT: len(plans)}


def catch_both_workers_mid_chunk(sink) -> None:
    sink.hold(after=HOLD_AFTER)
    call_command("dispatch_nudges", stdout=StringIO())
    assert wait_for(lambda: sink.held == 2, timeout=60), "the workers were not both mid-chunk"
    # Each worker took the email it is sending before it spoke to the mail server.
    assert statuses()[Status.SENDING] == 2


def all_sent(sink, count: int):
    return lambda: len(sink.messages) >= count and statuses()[Status.SENT] >= count


def test_it_sends_each_nudge_once_when_a_worker_is_killed_mid_chunk(
    due_plans, sink, workers, admin_client
):
    plans = due_plans(PLANS)
    catch_both_workers_mid_chunk(sink)
    victim, survivor = workers

    # The whole worker goes, main process and pool child, as when a machine goes away.
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait(timeout=10)
    killed_at = time.monotonic()
    sink.release()

    # The survivor finishes its chunk and the queue; the killed worker's chunk comes back
    # after the visibility timeout and is sent but for the one email the victim was sending.
    assert wait_for(
        lambda: len(sink.messages) == PLANS - 1 and not statuses()[Status.PENDING],
        timeout=VISIBILITY_TIMEOUT + 60,
    ), f"{len(sink.messages)} emails arrived; deliveries: {dict(statuses())}"
    recovered_in = time.monotonic() - killed_at
    [in_flight] = NudgeDelivery.objects.filter(status=Status.SENDING).select_related("plan__owner")
    assert in_flight.plan.owner.email not in {message["To"] for message in sink.messages}
    assert recovered_in < VISIBILITY_TIMEOUT + 30

    # At most once: nothing resends it alone. The stuck sweep, half an hour on, marks it for
    # the operator, who finds it under "Stuck" in the admin and resends it.
    later = timezone.now() + nudges.STUCK_AFTER + timezone.timedelta(minutes=1)
    assert nudges.nudges_stuck(now=later) == [in_flight.pk]
    changelist = reverse("admin:plans_nudgedelivery_changelist")
    listed = admin_client.get(changelist, {"status__exact": Status.STUCK})
    assert [delivery.pk for delivery in listed.context["cl"].result_list] == [in_flight.pk]
    response = admin_client.post(
        changelist,
        {"action": "resend_failed_of_current_week", "_selected_action": [in_flight.pk]},
    )
    assert response.status_code == 302
    assert wait_for(all_sent(sink, PLANS), timeout=30)

    assert_one_email_per_plan(sink, plans)
    figures("a worker SIGKILLed mid-chunk", sink, plans, recovered_in)
    assert survivor.poll() is None, "the surviving worker died"


def test_it_sends_each_nudge_once_when_redis_restarts_mid_fan_out(due_plans, sink, broker, workers):
    plans = due_plans(PLANS)
    catch_both_workers_mid_chunk(sink)

    # Redis keeps nothing on disk: the queued chunks go with it.
    broker.stop()
    broker.start()
    restarted_at = time.monotonic()
    sink.release()
    # The chunks the workers held are sent; the queued ones never come.
    assert wait_for(lambda: not statuses()[Status.SENDING], timeout=30)
    time.sleep(2)
    lost = statuses()[Status.PENDING]
    assert lost > 0, "nothing was queued when Redis went away"
    assert len(sink.messages) == PLANS - lost

    # Beat's requeue sweep, its first run once they are NUDGE_REQUEUE_AFTER old, run by a
    # worker as beat would have it.
    time.sleep(2)
    tasks.nudges_requeue.delay()
    assert wait_for(all_sent(sink, PLANS), timeout=60), f"{len(sink.messages)} arrived"
    recovered_in = time.monotonic() - restarted_at

    assert_one_email_per_plan(sink, plans)
    figures(f"Redis restarted mid-fan-out ({lost} queued lost)", sink, plans, recovered_in)
    assert all(worker.poll() is None for worker in workers), "a worker died"


def test_it_sends_each_nudge_once_when_the_broker_is_down_at_dispatch_and_comes_back(
    due_plans, sink, broker, workers, worker_env
):
    plans = due_plans(PLANS)
    broker.stop()

    dispatch = subprocess.run(
        [sys.executable, "manage.py", "dispatch_nudges"],
        cwd=ROOT,
        env=worker_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # It says so, and exits non-zero; what it claimed is committed and pending, not lost.
    assert dispatch.returncode != 0, dispatch.stdout
    assert "The Celery broker did not take the emails" in dispatch.stderr
    assert f"{PLANS} emails stay pending" in dispatch.stderr
    assert statuses() == {Status.PENDING: PLANS}
    assert not NudgeDelivery.objects.filter(enqueued_at__isnull=False).exists()

    broker.start()
    back_at = time.monotonic()
    time.sleep(2)  # NUDGE_REQUEUE_AFTER
    # Beat's next requeue sweep, run by a worker once it has reconnected.
    tasks.nudges_requeue.delay()
    assert wait_for(all_sent(sink, PLANS), timeout=60), f"{len(sink.messages)} arrived"
    recovered_in = time.monotonic() - back_at

    assert_one_email_per_plan(sink, plans)
    figures("the broker down at dispatch, then back", sink, plans, recovered_in)
    assert all(worker.poll() is None for worker in workers), "a worker died"
