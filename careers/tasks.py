"""Celery tasks: thin wrappers that call services."""

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from careers.services import nudges

logger = logging.getLogger(__name__)


@shared_task(name="careers.tasks.health_ping", ignore_result=False)
def health_ping() -> dict[str, str]:
    """Prove a worker is consuming from the broker; answers with the time it ran."""
    return {"status": "ok", "at": timezone.now().isoformat()}


def enqueue_delivery_chunk(delivery_ids: list[int]) -> None:
    # Enqueued after the claiming transaction commits, so a worker never looks for a
    # delivery row that is not visible yet.
    transaction.on_commit(lambda: nudge_deliver_chunk.delay(delivery_ids))


@shared_task(name="careers.tasks.nudges_dispatch")
def nudges_dispatch() -> dict[str, int]:
    report = nudges.nudges_dispatch(enqueue=enqueue_delivery_chunk)
    return {"claimed": report.claimed, "created": report.created, "chunks": len(report.chunks)}


@shared_task(
    bind=True,
    name="careers.tasks.nudge_deliver_chunk",
    max_retries=6,
    acks_late=True,
)
def nudge_deliver_chunk(self, delivery_ids: list[int]) -> dict[str, int]:
    """Send a chunk of deliveries; transient SMTP failures are retried with backoff."""
    outcomes, retry = nudges.nudges_deliver_many(delivery_ids=delivery_ids)
    if retry:
        if self.request.retries >= self.max_retries:
            logger.error("giving up on nudge deliveries %s after retries", retry)
            nudges.nudges_give_up(delivery_ids=retry, error="the mail server kept refusing")
        else:
            # 1, 2, 4, 8... minutes; only the deliveries that failed are retried.
            raise self.retry(args=[retry], countdown=60 * 2**self.request.retries)
    return outcomes


@shared_task(name="careers.tasks.nudges_report_stuck")
def nudges_report_stuck() -> list[int]:
    return nudges.nudges_stuck()
