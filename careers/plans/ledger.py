"""The writes that keep each nudge email at most once: a send run's claim on its chunk, each
email's take (pending to sending) and its outcome, one statement per email.

How a send run uses them, and why no email goes out twice:

1. ``deliveries_claim`` marks the chunk's deliveries that are still pending as held by the
   run, in one statement. They stay pending: a claim is not a send. A later copy of the task
   (the broker's redelivery, the requeue sweep) claims what is still pending again, and from
   then on only that copy can take those deliveries.
2. ``DeliveryLedger.take`` moves one delivery from pending to sending, only if it is still
   pending and held by this run, and commits before its email goes to the server. The
   conditional UPDATE is the lock: of two runs, one takes it and the other skips it.
3. Once the server has accepted the email, the delivery is recorded as sent in the statement
   that takes the next email (or alone, after the last): one commit per email, not two.

So a run has at most one delivery in sending at any moment: the email it is handing to the
server, or the one the server has just accepted and that is not recorded yet. A worker that
dies leaves that one delivery in sending, whose fate nobody can know; the stuck sweep marks it
stuck for an operator rather than sending it again. Every other delivery of the chunk is
pending (never taken: the next copy of the task sends it) or sent (recorded).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import F
from django.utils import timezone

from careers.content.models import Tip
from careers.plans.models import NudgeDelivery

Status = NudgeDelivery.Status
# Where a delivery is while its email may have gone out: a sent mark lands on either (a
# send that outlived the stuck limit, a slow server rather than a dead worker, still counts).
IN_FLIGHT = [Status.SENDING, Status.STUCK]


def deliveries_claim(*, delivery_ids: Iterable[int], claim: str) -> int:
    """Mark the deliveries of ``delivery_ids`` that are still pending as held by the send run
    ``claim``, in one statement; return how many. Only the rows still pending are taken: a
    delivery another run is sending, or one already sent, is left as it is."""
    return NudgeDelivery.objects.filter(pk__in=list(delivery_ids), status=Status.PENDING).update(
        claim=claim
    )


class DeliveryLedger:
    """The writes of one send run after its claim (see the module docstring)."""

    def __init__(self, *, claim: str, now: datetime):
        self.claim = claim
        self.now = now
        # The delivery the server accepted and that is not recorded yet, with its record.
        self.unrecorded: tuple[int, dict[str, Any]] | None = None

    def take(self, delivery: NudgeDelivery) -> bool:
        """Take ``delivery`` from pending to sending if this run still holds it, recording
        the email accepted before it in the same statement; say whether it was taken."""
        if self.unrecorded is None:
            return bool(
                NudgeDelivery.objects.filter(
                    pk=delivery.pk, status=Status.PENDING, claim=self.claim
                ).update(status=Status.SENDING, attempts=F("attempts") + 1, sending_since=self.now)
            )
        done, record = self.unrecorded
        # Raw SQL: the ORM's update() says how many rows changed, not which, and whether
        # this one was taken is what decides if its email goes out.
        with connection.cursor() as cursor:
            cursor.execute(
                _take_and_record_sql(),
                {
                    **record,
                    "sent_at": _db_datetime(record["sent_at"]),
                    "take": delivery.pk,
                    "done": done,
                    "claim": self.claim,
                    "now": _db_datetime(self.now),
                    "pending": Status.PENDING,
                    "sending": Status.SENDING,
                    "sent": Status.SENT,
                    "stuck": Status.STUCK,
                },
            )
            changed = {row[0] for row in cursor.fetchall()}
        self.unrecorded = None
        return delivery.pk in changed

    def sent(self, delivery: NudgeDelivery, *, tip: Tip | None, message_id: str) -> None:
        """The server accepted ``delivery``'s email: it is recorded with the next statement."""
        record = {
            "sent_at": timezone.now(),
            "tip": tip.pk if tip is not None else None,
            "message_id": message_id,
        }
        self.unrecorded = (delivery.pk, record)

    def flush(self) -> None:
        """Record the last email accepted, if it is not yet."""
        if self.unrecorded is None:
            return
        done, record = self.unrecorded
        NudgeDelivery.objects.filter(pk=done, status__in=IN_FLIGHT).update(
            status=Status.SENT,
            sent_at=record["sent_at"],
            tip_id=record["tip"],
            message_id=record["message_id"],
            last_error="",
        )
        self.unrecorded = None

    def finish(self, delivery: NudgeDelivery, status: str, *, error: str = "") -> str:
        """A taken delivery that will not be sent (``status`` failed), and why."""
        NudgeDelivery.objects.filter(pk=delivery.pk, status__in=IN_FLIGHT).update(
            status=status, last_error=error[:2000]
        )
        return str(status)

    def release(self, delivery: NudgeDelivery, error: Exception) -> str:
        """Back to pending so the retry can take it again (the server may accept it later)."""
        NudgeDelivery.objects.filter(pk=delivery.pk, status=Status.SENDING).update(
            status=Status.PENDING, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        return "retry"


def _db_datetime(value: datetime) -> Any:
    return NudgeDelivery._meta.get_field("sent_at").get_db_prep_value(value, connection)


def _take_and_record_sql() -> str:
    """Take one delivery (``take``) and record another as sent (``done``) in one statement,
    each under the same condition as the ORM update it stands for (``take`` with no record
    pending, ``flush``)."""
    table = connection.ops.quote_name(NudgeDelivery._meta.db_table)
    # The table name comes from the model, every value is a parameter.
    return f"""
        UPDATE {table} SET
            status = CASE WHEN id = %(take)s THEN %(sending)s ELSE %(sent)s END,
            attempts = CASE WHEN id = %(take)s THEN attempts + 1 ELSE attempts END,
            sending_since = CASE WHEN id = %(take)s THEN %(now)s ELSE sending_since END,
            sent_at = CASE WHEN id = %(take)s THEN sent_at ELSE %(sent_at)s END,
            tip_id = CASE WHEN id = %(take)s THEN tip_id ELSE %(tip)s END,
            message_id = CASE WHEN id = %(take)s THEN message_id ELSE %(message_id)s END,
            last_error = CASE WHEN id = %(take)s THEN last_error ELSE '' END
        WHERE (id = %(take)s AND status = %(pending)s AND claim = %(claim)s)
           OR (id = %(done)s AND status IN (%(sending)s, %(stuck)s))
        RETURNING id
    """  # noqa: S608
