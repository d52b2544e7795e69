"""Writes to learning plans and their weekly check-ins."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from careers.accounts.models import new_calendar_token
from careers.accounts.services import profile_get_or_create
from careers.content.models import LearningTrack
from careers.plans.models import LearningPlan, PaperNote, WeeklyCheckin
from careers.plans.schedule import local_week_start, next_nudge_at, week_start

PLAN_FIELDS = (
    "track",
    "start_date",
    "weeks",
    "ml_course_first",
    "study_days",
    "papers_per_week",
    "nudge_weekday",
    "nudge_hour",
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
SCHEDULE_FIELDS = {"start_date", "nudge_weekday", "nudge_hour", "timezone", "nudges_enabled"}
MAX_PAPER_NOTES = 20


def plan_schedule_next_nudge(*, plan: LearningPlan, now: datetime) -> None:
    """Set the plan's next send time: the first chosen slot after now, never before the plan
    starts; none while nudges are off."""
    if not plan.nudges_enabled:
        plan.next_nudge_at = None
        return
    plan.next_nudge_at = next_nudge_at(
        after=now,
        start_date=plan.start_date,
        weekday=plan.nudge_weekday,
        hour=plan.nudge_hour,
        tz=plan.timezone,
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
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.full_clean()
    written = [*fields, "updated_at"]
    if changed & SCHEDULE_FIELDS:
        plan_schedule_next_nudge(plan=plan, now=now or timezone.now())
        written.append("next_nudge_at")
    # Only the edited fields: a next send time the dispatcher advanced meanwhile stays.
    plan.save(update_fields=written)
    return plan


def plan_delete(*, plan: LearningPlan) -> None:
    plan.delete()


def plan_nudges_stop(*, plan: LearningPlan) -> LearningPlan:
    """Unsubscribe: no more nudges for this plan until the learner turns them back on."""
    LearningPlan.objects.filter(pk=plan.pk).update(nudges_enabled=False, next_nudge_at=None)
    plan.nudges_enabled, plan.next_nudge_at = False, None
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
