"""What the plan page shows, put together from a plan's progress: the schedule table's rows,
the breaks with what calling each off would do, the target date's card, this week's days and
the pictures of the habit. Reads only; the views add what depends on the request.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from careers.content.models import WEEKDAYS
from careers.plans.charts import Chart, Heatmap, habit_heatmap, papers_chart, streak_chart
from careers.plans.forms import BreakForm, PaceForm
from careers.plans.models import PlanBreak, WeeklyCheckin
from careers.plans.schedule import WeekFocus
from careers.plans.selectors import PlanProgress
from careers.plans.timeline import Break, Pace, PlanWeek, skips_refill_explained

WEEKDAY_NAMES = dict(WEEKDAYS)
# What the plan page reads of a plan, one query each, whatever its length.
PLAN_PAGE_PREFETCH = (
    "checkins__papers",
    "checkins__project_step",
    "breaks",
    "track__courses",
    "track__project_steps",
)


@dataclass(frozen=True)
class ScheduleRow:
    """One week of the schedule table, with what was logged for it; a week of a break has
    no focus."""

    week: PlanWeek
    focus: WeekFocus | None
    monday: date
    sunday: date
    checkin: WeeklyCheckin | None
    is_current: bool
    can_log: bool


def schedule_rows(progress: PlanProgress) -> list[ScheduleRow]:
    checkins = {c.week_start: c for c in progress.plan.checkins.all()}
    return [
        ScheduleRow(
            week=week,
            focus=week.focus,
            monday=week.monday,
            sunday=week.sunday,
            checkin=checkins.get(week.monday),
            is_current=week.monday == progress.week_start,
            can_log=week.monday <= progress.week_start,
        )
        for week in progress.plan_weeks()
    ]


class BreakStatus(StrEnum):
    OVER = "over"
    UNDER_WAY = "under way"
    TO_COME = "to come"


@dataclass(frozen=True)
class BreakRow:
    item: PlanBreak
    weeks: int
    status: BreakStatus
    # Calling it off removes it (it has not begun before this week); otherwise it ends with
    # last week, as ``break_delete`` does.
    removes: bool

    @property
    def can_call_off(self) -> bool:
        return self.status != BreakStatus.OVER

    @property
    def call_off_label(self) -> str:
        return "Call it off" if self.removes else "End it now"


def break_row(item: PlanBreak, this_week: date) -> BreakRow:
    if item.end < this_week:
        status = BreakStatus.OVER
    elif item.start <= this_week:
        status = BreakStatus.UNDER_WAY
    else:
        status = BreakStatus.TO_COME
    return BreakRow(
        item=item,
        weeks=Break(item.start, item.end).weeks,
        status=status,
        removes=item.start >= this_week,
    )


def break_rows(breaks: Iterable[PlanBreak], this_week: date) -> list[BreakRow]:
    return [break_row(item, this_week) for item in breaks]


@dataclass(frozen=True)
class TargetCard:
    """The target date's card: on track and by how much, or the pace that gets there (an
    ``offer`` to apply) or why none can."""

    pace: Pace
    # On track: the whole weeks between the plan's end and the target date; late: the whole
    # weeks from the target to the plan's end (0 when it is a few days).
    weeks_to_spare: int
    weeks_late: int

    @property
    def offer(self) -> bool:
        return not self.pace.on_track and self.pace.weeks is not None


def target_card(pace: Pace | None) -> TargetCard | None:
    if pace is None:
        return None
    gap = (pace.target - pace.finish).days
    return TargetCard(pace=pace, weeks_to_spare=max(gap, 0) // 7, weeks_late=max(-gap, 0) // 7)


@dataclass(frozen=True)
class DayRow:
    name: str
    light: bool
    text: str


@dataclass(frozen=True)
class HabitPictures:
    heatmap: Heatmap
    # None before the plan's first week is over or under way.
    streak: Chart | None
    papers: Chart | None


def habit_pictures(progress: PlanProgress) -> HabitPictures:
    weeks = progress.timeline.weeks
    so_far = [week for week in weeks if week.monday <= progress.week_start]
    papers = {checkin.week_start: checkin.papers_read for checkin in progress.plan.checkins.all()}
    started = bool(so_far) and progress.today >= progress.plan.start_date
    return HabitPictures(
        heatmap=habit_heatmap(weeks),
        streak=streak_chart(so_far) if started else None,
        papers=(
            papers_chart(
                so_far,
                papers=papers,
                papers_per_week=progress.plan.papers_per_week,
                carried=progress.plan.papers_carried,
                carried_week=progress.plan.papers_carried_week,
            )
            if started
            else None
        ),
    )


def plan_page_context(progress: PlanProgress) -> dict[str, Any]:
    """Everything the plan page shows that its progress decides (check-ins, papers and
    breaks prefetched: this reads nothing more)."""
    plan = progress.plan
    card = target_card(progress.pace)
    return {
        "plan": plan,
        "progress": progress,
        "rows": schedule_rows(progress),
        "week_end": progress.week_start + timedelta(days=6),
        "logged_checkins": [c for c in plan.checkins.all() if c.papers.all()],
        "first_focus": progress.schedule[0] if progress.schedule else None,
        "study_day_names": [WEEKDAY_NAMES[day] for day in sorted(plan.study_days)],
        "light_day_names": [WEEKDAY_NAMES[day] for day in sorted(plan.light_days)],
        "nudge_day": WEEKDAY_NAMES[plan.nudge_weekday],
        "reminder_day": (
            WEEKDAY_NAMES[plan.reminder_weekday] if plan.reminder_weekday is not None else None
        ),
        "week_days": [
            DayRow(WEEKDAY_NAMES[day.weekday], day.light, day.text) for day in progress.days
        ],
        "skips_explained": skips_refill_explained(plan.skip_budget),
        "break_rows": break_rows(progress.breaks, progress.week_start),
        # The Monday after this week's break, when the plan picks up again.
        "resumes": _resumes(progress),
        "break_form": BreakForm(),
        "target": card,
        "pace_form": PaceForm.offering(card.pace) if card and card.offer else None,
        "pictures": habit_pictures(progress),
    }


def _resumes(progress: PlanProgress) -> date | None:
    """The Monday the plan picks up again after this week's break: the first week after it
    that no other break covers (two breaks can follow each other)."""
    if progress.on_break is None:
        return None
    monday = progress.on_break.end + timedelta(days=1)
    while any(item.start <= monday <= item.end for item in progress.breaks):
        monday += timedelta(weeks=1)
    return monday
