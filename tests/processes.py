"""Running the project's own commands in a child process, with an environment we choose."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Variables that switch the settings; a child starts without them unless a test sets them.
SETTINGS_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "PORT",
    "SECURE_SSL_REDIRECT",
    "VAR_DIR",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def child_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(overrides)
    return env


def start_celery_worker(
    *, hostname: str, env: dict[str, str], concurrency: int = 1, stderr=subprocess.DEVNULL
) -> subprocess.Popen:
    """A real Celery worker process of the project's app, quiet but for warnings."""
    return subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "celery"),
            "-A",
            "advisor",
            "worker",
            "--concurrency",
            str(concurrency),
            "--hostname",
            hostname,
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        text=True,
    )


def run_manage(args: list[str], *, check: bool = True, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=child_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=check,
    )


def settings_of(*names: str, **env: str) -> dict[str, str]:
    """Import the settings in a fresh interpreter and read back some of their values."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: str(eval('settings.' + n)) for n in {list(names)!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=child_env(DJANGO_SETTINGS_MODULE="advisor.settings", **env),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    import json

    return json.loads(result.stdout.strip().splitlines()[-1])
