import os
import signal
import subprocess
import uuid

import pytest

from advisor.celery import app
from careers.core.tasks import health_ping
from tests.processes import ROOT, child_env

REDIS_URL = os.environ.get("REDIS_URL", "")


def test_it_serialises_json_only():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.result_serializer == "json"


def test_it_defines_the_beat_schedule_in_code():
    # What a worker or beat does at start: import every app's tasks module, so each entry's
    # task is known whichever tests ran before this one.
    app.loader.import_default_modules()
    entries = app.conf.beat_schedule
    assert entries["health-ping"]["task"] == "careers.core.tasks.health_ping"
    assert "careers.core.tasks.health_ping" in app.tasks
    dispatch = entries["nudges-dispatch"]
    assert dispatch["task"] == "careers.plans.tasks.nudges_dispatch"
    # Every 15 minutes, on the quarter hours.
    assert dispatch["schedule"].minute == {0, 15, 30, 45}
    assert dispatch["schedule"].hour == set(range(24))
    assert entries["nudges-report-stuck"]["task"] == "careers.plans.tasks.nudges_report_stuck"
    for entry in entries.values():
        assert entry["task"] in app.tasks


@pytest.mark.integration
@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: no Redis broker to test with")
def test_it_runs_a_task_on_a_real_worker_through_redis(tmp_path):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "celery"),
            "-A",
            "advisor",
            "worker",
            "--pool",
            "solo",
            "--queues",
            queue,
            "--hostname",
            f"{queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env=child_env(REDIS_URL=REDIS_URL, VAR_DIR=str(tmp_path)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        result = health_ping.apply_async(queue=queue)
        answer = result.get(timeout=60)
        assert answer["status"] == "ok"
        assert result.successful()
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    assert "careers.core.tasks.health_ping" in output
    assert "succeeded" in output
