"""Running the project's own commands in a child process, with an environment we choose."""

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
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


def wait_for(predicate: Callable[[], object], timeout: float = 60.0) -> bool:
    """Poll ``predicate`` until it holds or ``timeout`` seconds pass; say whether it held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return bool(predicate())


def database_url() -> str:
    """The test database as a DATABASE_URL, for child processes that must share it."""
    from django.db import connection

    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


REDIS_SERVER = shutil.which("redis-server")


class RedisServer:
    """A throwaway Redis on a free port that keeps nothing on disk, so a restart loses its
    queue; it starts again on the same port."""

    def __init__(self) -> None:
        from tests.smtp_sink import free_port

        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        assert REDIS_SERVER, "redis-server is not installed"
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
            return bool(redis.Redis(port=self.port, socket_timeout=0.5).ping())
        except redis.exceptions.ConnectionError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


def start_celery_worker(
    *,
    hostname: str,
    env: dict[str, str],
    concurrency: int = 1,
    stderr=subprocess.DEVNULL,
    own_group: bool = False,
) -> subprocess.Popen:
    """A real Celery worker process of the project's app, quiet but for warnings.
    ``own_group`` starts it in a process group of its own, so ``os.killpg`` kills it whole
    (the main process and its pool children), as a machine going away would."""
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
        start_new_session=own_group,
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
