"""Benchmark: every admin list page at scale, timed through Django's test client.

    python -m tests.benchmarks.admin               # 100,000 plans; 1,000,000 check-ins, deliveries
    python -m tests.benchmarks.admin --scale 0.01  # a hundredth of that, for a quick look

Needs PostgreSQL (BENCH_ADMIN_DATABASE_URL, the maintenance database to connect to; a local
default). It works in a scratch database of its own, which it creates and drops. The rows are
written by ``INSERT ... SELECT generate_series`` statements, not the ORM: 100,000 users (each
with a profile, a verified address and a plan; one in ten with an API token), ten check-ins
and ten nudge deliveries per plan, over the two years up to this week. Then, as a superuser,
it loads every registered admin list: its default page, each choice of each list filter, each
level of its date drill-down and a search, and prints for each the median and 99th percentile
time of the runs, the number of SQL queries and the slowest of them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from tests.benchmarks.nudges import say, scratch_database

ROOT = Path(__file__).resolve().parents[2]
PLANS_AT_FULL_SCALE = 100_000
WEEKS_PER_PLAN = 10  # check-ins and deliveries per plan: 1,000,000 of each at full scale
TIME_ZONES = [
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC",
]
CHOICES_PER_FILTER = 6
BUDGET_MS = 100


def this_monday() -> date:
    today = datetime.now(UTC).date()
    return today - timedelta(days=today.weekday())


# One statement per table, each a single INSERT ... SELECT over generate_series or the rows
# written before it. Learner n's plan starts 9 + n % 100 weeks before this week, so its ten
# weeks end between two years ago and this week, and every week of the two years has rows.
DATA_SQL = [
    (
        "users",
        """
        INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email,
                               is_staff, is_active, date_joined)
        SELECT '!', false, 'learner' || g, '', '', 'learner' || g || '@example.org',
               g %% 5000 = 0, g %% 50 <> 0,
               %(monday)s::timestamptz - (9 + g %% 100) * interval '1 week' - interval '3 days'
        FROM generate_series(1, %(plans)s) AS g
        """,
    ),
    (
        "profiles",
        """
        INSERT INTO accounts_profile (user_id, timezone, calendar_token)
        SELECT id, (%(zones)s::text[])[1 + id %% cardinality(%(zones)s::text[])], md5('cal' || id)
        FROM auth_user WHERE username LIKE 'learner%%'
        """,
    ),
    (
        "email addresses",
        """
        INSERT INTO account_emailaddress (user_id, email, verified, "primary")
        SELECT id, email, true, true FROM auth_user WHERE username LIKE 'learner%%'
        """,
    ),
    (
        "API tokens",
        """
        INSERT INTO authtoken_token (key, created, user_id)
        SELECT md5('token' || id), date_joined, id
        FROM auth_user WHERE username LIKE 'learner%%' AND id %% 10 = 0
        """,
    ),
    (
        "plans",
        """
        INSERT INTO plans_learningplan (owner_id, track_id, start_date, weeks, ml_course_first,
            study_days, papers_per_week, nudge_weekday, nudge_hour, timezone, nudges_enabled,
            next_nudge_at, created_at, updated_at)
        SELECT u.id, %(track)s, %(monday)s::date - 7 * (9 + u.n %% 100), 16, u.n %% 4 = 0,
               '[5, 6]', 2, u.n %% 7, 6 + u.n %% 12, 'Europe/London', u.n %% 20 <> 0,
               CASE WHEN u.n %% 20 <> 0
                    THEN %(monday)s::timestamptz + interval '1 week' + u.n %% 7 * interval '1 day'
               END,
               u.date_joined + u.n %% 86400 * interval '1 second', u.date_joined
        FROM (SELECT id, date_joined, substr(username, 8)::int AS n
              FROM auth_user WHERE username LIKE 'learner%%') AS u
        """,
    ),
    (
        "check-ins",
        """
        INSERT INTO plans_weeklycheckin (plan_id, week_start, study_days_done, papers_read,
            project_step_id, project_progress, handwritten_notes, skipped, updated_at)
        SELECT p.id, p.start_date + 7 * k, (p.id + k) %% 3, (p.id * k) %% 4,
               CASE WHEN k >= 4 THEN %(step)s END, least(100, 10 * k),
               (p.id + k) %% 5 = 0, (p.id + k) %% 11 = 0,
               (p.start_date + 7 * k + 6)::timestamptz + interval '20 hours'
        FROM plans_learningplan AS p CROSS JOIN generate_series(0, %(last_week)s) AS k
        """,
    ),
    (
        "nudge deliveries",
        """
        INSERT INTO plans_nudgedelivery (plan_id, week_start, scheduled_for, status, attempts,
            tip_id, message_id, last_error, created_at, sending_since, enqueued_at, sent_at,
            claim)
        SELECT d.plan_id, d.week_start, d.slot, d.status,
               CASE WHEN d.status = 'pending' THEN 0 ELSE 1 END,
               %(tip)s,
               CASE WHEN d.status = 'sent' THEN '<' || d.plan_id || '.' || d.k || '@advisor>'
                    ELSE '' END,
               CASE WHEN d.status = 'failed' THEN '451 4.3.0 Temporary failure, try again later'
                    ELSE '' END,
               d.slot - interval '1 hour',
               CASE WHEN d.status = 'stuck' THEN d.slot END,
               CASE WHEN d.status <> 'pending' THEN d.slot END,
               CASE WHEN d.status = 'sent' THEN d.slot + interval '2 minutes' END,
               ''
        FROM (
            SELECT p.id AS plan_id, k, p.start_date + 7 * k AS week_start,
                   (p.start_date + 7 * k + p.nudge_weekday)::timestamptz
                       + p.nudge_hour * interval '1 hour' AS slot,
                   CASE WHEN p.start_date + 7 * k = %(monday)s THEN 'pending'
                        WHEN (p.id * 10 + k) %% 1009 = 0 THEN 'stuck'
                        WHEN (p.id * 10 + k) %% 97 = 0 THEN 'failed'
                        ELSE 'sent' END AS status
            FROM plans_learningplan AS p CROSS JOIN generate_series(0, %(last_week)s) AS k
        ) AS d
        """,
    ),
]


def create_data(plans: int) -> None:
    """The rows, in SQL. Then VACUUM ANALYZE, as autovacuum would have done by the time a
    table holds a million rows: the planner's statistics and the visibility map."""
    from django.db import connection

    from careers.content.models import LearningTrack, Tip, TrackProjectStep

    track = LearningTrack.objects.get()
    params = {
        "plans": plans,
        "monday": this_monday(),
        "zones": TIME_ZONES,
        "track": track.pk,
        "step": TrackProjectStep.objects.filter(track=track).order_by("position").first().pk,
        "tip": Tip.objects.order_by("pk").first().pk,
        "last_week": WEEKS_PER_PLAN - 1,
    }
    with connection.cursor() as cursor:
        for label, sql in DATA_SQL:
            started = time.perf_counter()
            cursor.execute(sql, params)
            say(f"  {cursor.rowcount:>9,} {label:<17} {time.perf_counter() - started:6.1f} s")
        started = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
        say(f"  {'':>9} {'VACUUM ANALYZE':<17} {time.perf_counter() - started:6.1f} s")


@dataclass
class Variant:
    list_label: str
    name: str
    url: str


def changelist_variants(model_admin, superuser, search_term: str) -> list[Variant]:
    """The default page, every choice of every list filter (up to CHOICES_PER_FILTER each),
    each level of the date drill-down down to the latest day with rows, and a search."""
    from django.db.models import Max
    from django.test import RequestFactory
    from django.urls import reverse

    opts = model_admin.model._meta
    label = f"{opts.app_label}.{opts.model_name}"
    base = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    request = RequestFactory().get(base)
    request.user = superuser
    changelist = model_admin.get_changelist_instance(request)
    variants = [Variant(label, "default", base)]
    for spec in changelist.filter_specs:
        choices = [c for c in spec.choices(changelist) if not c.get("selected")]
        for choice in choices[:CHOICES_PER_FILTER]:
            title = f"{spec.title}: {choice['display']}"
            variants.append(Variant(label, title, base + choice["query_string"]))
    if field := changelist.date_hierarchy:
        latest = model_admin.get_queryset(request).aggregate(latest=Max(field))["latest"]
        if latest is not None:
            levels = [("year", latest.year), ("month", latest.month), ("day", latest.day)]
            query = {}
            for level, value in levels:
                query[f"{field}__{level}"] = value
                variants.append(Variant(label, f"{field} {level}", f"{base}?{urlencode(query)}"))
    if model_admin.get_search_fields(request):
        variants.append(Variant(label, f"search {search_term!r}", f"{base}?q={search_term}"))
    return variants


@dataclass
class Timing:
    variant: Variant
    status: int
    median_ms: float
    p99_ms: float
    queries: int
    slowest_sql_ms: float


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def time_variant(client, variant: Variant, runs: int) -> Timing:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(variant.url, secure=True)  # warm: templates, connection, caches
    took = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(variant.url, secure=True)
        took.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        client.get(variant.url, secure=True)
    slowest = max((float(q["time"]) * 1000 for q in captured.captured_queries), default=0.0)
    return Timing(
        variant,
        response.status_code,
        statistics.median(took),
        percentile(took, 0.99),
        len(captured),
        slowest,
    )


def print_table(timings: list[Timing]) -> None:
    if not timings:
        say("No list matched.")
        return
    width = max(len(t.variant.name) for t in timings)
    width = min(width, 60)
    say("")
    say(
        f"{'list':<24} {'variant':<{width}} {'median ms':>9} {'p99 ms':>7} {'queries':>7} "
        f"{'slowest SQL ms':>14}"
    )
    for t in timings:
        name = (
            t.variant.name if len(t.variant.name) <= width else t.variant.name[: width - 3] + "..."
        )
        flag = "" if t.status == 200 else f"  HTTP {t.status}"
        flag += "  over budget" if t.median_ms > BUDGET_MS else ""
        say(
            f"{t.variant.list_label:<24} {name:<{width}} {t.median_ms:>9.1f} {t.p99_ms:>7.1f} "
            f"{t.queries:>7} {t.slowest_sql_ms:>14.1f}{flag}"
        )
    over = [t for t in timings if t.median_ms > BUDGET_MS]
    worst = max(timings, key=lambda t: t.median_ms)
    say("")
    say(
        f"{len(timings)} pages; {len(over)} over {BUDGET_MS} ms (median); slowest: "
        f"{worst.variant.list_label} {worst.variant.name} at {worst.median_ms:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 is 100,000 plans")
    parser.add_argument("--runs", type=int, default=10, help="timed loads of each page")
    parser.add_argument("--only", default="", help="time only lists whose app.model has this")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--reuse", metavar="NAME", help="time the lists of a database kept by --keep"
    )
    args = parser.parse_args()

    admin_url = os.environ.get(
        "BENCH_ADMIN_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    if args.reuse:
        db_name = args.reuse
        database_url = f"{admin_url.rsplit('/', 1)[0]}/{db_name}"
    else:
        db_name = f"advisor_bench_admin_{uuid.uuid4().hex[:6]}"
        database_url = scratch_database(admin_url, db_name)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "advisor.settings",
            "DATABASE_URL": database_url,
            "DEBUG": "false",
            "SECRET_KEY": "benchmark-only-" + uuid.uuid4().hex,
            "ALLOWED_HOSTS": "testserver",
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    # With DEBUG off the site serves collected, hashed files; the pages only need their
    # names here, and looking a name up in the manifest costs next to nothing.
    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client

    from careers.plans.models import LearningPlan

    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        if not args.reuse:
            plans = max(1, round(PLANS_AT_FULL_SCALE * args.scale))
            say(f"Preparing {plans:,} plans in scratch database {db_name}")
            call_command("load_seeds", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
            create_data(plans)
            say(f"  ready in {time.perf_counter() - started:.0f} s")
        plans = LearningPlan.objects.count()

        superuser, _created = get_user_model().objects.get_or_create(
            username="benchmark-admin", defaults={"is_staff": True, "is_superuser": True}
        )
        client = Client()
        client.force_login(superuser)
        search_term = f"learner{plans // 2}"
        model_admins = sorted(
            admin.site._registry.values(),
            key=lambda a: (a.model._meta.app_label, a.model._meta.model_name),
        )
        timings = []
        for model_admin in model_admins:
            opts = model_admin.model._meta
            if args.only not in f"{opts.app_label}.{opts.model_name}":
                continue
            variants = changelist_variants(model_admin, superuser, search_term)
            say(f"Timing {opts.app_label}.{opts.model_name}: {len(variants)} pages")
            timings += [time_variant(client, variant, args.runs) for variant in variants]
        say(f"\nplans {plans:,}; check-ins and deliveries {plans * WEEKS_PER_PLAN:,} each")
        say(f"median and p99 of {args.runs} loads of each page, after one to warm up")
        print_table(timings)
    finally:
        connections.close_all()
        if not (args.keep or args.reuse):
            scratch_database(admin_url, db_name, drop=True)


if __name__ == "__main__":
    main()
