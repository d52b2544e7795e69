"""The pure rules of a plan's weeks (``careers.plans.timeline``): the skip budget and the
streak, planned breaks pushing the course weeks back, the send slots around a break across a
daylight-saving change, the year boundary, the pace a target date asks for, and what each
study day of a week is for.

Week tables are strings, one character a week from the plan's first Monday; the last
character is this week. Input: ``L`` logged, ``.`` nothing logged, ``s`` skipped on purpose,
``b`` a break week with nothing logged, ``B`` a break week with something logged, ``x`` a
break week skipped on purpose. Expected states: ``L`` logged, ``S`` skipped, ``M`` missed,
``B`` break, ``C`` this week not logged yet, ``F`` to come.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careers.plans.schedule import WEEK, WeekFocus, next_nudge_at, plan_schedule, week_start
from careers.plans.timeline import (
    LIGHT_DAY,
    SKIP_BUDGET,
    SKIP_BUDGET_MAX,
    SKIP_REFILL_WEEKS,
    Break,
    Timeline,
    WeekState,
    break_mondays,
    pace_toward,
    plan_timeline,
    skips_refill_explained,
    week_days,
)

# The first Monday of the plans in the week tables.
FIRST = date(2026, 11, 2)
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)

STATES = {
    "L": WeekState.LOGGED,
    "S": WeekState.SKIPPED,
    "M": WeekState.MISSED,
    "B": WeekState.BREAK,
    "C": WeekState.CURRENT,
    "F": WeekState.FUTURE,
}
LETTERS = {state: letter for letter, state in STATES.items()}

# The proposed pace must come from the same schedule the plan page lays out, so the pace
# tests use a real track's shape: five courses sharing sixteen weeks by default.
COURSES = [("NN", 4), ("Tuning", 3), ("Structuring", 2), ("CNN", 4), ("Sequence", 3)]
LADDER = ["MNIST", "Fashion-MNIST", "Own project"]


def monday(n: int, first: date = FIRST) -> date:
    return first + n * WEEK


def one_week_break(week: date) -> Break:
    return Break(week, week + timedelta(days=6))


def course_weeks(count: int) -> list[WeekFocus]:
    """``count`` course weeks, each told apart by its number."""
    return plan_schedule(weeks=count, courses=[("Course", 1)], project_steps=[])


def timeline_of(pattern: str, *, budget: int | None = None) -> Timeline:
    """The timeline of a week table whose last week is this week, with as many course weeks
    as the table has weeks outside breaks (so nothing is still to come)."""
    logged = [monday(n) for n, mark in enumerate(pattern) if mark in "LB"]
    skipped = [monday(n) for n, mark in enumerate(pattern) if mark in "sx"]
    breaks = [one_week_break(monday(n)) for n, mark in enumerate(pattern) if mark in "bBx"]
    extra = {} if budget is None else {"budget": budget}
    return plan_timeline(
        first_week=FIRST,
        schedule=course_weeks(sum(1 for mark in pattern if mark not in "bBx")),
        current_week=monday(len(pattern) - 1),
        logged=logged,
        skipped=skipped,
        breaks=breaks,
        **extra,
    )


def test_it_holds_two_skips_refilled_every_four_weeks_logged_by_default():
    # The tables below spell out budgets of 2 and refills after 4 weeks: they are the defaults.
    assert (SKIP_BUDGET, SKIP_REFILL_WEEKS) == (2, 4)


@pytest.mark.parametrize(
    ("budget", "pattern", "states", "skips", "streaks"),
    [
        # Default budget (2).
        (None, "LLLL", "LLLL", "2222", [1, 2, 3, 4]),
        # A week with nothing logged spends a skip and the streak carries on.
        (None, "L.L.", "LSLC", "2111", [1, 1, 2, 2]),
        (None, "L...", "LSSC", "2100", [1, 1, 1, 1]),
        # With no skip left the week is missed and the streak starts again at 0.
        (None, "L...L", "LSSML", "21000", [1, 1, 1, 0, 1]),
        (None, "....", "SSMC", "1000", [0, 0, 0, 0]),
        # Four weeks logged earn a skip back; three are not enough.
        (None, "..LLL.", "SSLLLC", "100000", [0, 0, 1, 2, 3, 3]),
        (None, "..LLLL", "SSLLLL", "100001", [0, 0, 1, 2, 3, 4]),
        (None, "..LLLLLLLL", "SSLLLLLLLL", "1000011112", [0, 0, 1, 2, 3, 4, 5, 6, 7, 8]),
        # Weeks logged while the budget is full bank nothing: eight of them, then three weeks
        # with nothing logged, and the third is missed.
        (
            None,
            "LLLLLLLL....",
            "LLLLLLLLSSMC",
            "222222221000",
            [1, 2, 3, 4, 5, 6, 7, 8, 8, 8, 0, 0],
        ),
        # Never above the budget: twelve weeks logged after spending both refill it to 2, not 3.
        (
            None,
            "..LLLLLLLLLLLL....",
            "SSLLLLLLLLLLLLSSMC",
            "100001111222221000",
            [0, 0, *range(1, 13), 12, 12, 0, 0],
        ),
        # Weeks logged count towards a refill across a spent skip: they need not be in a row.
        (None, ".LL.LL", "SLLSLL", "111001", [0, 1, 2, 2, 3, 4]),
        # A week skipped on purpose spends a skip like an empty one.
        (None, "LsL", "LSL", "211", [1, 1, 2]),
        (None, "..s", "SSM", "100", [0, 0, 0]),
        # This week spends a skip only when skipped on purpose: it is not over yet.
        (None, "L.", "LC", "22", [1, 1]),
        (None, "Ls", "LS", "21", [1, 1]),
        (None, "..", "SC", "11", [0, 0]),
        # A budget of 0: every empty past week is missed and nothing ever refills.
        (0, "LL.L.", "LLMLC", "00000", [1, 2, 0, 1, 1]),
        (0, "LLLL.L", "LLLLML", "000000", [1, 2, 3, 4, 0, 1]),
        (0, "Ls", "LM", "00", [1, 0]),
        # A budget of 1, used, refilled after four weeks logged, used again.
        (1, ".LLLL.L", "SLLLLSL", "0000100", [0, 1, 2, 3, 4, 4, 5]),
        # A bigger budget spends one a week like the small one.
        (5, "......", "SSSSSC", "432100", [0, 0, 0, 0, 0, 0]),
        # Break weeks spend nothing, add nothing to the streak and never miss, even at 0.
        (None, "LbbL", "LBBL", "2222", [1, 1, 1, 2]),
        (0, "LbbL", "LBBL", "0000", [1, 1, 1, 2]),
        (None, "..bb.", "SSBBC", "10000", [0, 0, 0, 0, 0]),
        # Skipping on purpose inside a break spends nothing either.
        (None, "Lx.", "LBC", "222", [1, 1, 1]),
        (0, "Lxx", "LBB", "000", [1, 1, 1]),
        # A week logged inside a break counts as logged (and towards a refill).
        (None, "LBL", "LLL", "222", [1, 2, 3]),
        (None, ".BBBL", "SLLLL", "11112", [0, 1, 2, 3, 4]),
        # This week in a break.
        (None, "Lb", "LB", "22", [1, 1]),
    ],
)
def test_it_spends_and_earns_back_skips_week_by_week(budget, pattern, states, skips, streaks):
    timeline = timeline_of(pattern, budget=budget)
    assert "".join(LETTERS[week.state] for week in timeline.weeks) == states
    assert "".join(str(week.skips_left) for week in timeline.weeks) == skips
    assert [week.streak for week in timeline.weeks] == streaks
    # The timeline's own figures are those after this week.
    assert (timeline.skips_left, timeline.streak) == (int(skips[-1]), streaks[-1])
    assert timeline.current == timeline.weeks[-1]


def test_it_spends_nothing_on_weeks_to_come_whatever_is_marked_on_them():
    # Six course weeks, this week the third; a check-in saved ahead (logged or skipped) is
    # not a week that happened.
    timeline = plan_timeline(
        first_week=FIRST,
        schedule=course_weeks(6),
        current_week=monday(2),
        logged=[monday(0), monday(4)],
        skipped=[monday(3)],
    )
    assert [week.state for week in timeline.weeks] == [
        WeekState.LOGGED,
        WeekState.SKIPPED,
        WeekState.CURRENT,
        WeekState.FUTURE,
        WeekState.FUTURE,
        WeekState.FUTURE,
    ]
    assert [week.skips_left for week in timeline.weeks] == [2, 1, 1, 1, 1, 1]
    assert (timeline.streak, timeline.skips_left) == (1, 1)
    assert timeline.weeks_counted == 3
    assert not timeline.finished


def test_it_keeps_counting_weeks_after_the_plans_last_course_week():
    timeline = plan_timeline(
        first_week=FIRST, schedule=course_weeks(3), current_week=monday(5), logged=[monday(5)]
    )
    assert [week.number for week in timeline.weeks] == [1, 2, 3, None, None, None]
    assert timeline.last_week == monday(2)
    assert timeline.finished
    # Weeks 0 to 4 had nothing logged: two skips, then three missed, and this week logged.
    assert timeline.counts()[WeekState.SKIPPED] == 2
    assert timeline.counts()[WeekState.MISSED] == 3
    assert timeline.streak == 1


def test_it_has_no_current_week_before_the_plan_starts():
    timeline = plan_timeline(first_week=FIRST, schedule=course_weeks(3), current_week=monday(-1))
    assert timeline.current is None
    assert [week.state for week in timeline.weeks] == [WeekState.FUTURE] * 3
    assert timeline.weeks_counted == 0
    assert not timeline.finished


# Breaks: (first week, weeks) of each, as offsets from the plan's first Monday.
@pytest.mark.parametrize(
    ("spans", "shift"),
    [
        ([], 0),
        # A break in the first week: the plan starts a week later.
        ([(0, 1)], 1),
        ([(3, 2)], 2),
        # Over what would have been the last course week.
        ([(9, 3)], 3),
        # Two breaks add up.
        ([(2, 1), (5, 3)], 4),
        # Overlapping breaks take each week once.
        ([(2, 3), (3, 3)], 4),
        # Before the plan starts, or after it ends: nothing moves.
        ([(-4, 3)], 0),
        ([(10, 2)], 0),
        ([(14, 5)], 0),
        # Right after the last course week once an earlier break pushed it: still after it.
        ([(1, 2), (12, 4)], 2),
    ],
)
def test_it_pushes_the_course_weeks_back_by_each_break(spans, shift):
    schedule = plan_schedule(weeks=10, courses=COURSES, project_steps=LADDER)
    breaks = [
        Break(monday(start), monday(start + weeks - 1) + timedelta(days=6))
        for start, weeks in spans
    ]
    timeline = plan_timeline(
        first_week=FIRST, schedule=schedule, current_week=monday(-1), breaks=breaks
    )
    off = break_mondays(breaks)
    placed = [week for week in timeline.weeks if week.focus is not None]
    # Every course week exactly once, in order, numbered 1 to 10, none on a break.
    assert [week.focus for week in placed] == schedule
    assert [week.number for week in placed] == list(range(1, 11))
    assert not any(week.monday in off for week in placed)
    assert all(week.in_break == (week.monday in off) for week in timeline.weeks)
    assert all(week.number is None for week in timeline.weeks if week.in_break)
    assert timeline.last_week == monday(9 + shift)
    assert timeline.weeks[-1].monday == timeline.last_week


def test_it_counts_a_week_logged_inside_a_break_as_logged_but_not_for_the_paper_target():
    breaks = [Break(monday(1), monday(2) + timedelta(days=6))]
    timeline = plan_timeline(
        first_week=FIRST,
        schedule=course_weeks(4),
        current_week=monday(3),
        logged=[monday(0), monday(1), monday(3)],
        breaks=breaks,
    )
    logged_in_break, quiet_in_break = timeline.weeks[1], timeline.weeks[2]
    assert logged_in_break.state == WeekState.LOGGED
    assert logged_in_break.in_break
    # Logging in a break takes no course week: the schedule still skips it.
    assert (logged_in_break.number, logged_in_break.focus) == (None, None)
    assert quiet_in_break.state == WeekState.BREAK
    assert timeline.streak == 3
    assert timeline.skips_left == 2
    # Four weeks so far, two of them a break: the paper target counts two.
    assert timeline.weeks_counted == 2
    assert timeline.current.number == 2


@pytest.mark.parametrize(
    ("current", "counted"),
    [
        (0, 1),
        (1, 2),
        # This week and last in the break: the count holds at the week before it.
        (2, 2),
        (3, 2),
        (4, 3),
        (6, 5),
    ],
)
def test_it_leaves_break_weeks_out_of_the_weeks_counted(current, counted):
    breaks = [Break(monday(2), monday(3) + timedelta(days=6))]
    timeline = plan_timeline(
        first_week=FIRST, schedule=course_weeks(8), current_week=monday(current), breaks=breaks
    )
    assert timeline.weeks_counted == counted
    assert timeline.on_break == (current in (2, 3))


def test_it_spends_no_skip_and_keeps_the_streak_through_a_quiet_break():
    # Without the break the three quiet weeks would spend both skips and miss the third.
    quiet = {"first_week": FIRST, "schedule": course_weeks(8), "current_week": monday(5)}
    logged = [monday(0), monday(1), monday(5)]
    breaks = [Break(monday(2), monday(4) + timedelta(days=6))]
    without = plan_timeline(**quiet, logged=logged)
    within = plan_timeline(**quiet, logged=logged, breaks=breaks)
    assert (without.streak, without.skips_left) == (1, 0)
    assert (within.streak, within.skips_left) == (3, 2)
    assert within.counts()[WeekState.BREAK] == 3


def test_it_lays_a_break_across_the_new_year_onto_the_right_weeks():
    # 2026 has 53 ISO weeks: Monday 28 December 2026 is week 53, 4 January 2027 week 1.
    first = date(2026, 12, 7)
    holiday = Break.of_days(date(2026, 12, 23), date(2027, 1, 6))
    timeline = plan_timeline(
        first_week=first, schedule=course_weeks(6), current_week=first, breaks=[holiday]
    )
    assert (holiday.start, holiday.end, holiday.weeks) == (
        date(2026, 12, 21),
        date(2027, 1, 10),
        3,
    )
    assert [(week.monday, week.number, week.state) for week in timeline.weeks] == [
        (date(2026, 12, 7), 1, WeekState.CURRENT),
        (date(2026, 12, 14), 2, WeekState.FUTURE),
        (date(2026, 12, 21), None, WeekState.BREAK),
        (date(2026, 12, 28), None, WeekState.BREAK),
        (date(2027, 1, 4), None, WeekState.BREAK),
        (date(2027, 1, 11), 3, WeekState.FUTURE),
        (date(2027, 1, 18), 4, WeekState.FUTURE),
        (date(2027, 1, 25), 5, WeekState.FUTURE),
        (date(2027, 2, 1), 6, WeekState.FUTURE),
    ]
    assert [monday.isocalendar()[:2] for monday in holiday.mondays()] == [
        (2026, 52),
        (2026, 53),
        (2027, 1),
    ]
    assert timeline.weeks[3].sunday == date(2027, 1, 3)
    assert timeline.last_week == date(2027, 2, 1)


@pytest.mark.parametrize(
    ("first_day", "last_day", "start", "end", "weeks"),
    [
        # Monday to Sunday stays as it is.
        (date(2027, 3, 1), date(2027, 3, 7), date(2027, 3, 1), date(2027, 3, 7), 1),
        # A single Wednesday is its whole week.
        (date(2027, 3, 3), date(2027, 3, 3), date(2027, 3, 1), date(2027, 3, 7), 1),
        # Sunday to the next Monday: two weeks, not two days.
        (date(2027, 3, 7), date(2027, 3, 8), date(2027, 3, 1), date(2027, 3, 14), 2),
        # New Year's Eve and Day fall in ISO week 53 of 2026.
        (date(2026, 12, 31), date(2027, 1, 1), date(2026, 12, 28), date(2027, 1, 3), 1),
        (date(2027, 1, 3), date(2027, 1, 4), date(2026, 12, 28), date(2027, 1, 10), 2),
        # Across the end of February in a leap year.
        (date(2028, 2, 27), date(2028, 3, 1), date(2028, 2, 21), date(2028, 3, 5), 2),
    ],
)
def test_it_widens_the_days_of_a_break_to_whole_weeks(first_day, last_day, start, end, weeks):
    span = Break.of_days(first_day, last_day)
    assert (span.start, span.end, span.weeks) == (start, end, weeks)
    assert span.start.weekday() == MONDAY
    assert span.end.weekday() == SUNDAY
    assert span.mondays() == [start + n * WEEK for n in range(weeks)]


@pytest.mark.parametrize(
    ("other", "overlaps"),
    [
        (Break(date(2027, 3, 8), date(2027, 3, 14)), True),
        # Sharing only the last Sunday is still an overlap: the same week.
        (Break(date(2027, 3, 14), date(2027, 3, 20)), True),
        (Break(date(2027, 3, 15), date(2027, 3, 21)), False),
        (Break(date(2027, 2, 22), date(2027, 2, 28)), False),
        (Break(date(2027, 2, 1), date(2027, 4, 4)), True),
    ],
)
def test_it_tells_overlapping_breaks_apart(other, overlaps):
    span = Break(date(2027, 3, 1), date(2027, 3, 14))
    assert span.overlaps(other) == overlaps
    assert other.overlaps(span) == overlaps


# Send slots after a break that spans a daylight-saving change. London moves its clocks
# forward on Sunday 28 March 2027 (the last Sunday of March); New York moves them back on
# Sunday 1 November 2026.
@pytest.mark.parametrize(
    ("tz", "holiday", "weekday", "hour", "after", "expected"),
    [
        # A week off ending on the change: the Saturday slot of 27 March is skipped and the
        # next is 09:00 BST, 08:00 UTC.
        (
            "Europe/London",
            Break.of_days(date(2027, 3, 22), date(2027, 3, 28)),
            SATURDAY,
            9,
            datetime(2027, 3, 20, 12, tzinfo=UTC),
            datetime(2027, 4, 3, 8, tzinfo=UTC),
        ),
        # The Sunday slot falls on the day of the change itself, inside the break.
        (
            "Europe/London",
            Break.of_days(date(2027, 3, 22), date(2027, 3, 28)),
            SUNDAY,
            9,
            datetime(2027, 3, 21, 12, tzinfo=UTC),
            datetime(2027, 4, 4, 8, tzinfo=UTC),
        ),
        # Two weeks off around the change, chosen on a Wednesday and a Thursday.
        (
            "Europe/London",
            Break.of_days(date(2027, 3, 24), date(2027, 4, 1)),
            MONDAY,
            18,
            datetime(2027, 3, 20, 12, tzinfo=UTC),
            datetime(2027, 4, 5, 17, tzinfo=UTC),
        ),
        # New York: 01:00 on 1 November happens twice, but the break skips it; the next slot
        # is 01:00 EST, 06:00 UTC.
        (
            "America/New_York",
            Break.of_days(date(2026, 10, 26), date(2026, 11, 1)),
            SUNDAY,
            1,
            datetime(2026, 10, 25, 12, tzinfo=UTC),
            datetime(2026, 11, 8, 6, tzinfo=UTC),
        ),
        (
            "America/New_York",
            Break.of_days(date(2026, 10, 26), date(2026, 11, 1)),
            SATURDAY,
            9,
            datetime(2026, 10, 25, 12, tzinfo=UTC),
            datetime(2026, 11, 7, 14, tzinfo=UTC),
        ),
    ],
)
def test_it_sends_the_first_slot_after_a_break_at_the_same_local_hour(
    tz, holiday, weekday, hour, after, expected
):
    zone = ZoneInfo(tz)
    slot = next_nudge_at(
        after=after,
        start_date=date(2026, 1, 1),
        weekday=weekday,
        hour=hour,
        tz=tz,
        skip_weeks=break_mondays([holiday]),
    )
    assert slot == expected
    local = slot.astimezone(zone)
    assert (local.weekday(), local.hour, local.minute) == (weekday, hour, 0)
    # In the first week after the break, not inside it.
    assert week_start(local.date()) == holiday.end + timedelta(days=1)
    # The clocks really changed between the last slot before the break and this one.
    assert local.utcoffset() != after.astimezone(zone).utcoffset()


def test_it_sends_one_slot_a_week_around_a_break_and_none_inside_it():
    tz = "Europe/London"
    holiday = Break.of_days(date(2027, 3, 22), date(2027, 4, 4))
    after = datetime(2027, 3, 1, tzinfo=UTC)
    found = []
    for _ in range(5):
        after = next_nudge_at(
            after=after,
            start_date=date(2027, 1, 4),
            weekday=SATURDAY,
            hour=9,
            tz=tz,
            skip_weeks=break_mondays([holiday]),
        )
        found.append(after.astimezone(ZoneInfo(tz)))
    assert [slot.date() for slot in found] == [
        date(2027, 3, 6),
        date(2027, 3, 13),
        date(2027, 3, 20),
        # 27 March and 3 April are in the break.
        date(2027, 4, 10),
        date(2027, 4, 17),
    ]
    assert {slot.hour for slot in found} == {9}
    assert [slot.utcoffset() for slot in found] == [timedelta(0)] * 3 + [timedelta(hours=1)] * 2


# The pace: a plan started Monday 4 January 2027 at sixteen weeks for the specialization,
# two papers a week, in its fifth week (four course weeks done, eight papers read). At this
# pace the last course week is 19 April and the plan ends on Sunday 25 April.
PLAN_FIRST = date(2027, 1, 4)
PLAN_NOW = date(2027, 2, 1)
PLAN_FINISH = date(2027, 4, 25)
ML_COURSE = "Machine Learning"


def plan_on(weeks: int, *, fixed: int, breaks: list[Break]) -> Timeline:
    schedule = plan_schedule(
        weeks=weeks,
        courses=COURSES,
        project_steps=LADDER,
        ml_course=(ML_COURSE, fixed) if fixed else None,
    )
    return plan_timeline(
        first_week=PLAN_FIRST,
        schedule=schedule,
        current_week=PLAN_NOW,
        logged=[PLAN_FIRST + n * WEEK for n in range(4)],
        breaks=breaks,
    )


def pace_for(
    target: date,
    *,
    breaks: list[Break] | None = None,
    fixed: int = 0,
    papers_per_week: int = 2,
    papers_read: int = 8,
    max_papers_per_week: int = 10,
):
    breaks = breaks or []
    return pace_toward(
        target=target,
        timeline=plan_on(16, fixed=fixed, breaks=breaks),
        breaks=breaks,
        fixed_weeks=fixed,
        fastest_weeks=8,
        slowest_weeks=52,
        papers_per_week=papers_per_week,
        papers_read=papers_read,
        max_papers_per_week=max_papers_per_week,
    )


def finish_on(weeks: int, *, fixed: int = 0, breaks: list[Break] | None = None) -> date:
    """The Sunday a plan re-laid at ``weeks`` for the specialization really ends on."""
    return plan_on(weeks, fixed=fixed, breaks=breaks or []).last_week + timedelta(days=6)


@pytest.mark.parametrize(
    "target",
    [PLAN_FINISH, PLAN_FINISH + timedelta(days=1), date(2027, 9, 1)],
)
def test_it_proposes_nothing_when_the_target_is_met_at_the_present_pace(target):
    pace = pace_for(target)
    assert pace.on_track
    assert pace.finish == PLAN_FINISH
    assert (pace.weeks, pace.papers_per_week, pace.finish_at_new_pace) == (None, None, None)
    assert pace.problem == ""


@pytest.mark.parametrize(
    ("target", "fixed", "breaks", "weeks", "available", "finish"),
    [
        # Two weeks earlier, on a Sunday: ten weeks left from this one, fourteen for the
        # specialization.
        (date(2027, 4, 11), 0, [], 14, 10, date(2027, 4, 11)),
        # The fastest the plan offers, exactly.
        (date(2027, 2, 28), 0, [], 8, 4, date(2027, 2, 28)),
        # A day short of the plan's own end: the last week does not end by then.
        (date(2027, 4, 24), 0, [], 15, 11, date(2027, 4, 18)),
        # A Wednesday target: its own week would end after it, so it does not count.
        (date(2027, 4, 14), 0, [], 14, 10, date(2027, 4, 11)),
        (date(2027, 4, 21), 0, [], 15, 11, date(2027, 4, 18)),
        # A two-week break before the target takes two weeks off the specialization.
        (
            date(2027, 4, 11),
            0,
            [Break(date(2027, 2, 15), date(2027, 2, 28))],
            12,
            8,
            date(2027, 4, 11),
        ),
        # The machine learning course first keeps its eleven weeks; the rest give way.
        (date(2027, 6, 27), 11, [], 14, 21, date(2027, 6, 27)),
    ],
)
def test_it_proposes_a_pace_that_really_finishes_by_the_target(
    target, fixed, breaks, weeks, available, finish
):
    pace = pace_for(target, fixed=fixed, breaks=breaks)
    assert not pace.on_track
    assert (pace.weeks, pace.weeks_available) == (weeks, available)
    assert pace.finish_at_new_pace == finish
    assert pace.problem == ""
    # Laying the plan out again at the proposed weeks ends where the proposal says, by the
    # target.
    assert finish_on(pace.weeks, fixed=fixed, breaks=breaks) == finish
    assert finish <= target
    # And one week fewer would have been needlessly fast: the proposal is the slowest that fits.
    assert finish_on(pace.weeks + 1, fixed=fixed, breaks=breaks) > target


def test_it_needs_a_faster_pace_once_a_break_eats_into_the_weeks():
    # On track without the break; a two-week break before the end makes it two weeks late.
    holiday = [Break(date(2027, 3, 1), date(2027, 3, 14))]
    assert pace_for(PLAN_FINISH).on_track
    pace = pace_for(PLAN_FINISH, breaks=holiday)
    assert not pace.on_track
    assert pace.finish == PLAN_FINISH + 2 * WEEK
    assert pace.weeks_available == pace_for(PLAN_FINISH).weeks_available - 2
    assert pace.weeks == 14
    assert finish_on(14, breaks=holiday) == PLAN_FINISH


@pytest.mark.parametrize(
    ("target", "available"),
    [
        # Three weeks left: seven for the specialization, under the fastest eight.
        (date(2027, 2, 21), 3),
        # This week's Wednesday: not even this week ends by then.
        (date(2027, 2, 3), 0),
    ],
)
def test_it_explains_a_target_faster_than_the_fastest_pace(target, available):
    pace = pace_for(target)
    assert not pace.on_track
    assert pace.weeks_available == available
    assert (pace.weeks, pace.papers_per_week, pace.finish_at_new_pace) == (None, None, None)
    assert "fastest pace the plan offers (8 weeks" in pace.problem
    assert f"the {available} week" in pace.problem
    # The fastest pace really is too slow for it.
    assert finish_on(8) > target


def test_it_refuses_a_target_that_has_passed():
    pace = pace_for(date(2027, 1, 31))
    assert not pace.on_track
    assert pace.weeks_available == 0
    assert pace.weeks is None
    assert "has passed" in pace.problem


def test_it_says_a_target_is_before_the_start_of_a_plan_not_begun():
    this_week = date(2027, 2, 1)
    schedule = plan_schedule(weeks=8, courses=[("A", 1), ("B", 1)], project_steps=[])
    timeline = plan_timeline(
        first_week=this_week + 4 * WEEK, schedule=schedule, current_week=this_week
    )
    pace = pace_toward(
        target=this_week + 2 * WEEK,
        timeline=timeline,
        breaks=[],
        fixed_weeks=0,
        fastest_weeks=4,
        slowest_weeks=52,
        papers_per_week=2,
        papers_read=0,
        max_papers_per_week=20,
    )
    assert not pace.on_track
    assert pace.problem == "The target is before the plan starts: choose a later date."


@pytest.mark.parametrize(
    ("papers_per_week", "papers_read", "expected"),
    [
        # 32 planned, 8 read: 24 over the ten weeks left is 2.4, rounded up.
        (2, 8, 3),
        # Ahead on papers: fewer a week.
        (2, 22, 1),
        # All read already: still one a week, the habit the plan keeps.
        (2, 40, 1),
        # A plan that asks for none gets none.
        (0, 0, 0),
    ],
)
def test_it_spreads_the_papers_left_over_the_weeks_to_the_target(
    papers_per_week, papers_read, expected
):
    pace = pace_for(date(2027, 4, 11), papers_per_week=papers_per_week, papers_read=papers_read)
    assert pace.papers_per_week == expected
    assert pace.problem == ""


def test_it_caps_the_papers_a_week_and_says_so():
    # 160 planned, 40 read: 120 over ten weeks is twelve a week, above the ten allowed.
    pace = pace_for(date(2027, 4, 11), papers_per_week=10, papers_read=40)
    assert pace.papers_per_week == 10
    assert pace.weeks == 14
    assert "12 a week" in pace.problem
    assert "keeps to 10" in pace.problem


FOCUS = WeekFocus(week=3, course="CNN", course_week=2, course_weeks=4, project_step="Fashion-MNIST")
MODULE = "CNN, week 2 of 4"
PROJECT = "Project step: Fashion-MNIST"


@pytest.mark.parametrize(
    ("study_days", "light_days", "focus", "expected"),
    [
        # Three full days: the module, and the project step on the last.
        ([MONDAY, WEDNESDAY, FRIDAY], [], FOCUS, [MODULE, MODULE, PROJECT]),
        # The last day light: the project step moves to the last full day.
        ([MONDAY, WEDNESDAY, FRIDAY], [FRIDAY], FOCUS, [MODULE, PROJECT, LIGHT_DAY]),
        # One full day takes the module; the project step needs a second.
        ([MONDAY, WEDNESDAY, FRIDAY], [WEDNESDAY, FRIDAY], FOCUS, [MODULE, LIGHT_DAY, LIGHT_DAY]),
        # A light day first.
        ([MONDAY, WEDNESDAY, FRIDAY], [MONDAY], FOCUS, [LIGHT_DAY, MODULE, PROJECT]),
        # All light: no module at all that week.
        ([TUESDAY, SATURDAY], [TUESDAY, SATURDAY], FOCUS, [LIGHT_DAY, LIGHT_DAY]),
        # A light day that is not a study day changes nothing.
        ([TUESDAY, SATURDAY], [SUNDAY], FOCUS, [MODULE, PROJECT]),
        # A week with no project step keeps the module on every full day.
        (
            [MONDAY, THURSDAY],
            [],
            WeekFocus(week=1, course="NN", course_week=1, course_weeks=4, project_step=""),
            ["NN, week 1 of 4"] * 2,
        ),
        # No course week (a break, or after the plan): only light suggestions.
        ([MONDAY, THURSDAY], [], None, [LIGHT_DAY, LIGHT_DAY]),
    ],
)
def test_it_says_what_each_study_day_is_for(study_days, light_days, focus, expected):
    days = week_days(study_days=study_days, light_days=light_days, focus=focus)
    assert [day.text for day in days] == expected
    assert [day.light for day in days] == [day in light_days for day in sorted(study_days)]
    # A light day never carries a course module.
    assert not any(day.light and day.text != LIGHT_DAY for day in days)


def test_it_lists_the_study_days_monday_first():
    days = week_days(study_days=[SUNDAY, TUESDAY, FRIDAY], light_days=[TUESDAY], focus=FOCUS)
    assert [day.weekday for day in days] == [TUESDAY, FRIDAY, SUNDAY]
    assert [day.text for day in days] == [LIGHT_DAY, MODULE, PROJECT]


@pytest.mark.parametrize(
    ("budget", "says", "never"),
    [
        (0, "keeps no skips", "You hold"),
        (1, "up to 1 skip.", "1 skips"),
        (2, "up to 2 skips.", "keeps no skips"),
    ],
)
def test_it_explains_the_skip_budget_in_a_sentence(budget, says, never):
    text = skips_refill_explained(budget)
    assert says in text
    assert never not in text


# Property tests: the schedule and the budget hold for any plan, breaks and check-ins.
# The autouse settings fixture only swaps the cache and hasher, harmless to share between
# examples, so the function-scoped fixture check does not apply.
PROPERTY = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
spans = st.lists(st.tuples(st.integers(-4, 40), st.integers(1, 6)), max_size=4)


def breaks_of(offsets: list[tuple[int, int]], first: date) -> list[Break]:
    return [
        Break(first + start * WEEK, first + (start + weeks) * WEEK - timedelta(days=1))
        for start, weeks in offsets
    ]


@PROPERTY
@given(
    length=st.integers(1, 30),
    offsets=spans,
    logged=st.sets(st.integers(-2, 70)),
    skipped=st.sets(st.integers(-2, 70)),
    current=st.integers(-3, 70),
    budget=st.integers(0, SKIP_BUDGET_MAX),
)
def test_it_places_every_course_week_once_in_order_and_keeps_skips_in_the_budget(
    length, offsets, logged, skipped, current, budget
):
    schedule = course_weeks(length)
    breaks = breaks_of(offsets, FIRST)
    off = break_mondays(breaks)
    timeline = plan_timeline(
        first_week=FIRST,
        schedule=schedule,
        current_week=monday(current),
        logged=[monday(n) for n in logged],
        skipped=[monday(n) for n in skipped],
        breaks=breaks,
        budget=budget,
    )
    weeks = timeline.weeks
    assert [week.monday for week in weeks] == [monday(n) for n in range(len(weeks))]
    placed = [week for week in weeks if week.focus is not None]
    assert [week.focus for week in placed] == schedule
    assert [week.number for week in placed] == list(range(1, length + 1))
    assert not any(week.monday in off for week in placed)
    # No gap: every week up to the last course week is a course week or a break.
    assert all(
        week.number is not None or week.monday in off
        for week in weeks
        if week.monday <= timeline.last_week
    )
    assert timeline.last_week == placed[-1].monday
    assert weeks[-1].monday == max(timeline.last_week, monday(current))
    previous_streak, previous_skips = 0, budget
    for week in weeks:
        assert 0 <= week.skips_left <= budget
        if week.state == WeekState.LOGGED:
            assert week.streak == previous_streak + 1
        elif week.state == WeekState.MISSED:
            assert week.streak == 0
            assert previous_skips == 0
        else:
            assert week.streak == previous_streak
        if week.state in (WeekState.BREAK, WeekState.CURRENT, WeekState.FUTURE):
            assert week.skips_left == previous_skips
        if week.state == WeekState.SKIPPED:
            assert week.skips_left == previous_skips - 1
        previous_streak, previous_skips = week.streak, week.skips_left
    assert timeline.weeks_counted == sum(
        1 for week in weeks if week.monday <= monday(current) and week.monday not in off
    )


@PROPERTY
@given(
    plan_weeks=st.integers(5, 30),
    fixed=st.sampled_from([0, 3, 11]),
    offsets=spans,
    now=st.integers(0, 40),
    target_days=st.integers(-20, 400),
    papers_per_week=st.integers(0, 10),
    papers_read=st.integers(0, 200),
)
def test_it_never_proposes_a_pace_that_misses_the_target(
    plan_weeks, fixed, offsets, now, target_days, papers_per_week, papers_read
):
    first = PLAN_FIRST
    this_week = first + now * WEEK
    breaks = breaks_of(offsets, first)
    target = this_week + timedelta(days=target_days)
    fastest = max(len(COURSES), -(-plan_weeks // 2))

    def laid_out(weeks: int) -> Timeline:
        ml_course = (ML_COURSE, fixed) if fixed else None
        schedule = plan_schedule(
            weeks=weeks, courses=COURSES, project_steps=LADDER, ml_course=ml_course
        )
        return plan_timeline(
            first_week=first, schedule=schedule, current_week=this_week, breaks=breaks
        )

    pace = pace_toward(
        target=target,
        timeline=laid_out(plan_weeks),
        breaks=breaks,
        fixed_weeks=fixed,
        fastest_weeks=fastest,
        slowest_weeks=52,
        papers_per_week=papers_per_week,
        papers_read=papers_read,
        max_papers_per_week=10,
    )
    assert pace.on_track == (pace.finish <= target)
    if pace.weeks is not None:
        assert not pace.on_track
        assert fastest <= pace.weeks <= 52
        assert 0 <= pace.papers_per_week <= 10
        finish = laid_out(pace.weeks).last_week + timedelta(days=6)
        assert finish == pace.finish_at_new_pace
        assert finish <= target
    elif not pace.on_track:
        assert pace.problem
        if week_start(target) >= this_week and pace.weeks_available:
            assert laid_out(fastest).last_week + timedelta(days=6) > target
