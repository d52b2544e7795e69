"""Claiming the plans due an email: the first step of a nudge's way out (``nudges``).

A plan is claimed, its delivery row written and its next send time advanced in one
transaction, so a second dispatcher finds nothing left to claim and the unique (plan, week,
kind) row refuses a duplicate outright. The weekly email and the optional second reminder
are two kinds of slot with their own next send time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q

from careers.plans.models import LearningPlan, NudgeDelivery, PlanBreak, WeeklyCheckin
from careers.plans.schedule import local_week_start, next_nudge_at
from careers.plans.timeline import Break, break_mondays

Status = NudgeDelivery.Status
# The least time between a weekly email and its second reminder.
REMINDER_AFTER_WEEKLY = timedelta(hours=12)


@dataclass(frozen=True)
class Slot:
    """One kind of email a plan is due for: where its next send time and its day are."""

    kind: str
    due_field: str
    weekday_field: str


WEEKLY = Slot(NudgeDelivery.Kind.WEEKLY, "next_nudge_at", "nudge_weekday")
REMINDER = Slot(NudgeDelivery.Kind.REMINDER, "next_reminder_at", "reminder_weekday")


def _weeks_logged(plans: Sequence[LearningPlan], weeks: set[date]) -> set[tuple[int, date]]:
    """(plan, week) pairs among ``plans`` and ``weeks`` with a study day or a paper logged,
    or skipped on purpose: weeks a second reminder has nothing to ask about."""
    return set(
        WeeklyCheckin.objects.filter(plan__in=plans, week_start__in=weeks)
        .filter(Q(study_days_done__gt=0) | Q(papers_read__gt=0) | Q(skipped=True))
        .values_list("plan_id", "week_start")
    )


def _weekly_sent(plans: Sequence[LearningPlan], weeks: set[date], before: datetime) -> set:
    """(plan, week) pairs whose weekly email was sent before ``before``: a second reminder
    follows a first, never comes alone nor in the same minute (after an outage, or for a
    plan made or turned back on between the two days)."""
    return set(
        NudgeDelivery.objects.filter(
            plan__in=plans,
            week_start__in=weeks,
            kind=NudgeDelivery.Kind.WEEKLY,
            status=Status.SENT,
            sent_at__lt=before,
        ).values_list("plan_id", "week_start")
    )


def plans_claim(*, now: datetime, batch_size: int, slot: Slot = WEEKLY) -> tuple[int, list[int]]:
    """Claim up to ``batch_size`` plans due for ``slot``'s email; return (claimed, new
    delivery ids).

    The claim is the row lock: rows another dispatcher holds are skipped, not waited for, so
    each dispatcher claims its own plans and moves their next send time past ``now`` before
    it commits. SQLite has no row locks and ignores ``FOR UPDATE``, but it needs none: every
    transaction there is ``BEGIN IMMEDIATE`` (see the settings), which takes the database's
    write lock before this SELECT, so a second dispatcher's claim starts only after the first
    has committed and sees the plans already moved on.

    The next send time skips the weeks of the plan's breaks; a slot found in one anyway (a
    break planned while this dispatch ran) is passed over. A second reminder is written only
    for a week with nothing logged yet; the send checks that again.
    """
    due = LearningPlan.objects.filter(
        nudges_enabled=True, **{f"{slot.due_field}__lte": now}
    ).order_by(slot.due_field, "pk")
    with transaction.atomic():
        plans = list(due.select_for_update(skip_locked=True, of=("self",))[:batch_size])
        if not plans:
            return 0, []
        breaks: dict[int, list[Break]] = {}
        for item in PlanBreak.objects.filter(plan__in=plans):
            breaks.setdefault(item.plan_id, []).append(Break(item.start, item.end))
        deliveries: list[NudgeDelivery] = []
        for plan in plans:
            off = break_mondays(breaks.get(plan.pk, []))
            when = getattr(plan, slot.due_field)
            weekday = getattr(plan, slot.weekday_field)
            setattr(
                plan,
                slot.due_field,
                None
                if weekday is None
                else next_nudge_at(
                    after=max(when, now),
                    start_date=plan.start_date,
                    weekday=weekday,
                    hour=plan.nudge_hour,
                    tz=plan.timezone,
                    skip_weeks=off,
                ),
            )
            # The email is about the week of its slot; after an outage of more than a week,
            # about the current week (one email, not one per missed week).
            about = when if now - when < timedelta(days=7) else now
            week = local_week_start(about, plan.timezone)
            if weekday is not None and week not in off:
                deliveries.append(
                    NudgeDelivery(plan=plan, week_start=week, scheduled_for=when, kind=slot.kind)
                )
        LearningPlan.objects.bulk_update(plans, [slot.due_field])
        if slot is REMINDER and deliveries:
            weeks = {d.week_start for d in deliveries}
            logged = _weeks_logged(plans, weeks)
            first = _weekly_sent(plans, weeks, before=now - REMINDER_AFTER_WEEKLY)
            deliveries = [
                d
                for d in deliveries
                if (d.plan_id, d.week_start) in first and (d.plan_id, d.week_start) not in logged
            ]
        # A delivery for that plan, week and kind may exist already (a plan re-enabled within
        # the week): the unique constraint keeps the first and ignores this one.
        NudgeDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        # Only this pass's (plan, week) rows: other pending rows of these plans (a retry
        # waiting for its backoff) are not this dispatcher's to enqueue.
        wanted = {(d.plan_id, d.week_start) for d in deliveries}
        ids = [
            pk
            for pk, plan_id, week in NudgeDelivery.objects.filter(
                plan__in=plans, status=Status.PENDING, kind=slot.kind
            ).values_list("pk", "plan_id", "week_start")
            if (plan_id, week) in wanted
        ]
    return len(plans), ids
