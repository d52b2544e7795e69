"""Benchmark: the pages and API endpoints users wait on, each against a bare Django view
served by the same gunicorn, through the same middleware, in the same run.

    python -m tests.benchmarks.web                      # 3 runs of 10 s per endpoint
    python -m tests.benchmarks.web --duration 5 --runs 1

Needs PostgreSQL (BENCH_ADMIN_DATABASE_URL, a database it may create others from; local
default) and wrk (``make bench-web`` installs Debian's). It makes a scratch database of its own,
migrates it, loads the seeds, and writes one learner with two comparisons: three options and six
options, every question of each answered. Then it starts gunicorn (two workers, DEBUG off, the
learner's session and token in the requests) and runs wrk against each endpoint and the bare
view in turn, run after run. It prints, per endpoint, the median requests per second of the
runs, the bare view's in the same runs, their ratio, and wrk's p50 and p99 latencies.

Ratios, not absolute figures, are what carry from one machine to another; on a shared machine
even those move by a few hundredths from run to run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from tests.benchmarks.nudges import say, scratch_database
from tests.smtp_sink import free_port

ROOT = Path(__file__).resolve().parents[2]
BARE = "/bench/bare/"


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    # "session" (a signed-in browser), "token" (an API client) or "" (anonymous).
    auth: str = ""


def endpoints(three: int, six: int) -> list[Endpoint]:
    return [
        Endpoint(
            "GET /api/comparisons/{id}/result/, 3 options",
            f"/api/comparisons/{three}/result/",
            "token",
        ),
        Endpoint("same, 6 options", f"/api/comparisons/{six}/result/", "token"),
        Endpoint("results page, 3 options", f"/comparisons/{three}/results/", "session"),
        Endpoint("results page, 6 options", f"/comparisons/{six}/results/", "session"),
        Endpoint("home page", "/"),
        Endpoint("/advice/", "/advice/"),
        Endpoint("a path page", "/paths/startup/"),
        Endpoint("/api/criteria/", "/api/criteria/", "token"),
    ]


def prepare(database_url: str) -> dict[str, object]:
    """Migrate, seed, and write the learner and the comparisons; their ids and credentials."""
    os.environ.update({"DJANGO_SETTINGS_MODULE": "advisor.settings", "DATABASE_URL": database_url})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from careers.comparisons.models import Answer, Comparison, Option
    from careers.comparisons.selectors import criteria_for_paths
    from careers.content.models import CareerPath, Criterion
    from tests.factories import UserFactory

    call_command("migrate", verbosity=0)
    call_command("load_seeds", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    learner = UserFactory(username="bench")
    paths = list(CareerPath.objects.order_by("pk"))
    by_path = criteria_for_paths()
    value = {
        Criterion.AnswerType.SCALE: "4",
        Criterion.AnswerType.YES_NO: "yes",
        Criterion.AnswerType.COUNT: "3",
    }
    ids = []
    for count in (3, 6):
        comparison = Comparison.objects.create(owner=learner, title=f"{count} offers")
        for n in range(count):
            path = paths[n % len(paths)]
            option = Option.objects.create(
                comparison=comparison, path=path, organisation=f"Offer {n + 1}"
            )
            Answer.objects.bulk_create(
                Answer(option=option, criterion=criterion, value=value[criterion.answer_type])
                for criterion in by_path.get(path.pk, [])
                if criterion.answer_type in value
            )
        ids.append(comparison.pk)
    client = Client()
    client.force_login(learner)
    return {
        "three": ids[0],
        "six": ids[1],
        "session": client.cookies["sessionid"].value,
        "token": Token.objects.create(user=learner).key,
    }


def start_gunicorn(port: int, env: dict[str, str]) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "tests.benchmarks.web_wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    import urllib.request

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{BARE}", timeout=2) as reply:
                if reply.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("gunicorn did not answer within 60 s")


WRK_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
WRK_PERCENTILE = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)
WRK_ERRORS = re.compile(r"Non-2xx or 3xx responses: (\d+)")
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass(frozen=True)
class Sample:
    rate: float
    p50_ms: float
    p99_ms: float


def _one(url: str, headers: list[str]) -> tuple[int, bytes]:
    """One request, redirects not followed: its status and the start of its body."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", parts.path, headers=dict(h.split(": ", 1) for h in headers))
    reply = connection.getresponse()
    body = reply.read(300)
    connection.close()
    return reply.status, body


def wrk(url: str, headers: list[str], *, duration: int, connections: int) -> Sample:
    threads = min(2, connections)  # wrk wants at least one connection per thread
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = WRK_ERRORS.search(output)
    if errors:
        raise SystemExit(f"{url} answered {errors.group(1)} errors, e.g. {_one(url, headers)}")
    percentiles = {p: float(v) * UNITS[u] for p, v, u in WRK_PERCENTILE.findall(output)}
    return Sample(float(WRK_RATE.search(output).group(1)), percentiles["50"], percentiles["99"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--runs", type=int, default=3, help="runs, each over every endpoint")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (make bench-web installs Debian's)")

    admin_url = os.environ.get(
        "BENCH_ADMIN_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    db_name = f"advisor_bench_web_{uuid.uuid4().hex[:6]}"
    database_url = scratch_database(admin_url, db_name)
    # One key for the session the benchmark signs in with and the server that reads it.
    os.environ["SECRET_KEY"] = "bench-" + uuid.uuid4().hex
    server = None
    try:
        say(f"Preparing seeded data in scratch database {db_name}")
        data = prepare(database_url)
        port = free_port()
        var_dir = tempfile.mkdtemp(prefix="advisor-bench-web-")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "advisor.settings",
            "DATABASE_URL": database_url,
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            # The load is one client: no throttle may refuse it.
            "API_THROTTLE_ANON": "100000000/minute",
            "API_THROTTLE_USER": "100000000/minute",
            "LOG_LEVEL": "WARNING",
            "VAR_DIR": var_dir,
        }
        # DEBUG off serves the hashed static files of a collected manifest.
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        server = start_gunicorn(port, env)
        headers = {
            "session": [f"Cookie: sessionid={data['session']}"],
            "token": [f"Authorization: Token {data['token']}"],
            "": [],
        }
        measured = endpoints(int(data["three"]), int(data["six"]))
        base = f"http://127.0.0.1:{port}"
        say(f"gunicorn (2 workers) at {base}; wrk -c{args.connections} -d{args.duration}s")
        samples: dict[str, list[Sample]] = {e.name: [] for e in measured}
        bare: dict[str, list[Sample]] = {e.name: [] for e in measured}
        # Each endpoint answers 200 as the learner (not a redirect to the login page), and is
        # warmed once (imports, caches) before anything is measured.
        for endpoint in measured:
            status, body = _one(base + endpoint.path, headers[endpoint.auth])
            if status != 200:
                raise SystemExit(f"{endpoint.path} answered {status}: {body!r}")
            wrk(base + endpoint.path, headers[endpoint.auth], duration=1, connections=1)
        for run in range(1, args.runs + 1):
            say(f"Run {run} of {args.runs}")
            for endpoint in measured:
                # The bare view right before each endpoint: the same moment's machine.
                bare[endpoint.name].append(
                    wrk(
                        base + BARE,
                        headers[endpoint.auth],
                        duration=args.duration,
                        connections=args.connections,
                    )
                )
                samples[endpoint.name].append(
                    wrk(
                        base + endpoint.path,
                        headers[endpoint.auth],
                        duration=args.duration,
                        connections=args.connections,
                    )
                )
        print()
        print("| endpoint | requests/s | bare view | ratio | p50 ms | p99 ms |")
        print("| --- | --- | --- | --- | --- | --- |")
        for endpoint in measured:
            rate = statistics.median(s.rate for s in samples[endpoint.name])
            bare_rate = statistics.median(s.rate for s in bare[endpoint.name])
            p50 = statistics.median(s.p50_ms for s in samples[endpoint.name])
            p99 = statistics.median(s.p99_ms for s in samples[endpoint.name])
            print(
                f"| {endpoint.name} | {rate:,.0f} | {bare_rate:,.0f} | {rate / bare_rate:.3f} "
                f"| {p50:.1f} | {p99:.1f} |"
            )
        print(f"\nMedian of {args.runs} runs of {args.duration} s each, one shared machine.")
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        if not args.keep:
            from django.db import connections

            connections.close_all()
            scratch_database(admin_url, db_name, drop=True)


if __name__ == "__main__":
    main()
