"""Weekly nudge emails: exactly one per plan and week.

The dispatcher (run by beat every 15 minutes) decides who gets mail; workers only deliver.
A plan is claimed, its delivery row written and its next send time advanced in one
transaction, so a second dispatcher (beat firing twice, two beats, a manual run) finds
nothing left to claim, and the unique (plan, week) row refuses a duplicate outright.

At most once, per email. A send run claims its chunk's pending deliveries in one statement
(they stay pending), then for each email: builds it, takes its delivery from pending to
sending with a conditional UPDATE that only the run holding the claim can win, commits, and
only then lets the mail server accept the email (``sending.py`` sends the envelope and the
data meanwhile and the final dot after the commit); the email is recorded as sent in the
statement that takes the next one (``ledger.py``). So a run has one delivery at a time in
sending, the one whose email is with the server. A redelivered, retried or duplicated task
claims again what is still pending and skips what is taken or done; a worker killed
mid-chunk leaves that one delivery in sending, never resent on its own, and the rest of its
chunk pending, sent by the next copy of its task.

Nothing is lost silently: a pending delivery whose task went missing (a broker restart, a
dispatch while the broker was down) is enqueued again by the requeue sweep, and one left in
sending by a dead worker is marked stuck for an operator to check and resend.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import DatabaseError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from careers.accounts.selectors import user_email_verified
from careers.content.feedback import advice_shown
from careers.content.models import AdviceItem, Tip
from careers.core.sending import DeliveryUnknown, TakenSender
from careers.plans.claims import REMINDER, WEEKLY, plans_claim
from careers.plans.emails import NudgeComposer, nudge_message_id
from careers.plans.ledger import DeliveryLedger, deliveries_claim
from careers.plans.models import LearningPlan, NudgeDelivery
from careers.plans.schedule import local_week_start
from careers.plans.selectors import (
    advice_for_nudges,
    advice_of_the_week,
    deliveries_for_sending,
    plan_progress,
    tip_choose,
    tips_for_track,
    tips_last_sent,
)
from careers.plans.services import plan_nudges_stop

logger = logging.getLogger(__name__)

# Plans claimed per transaction: big enough to amortise the round trips, small enough that
# the row locks are held for well under a second.
CLAIM_BATCH_SIZE = 500
# Deliveries per send task: one task's work stays short, so a killed worker redelivers
# little and retries stay cheap.
DELIVERY_CHUNK_SIZE = 50
STUCK_AFTER = timedelta(minutes=30)
# Longer than every retry's backoff added up (1 + 2 + ... + 32 minutes).
PENDING_TOO_LONG = timedelta(hours=2)

Status = NudgeDelivery.Status


class EnqueueFailed(Exception):
    """The broker did not take a chunk: its deliveries stay pending for the requeue sweep."""


@dataclass
class DispatchReport:
    claimed: int = 0
    created: int = 0
    chunks: list[list[int]] = field(default_factory=list)
    # Old pending deliveries the end-of-dispatch sweep enqueued again (their chunks are in
    # ``chunks`` too).
    requeued: int = 0
    # Deliveries claimed but not handed to the broker, and why; the sweep sends them later.
    unqueued: int = 0
    enqueue_error: str = ""


def nudges_dispatch(
    *,
    now: datetime | None = None,
    enqueue: Callable[[list[int]], None] | None = None,
    batch_size: int = CLAIM_BATCH_SIZE,
    chunk_size: int = DELIVERY_CHUNK_SIZE,
) -> DispatchReport:
    """Claim every plan that is due at ``now`` and hand its delivery to ``enqueue`` in
    chunks of ids, each chunk only after the transaction that created it has committed;
    then enqueue again the pending deliveries whose tasks were lost (``nudges_requeue``).

    When the broker refuses a chunk (``EnqueueFailed``) the dispatch stops claiming: what it
    claimed is committed and pending, and the requeue sweep enqueues it once the broker is
    back. The report says how many deliveries wait for that.
    """
    now = now or timezone.now()
    report = DispatchReport()
    for slot in (WEEKLY, REMINDER):
        while True:
            claimed, ids = plans_claim(now=now, batch_size=batch_size, slot=slot)
            if not claimed:
                break
            report.claimed += claimed
            report.created += len(ids)
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
            if claimed < batch_size:
                break
    fresh = {pk for chunk in report.chunks for pk in chunk}
    try:
        for chunk in nudges_requeue(enqueue=enqueue, chunk_size=chunk_size, exclude=fresh):
            report.chunks.append(chunk)
            report.requeued += len(chunk)
    except EnqueueFailed as error:
        report.enqueue_error = str(error)
    return report


def nudges_to_requeue(*, now: datetime | None = None) -> list[int]:
    """Pending deliveries whose task should have run by ``now`` and has not: enqueued more
    than ``NUDGE_REQUEUE_AFTER`` seconds ago, or never enqueued and written that long ago.

    A healthy queue runs a chunk within seconds, so such a task was lost (a broker restart
    dropped it, or the broker was down when it was enqueued). Rows enqueued moments ago, or
    claimed by a dispatch that is still enqueueing, are left alone. Served by the
    ``nudge_status_idx`` index's status prefix: pending rows are few.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.NUDGE_REQUEUE_AFTER)
    return list(
        NudgeDelivery.objects.filter(
            Q(enqueued_at__lt=cutoff) | Q(enqueued_at__isnull=True, created_at__lt=cutoff),
            status=Status.PENDING,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def nudges_requeue(
    *,
    enqueue: Callable[[list[int]], None] | None,
    now: datetime | None = None,
    chunk_size: int = DELIVERY_CHUNK_SIZE,
    exclude: set[int] | frozenset[int] = frozenset(),
) -> list[list[int]]:
    """Hand the pending deliveries whose tasks were lost to ``enqueue`` again, in chunks;
    return the chunks. Enqueueing a delivery twice is harmless: the send task takes it from
    pending with a conditional UPDATE, so the second task finds it taken and sends nothing.
    One whose plan has a delivery for a later week is marked failed instead: that email is
    the one to send, and a second at once, about a week gone, helps nobody.
    ``now`` is the real time (a dispatch ``--now`` in the future must not make every fresh
    row look old)."""
    later_week = NudgeDelivery.objects.filter(
        plan=OuterRef("plan"), week_start__gt=OuterRef("week_start")
    )
    replaced = NudgeDelivery.objects.filter(Exists(later_week), status=Status.PENDING).update(
        status=Status.FAILED,
        last_error="Not sent before the next week's email, which replaces it.",
    )
    if replaced:
        logger.warning("gave up on %d nudge deliveries a later week's replaces", replaced)
    ids = [pk for pk in nudges_to_requeue(now=now) if pk not in exclude]
    chunks = [ids[start : start + chunk_size] for start in range(0, len(ids), chunk_size)]
    if ids:
        logger.warning("enqueueing %d pending nudge deliveries again", len(ids))
    if enqueue is not None:
        for chunk in chunks:
            enqueue(chunk)
    return chunks


def deliveries_mark_enqueued(*, delivery_ids: Iterable[int], at: datetime | None = None) -> int:
    """Record that the broker took these deliveries' task (or will run its retry ``at``),
    so the requeue sweep leaves them alone until that is ``NUDGE_REQUEUE_AFTER`` old."""
    return NudgeDelivery.objects.filter(pk__in=list(delivery_ids), status=Status.PENDING).update(
        enqueued_at=at or timezone.now()
    )


def _is_permanent(error: smtplib.SMTPException) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    code = getattr(error, "smtp_code", None)
    return code is not None and code >= 500


@dataclass
class _Chunk:
    """What the emails of one chunk share, read once for all of them."""

    mailer: BaseEmailBackend
    sender: TakenSender
    now: datetime
    ledger: DeliveryLedger
    composer: NudgeComposer
    tips_by_track: dict[int, list[Tip]]
    last_sent: dict[int, dict[int, date]]
    advice_items: Sequence[AdviceItem]
    # The advice of each email sent, counted in one go after the sends.
    advice_sent: list[int] = field(default_factory=list)


def nudges_deliver(*, delivery_ids: Iterable[int]) -> tuple[dict[str, int], list[int]]:
    """Send the deliveries nobody has sent yet, over one SMTP connection; return how many
    were ``sent``, ``taken`` (another worker has them, or they are done), ``failed`` (for
    good) or to ``retry``, and the ids to retry later. A single delivery is a chunk of one.

    The chunk is claimed in one statement and read in a fixed number of queries; each email
    then costs one write (``DeliveryLedger``), and the chunk one more for its last email.
    """
    outcomes: dict[str, int] = {}
    retry: list[int] = []
    ids = list(delivery_ids)
    try:
        mailer = mail.mailers.default
        mailer.open()
    except (smtplib.SMTPException, OSError):
        # The server is unreachable: the whole chunk is retried later, nothing was taken.
        return {"retry": len(ids)}, ids
    now = timezone.now()
    claim = uuid.uuid4().hex
    claimed = deliveries_claim(delivery_ids=ids, claim=claim)
    deliveries = deliveries_for_sending(delivery_ids=ids, claim=claim) if claimed else []
    chunk = _Chunk(
        mailer=mailer,
        sender=TakenSender(mailer),
        now=now,
        ledger=DeliveryLedger(claim=claim, now=now),
        composer=NudgeComposer(),
        tips_by_track={
            track_id: tips_for_track(track_id=track_id)
            for track_id in {d.plan.track_id for d in deliveries}
        },
        last_sent=tips_last_sent(owner_ids={d.plan.owner_id for d in deliveries}),
        advice_items=advice_for_nudges() if deliveries else [],
    )
    if len(deliveries) < len(ids):
        outcomes["taken"] = len(ids) - len(deliveries)
    try:
        for delivery in deliveries:
            outcome = _deliver(delivery, chunk)
            if outcome in ("retry", Status.STUCK):
                if outcome == "retry":
                    retry.append(delivery.pk)
                # The connection may be dead after a failure: start a fresh one.
                mailer.close()
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    finally:
        try:
            chunk.ledger.flush()
        except DatabaseError:
            # The email went out; its row stays in sending and the stuck sweep shows it.
            logger.exception("could not record a sent nudge delivery")
        chunk.sender.close()
        mailer.close()
        _count_advice_shown(chunk.advice_sent)
    return outcomes, retry


def _refusal(plan: LearningPlan) -> str:
    """Why this plan's email must not go out now, or an empty string."""
    if not plan.nudges_enabled:
        return "Nudges were turned off before sending."
    if not plan.owner.email:
        return "The learner has no email address."
    if not user_email_verified(user=plan.owner):
        return "The learner has not verified their email address."
    return ""


def _not_needed(delivery: NudgeDelivery) -> str:
    """Why this delivery's email is no longer wanted, or an empty string: its week became a
    break after it was claimed, or (a second reminder) the week was logged meanwhile."""
    plan, week = delivery.plan, delivery.week_start
    if any(item.start <= week <= item.end for item in plan.breaks.all()):
        return "Not sent: a break began before it went out."
    if delivery.kind != NudgeDelivery.Kind.REMINDER:
        return ""
    if plan.reminder_weekday is None:
        return "Not sent: the second reminder was turned off before it went out."
    # A week skipped on purpose has its answer too: the reminder would ask for nothing.
    if any(
        c.week_start == week and (c.counts_for_streak or c.skipped) for c in plan.checkins.all()
    ):
        return "Not sent: the week was logged before the reminder went out."
    return ""


def _progress_moment(delivery: NudgeDelivery, now: datetime) -> datetime:
    """The moment the email's progress is read at: when it was due, or now when later, but
    inside the week the email is about, so a send retried past midnight on Sunday still
    speaks of that week (its focus, whether it is logged)."""
    moment = max(now, delivery.scheduled_for)
    zone = ZoneInfo(delivery.plan.timezone)
    if local_week_start(moment, delivery.plan.timezone) > delivery.week_start:
        sunday = delivery.week_start + timedelta(days=6)
        moment = datetime.combine(sunday, time(23, 59), tzinfo=zone)
    return moment


def _deliver(delivery: NudgeDelivery, chunk: _Chunk) -> str:
    """Send one delivery of a chunk if nobody else has, and say what happened.

    The email is built before the delivery is taken, so a delivery is in sending only while
    its email is being handed to the server (and until the next statement records it)."""
    plan = delivery.plan
    ledger = chunk.ledger
    refusal = _refusal(plan)
    if refusal:
        return (
            ledger.finish(delivery, Status.FAILED, error=refusal)
            if ledger.take(delivery)
            else "taken"
        )
    unwanted = _not_needed(delivery)
    if unwanted:
        return (
            ledger.finish(delivery, Status.CANCELLED, error=unwanted)
            if ledger.take(delivery)
            else "taken"
        )
    last_sent = chunk.last_sent.setdefault(plan.owner_id, {})
    tip = advice = None
    # The second reminder is short: no tip and no advice, so none is spent or counted on it.
    if delivery.kind == NudgeDelivery.Kind.WEEKLY:
        tip = tip_choose(tips=chunk.tips_by_track[plan.track_id], last_sent=last_sent)
        advice = advice_of_the_week(items=chunk.advice_items, plan=plan, week=delivery.week_start)
    try:
        # The email speaks of the week it was scheduled for, even when sent late.
        progress = plan_progress(plan=plan, now=_progress_moment(delivery, chunk.now))
        message = chunk.composer.email(delivery=delivery, progress=progress, tip=tip, advice=advice)
    except Exception as error:
        # A bug in building one email must not strand the rest of the chunk in pending.
        logger.exception("could not build nudge delivery %s", delivery.pk)
        if not ledger.take(delivery):
            return "taken"
        return ledger.finish(delivery, Status.FAILED, error=f"{type(error).__name__}: {error}")
    try:
        # Taken while the email goes to the server; it is accepted only if it was taken.
        if not chunk.sender.send(message, take=lambda: ledger.take(delivery)):
            return "taken"
    except DeliveryUnknown as error:
        # The connection failed at the final dot: the server may have kept the email, so it
        # is not sent again on its own (at most once); the admin lists it under "Stuck".
        return ledger.finish(delivery, Status.STUCK, error=f"{type(error).__name__}: {error}")
    except smtplib.SMTPException as error:
        if not _is_permanent(error):
            return ledger.release(delivery, error)
        if isinstance(error, smtplib.SMTPRecipientsRefused):
            # The address bounces for good: stop mailing it.
            plan_nudges_stop(plan=plan)
        return ledger.finish(delivery, Status.FAILED, error=f"{type(error).__name__}: {error}")
    except (TimeoutError, OSError) as error:
        return ledger.release(delivery, error)
    ledger.sent(delivery, tip=tip, message_id=nudge_message_id(delivery))
    if tip is not None:
        last_sent[tip.pk] = delivery.week_start
    if advice is not None:
        chunk.advice_sent.append(advice.pk)
    return "sent"


def _count_advice_shown(item_ids: list[int]) -> None:
    """Count the advice of the emails that went out. The emails are sent whatever happens
    here: a failed count is logged, never retried into a second copy of an email."""
    try:
        advice_shown(item_ids=item_ids, where="emails")
    except DatabaseError:
        logger.exception("could not count the advice shown in %d nudge emails", len(item_ids))


def nudges_stuck(*, now: datetime | None = None) -> list[int]:
    """Mark deliveries left in sending for longer than a send can take (a worker died
    mid-send) as stuck, and return them with those still pending long after their slot
    (enqueued again and again, and still not sent).

    Stuck rows are not resent on their own (at most once): the mail server may have accepted
    the email just before the worker died, and a second copy is worse than a late one. They
    are marked, so the admin lists them under "Stuck" with a one-click resend.
    """
    now = now or timezone.now()
    sending = list(
        NudgeDelivery.objects.filter(
            status=Status.SENDING, sending_since__lt=now - STUCK_AFTER
        ).values_list("pk", flat=True)
    )
    NudgeDelivery.objects.filter(pk__in=sending, status=Status.SENDING).update(
        status=Status.STUCK,
        last_error="Stuck in sending: the worker stopped mid-send. Check, then resend.",
    )
    late = list(
        NudgeDelivery.objects.filter(
            status=Status.PENDING, scheduled_for__lt=now - PENDING_TOO_LONG
        ).values_list("pk", flat=True)
    )
    stuck = sorted(sending + late)
    if stuck:
        logger.warning("%d nudge deliveries stuck: %s", len(stuck), stuck[:50])
    return stuck


def nudge_resend(*, delivery: NudgeDelivery, now: datetime | None = None) -> bool:
    """Put a failed or stuck delivery of the current week back to pending, or confirm a
    pending one whose task is overdue, so the caller enqueues it.

    Stuck means marked stuck, or in sending for longer than a send can take: a row a worker
    is sending right now is left alone, or the resend could race it into a second email.
    A pending row enqueued within the grace period (``NUDGE_REQUEUE_AFTER``) is left to its
    task.
    """
    now = now or timezone.now()
    week = local_week_start(now, delivery.plan.timezone)
    grace = now - timedelta(seconds=settings.NUDGE_REQUEUE_AFTER)
    resendable = (
        Q(status__in=[Status.FAILED, Status.STUCK])
        | Q(status=Status.SENDING, sending_since__lt=now - STUCK_AFTER)
        | Q(status=Status.PENDING, enqueued_at__lt=grace)
        | Q(status=Status.PENDING, enqueued_at__isnull=True, created_at__lt=grace)
    )
    return bool(
        NudgeDelivery.objects.filter(resendable, pk=delivery.pk, week_start=week).update(
            status=Status.PENDING, last_error="", sending_since=None
        )
    )


def nudges_give_up(*, delivery_ids: Iterable[int], error: str) -> int:
    """Mark deliveries whose retries ran out as failed, so they show up and can be resent."""
    return NudgeDelivery.objects.filter(pk__in=list(delivery_ids), status=Status.PENDING).update(
        status=Status.FAILED, last_error=f"Gave up after retries: {error}"[:2000]
    )
