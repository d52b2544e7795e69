"""Check-in emails, each sent at most once.

They go out in the steps of the weekly nudges (``careers.plans.nudges``), without their
batching: check-ins are a few a day, so each email costs a few plain statements.

1. The dispatcher (beat, every 15 minutes) claims the due rows, scheduled to pending, under
   ``SELECT ... FOR UPDATE SKIP LOCKED``, and enqueues them in chunks after the claim has
   committed. A second dispatcher finds nothing left to claim.
2. A send run marks the chunk's rows that are still pending as its own (``claim``) in one
   statement, then for each email takes its row from pending to sending with a conditional
   UPDATE, committed before the mail server may accept the email (``TakenSender`` holds
   back the final dot until the take has returned). Of two runs, one takes it; the other
   skips it, and the email it had started is thrown away by the server.
3. Once the server has accepted the email the row is recorded as sent.

So a row is in sending only while its email is with the server. A worker that dies there
leaves it in sending, whose fate nobody can know: the stuck sweep marks it stuck rather than
sending it again (a late check-in is better than two). So does a connection that breaks at
the final dot (``DeliveryUnknown``); one that breaks before it puts the row back to pending
for the retry, as the server keeps an email only at its dot. An operator resends a stuck or
failed row once the mail log is checked (``checkin_resend``, ``manage.py checkins_resend``).
A row whose task was lost stays pending and the requeue sweep enqueues it again; a second
copy of a task is harmless.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core import mail
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone

from careers.accounts.selectors import user_email_verified, verified_emails_prefetch
from careers.comparisons.checkin_emails import checkin_email, checkin_message_id
from careers.comparisons.checkins import NO_CHOICE, checkin_emails_set
from careers.comparisons.decision_models import DecisionCheckin
from careers.core.sending import DeliveryUnknown, TakenSender

logger = logging.getLogger(__name__)

Status = DecisionCheckin.Status
# Rows claimed per transaction: far more than are ever due at once; the row locks are held
# for milliseconds.
CLAIM_BATCH_SIZE = 200
# Check-ins per send task: a few a day are due, so a chunk is usually one; the bound keeps a
# backlog's task short, so a killed worker redelivers little.
CHUNK_SIZE = 20
STUCK_AFTER = timedelta(minutes=30)
# Longer than every retry's backoff added up (1 + 2 + ... + 32 minutes).
PENDING_TOO_LONG = timedelta(hours=2)


class EnqueueFailed(Exception):
    """The broker did not take a chunk: its rows stay pending for the requeue sweep."""


# -- Dispatch -----------------------------------------------------------------------------------


@dataclass
class DispatchReport:
    claimed: int = 0
    chunks: list[list[int]] = field(default_factory=list)
    requeued: int = 0
    # Claimed but not handed to the broker; the requeue sweep sends them later.
    unqueued: int = 0
    enqueue_error: str = ""


def _claim_due(*, now: datetime, batch_size: int) -> list[int]:
    """Claim up to ``batch_size`` due check-ins into pending; return their ids.

    The claim is the row lock: rows another dispatcher (or a schedule) holds are skipped,
    not waited for, and the UPDATE checks the status again. ``enqueued_at`` is set with the
    claim, so a row whose enqueueing never happens (the broker down) looks as old to the
    requeue sweep as one whose task was lost.
    """
    due = DecisionCheckin.objects.filter(status=Status.SCHEDULED, due_at__lte=now)
    with transaction.atomic():
        ids = list(
            due.order_by("due_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:batch_size]
        )
        DecisionCheckin.objects.filter(pk__in=ids, status=Status.SCHEDULED).update(
            status=Status.PENDING, enqueued_at=timezone.now()
        )
    return ids


def checkins_dispatch(
    *,
    now: datetime | None = None,
    enqueue: Callable[[list[int]], None] | None = None,
    batch_size: int = CLAIM_BATCH_SIZE,
    chunk_size: int = CHUNK_SIZE,
) -> DispatchReport:
    """Claim every check-in due at ``now`` and hand it to ``enqueue`` in chunks of ids,
    each after the claim has committed; then enqueue again the pending rows whose tasks
    were lost (``checkins_requeue``). When the broker refuses a chunk (``EnqueueFailed``)
    the dispatch stops: what it claimed is pending, for the requeue sweep."""
    now = now or timezone.now()
    report = DispatchReport()
    while True:
        ids = _claim_due(now=now, batch_size=batch_size)
        report.claimed += len(ids)
        for start in range(0, len(ids), chunk_size):
            chunk = ids[start : start + chunk_size]
            report.chunks.append(chunk)
            if enqueue is None:
                continue
            try:
                enqueue(chunk)
            except EnqueueFailed as error:
                report.unqueued = len(ids) - start
                report.enqueue_error = str(error)
                return report
        if len(ids) < batch_size:
            break
    fresh = {pk for chunk in report.chunks for pk in chunk}
    try:
        for chunk in checkins_requeue(enqueue=enqueue, chunk_size=chunk_size, exclude=fresh):
            report.chunks.append(chunk)
            report.requeued += len(chunk)
    except EnqueueFailed as error:
        report.enqueue_error = str(error)
    return report


def checkins_requeue(
    *,
    enqueue: Callable[[list[int]], None] | None,
    now: datetime | None = None,
    chunk_size: int = CHUNK_SIZE,
    exclude: set[int] | frozenset[int] = frozenset(),
) -> list[list[int]]:
    """Hand the pending check-ins whose task should have run by now and has not (handed to
    the broker more than ``NUDGE_REQUEUE_AFTER`` seconds ago: the same queue and workers as
    the nudges) to ``enqueue`` again, in chunks; return the chunks. A second task for a row
    is harmless: the send takes it from pending with a conditional UPDATE, so only one
    sends. Served by the ``(status, due_at)`` index's status prefix: pending rows are few."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.NUDGE_REQUEUE_AFTER)
    ids = [
        pk
        for pk in DecisionCheckin.objects.filter(status=Status.PENDING, enqueued_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
        if pk not in exclude
    ]
    chunks = [ids[start : start + chunk_size] for start in range(0, len(ids), chunk_size)]
    if ids:
        logger.warning("enqueueing %d pending check-ins again", len(ids))
    if enqueue is not None:
        for chunk in chunks:
            enqueue(chunk)
    return chunks


def checkins_mark_enqueued(*, checkin_ids: Iterable[int], at: datetime | None = None) -> int:
    """Record that the broker took these rows' task (or will run its retry ``at``), so the
    requeue sweep leaves them alone until that is ``NUDGE_REQUEUE_AFTER`` old."""
    return DecisionCheckin.objects.filter(pk__in=list(checkin_ids), status=Status.PENDING).update(
        enqueued_at=at or timezone.now()
    )


# -- Sending ------------------------------------------------------------------------------------


def checkins_send(*, checkin_ids: Iterable[int]) -> tuple[dict[str, int], list[int]]:
    """Send the check-ins of ``checkin_ids`` nobody has sent yet, over one SMTP connection;
    return how many were ``sent``, ``taken`` (another run has them, or they are done),
    ``failed``, ``cancelled``, ``stuck`` or to ``retry``, and the ids to retry later.

    Run outside any transaction (a Celery task), so each conditional UPDATE below commits
    as it returns: that is what makes a take hold before its email is accepted."""
    ids = sorted(set(checkin_ids))
    try:
        mailer = mail.mailers.default
        mailer.open()
    except (smtplib.SMTPException, OSError):
        # The server is unreachable: the whole chunk is retried later, nothing was taken.
        return {"retry": len(ids)}, ids
    claim = uuid.uuid4().hex
    # From here only this run can take these rows; a later copy of the task claims again
    # what is still pending and takes them from this one.
    DecisionCheckin.objects.filter(pk__in=ids, status=Status.PENDING).update(claim=claim)
    checkins = list(
        DecisionCheckin.objects.filter(pk__in=ids, status=Status.PENDING, claim=claim)
        .select_related(
            "decision__comparison__owner__profile", "decision__comparison__owner__checkin_settings"
        )
        .prefetch_related(verified_emails_prefetch("decision__comparison__owner"))
        .order_by("pk")
    )
    outcomes: dict[str, int] = {}
    if len(checkins) < len(ids):
        outcomes["taken"] = len(ids) - len(checkins)
    retry: list[int] = []
    sender = TakenSender(mailer)
    try:
        for checkin in checkins:
            outcome = _send_one(checkin, claim=claim, sender=sender)
            if outcome in ("retry", "stuck"):
                if outcome == "retry":
                    retry.append(checkin.pk)
                # The connection may be dead after a failure: the next email opens a new one.
                mailer.close()
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    finally:
        sender.close()
        mailer.close()
    return outcomes, retry


def _refusal(checkin: DecisionCheckin) -> tuple[str, str]:
    """(status, why) when this check-in's email must not go out now; ("", "") otherwise.
    Looked at again at the send: all of it may have changed since the claim."""
    owner = checkin.decision.comparison.owner
    if checkin.decision.chosen_option is None:
        return Status.CANCELLED, NO_CHOICE
    switch = getattr(owner, "checkin_settings", None)
    if switch is not None and not switch.emails_enabled:
        return Status.CANCELLED, "The owner turned check-in emails off."
    if not owner.email:
        return Status.FAILED, "The owner has no email address."
    if not user_email_verified(user=owner):
        return Status.FAILED, "The owner has not verified their email address."
    return "", ""


def _take(checkin: DecisionCheckin, claim: str) -> bool:
    """Pending to sending, only if this run still holds the row; committed on return."""
    return bool(
        DecisionCheckin.objects.filter(pk=checkin.pk, status=Status.PENDING, claim=claim).update(
            status=Status.SENDING, attempts=F("attempts") + 1, sending_since=timezone.now()
        )
    )


def _refuse(checkin: DecisionCheckin, status: str, why: str, *, claim: str) -> str:
    """End a row whose email will not go out, if this run still holds it (pending)."""
    return (
        str(status)
        if DecisionCheckin.objects.filter(pk=checkin.pk, status=Status.PENDING, claim=claim).update(
            status=status, last_error=why[:2000]
        )
        else "taken"
    )


def _finish(checkin: DecisionCheckin, status: str, why: str) -> bool:
    """End a row this run took (sending) without recording it sent: failed or stuck."""
    return bool(
        DecisionCheckin.objects.filter(pk=checkin.pk, status=Status.SENDING).update(
            status=status, last_error=why[:2000]
        )
    )


def _release(checkin: DecisionCheckin, why: str) -> str:
    """Back to pending for the retry: the server kept nothing (it refused the email for
    now, or the connection broke before the final dot), so sending it later cannot make a
    second copy."""
    DecisionCheckin.objects.filter(pk=checkin.pk, status=Status.SENDING).update(
        status=Status.PENDING, last_error=why[:2000]
    )
    return "retry"


def _send_one(checkin: DecisionCheckin, *, claim: str, sender: TakenSender) -> str:
    """Send one check-in if nobody else has, and say what happened. The email is built
    before the row is taken, so a row is in sending only while its email is with the
    server."""
    status, refusal = _refusal(checkin)
    if refusal:
        return _refuse(checkin, status, refusal, claim=claim)
    try:
        message = checkin_email(checkin=checkin)
    except Exception as error:
        # A bug in building one email must not strand the rest of the chunk in pending.
        logger.exception("could not build check-in %s", checkin.pk)
        return _refuse(checkin, Status.FAILED, f"{type(error).__name__}: {error}", claim=claim)
    try:
        if not sender.send(message, take=lambda: _take(checkin, claim)):
            return "taken"
    except DeliveryUnknown as error:
        # The connection broke at the final dot: the server may have kept the email, and
        # whether it did cannot be known, so it is not sent again on its own (at most
        # once). Stuck, for an operator to check the mail log and resend.
        _finish(checkin, Status.STUCK, f"Stuck: {error}. Check the mail log, then resend.")
        return "stuck"
    except smtplib.SMTPResponseException as error:
        why = f"{type(error).__name__}: {error}"
        if error.smtp_code < 500:
            return _release(checkin, why)
        _finish(checkin, Status.FAILED, why)
        return "failed"
    except smtplib.SMTPRecipientsRefused as error:
        why = f"{type(error).__name__}: {error.recipients}"
        if any(code < 500 for code, _ in error.recipients.values()):
            return _release(checkin, why)
        # The address bounces for good: stop mailing it.
        checkin_emails_set(user=checkin.decision.comparison.owner, enabled=False)
        _finish(checkin, Status.FAILED, why)
        return "failed"
    except (smtplib.SMTPException, OSError) as error:
        # The connection broke before the final dot (in the envelope or the data, or the
        # server hung up before the dot was written): a server keeps an email only at its
        # dot (RFC 5321 4.1.1.4), so it kept nothing and the retry cannot make a second
        # copy. Back to pending, as for a "not now"; one never taken is pending already.
        return _release(checkin, f"{type(error).__name__}: {error}")
    _record_sent(checkin)
    return "sent"


def _record_sent(checkin: DecisionCheckin) -> None:
    try:
        # From stuck too: a send that outlived the stuck limit (a slow server) still counts.
        DecisionCheckin.objects.filter(
            pk=checkin.pk, status__in=[Status.SENDING, Status.STUCK]
        ).update(
            status=Status.SENT,
            sent_at=timezone.now(),
            message_id=checkin_message_id(checkin),
            last_error="",
        )
    except DatabaseError:
        # The email went out; its row stays in sending and the stuck sweep shows it.
        logger.exception("could not record check-in %s as sent", checkin.pk)


def checkins_stuck(*, now: datetime | None = None) -> list[int]:
    """Mark check-ins left in sending for longer than a send can take (a worker died
    mid-send) as stuck, and return them with those still pending long after they were due.

    Stuck rows are never sent again on their own (at most once): the server may have
    accepted the email just before the worker died, and a second copy is worse than none.
    """
    now = now or timezone.now()
    sending = list(
        DecisionCheckin.objects.filter(
            status=Status.SENDING, sending_since__lt=now - STUCK_AFTER
        ).values_list("pk", flat=True)
    )
    DecisionCheckin.objects.filter(pk__in=sending, status=Status.SENDING).update(
        status=Status.STUCK,
        last_error="Stuck in sending: the worker stopped mid-send. Check the mail log.",
    )
    late = list(
        DecisionCheckin.objects.filter(
            status=Status.PENDING, due_at__lt=now - PENDING_TOO_LONG
        ).values_list("pk", flat=True)
    )
    stuck = sorted(sending + late)
    if stuck:
        logger.warning("%d check-ins stuck: %s", len(stuck), stuck[:50])
    return stuck


def checkin_resend(*, checkin_id: int) -> bool:
    """Put a failed or stuck check-in back to pending, so the caller enqueues it; say
    whether it did.

    Stuck means marked stuck, or in sending for longer than a send can take: a row a worker
    is sending right now is left alone, or the resend could race it into a second email. A
    stuck email may have reached its owner (the server may have accepted it as the
    connection broke): the operator checks the mail log first. One whose decision is now
    "none of them" has nothing to ask and stays as it is; the rest of what decides whether
    the email may go (the owner's switch, a verified address) the send looks at again.
    """
    resendable = Q(status__in=[Status.FAILED, Status.STUCK]) | Q(
        status=Status.SENDING, sending_since__lt=timezone.now() - STUCK_AFTER
    )
    return bool(
        DecisionCheckin.objects.filter(
            resendable, pk=checkin_id, decision__chosen_option__isnull=False
        ).update(status=Status.PENDING, last_error="", sending_since=None)
    )


def checkins_give_up(*, checkin_ids: Iterable[int], error: str) -> int:
    """Mark check-ins whose retries ran out as failed."""
    return DecisionCheckin.objects.filter(pk__in=list(checkin_ids), status=Status.PENDING).update(
        status=Status.FAILED, last_error=f"Gave up after retries: {error}"[:2000]
    )
