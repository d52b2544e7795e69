"""A plan's weeks as they turn out: planned breaks, the skip budget, the streak, the state of
each week for the heatmap, and the pace that reaches a target date. Pure functions on dates
and numbers, no ORM, like ``schedule``.

Weeks are Mondays in the learner's zone. A break covers whole weeks, from the Monday of its
first week to the Sunday of its last. The course weeks ``plan_schedule`` lists are laid on
the weeks that are not breaks, in order, so a break pushes the rest of the plan back and no
course week is lost.

The skip budget replaces a fixed "one missed week in eight": a learner holds a few skips. A
week that ends with nothing logged spends one (so does a week skipped on purpose) and the
streak carries on; with none left, the streak starts again. Every few weeks logged earn one
back, up to the budget. Weeks of a break spend nothing and count for nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from careers.plans.schedule import WEEK, WeekFocus, week_start

SKIP_BUDGET = 2
SKIP_BUDGET_MAX = 8
# Weeks logged that earn a spent skip back.
SKIP_REFILL_WEEKS = 4
# A break is at most half a year, and a plan has at most this many.
BREAK_MAX_WEEKS = 26
MAX_BREAKS = 20
# The fastest pace a replan offers: the specialization in half its usual weeks.
MAX_SPEEDUP = 2


@dataclass(frozen=True)
class Break:
    """Whole weeks off: ``start`` is the Monday of the first, ``end`` the Sunday of the last."""

    start: date
    end: date

    @classmethod
    def of_days(cls, first_day: date, last_day: date) -> Break:
        """The weeks the days ``first_day`` to ``last_day`` fall in."""
        return cls(week_start(first_day), week_start(last_day) + timedelta(days=6))

    @property
    def weeks(self) -> int:
        return (self.end - self.start).days // 7 + 1

    def mondays(self) -> list[date]:
        return [self.start + n * WEEK for n in range(self.weeks)]

    def overlaps(self, other: Break) -> bool:
        return self.start <= other.end and other.start <= self.end


def break_mondays(breaks: Iterable[Break]) -> frozenset[date]:
    """Every Monday a break covers."""
    return frozenset(monday for item in breaks for monday in item.mondays())


class WeekState(StrEnum):
    LOGGED = "logged"  # a study day or a paper logged
    SKIPPED = "skipped"  # nothing logged (or skipped on purpose): a skip spent, streak kept
    BREAK = "break"  # a planned break: counts for nothing, spends nothing
    MISSED = "missed"  # nothing logged and no skip left: the streak starts again
    CURRENT = "current"  # this week, nothing logged yet
    FUTURE = "future"


STATE_LABELS = {
    WeekState.LOGGED: "Logged",
    WeekState.SKIPPED: "Skipped (a skip used)",
    WeekState.BREAK: "Break",
    WeekState.MISSED: "Missed",
    WeekState.CURRENT: "This week, not logged yet",
    WeekState.FUTURE: "To come",
}


@dataclass(frozen=True)
class PlanWeek:
    monday: date
    # The week's place among the plan's course weeks (1 is the first); None in a break and
    # after the last course week.
    number: int | None
    focus: WeekFocus | None
    state: WeekState
    # After this week.
    streak: int
    skips_left: int
    # In a planned break (also when something was logged in it anyway).
    in_break: bool = False

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)


@dataclass(frozen=True)
class Timeline:
    weeks: list[PlanWeek]
    current: PlanWeek | None
    streak: int
    skips_left: int
    # Weeks of the plan up to this one that are not breaks: what the paper target counts.
    weeks_counted: int
    # The Monday of the last course week, breaks included.
    last_week: date
    total_weeks: int

    @property
    def finished(self) -> bool:
        return self.current is not None and self.current.monday > self.last_week

    @property
    def on_break(self) -> bool:
        return self.current is not None and self.current.state == WeekState.BREAK

    def counts(self) -> dict[WeekState, int]:
        return week_counts(self.weeks)


def week_counts(weeks: Iterable[PlanWeek]) -> dict[WeekState, int]:
    """How many of ``weeks`` are in each state, every state named."""
    found = dict.fromkeys(WeekState, 0)
    for week in weeks:
        found[week.state] += 1
    return found


def plan_timeline(
    *,
    first_week: date,
    schedule: Sequence[WeekFocus],
    current_week: date,
    logged: Iterable[date] = (),
    skipped: Iterable[date] = (),
    breaks: Iterable[Break] = (),
    budget: int = SKIP_BUDGET,
    refill_weeks: int = SKIP_REFILL_WEEKS,
) -> Timeline:
    """Every week from the plan's first to the later of its last course week and this week,
    with the course week each holds and what became of it.

    ``logged`` are the weeks with a study day or a paper, ``skipped`` those skipped on
    purpose (both Mondays). A week logged during a break counts as logged; a past week with
    nothing logged spends a skip, or breaks the streak when none is left; this week spends
    one only when skipped on purpose, since it is not over.
    """
    logged_weeks, skipped_weeks = set(logged), set(skipped)
    off = break_mondays(breaks)
    weeks: list[PlanWeek] = []
    skips, streak, earned, counted, placed = budget, 0, 0, 0, 0
    last_week = first_week
    monday = first_week
    while placed < len(schedule) or monday <= current_week:
        in_break = monday in off
        focus = None
        number = None
        if not in_break and placed < len(schedule):
            focus = schedule[placed]
            placed += 1
            number = placed
            last_week = monday
        if not in_break and monday <= current_week:
            counted += 1
        if monday in logged_weeks and monday <= current_week:
            state = WeekState.LOGGED
        elif in_break:
            state = WeekState.BREAK
        elif monday > current_week:
            state = WeekState.FUTURE
        elif monday == current_week and monday not in skipped_weeks:
            state = WeekState.CURRENT
        elif skips > 0:
            state = WeekState.SKIPPED
        else:
            state = WeekState.MISSED
        if state == WeekState.LOGGED:
            streak += 1
            if skips < budget:
                earned += 1
                if earned >= refill_weeks:
                    skips, earned = skips + 1, 0
        elif state == WeekState.SKIPPED:
            skips -= 1
        elif state == WeekState.MISSED:
            streak = 0
        weeks.append(PlanWeek(monday, number, focus, state, streak, skips, in_break))
        monday += WEEK
    current = next((week for week in weeks if week.monday == current_week), None)
    return Timeline(
        weeks=weeks,
        current=current,
        streak=streak,
        skips_left=skips,
        weeks_counted=counted,
        last_week=last_week,
        total_weeks=len(schedule),
    )


def papers_due(
    *,
    weeks: Sequence[PlanWeek],
    through: date,
    papers_per_week: int,
    carried: int = 0,
    carried_week: date | None = None,
) -> int:
    """The papers the plan asks for by the end of the week ``through``: ``carried`` (what it
    had asked for before ``carried_week``, at the paces it had then) and ``papers_per_week``
    for every week from then on that is not a break."""
    counted = sum(
        1
        for week in weeks
        if not week.in_break
        and week.monday <= through
        and (carried_week is None or week.monday >= carried_week)
    )
    return carried + papers_per_week * counted


@dataclass(frozen=True)
class Pace:
    """What a target date asks of the plan: whether it is met at the present pace, and if
    not the pace that meets it, or why none can."""

    target: date
    on_track: bool
    # The Sunday the plan ends on at the present pace, breaks included.
    finish: date
    # Weeks, not breaks, from this week to the last that ends by the target.
    weeks_available: int
    weeks: int | None = None
    papers_per_week: int | None = None
    finish_at_new_pace: date | None = None
    problem: str = ""


def pace_toward(
    *,
    target: date,
    timeline: Timeline,
    breaks: Iterable[Break],
    fixed_weeks: int,
    fastest_weeks: int,
    slowest_weeks: int,
    papers_per_week: int,
    papers_read: int,
    max_papers_per_week: int,
    papers_carried: int = 0,
    carried_week: date | None = None,
) -> Pace:
    """The pace that finishes by ``target``: the specialization's weeks (between
    ``fastest_weeks`` and ``slowest_weeks``) and papers a week (at most
    ``max_papers_per_week``, and never below one while the plan asks for any) so the papers
    the plan asks for are read by then too.

    ``fixed_weeks`` are the plan's weeks a new pace does not change (the machine learning
    course taken first). ``papers_carried`` and ``carried_week`` are as ``papers_due``
    takes them. The weeks before this one stay as they were: only what is left is
    spread over the weeks to come.
    """
    current = timeline.current
    if current is None and not timeline.weeks:
        return Pace(
            target=target,
            on_track=True,
            finish=timeline.last_week + timedelta(days=6),
            weeks_available=0,
            problem="The plan has no course weeks to pace.",
        )
    this_week = current.monday if current is not None else timeline.weeks[0].monday
    finish = timeline.last_week + timedelta(days=6)
    off = break_mondays(breaks)
    target_week = week_start(target)
    # The last week that ends by the target: the target's own only when the target is its
    # Sunday, so a pace that fills the weeks available finishes by the target, as on_track
    # asks (a Wednesday target whose week were counted would get a plan ending that Sunday).
    last_full_week = week_start(target - timedelta(days=6))
    available = sum(
        1
        for n in range(max(0, (last_full_week - this_week).days // 7 + 1))
        if this_week + n * WEEK not in off
    )
    pace = Pace(target=target, on_track=finish <= target, finish=finish, weeks_available=available)
    if pace.on_track:
        return pace
    if target_week < this_week:
        if current is None:
            return _with(pace, problem="The target is before the plan starts: choose a later date.")
        return _with(pace, problem="The target date has passed: choose a date from this week on.")
    # Course weeks already behind the learner (their number in the plan).
    done = sum(1 for week in timeline.weeks if week.monday < this_week and week.number)
    total = done + available
    needed = total - fixed_weeks
    # What the plan asks for by its last week: the papers carried from earlier paces, and
    # its papers a week for every course week since.
    papers_planned = papers_carried + papers_per_week * sum(
        1
        for week in timeline.weeks
        if week.number and (carried_week is None or week.monday >= carried_week)
    )
    if needed < max(fastest_weeks, done - fixed_weeks + 1):
        return _with(
            pace,
            problem=f"Even at the fastest pace the plan offers ({fastest_weeks} weeks for the "
            f"specialization) it would not fit the {available} week"
            f"{'s' if available != 1 else ''} left before that date. Choose a later date, "
            "or shorten a break.",
        )
    weeks = min(needed, slowest_weeks)
    remaining = max(0, papers_planned - papers_read)
    papers = math.ceil(remaining / available) if available else 0
    problem = ""
    if papers > max_papers_per_week:
        problem = (
            f"The papers would need {papers} a week; the plan keeps to "
            f"{max_papers_per_week}, and the rest can come after."
        )
        papers = max_papers_per_week
    new_finish = _finish_after(this_week, off, fixed_weeks + weeks - done)
    return _with(
        pace,
        weeks=weeks,
        papers_per_week=max(papers, min(papers_per_week, 1)),
        finish_at_new_pace=new_finish,
        problem=problem,
    )


def _finish_after(this_week: date, off: frozenset[date], weeks_left: int) -> date:
    """The Sunday of the ``weeks_left``-th week from this one that is not a break."""
    monday, left = this_week, weeks_left
    while True:
        if monday not in off:
            left -= 1
            if left <= 0:
                return monday + timedelta(days=6)
        monday += WEEK


def _with(pace: Pace, **changes) -> Pace:
    return Pace(**{**pace.__dict__, **changes})


LIGHT_DAY = "A paper, or a short exercise on what you studied"


@dataclass(frozen=True)
class DaySuggestion:
    weekday: int
    light: bool
    text: str


def week_days(
    *, study_days: Sequence[int], light_days: Iterable[int], focus: WeekFocus | None
) -> list[DaySuggestion]:
    """What each study day of a week is for: a full day takes the week's course module (and
    with two full days or more, the last takes the project step), a light day a paper or a
    short exercise. With no full day there is no new module: a light week suggests none."""
    light = set(light_days)
    days = sorted(study_days)
    full = [day for day in days if day not in light]
    suggestions = []
    for weekday in days:
        if weekday in light or focus is None:
            text = LIGHT_DAY
        elif focus.project_step and len(full) > 1 and weekday == full[-1]:
            text = f"Project step: {focus.project_step}"
        else:
            text = f"{focus.course}, week {focus.course_week} of {focus.course_weeks}"
        suggestions.append(DaySuggestion(weekday, weekday in light, text))
    return suggestions


def skips_refill_explained(budget: int) -> str:
    """The rule of the skip budget, in a sentence, for pages and emails."""
    if budget == 0:
        return (
            "Your plan keeps no skips: a week that ends with nothing logged starts the streak "
            "again. Planned breaks never count."
        )
    return (
        f"You hold up to {budget} skip{'s' if budget != 1 else ''}. A week that ends with "
        "nothing logged uses one, as does a week you skip on purpose, and your streak carries "
        f"on; every {SKIP_REFILL_WEEKS} weeks you log earn one back. Weeks of a planned break "
        "use none."
    )
