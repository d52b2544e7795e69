"""Whether the services the advisor depends on answer: the database and the Celery broker."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection
from kombu import Connection


def database_status() -> dict[str, str]:
    """Whether the default database answers a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # any failure means "down", reported as such
        return {"status": "down", "error": error.__class__.__name__}
    return {"status": "ok", "vendor": connection.vendor}


def broker_status() -> dict[str, str]:
    """Whether the Celery broker accepts connections, checked with short timeouts."""
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        # The embedded broker is a folder: it is up when the folder can be written. Each
        # probe writes its own file, so concurrent checks never trip over each other.
        folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_out"])
        probe = folder / f".healthz-{uuid.uuid4().hex}"
        try:
            probe.write_text("ok")
            probe.unlink()
        except OSError as error:
            return {"status": "down", "transport": "filesystem", "error": type(error).__name__}
        return {"status": "ok", "transport": "filesystem"}
    try:
        with Connection(url, connect_timeout=2, transport_options={"max_retries": 0}) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=3)
        return {"status": "ok", "transport": conn.transport_cls}
    except Exception as error:  # any failure means "down", reported as such
        return {"status": "down", "error": error.__class__.__name__}
