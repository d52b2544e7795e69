"""Benchmark: N due plans dispatched and delivered through Celery and Redis into an SMTP sink.

    python -m tests.benchmarks.nudges                 # 10,000 plans
    python -m tests.benchmarks.nudges --plans 100000
    python -m tests.benchmarks.nudges --distinct      # no two emails of a chunk alike

Needs PostgreSQL and Redis (BENCH_ADMIN_DATABASE_URL, REDIS_URL; local defaults). It works in
a scratch database of its own, which it creates and drops, and on a queue of its own. It
prints: plans, wall time, emails per second, the same sink's rate for a plain smtplib loop
sending as many pre-rendered messages (and the ratio), SQL queries per plan and per chunk,
peak worker memory, duplicates and misses.

The plans are alike (the same start, no check-ins), as many a cohort's are: a chunk's emails
then differ only in the learner and share one rendering of the templates. With ``--distinct``
each plan starts in another week or has read another number of papers, so no two emails of a
chunk share one: the cost of a chunk of strangers.
"""

from __future__ import annotations

import argparse
import email.policy
import os
import signal
import smtplib
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from email.parser import BytesHeaderParser
from pathlib import Path

import psutil
import psycopg
from aiosmtpd.controller import Controller

from tests.processes import start_celery_worker
from tests.smtp_sink import free_port

ROOT = Path(__file__).resolve().parents[2]
SLOT = datetime(2026, 12, 5, 9, tzinfo=UTC)
START = date(2026, 11, 30)


class CountingHandler:
    """An SMTP sink that keeps only what the benchmark checks: each Message-ID it got."""

    def __init__(self) -> None:
        self.message_ids: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        headers = BytesHeaderParser().parsebytes(envelope.content)
        with self.lock:
            self.message_ids.append(headers.get("Message-ID", ""))
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.message_ids)

    def reset(self) -> list[str]:
        with self.lock:
            ids, self.message_ids = self.message_ids, []
        return ids


def say(text: str) -> None:
    print(text, flush=True)


def scratch_database(admin_url: str, name: str, *, drop: bool = False) -> str:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop:
            conn.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0]
    return f"{base}/{name}"


def worker_tree_memory(processes: list[psutil.Process]) -> tuple[int, int]:
    """(largest single process RSS, total RSS) over the worker processes and their children."""
    largest = total = 0
    for process in processes:
        try:
            members = [process, *process.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
        for member in members:
            try:
                rss = member.memory_info().rss
            except psutil.NoSuchProcess:
                continue
            largest = max(largest, rss)
            total += rss
    return largest, total


def create_plans(count: int, *, distinct: bool = False) -> None:
    """``count`` plans due at ``SLOT``; with ``distinct``, each of 50 in a row in its own
    week of the plan (the first 10 weeks) or with its own number of papers read (0 to 4)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from careers.accounts.models import Profile
    from careers.content.models import LearningTrack
    from careers.plans.models import LearningPlan, WeeklyCheckin

    track = LearningTrack.objects.get()
    password = make_password("benchmark-password")
    batch = 2000
    User = get_user_model()
    for start in range(0, count, batch):
        size = min(batch, count - start)
        users = User.objects.bulk_create(
            User(
                username=f"bench{start + i}",
                email=f"bench{start + i}@example.org",
                password=password,
            )
            for i in range(size)
        )
        Profile.objects.bulk_create(Profile(user=user, timezone="Europe/London") for user in users)
        EmailAddress.objects.bulk_create(
            EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
        )
        plans = LearningPlan.objects.bulk_create(
            LearningPlan(
                owner=user,
                track=track,
                start_date=START - timedelta(weeks=(start + i) % 10 if distinct else 0),
                weeks=16,
                study_days=[5, 6],
                papers_per_week=2,
                nudge_weekday=5,
                nudge_hour=9,
                timezone="Europe/London",
                next_nudge_at=SLOT,
            )
            for i, user in enumerate(users)
        )
        if distinct:
            WeeklyCheckin.objects.bulk_create(
                WeeklyCheckin(
                    plan=plan,
                    week_start=plan.start_date,
                    study_days_done=1,
                    papers_read=(start + i) // 10 % 5,
                )
                for i, plan in enumerate(plans)
            )
        say(f"  created {start + size:,} / {count:,} plans")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--concurrency", type=int, default=1, help="pool size per worker")
    parser.add_argument("--timeout", type=float, default=900, help="give up after seconds")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--distinct", action="store_true", help="no two emails of a chunk alike (see above)"
    )
    args = parser.parse_args()

    admin_url = os.environ.get(
        "BENCH_ADMIN_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    db_name = f"advisor_bench_{uuid.uuid4().hex[:6]}"
    queue = f"bench-{uuid.uuid4().hex[:8]}"

    handler = CountingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()

    database_url = scratch_database(admin_url, db_name)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "advisor.settings",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "CELERY_QUEUE": queue,
            "SITE_URL": "https://advisor.example.org",
            "LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from advisor.celery import app
    from careers.plans.models import NudgeDelivery
    from careers.plans.nudges import nudges_deliver, nudges_dispatch
    from careers.plans.tasks import enqueue_delivery_chunk

    workers: list[subprocess.Popen] = []
    try:
        say(f"Preparing {args.plans:,} due plans in scratch database {db_name}")
        call_command("migrate", verbosity=0)
        call_command("load_seeds", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        create_plans(args.plans, distinct=args.distinct)

        say(f"Starting {args.workers} Celery worker(s), concurrency {args.concurrency}")
        env = {**os.environ}
        workers = [
            start_celery_worker(hostname=f"{queue}-{n}@%h", env=env, concurrency=args.concurrency)
            for n in range(args.workers)
        ]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            replies = app.control.ping(timeout=1.0) or []
            if sum(1 for reply in replies for name in reply if name.startswith(queue)) >= len(
                workers
            ):
                break
        watched = [psutil.Process(worker.pid) for worker in workers]

        say("Dispatching and delivering")
        peak_largest = peak_total = 0
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            report = nudges_dispatch(now=SLOT, enqueue=enqueue_delivery_chunk)
        dispatch_queries = len(captured)
        last_count, last_change = 0, time.monotonic()
        while handler.count() < report.created:
            largest, total = worker_tree_memory(watched)
            peak_largest, peak_total = max(peak_largest, largest), max(peak_total, total)
            count = handler.count()
            if count != last_count:
                last_count, last_change = count, time.monotonic()
                say(f"  {count:,} / {report.created:,} emails received")
            if time.monotonic() - last_change > 60 or time.perf_counter() - started > args.timeout:
                say("  no progress: giving up")
                break
            time.sleep(0.5)
        wall = time.perf_counter() - started
        time.sleep(2)  # anything late (a duplicate) still arrives before counting
        received = handler.reset()

        # Queries of one delivery, measured in this process against a throwaway mailer.
        sample = list(NudgeDelivery.objects.order_by("pk").values_list("pk", flat=True)[:50])
        NudgeDelivery.objects.filter(pk__in=sample).update(status="pending")
        from django.core import mail
        from django.test import override_settings

        with override_settings(
            MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
        ):
            mail.outbox = []
            with CaptureQueriesContext(connection) as captured:
                nudges_deliver(delivery_ids=sample)
            delivery_queries = len(captured)
            rendered = [m.message(policy=email.policy.SMTP).as_bytes() for m in mail.outbox[:1]]

        # The same sink's rate for plain smtplib on one connection, pre-rendered messages.
        template = rendered[0]
        messages = [template] * len(received)
        plain_started = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for i, message in enumerate(messages):
                smtp.sendmail("advisor@example.org", [f"plain{i}@example.org"], message)
        plain_wall = time.perf_counter() - plain_started
        handler.reset()

        unique = len(set(received))
        rate = len(received) / wall if wall else 0.0
        plain_rate = len(messages) / plain_wall if plain_wall else 0.0
        per_plan = dispatch_queries / max(report.created, 1) + delivery_queries / len(sample)
        say("")
        say(
            f"plans:                       {args.plans:,}"
            + (" (distinct)" if args.distinct else "")
        )
        say(f"workers:                     {args.workers} x concurrency {args.concurrency}")
        say(f"wall time:                   {wall:.1f} s (dispatch to last email received)")
        say(f"emails per second:           {rate:,.0f}")
        say(f"plain smtplib loop:          {plain_rate:,.0f} emails/s (same sink, pre-rendered)")
        say(f"ratio (ours / plain):        {rate / plain_rate:.2f}" if plain_rate else "ratio: n/a")
        say(
            f"SQL queries per plan:        {per_plan:.2f} "
            f"(dispatch {dispatch_queries / max(report.created, 1):.3f}"
            f" + delivery {delivery_queries / len(sample):.2f})"
        )
        say(f"SQL queries per chunk:       {delivery_queries} for {len(sample)} emails")
        say(
            f"peak worker memory:          {peak_largest / 2**20:.0f} MiB largest process, "
            f"{peak_total / 2**20:.0f} MiB all worker processes"
        )
        say(f"duplicates:                  {len(received) - unique}")
        say(f"misses:                      {args.plans - unique}")
        if len(received) != unique or unique != args.plans:
            sys.exit(1)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
        controller.stop()
        from django.db import connections

        connections.close_all()
        if not args.keep:
            scratch_database(admin_url, db_name, drop=True)


if __name__ == "__main__":
    main()
