"""The worker's heartbeat: beat runs it, so ``/healthz`` and monitors can tell a worker is
consuming."""

from celery import shared_task
from django.utils import timezone


@shared_task(ignore_result=False)
def health_ping() -> dict[str, str]:
    """Prove a worker is consuming from the broker; answers with the time it ran."""
    return {"status": "ok", "at": timezone.now().isoformat()}
