"""The nudge tasks: thin wrappers around ``careers.plans.nudges``. Beat runs the dispatcher and
the stuck-delivery report (``advisor/celery.py``); the dispatcher enqueues the chunks."""

import logging

from celery import shared_task
from django.db import transaction

from careers.plans import nudges

logger = logging.getLogger(__name__)


def enqueue_delivery_chunk(delivery_ids: list[int]) -> None:
    # Enqueued after the claiming transaction commits, so a worker never looks for a
    # delivery row that is not visible yet.
    transaction.on_commit(lambda: nudge_deliver_chunk.delay(delivery_ids))


@shared_task
def nudges_dispatch() -> dict[str, int]:
    report = nudges.nudges_dispatch(enqueue=enqueue_delivery_chunk)
    return {"claimed": report.claimed, "created": report.created, "chunks": len(report.chunks)}


@shared_task(bind=True, max_retries=6, acks_late=True)
def nudge_deliver_chunk(self, delivery_ids: list[int]) -> dict[str, int]:
    """Send a chunk of deliveries; transient SMTP failures are retried with backoff."""
    outcomes, retry = nudges.nudges_deliver(delivery_ids=delivery_ids)
    if retry:
        if self.request.retries >= self.max_retries:
            logger.error("giving up on nudge deliveries %s after retries", retry)
            nudges.nudges_give_up(delivery_ids=retry, error="the mail server kept refusing")
        else:
            # 1, 2, 4, 8... minutes; only the deliveries that failed are retried.
            raise self.retry(args=[retry], countdown=60 * 2**self.request.retries)
    return outcomes


@shared_task
def nudges_report_stuck() -> list[int]:
    return nudges.nudges_stuck()
