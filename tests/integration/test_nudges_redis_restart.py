"""A Redis restart in the middle of a fan-out: the tasks still in the queue are gone, and the
requeue sweep enqueues their deliveries again. Real Redis (started here, on a free port),
two real Celery worker processes, a real SMTP sink."""

import shutil
import signal
import subprocess
import time
from collections import Counter
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from advisor.celery import app
from careers.content.models import LearningTrack
from careers.plans import nudges
from careers.plans.models import NudgeDelivery
from careers.plans.tasks import enqueue_delivery_chunk
from tests.factories import LearningPlanFactory, UserFactory
from tests.integration.test_nudges_worker import database_url, wait_for
from tests.processes import child_env, start_celery_worker
from tests.smtp_sink import SmtpSink, free_port

FIRST_SLOT = datetime(2026, 12, 5, 9, tzinfo=UTC)
# Enough chunks of 50 that two workers are still busy when Redis goes away.
PLANS = 600
REDIS_SERVER = shutil.which("redis-server")

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not REDIS_SERVER, reason="redis-server is not installed"),
]


class RedisServer:
    """A throwaway Redis that keeps nothing on disk, so a restart loses its queue."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        options = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        self.process = subprocess.Popen(
            [REDIS_SERVER, *options, "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(self.answers, timeout=10), "redis-server did not start"

    def answers(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_timeout=0.5).ping()
        except redis.exceptions.ConnectionError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker(redis_server):
    """This process's Celery app publishes to the test's Redis."""
    saved = {name: app.conf[name] for name in ("broker_url", "task_always_eager")}
    app.conf.broker_url = redis_server.url
    app.conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None
    yield redis_server
    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def sink():
    with SmtpSink() as running:
        yield running


@pytest.fixture
def workers(broker, sink, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("worker processes need a shared database server (PostgreSQL)")
    env = child_env(
        DATABASE_URL=database_url(),
        REDIS_URL=broker.url,
        EMAIL_URL=sink.url,
        SITE_URL="https://advisor.example.org",
        VAR_DIR=str(tmp_path),
    )
    processes = [
        start_celery_worker(hostname=f"restart-{n}@%h", env=env, stderr=subprocess.PIPE)
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


def test_it_sends_each_nudge_once_when_redis_restarts_mid_fan_out(
    seeded, sink, broker, workers, settings
):
    track = LearningTrack.objects.get(slug="deep-learning-foundations")
    plans = [
        LearningPlanFactory(
            owner=UserFactory(username=f"learner{n}"),
            track=track,
            start_date=date(2026, 11, 30),
            nudge_weekday=5,
            nudge_hour=9,
            timezone="Europe/London",
            now=datetime(2026, 11, 25, tzinfo=UTC),
        )
        for n in range(PLANS)
    ]
    call_command("dispatch_nudges", "--now", FIRST_SLOT.isoformat(), stdout=StringIO())
    assert wait_for(lambda: len(sink.messages) > 0, timeout=60), "no worker sent anything"
    broker.stop()
    broker.start()
    # The queued chunks went with the old Redis: their rows are pending, and nothing comes.
    time.sleep(3)
    lost = NudgeDelivery.objects.filter(status=NudgeDelivery.Status.PENDING).count()
    assert lost > 0, "the restart came after the fan-out ended: nothing to recover"
    assert len(sink.messages) < PLANS

    settings.NUDGE_REQUEUE_AFTER = 2
    time.sleep(settings.NUDGE_REQUEUE_AFTER + 1)
    # The chunks the workers held when Redis went away were still being sent meanwhile.
    assert nudges.nudges_requeue(enqueue=enqueue_delivery_chunk) != []
    assert wait_for(lambda: len(sink.messages) >= PLANS, timeout=120), (
        f"only {len(sink.messages)} of {PLANS} arrived"
    )
    assert wait_for(
        lambda: NudgeDelivery.objects.filter(status=NudgeDelivery.Status.SENT).count() == PLANS
    )
    time.sleep(2)
    assert Counter(m["To"] for m in sink.messages) == {p.owner.email: 1 for p in plans}
    assert all(process.poll() is None for process in workers), "a worker died"
