"""Weeks, send times, focus and streaks of a learning plan: pure functions, no ORM.

Weeks run Monday to Sunday in the learner's own time zone. Send times are computed in that
zone and stored in UTC, so a nudge set for Saturday 09:00 stays at 09:00 local time across
daylight-saving changes.
"""

from __future__ import annotations

import re
from collections.abc import Container, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEK = timedelta(days=7)


# A week named in a URL: YYYY-MM-DD, nothing else date.fromisoformat would take.
_WEEK_IN_URL = re.compile(r"\d{4}-\d{2}-\d{2}")
# The last day whose week (and the Sunday ending it) the calendar can still count to.
_LAST_COUNTABLE_DAY = date.max - WEEK


def week_parse(text: str) -> date | None:
    """The day a check-in URL names, or ``None`` when it names none a plan can have: not a
    date, or a day in the calendar's last week (9999-12-25 on), where counting to its Sunday
    would run past 9999-12-31."""
    if not _WEEK_IN_URL.fullmatch(text):
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if day <= _LAST_COUNTABLE_DAY else None


def week_start(day: date) -> date:
    """The Monday of the week ``day`` falls in."""
    return day - timedelta(days=day.weekday())


def local_date(instant: datetime, tz: str) -> date:
    return instant.astimezone(ZoneInfo(tz)).date()


def local_week_start(instant: datetime, tz: str) -> date:
    return week_start(local_date(instant, tz))


def next_nudge_at(
    *,
    after: datetime,
    start_date: date,
    weekday: int,
    hour: int,
    tz: str,
    skip_weeks: Container[date] = frozenset(),
) -> datetime:
    """The first send slot (``weekday`` at ``hour`` local time) strictly after ``after`` and
    not before the plan starts, in UTC, in a week whose Monday is not in ``skip_weeks`` (the
    weeks of a planned break).

    An hour that does not exist on a spring-forward day resolves to the same wall-clock
    distance past the change (02:30 becomes 03:30); an hour that happens twice on a
    fall-back day is taken at its first occurrence. Either way one slot per week.
    """
    zone = ZoneInfo(tz)
    day = max(after.astimezone(zone).date(), start_date)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    while True:
        slot = datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)
        if slot > after and week_start(day) not in skip_weeks:
            return slot
        day += WEEK


def week_number(*, start_date: date, day: date) -> int:
    """1 for the plan's first week, 2 for the next...; 0 before the plan starts."""
    if day < start_date:
        return 0
    return (week_start(day) - week_start(start_date)).days // 7 + 1


@dataclass(frozen=True)
class WeekFocus:
    week: int
    course: str
    course_week: int
    course_weeks: int
    project_step: str
    is_ml_course: bool = False


def _spread(total: int, shares: Sequence[int]) -> list[int]:
    """Split ``total`` weeks over parts in proportion to ``shares``, each at least one week,
    by largest remainder so the parts add up exactly."""
    if not shares:
        return []
    total = max(total, len(shares))
    whole = sum(shares)
    raw = [total * share / whole for share in shares]
    parts = [max(1, int(value)) for value in raw]
    order = sorted(range(len(shares)), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    i = 0
    while sum(parts) < total:
        parts[order[i % len(order)]] += 1
        i += 1
    while sum(parts) > total:
        biggest = max(range(len(parts)), key=lambda j: parts[j])
        parts[biggest] -= 1
    return parts


def plan_schedule(
    *,
    weeks: int,
    courses: Sequence[tuple[str, int]],
    project_steps: Sequence[str],
    ml_course: tuple[str, int] | None = None,
) -> list[WeekFocus]:
    """The plan week by week: which course and which week of it, and which project step.

    The optional machine learning course comes first; the specialization's courses share
    ``weeks`` in proportion to their ``weeks_share``; the project ladder is spread evenly
    over the whole plan (small projects first).
    """
    blocks: list[tuple[str, int, bool]] = []
    if ml_course and ml_course[1] > 0:
        blocks.append((ml_course[0], ml_course[1], True))
    lengths = _spread(weeks, [share for _, share in courses])
    blocks += [(title, length, False) for (title, _), length in zip(courses, lengths, strict=True)]
    total = sum(length for _, length, _ in blocks)
    step_lengths = _spread(total, [1] * len(project_steps)) if project_steps else []
    step_of_week = [
        step
        for step, length in zip(project_steps, step_lengths, strict=True)
        for _ in range(length)
    ]
    schedule = []
    week = 0
    for title, length, is_ml in blocks:
        for course_week in range(1, length + 1):
            schedule.append(
                WeekFocus(
                    week=week + 1,
                    course=title,
                    course_week=course_week,
                    course_weeks=length,
                    project_step=step_of_week[week] if step_of_week else "",
                    is_ml_course=is_ml,
                )
            )
            week += 1
    return schedule


def papers_target(*, papers_per_week: int, weeks_elapsed: int) -> int:
    return papers_per_week * max(weeks_elapsed, 0)


def papers_per_year_pace(*, papers_read: int, weeks_elapsed: int) -> int:
    """Papers a year at the pace so far (two a week is about a hundred a year)."""
    if weeks_elapsed <= 0:
        return 0
    return round(papers_read * 52 / weeks_elapsed)
