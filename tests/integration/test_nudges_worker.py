"""Nudges end to end: a real Redis broker, real Celery worker processes, a real SMTP sink."""

import os
import signal
import subprocess
import time
import uuid
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from advisor.celery import app
from careers.content.models import LearningTrack
from careers.plans.models import NudgeDelivery
from careers.plans.tasks import nudge_deliver_chunk
from tests.factories import LearningPlanFactory
from tests.processes import child_env, database_url, start_celery_worker, wait_for

REDIS_URL = os.environ.get("REDIS_URL", "")
FIRST_SLOT = datetime(2026, 12, 5, 9, tzinfo=UTC)
PLANS = 12

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: no Redis broker"),
]


@pytest.fixture
def queue():
    """A queue of this test's own, so no other worker on the same Redis takes its tasks."""
    name = f"test-nudges-{uuid.uuid4().hex[:8]}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = name
    yield name
    app.conf.task_default_queue = previous


@pytest.fixture
def workers(queue, sink, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("worker processes need a shared database server (PostgreSQL)")
    env = child_env(
        DATABASE_URL=database_url(),
        REDIS_URL=REDIS_URL,
        EMAIL_URL=sink.url,
        CELERY_QUEUE=queue,
        SITE_URL="https://advisor.example.org",
        VAR_DIR=str(tmp_path),
    )
    processes = [
        start_celery_worker(hostname=f"{queue}-{n}@%h", env=env, stderr=subprocess.PIPE)
        for n in range(2)
    ]
    yield processes
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def test_it_sends_each_nudge_exactly_once_with_two_workers(seeded, sink, workers):
    track = LearningTrack.objects.get()
    LearningPlanFactory.create_batch(
        PLANS,
        track=track,
        start_date=date(2026, 11, 30),
        nudge_weekday=5,
        nudge_hour=9,
        timezone="Europe/London",
        now=datetime(2026, 11, 25, tzinfo=UTC),
    )

    # Beat firing twice at the same moment.
    for _ in range(2):
        call_command("dispatch_nudges", "--now", FIRST_SLOT.isoformat(), stdout=StringIO())
    assert wait_for(lambda: len(sink.messages) >= PLANS), f"only {len(sink.messages)} arrived"
    assert wait_for(
        lambda: NudgeDelivery.objects.filter(status=NudgeDelivery.Status.SENT).count() == PLANS
    )

    # A broker redelivering every chunk (a killed worker, a retried task) sends nothing more.
    nudge_deliver_chunk.delay(list(NudgeDelivery.objects.values_list("pk", flat=True)))
    time.sleep(3)
    assert len(sink.messages) == PLANS
    ids = [message["Message-ID"] for message in sink.messages]
    assert len(set(ids)) == PLANS

    message = sink.messages[0]
    assert message.get_body(("plain",)) is not None
    assert message.get_body(("html",)) is not None
    assert message["List-Unsubscribe"].startswith("<https://advisor.example.org/nudges/unsub")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Neural Networks and Deep Learning" in message["Subject"]
    assert all(process.poll() is None for process in workers), "a worker died"
