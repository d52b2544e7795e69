"""What the fault tests share: a Redis of their own, an SMTP sink, real Celery worker processes
on the test database, and a few hundred plans due their weekly email now."""

import os
import signal
import subprocess
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from advisor.celery import app
from careers.content.models import LearningTrack
from careers.plans.models import LearningPlan
from tests.factories import LearningPlanFactory, UserFactory
from tests.processes import RedisServer, child_env, database_url, start_celery_worker
from tests.smtp_sink import SmtpSink

# A task a killed worker held comes back after this many seconds (300 in production); the
# workers look for such tasks every second.
VISIBILITY_TIMEOUT = 6


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
    # The app keeps its broker connections and producers in pools made for the old URL.
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
def worker_env(broker, sink, tmp_path):
    """The environment of a worker or a command that shares the test's database, Redis and
    SMTP sink."""
    if connection.vendor != "postgresql":
        pytest.skip("worker processes need a shared database server (PostgreSQL)")
    return child_env(
        DATABASE_URL=database_url(),
        REDIS_URL=broker.url,
        EMAIL_URL=sink.url,
        SITE_URL="https://advisor.example.org",
        VAR_DIR=str(tmp_path),
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        CELERY_RESTORE_INTERVAL="1",
        # The requeue sweep takes pending deliveries two seconds old (300 in production).
        NUDGE_REQUEUE_AFTER="2",
    )


@pytest.fixture
def workers(worker_env):
    """Two worker processes, each in a process group of its own so a test can kill one
    whole; those still running are stopped at the end."""
    processes = [
        start_celery_worker(
            hostname=f"fault-{n}@%h", env=worker_env, stderr=subprocess.PIPE, own_group=True
        )
        for n in range(2)
    ]
    yield processes
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture
def due_plans(seeded):
    """``due_plans(n)``: n learners' plans, each due its weekly email a moment ago."""

    def make(count: int) -> list[LearningPlan]:
        track = LearningTrack.objects.get(slug="deep-learning-foundations")
        today = timezone.localdate()
        plans = [
            LearningPlanFactory(
                owner=UserFactory(username=f"learner{n}"),
                track=track,
                start_date=today - timedelta(days=today.weekday()),
                timezone="Europe/London",
            )
            for n in range(count)
        ]
        # Due now, in this week: the admin's resend takes deliveries of the current week.
        LearningPlan.objects.update(next_nudge_at=timezone.now() - timedelta(seconds=5))
        return plans

    return make
