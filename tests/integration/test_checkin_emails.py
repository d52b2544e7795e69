"""Check-in emails end to end: a real Redis broker, real Celery worker processes, a real SMTP
sink. The dispatcher runs in the test process at a time chosen with time-machine (the first
check-ins fall the day after the clocks go forward in London); the workers send."""

import os
import re
import signal
import subprocess
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.db import connection
from django.test import Client

from advisor.celery import app
from careers.comparisons import checkin_delivery, tasks
from careers.comparisons.checkins import checkins_schedule
from careers.comparisons.decision_models import Decision, DecisionCheckin, UserCheckinSettings
from tests.factories import ComparisonFactory, OptionFactory, UserFactory
from tests.processes import child_env, database_url, start_celery_worker, wait_for

REDIS_URL = os.environ.get("REDIS_URL", "")
# Starting Friday 26 February 2027, check-ins on Mondays at 09:00 London time: the first on
# 29 March, the day after the clocks went forward, so at 08:00 UTC (09:00 UTC in winter).
START = date(2027, 2, 26)
DECIDED = datetime(2027, 2, 1, 12, tzinfo=UTC)
FIRST_DUE = datetime(2027, 3, 29, 8, tzinfo=UTC)
SECOND_DUE = datetime(2027, 5, 31, 8, tzinfo=UTC)
# A task a killed worker held comes back after this many seconds (300 in production).
VISIBILITY_TIMEOUT = 4
Status = DecisionCheckin.Status

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: no Redis broker"),
]


@pytest.fixture
def queue():
    """A queue of this test's own, so no other worker on the same Redis takes its tasks."""
    name = f"test-checkins-{uuid.uuid4().hex[:8]}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = name
    yield name
    app.conf.task_default_queue = previous


@pytest.fixture
def start_worker(queue, sink, tmp_path):
    """``start_worker()``: one more worker process on the test's database, queue and sink,
    in a process group of its own (so a test can kill it whole); stopped at the end."""
    if connection.vendor != "postgresql":
        pytest.skip("worker processes need a shared database server (PostgreSQL)")
    env = child_env(
        DATABASE_URL=database_url(),
        REDIS_URL=REDIS_URL,
        EMAIL_URL=sink.url,
        CELERY_QUEUE=queue,
        SITE_URL="https://advisor.example.org",
        VAR_DIR=str(tmp_path),
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        CELERY_RESTORE_INTERVAL="1",
    )
    processes: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        process = start_celery_worker(
            hostname=f"{queue}-{len(processes)}@%h", env=env, own_group=True
        )
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def decide(username: str) -> Decision:
    owner = UserFactory(username=username)
    comparison = ComparisonFactory(owner=owner)
    option = OptionFactory(comparison=comparison, organisation=f"{username.title()} Labs")
    decision = Decision.objects.create(
        comparison=comparison,
        chosen_option=option.pk,
        chosen_label=f"{username.title()} Labs",
        decided_on=DECIDED.date(),
        start_date=START,
        confidence=60,
        expectations="A team that pairs every day.",
        checkin_weekday=0,
        checkin_hour=9,
    )
    checkins_schedule(decision=decision, now=DECIDED)
    return decision


def dispatch_at(instant: datetime) -> dict[str, int]:
    """Beat's dispatch task, run in this process at ``instant``; the workers send."""
    with time_machine.travel(instant):
        return tasks.checkins_dispatch()


def statuses() -> Counter:
    return Counter(DecisionCheckin.objects.values_list("status", flat=True))


def test_it_sends_each_checkin_exactly_once_at_the_local_hour_across_the_clock_change(
    sink, start_worker
):
    decisions = [decide("alice"), decide("bob")]
    assert DecisionCheckin.objects.filter(months=1).first().due_at == FIRST_DUE
    workers = [start_worker(), start_worker()]

    # 08:59 in London (07:59 UTC) on the Monday after the change: nothing is due yet.
    assert dispatch_at(FIRST_DUE - timedelta(minutes=1))["claimed"] == 0
    # Beat firing twice at 09:00 London time.
    assert dispatch_at(FIRST_DUE)["claimed"] == 2
    assert dispatch_at(FIRST_DUE)["claimed"] == 0
    assert wait_for(lambda: len(sink.messages) >= 2), f"only {len(sink.messages)} arrived"
    assert wait_for(lambda: statuses()[Status.SENT] == 2)

    # The broker delivering the send task again (a retry, a redelivery): nothing more.
    sent = list(DecisionCheckin.objects.filter(status=Status.SENT).values_list("pk", flat=True))
    tasks.checkin_send_chunk.delay(sent)
    time.sleep(3)
    assert Counter(message["To"] for message in sink.messages) == {
        decision.comparison.owner.email: 1 for decision in decisions
    }
    assert {message["Message-ID"] for message in sink.messages} == {
        f"<checkin.{decision.pk}.1@advisor.example.org>" for decision in decisions
    }
    assert {message["Subject"].split(":")[0] for message in sink.messages} == {
        "1 month at Alice Labs",
        "1 month at Bob Labs",
    }
    assert statuses() == {Status.SENT: 2, Status.SCHEDULED: 6}
    assert all(worker.poll() is None for worker in workers), "a worker died"


def test_it_records_answers_and_unsubscribes_from_the_email(sink, start_worker):
    decision = decide("alice")
    start_worker()
    dispatch_at(FIRST_DUE)
    assert wait_for(lambda: len(sink.messages) == 1)
    [message] = sink.messages
    text = message.get_body(("plain",)).get_content()
    same_again_yes = re.search(r"Would you choose the same again\?\s+- Yes: (\S+)", text).group(1)
    client = Client()

    # Opening the link (as a mail scanner would) records nothing; the page's button does.
    assert client.get(urlsplit(same_again_yes).path).status_code == 200
    checkin = DecisionCheckin.objects.get(decision=decision, months=1)
    assert checkin.same_again == ""
    assert client.post(urlsplit(same_again_yes).path).status_code == 200
    checkin.refresh_from_db()
    assert checkin.same_again == "yes"

    # The mail client's one-click unsubscribe (RFC 8058): no cookie, no CSRF token.
    unsubscribe = urlsplit(message["List-Unsubscribe"].strip("<>")).path
    response = Client(enforce_csrf_checks=True).post(
        unsubscribe,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not UserCheckinSettings.objects.get(user=decision.comparison.owner).emails_enabled

    # The next check-in is claimed when due, and the worker sends nothing.
    assert dispatch_at(SECOND_DUE)["claimed"] == 1
    assert wait_for(
        lambda: DecisionCheckin.objects.get(decision=decision, months=3).status == Status.CANCELLED
    )
    assert len(sink.messages) == 1


def test_it_leaves_a_checkin_stuck_not_resent_when_its_worker_is_killed_mid_send(
    sink, start_worker
):
    decide("alice")
    decide("bob")
    # Every email is held at MAIL FROM: the worker has taken its first row and waits.
    sink.hold(after=0)
    victim = start_worker()
    dispatch_at(FIRST_DUE)
    assert wait_for(lambda: sink.held == 1 and statuses()[Status.SENDING] == 1), dict(statuses())

    # The whole worker goes, main process and pool child, as when a machine goes away.
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait(timeout=10)
    sink.release()
    survivor = start_worker()

    # The chunk comes back after the visibility timeout: the other check-in is sent, the
    # one the victim was sending is not sent again.
    assert wait_for(lambda: statuses()[Status.SENT] == 1, timeout=VISIBILITY_TIMEOUT + 60), dict(
        statuses()
    )
    time.sleep(2)
    [in_flight] = DecisionCheckin.objects.filter(status=Status.SENDING).select_related(
        "decision__comparison__owner"
    )
    [message] = sink.messages
    assert message["To"] != in_flight.decision.comparison.owner.email

    # Half an hour on, the stuck sweep marks it for an operator instead of resending it.
    later = datetime.now(UTC) + checkin_delivery.STUCK_AFTER + timedelta(minutes=1)
    assert checkin_delivery.checkins_stuck(now=later) == [in_flight.pk]
    tasks.checkin_send_chunk.delay([in_flight.pk])
    time.sleep(2)
    assert len(sink.messages) == 1
    assert statuses() == {Status.SENT: 1, Status.STUCK: 1, Status.SCHEDULED: 6}
    assert survivor.poll() is None, "the surviving worker died"
