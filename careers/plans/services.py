"""Writes to learning plans and their weekly check-ins."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from careers.accounts.models import new_calendar_token
from careers.accounts.services import profile_get_or_create
from careers.content.models import LearningTrack
from careers.plans.models import (
    EARLIEST_START,
    REASON_MAX_LENGTH,
    LearningPlan,
    PaperNote,
    PlanBreak,
    WeeklyCheckin,
    latest_target,
)
from careers.plans.schedule import WEEK, local_week_start, next_nudge_at, week_start
from careers.plans.selectors import break_spans, plan_breaks, plan_progress
from careers.plans.timeline import (
    BREAK_MAX_WEEKS,
    MAX_BREAKS,
    Break,
    break_mondays,
    papers_due,
)

PLAN_FIELDS = (
    "track",
    "start_date",
    "weeks",
    "ml_course_first",
    "study_days",
    "light_days",
    "papers_per_week",
    "skip_budget",
    "target_date",
    "nudge_weekday",
    "nudge_hour",
    "reminder_weekday",
    "timezone",
    "nudges_enabled",
)
CHECKIN_FIELDS = (
    "study_days_done",
    "papers_read",
    "project_step",
    "project_progress",
    "handwritten_notes",
    "skipped",
)
# Changing any of these moves the next send slot.
SCHEDULE_FIELDS = {
    "start_date",
    "nudge_weekday",
    "nudge_hour",
    "reminder_weekday",
    "timezone",
    "nudges_enabled",
}
MAX_PAPER_NOTES = 20


def plan_schedule_next_nudge(
    *, plan: LearningPlan, now: datetime, breaks: Iterable[PlanBreak] | None = None
) -> None:
    """Set the plan's next send times: of the weekly email, the first chosen slot after now,
    never before the plan starts nor in a planned break; of the second reminder likewise, on
    its day. None while nudges are off (or, for the reminder, while there is none)."""
    if not plan.nudges_enabled:
        plan.next_nudge_at = plan.next_reminder_at = None
        return
    off = break_mondays(break_spans(plan_breaks(plan=plan) if breaks is None else breaks))
    slot = {
        "after": now,
        "start_date": plan.start_date,
        "hour": plan.nudge_hour,
        "tz": plan.timezone,
        "skip_weeks": off,
    }
    plan.next_nudge_at = next_nudge_at(weekday=plan.nudge_weekday, **slot)
    plan.next_reminder_at = (
        None
        if plan.reminder_weekday is None
        else next_nudge_at(weekday=plan.reminder_weekday, **slot)
    )


def plan_create(
    *,
    owner: AbstractBaseUser,
    track: LearningTrack,
    now: datetime | None = None,
    **fields: Any,
) -> LearningPlan:
    """Start a plan from a track: the track's pace, papers and study days unless given, the
    owner's time zone unless given."""
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"unknown plan fields: {', '.join(sorted(unknown))}")
    now = now or timezone.now()
    defaults = {
        "weeks": track.default_weeks,
        "papers_per_week": track.papers_per_week,
        "study_days": list(track.study_days),
        "timezone": profile_get_or_create(user=owner).timezone,
    }
    plan = LearningPlan(owner=owner, track=track, **{**defaults, **fields})
    if plan.start_date is None:
        plan.start_date = timezone.localdate(now, timezone=ZoneInfo(plan.timezone))
    plan.full_clean()
    plan_schedule_next_nudge(plan=plan, now=now)
    plan.save()
    return plan


def plan_update(*, plan: LearningPlan, now: datetime | None = None, **fields: Any) -> LearningPlan:
    """Change a plan; when the send slot or time zone changes, the next send time follows.

    The schedule shown on the plan page is derived from the plan, so it follows every edit.
    """
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"unknown plan fields: {', '.join(sorted(unknown))}")
    changed = {name for name, value in fields.items() if getattr(plan, name) != value}
    written = [*fields, "updated_at"]
    if "papers_per_week" in changed and plan.pk is not None:
        _papers_carry(plan, now or timezone.now())
        written += ["papers_carried", "papers_carried_week"]
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.full_clean()
    if changed & SCHEDULE_FIELDS:
        plan_schedule_next_nudge(plan=plan, now=now or timezone.now())
        written += ["next_nudge_at", "next_reminder_at"]
    # Only the edited fields: a next send time the dispatcher advanced meanwhile stays.
    plan.save(update_fields=written)
    return plan


def _papers_carry(plan: LearningPlan, now: datetime) -> None:
    """Before the papers a week change: keep what the plan asked for up to last week, at the
    paces it had, so the new pace counts from this week on and "papers read of planned so
    far" does not jump for weeks already gone."""
    this_week = local_week_start(now, plan.timezone)
    if this_week <= week_start(plan.start_date):
        # Not begun: the new pace is the plan's from its first week.
        plan.papers_carried, plan.papers_carried_week = 0, None
        return
    progress = plan_progress(plan=plan, now=now)
    plan.papers_carried = papers_due(
        weeks=progress.timeline.weeks,
        through=this_week - WEEK,
        papers_per_week=plan.papers_per_week,
        carried=plan.papers_carried,
        carried_week=plan.papers_carried_week,
    )
    plan.papers_carried_week = this_week


def plan_delete(*, plan: LearningPlan) -> None:
    plan.delete()


def plan_nudges_stop(*, plan: LearningPlan) -> LearningPlan:
    """Unsubscribe: no more nudges for this plan until the learner turns them back on."""
    LearningPlan.objects.filter(pk=plan.pk).update(
        nudges_enabled=False, next_nudge_at=None, next_reminder_at=None
    )
    plan.nudges_enabled, plan.next_nudge_at, plan.next_reminder_at = False, None, None
    return plan


def calendar_token_regenerate(*, user: AbstractBaseUser) -> str:
    """A new secret URL for the user's calendar feed; the old one stops working at once."""
    profile = profile_get_or_create(user=user)
    profile.calendar_token = new_calendar_token()
    profile.save(update_fields=["calendar_token"])
    return profile.calendar_token


def checkin_week_validate(*, plan: LearningPlan, week: date, now: datetime | None = None) -> date:
    """A check-in week is a Monday from the plan's first week up to this week (back-filling
    past weeks is fine; the future is not)."""
    now = now or timezone.now()
    if week != week_start(week):
        raise ValidationError({"week_start": "A week starts on a Monday."})
    if week < week_start(plan.start_date):
        raise ValidationError({"week_start": "That week is before the plan starts."})
    if week > local_week_start(now, plan.timezone):
        raise ValidationError({"week_start": "That week has not started yet."})
    return week


@transaction.atomic
def checkin_upsert(
    *,
    plan: LearningPlan,
    week: date,
    now: datetime | None = None,
    papers: Iterable[Mapping[str, str]] | None = None,
    **fields: Any,
) -> WeeklyCheckin:
    """Record (or correct) what was done in one week. ``papers`` replaces that week's paper
    notes when given; ``papers_read`` is at least the number of notes."""
    unknown = set(fields) - set(CHECKIN_FIELDS)
    if unknown:
        raise TypeError(f"unknown check-in fields: {', '.join(sorted(unknown))}")
    checkin_week_validate(plan=plan, week=week, now=now)
    checkin, _ = WeeklyCheckin.objects.select_for_update().get_or_create(plan=plan, week_start=week)
    for name, value in fields.items():
        setattr(checkin, name, value)
    notes: list[PaperNote] = []
    if papers is not None:
        papers = list(papers)
        if len(papers) > MAX_PAPER_NOTES:
            raise ValidationError({"papers": f"At most {MAX_PAPER_NOTES} papers a week."})
        notes = [
            PaperNote(checkin=checkin, title=p.get("title", ""), takeaway=p.get("takeaway", ""))
            for p in papers
        ]
        for note in notes:
            note.full_clean(exclude=["checkin"])
        checkin.papers_read = max(checkin.papers_read, len(notes))
    if checkin.project_step_id and checkin.project_step.track_id != plan.track_id:
        raise ValidationError({"project_step": "That project step belongs to another track."})
    checkin.full_clean(exclude=["plan"], validate_unique=False)
    checkin.save()
    if papers is not None:
        _papers_replace(checkin, notes)
    return checkin


def _papers_replace(checkin: WeeklyCheckin, notes: list[PaperNote]) -> None:
    """Make the week's notes ``notes``, in order, keeping the rows (and ids) of the notes
    already there: saving a week unchanged then changes nothing stored."""
    existing = list(checkin.papers.order_by("pk"))
    for row, note in zip(existing, notes, strict=False):
        if (row.title, row.takeaway) != (note.title, note.takeaway):
            row.title, row.takeaway = note.title, note.takeaway
            row.save(update_fields=["title", "takeaway"])
    PaperNote.objects.filter(pk__in=[row.pk for row in existing[len(notes) :]]).delete()
    PaperNote.objects.bulk_create(notes[len(existing) :])


def checkin_action_changes(
    *, checkin: WeeklyCheckin | None, action: str, papers: int | None = None
) -> dict[str, Any]:
    """What a one-click action from a nudge email (studied, papers read 0, 1 or 2+, skip)
    changes in the week's check-in; all of it when the week has none yet (``None``).

    Empty means the week already records it: the link's page says so instead of offering a
    button that would do nothing.
    """
    if action == "studied":
        done = max(checkin.study_days_done if checkin else 0, 1)
        fields: dict[str, Any] = {"study_days_done": done, "skipped": False}
    elif action == "papers":
        if papers is None or not 0 <= papers <= 2:
            raise ValidationError("Papers read is 0, 1 or 2 (two or more).")
        if checkin:
            # One click never drops below the papers already noted by title, and "two or
            # more" never lowers a count logged in more detail.
            floor = checkin.papers.count()
            papers = max(papers, floor, checkin.papers_read if papers == 2 else 0)
        fields = {"papers_read": papers}
    elif action == "skip":
        fields = {"skipped": True}
    else:
        raise ValidationError(f"Unknown action {action!r}.")
    if checkin is None:
        return fields
    return {name: value for name, value in fields.items() if getattr(checkin, name) != value}


def checkin_record_action(
    *, plan: LearningPlan, week: date, action: str, papers: int | None = None
) -> WeeklyCheckin:
    """The one-click actions from a nudge email: studied, papers read (0, 1, 2+), skip."""
    checkin = WeeklyCheckin.objects.filter(plan=plan, week_start=week).first()
    changes = checkin_action_changes(checkin=checkin, action=action, papers=papers)
    return checkin_upsert(plan=plan, week=week, **changes)


# -- Breaks ---------------------------------------------------------------------------------


class BreakError(ValidationError):
    """A break the plan cannot take, with the field at fault."""


class BreakOverlap(BreakError):
    """The break overlaps ``clash``, one the plan has already."""

    def __init__(self, message: Any, *, clash: PlanBreak):
        super().__init__(message)
        self.clash = clash


def _breaks_locked(plan: LearningPlan) -> tuple[LearningPlan, list[PlanBreak]]:
    """The plan row, locked, and its breaks. The lock makes two breaks planned at once (two
    tabs, the email's pause link clicked twice) follow each other instead of both
    overlapping, and the send times are then worked out from the plan as it is stored."""
    locked = LearningPlan.objects.select_for_update().get(pk=plan.pk)
    return locked, list(plan.breaks.order_by("start", "pk"))


def _reschedule(plan: LearningPlan, breaks: list[PlanBreak], now: datetime) -> None:
    """Move the plan's send times out of its breaks. A send time already due but not yet
    claimed (the dispatcher runs every quarter of an hour) stays when its week is no break:
    planning a break months ahead must not drop this week's email."""
    if not plan.nudges_enabled:
        return
    kept = {"next_nudge_at": plan.next_nudge_at, "next_reminder_at": plan.next_reminder_at}
    earliest = min([now, *(when - timedelta(seconds=1) for when in kept.values() if when)])
    plan_schedule_next_nudge(plan=plan, now=earliest, breaks=breaks)
    LearningPlan.objects.filter(pk=plan.pk).update(
        next_nudge_at=plan.next_nudge_at, next_reminder_at=plan.next_reminder_at
    )


@transaction.atomic
def break_create(
    *,
    plan: LearningPlan,
    start: date,
    end: date,
    reason: str = "",
    now: datetime | None = None,
) -> PlanBreak:
    """Plan whole weeks off: the weeks ``start`` and ``end`` fall in, and every week between.

    A break starts this week or later (a week already gone is a skip, not a break), inside
    the plan or after it, lasts at most ``BREAK_MAX_WEEKS`` weeks and overlaps no other break
    of the plan. No nudge goes out in its weeks and the next send time moves past it.
    Raises ``BreakError`` naming the field at fault."""
    now = now or timezone.now()
    latest = latest_target()
    errors: dict[str, str] = {}
    for name, day in (("start", start), ("end", end)):
        if not EARLIEST_START <= day <= latest:
            errors[name] = f"Choose a day between {EARLIEST_START} and {latest}."
    if errors:
        raise BreakError(errors)
    span = Break.of_days(start, end) if start <= end else None
    this_week = local_week_start(now, plan.timezone)
    if span is None:
        errors["end"] = "The break ends on or after the day it starts."
    elif span.start < this_week:
        errors["start"] = (
            "A break starts this week or later; a week already gone can be skipped instead."
        )
    elif span.start < week_start(plan.start_date):
        errors["start"] = "The break starts before the plan does."
    elif span.weeks > BREAK_MAX_WEEKS:
        errors["end"] = f"A break is at most {BREAK_MAX_WEEKS} weeks; plan two if you need more."
    if len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = f"Keep the reason under {REASON_MAX_LENGTH} characters."
    if errors:
        raise BreakError(errors)
    locked, breaks = _breaks_locked(plan)
    clash = next((b for b in breaks if span.overlaps(Break(b.start, b.end))), None)
    if clash is not None:
        raise BreakOverlap(
            {
                "start": f"It overlaps your break from {clash.start:%-d %B %Y} to "
                f"{clash.end:%-d %B %Y}: change that one instead."
            },
            clash=clash,
        )
    # Breaks that are over stay in the record and cannot be removed: only the others count.
    if sum(1 for b in breaks if b.end >= this_week) >= MAX_BREAKS:
        raise BreakError(f"A plan has at most {MAX_BREAKS} breaks to come.")
    item = PlanBreak.objects.create(plan=plan, start=span.start, end=span.end, reason=reason)
    _reschedule(locked, [*breaks, item], now)
    return item


@transaction.atomic
def break_delete(*, plan: LearningPlan, item: PlanBreak, now: datetime | None = None) -> str:
    """Call off a break: one still to come goes, one under way ends with last week (its weeks
    so far stay a break), one already over stays as it was and raises ``BreakError``.
    Returns "deleted" or "ended"."""
    now = now or timezone.now()
    locked, breaks = _breaks_locked(plan)
    this_week = local_week_start(now, plan.timezone)
    if item.end < this_week:
        raise BreakError("This break is over: it stays in your plan's record.")
    if item.start >= this_week:
        PlanBreak.objects.filter(pk=item.pk).delete()
        outcome = "deleted"
    else:
        item.end = this_week - WEEK + timedelta(days=6)
        PlanBreak.objects.filter(pk=item.pk).update(end=item.end)
        outcome = "ended"
    # The breaks as they are now: without this one, or with it ending last week.
    kept = [b for b in breaks if b.pk != item.pk] + ([item] if outcome == "ended" else [])
    _reschedule(locked, kept, now)
    return outcome


PAUSE_WEEKS = 2


def break_pause_span(
    *, plan: LearningPlan, week: date, now: datetime | None = None
) -> tuple[PlanBreak | None, Break]:
    """What the email's "pause for two weeks" would do: the break already covering its first
    week, if one does, and the weeks it would take otherwise, ``PAUSE_WEEKS`` of them from
    the email's ``week`` (from this week, for an email read late)."""
    now = now or timezone.now()
    start = max(week, local_week_start(now, plan.timezone))
    current = next((b for b in plan_breaks(plan=plan) if b.start <= start <= b.end), None)
    return current, Break.of_days(start, start + (PAUSE_WEEKS - 1) * WEEK)


def break_pause(
    *, plan: LearningPlan, week: date, now: datetime | None = None
) -> tuple[PlanBreak, bool]:
    """The email's "pause for two weeks" (``break_pause_span``). Returns the break and whether
    it is new: when a break covers that week already, it is that one and nothing changes."""
    now = now or timezone.now()
    current, span = break_pause_span(plan=plan, week=week, now=now)
    if current is not None:
        return current, False
    start = span.start
    try:
        item = break_create(
            plan=plan,
            start=start,
            end=span.end,
            reason="Paused from the weekly email",
            now=now,
        )
    except BreakOverlap as error:
        # The link clicked twice at once: the other click's break covers the week now.
        if error.clash.start <= start <= error.clash.end:
            return error.clash, False
        raise
    return item, True
