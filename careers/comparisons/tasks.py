"""The check-in email tasks: thin wrappers around ``careers.comparisons.checkin_delivery``.
Beat runs the dispatcher, the requeue sweep and the stuck report (``advisor/celery.py``);
the dispatcher enqueues the chunks."""

import logging
from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from careers.comparisons import checkin_delivery

logger = logging.getLogger(__name__)


def enqueue_checkin_chunk(checkin_ids: list[int]) -> None:
    """Hand a chunk to the broker once the transaction that claimed its rows commits.

    Raises ``checkin_delivery.EnqueueFailed`` when the broker is unreachable (at once when
    called outside a transaction, as the dispatcher does): the rows stay pending and the
    requeue sweep enqueues them once the broker is back.
    """

    def send() -> None:
        try:
            checkin_send_chunk.delay(checkin_ids)
        except (OperationalError, OSError) as error:
            logger.error(
                "could not enqueue check-ins %s, left to the requeue sweep: %s",
                checkin_ids,
                error,
            )
            raise checkin_delivery.EnqueueFailed(f"{type(error).__name__}: {error}") from error
        checkin_delivery.checkins_mark_enqueued(checkin_ids=checkin_ids)

    # After commit, so a worker never looks for a row whose claim is not visible yet.
    transaction.on_commit(send)


@shared_task
def checkins_dispatch() -> dict[str, int]:
    report = checkin_delivery.checkins_dispatch(enqueue=enqueue_checkin_chunk)
    if report.enqueue_error:
        logger.error(
            "check-in dispatch: %d not enqueued, left to the requeue sweep: %s",
            report.unqueued,
            report.enqueue_error,
        )
    return {
        "claimed": report.claimed,
        "chunks": len(report.chunks),
        "requeued": report.requeued,
        "unqueued": report.unqueued,
    }


@shared_task
def checkins_requeue() -> int:
    """Enqueue again the pending check-ins whose tasks were lost; return how many."""
    return sum(
        len(chunk) for chunk in checkin_delivery.checkins_requeue(enqueue=enqueue_checkin_chunk)
    )


# acks_late and reject_on_worker_lost (also the defaults in the settings, stated here for a
# task that sends email): a worker killed mid-chunk hands the chunk back to the queue. Safe
# to run twice: each row is taken from pending with a conditional UPDATE, so the second run
# skips what the first sent; the one in sending when the worker died is marked stuck.
@shared_task(bind=True, max_retries=6, acks_late=True, reject_on_worker_lost=True)
def checkin_send_chunk(self, checkin_ids: list[int]) -> dict[str, int]:
    """Send a chunk of check-ins; the mail server's "not now" is retried with backoff."""
    outcomes, retry = checkin_delivery.checkins_send(checkin_ids=checkin_ids)
    if retry:
        if self.request.retries >= self.max_retries:
            logger.error("giving up on check-ins %s after retries", retry)
            checkin_delivery.checkins_give_up(
                checkin_ids=retry, error="the mail server kept refusing"
            )
        else:
            # 1, 2, 4, 8... minutes; only the check-ins that were refused are retried.
            countdown = 60 * 2**self.request.retries
            # The retry is due then: the requeue sweep waits for it rather than racing it.
            checkin_delivery.checkins_mark_enqueued(
                checkin_ids=retry, at=timezone.now() + timedelta(seconds=countdown)
            )
            raise self.retry(args=[retry], countdown=countdown)
    return outcomes


@shared_task
def checkins_report_stuck() -> list[int]:
    return checkin_delivery.checkins_stuck()
