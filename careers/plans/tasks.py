"""The nudge tasks: thin wrappers around ``careers.plans.nudges``. Beat runs the dispatcher,
the requeue sweep and the stuck-delivery report (``advisor/celery.py``); the dispatcher
enqueues the chunks."""

import logging
from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from careers.plans import nudges

logger = logging.getLogger(__name__)


def enqueue_delivery_chunk(delivery_ids: list[int]) -> None:
    """Hand a chunk to the broker once the transaction that wrote its rows commits.

    Raises ``nudges.EnqueueFailed`` when the broker is unreachable (at once when called
    outside a transaction, as the dispatcher does): the rows stay pending with their old
    ``enqueued_at`` and the requeue sweep enqueues them once the broker is back.
    """

    def send() -> None:
        try:
            nudge_deliver_chunk.delay(delivery_ids)
        except (OperationalError, OSError) as error:
            logger.error(
                "could not enqueue nudge deliveries %s, left to the requeue sweep: %s",
                delivery_ids,
                error,
            )
            raise nudges.EnqueueFailed(f"{type(error).__name__}: {error}") from error
        # Marked after the broker took the task: a failed enqueue leaves the old time.
        nudges.deliveries_mark_enqueued(delivery_ids=delivery_ids)

    # After commit, so a worker never looks for a delivery row that is not visible yet.
    transaction.on_commit(send)


@shared_task
def nudges_dispatch() -> dict[str, int]:
    report = nudges.nudges_dispatch(enqueue=enqueue_delivery_chunk)
    if report.enqueue_error:
        logger.error(
            "nudge dispatch: %d deliveries not enqueued, left to the requeue sweep: %s",
            report.unqueued,
            report.enqueue_error,
        )
    return {
        "claimed": report.claimed,
        "created": report.created,
        "chunks": len(report.chunks),
        "requeued": report.requeued,
        "unqueued": report.unqueued,
    }


@shared_task
def nudges_requeue() -> int:
    """Enqueue again the pending deliveries whose tasks were lost; return how many."""
    chunks = nudges.nudges_requeue(enqueue=enqueue_delivery_chunk)
    return sum(len(chunk) for chunk in chunks)


# acks_late and reject_on_worker_lost (also the defaults in the settings, stated here for the
# task that sends email): a worker killed mid-chunk hands the chunk back to the queue. Safe
# to run twice: each delivery is taken from pending with a conditional UPDATE, so the second
# run skips what the first sent; one in sending when the worker died is marked stuck.
@shared_task(bind=True, max_retries=6, acks_late=True, reject_on_worker_lost=True)
def nudge_deliver_chunk(self, delivery_ids: list[int]) -> dict[str, int]:
    """Send a chunk of deliveries; transient SMTP failures are retried with backoff."""
    outcomes, retry = nudges.nudges_deliver(delivery_ids=delivery_ids)
    if retry:
        if self.request.retries >= self.max_retries:
            logger.error("giving up on nudge deliveries %s after retries", retry)
            nudges.nudges_give_up(delivery_ids=retry, error="the mail server kept refusing")
        else:
            # 1, 2, 4, 8... minutes; only the deliveries that failed are retried.
            countdown = 60 * 2**self.request.retries
            # The retry is due then: the requeue sweep waits for it rather than racing it.
            nudges.deliveries_mark_enqueued(
                delivery_ids=retry, at=timezone.now() + timedelta(seconds=countdown)
            )
            raise self.retry(args=[retry], countdown=countdown)
    return outcomes


@shared_task
def nudges_report_stuck() -> list[int]:
    return nudges.nudges_stuck()
