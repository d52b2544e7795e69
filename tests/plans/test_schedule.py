from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from careers.plans.schedule import (
    local_week_start,
    next_nudge_at,
    papers_per_year_pace,
    plan_schedule,
    week_number,
    week_start,
)

SATURDAY, SUNDAY = 5, 6


def local(instant: datetime, tz: str) -> datetime:
    return instant.astimezone(ZoneInfo(tz))


def slots(*, after: datetime, weekday: int, hour: int, tz: str, count: int) -> list[datetime]:
    found = []
    for _ in range(count):
        after = next_nudge_at(
            after=after, start_date=date(2026, 1, 1), weekday=weekday, hour=hour, tz=tz
        )
        found.append(after)
    return found


@pytest.mark.parametrize(
    ("tz", "around"),
    [
        # New York: clocks go forward on 8 March 2026 and back on 1 November 2026.
        ("America/New_York", datetime(2026, 2, 25, tzinfo=UTC)),
        ("America/New_York", datetime(2026, 10, 20, tzinfo=UTC)),
        # Auckland: clocks go back on 5 April 2026 and forward on 27 September 2026.
        ("Pacific/Auckland", datetime(2026, 3, 25, tzinfo=UTC)),
        ("Pacific/Auckland", datetime(2026, 9, 15, tzinfo=UTC)),
    ],
)
def test_it_keeps_the_local_hour_across_daylight_saving_changes(tz, around):
    found = slots(after=around, weekday=SATURDAY, hour=9, tz=tz, count=4)
    assert [local(s, tz).hour for s in found] == [9, 9, 9, 9]
    assert [local(s, tz).weekday() for s in found] == [SATURDAY] * 4
    # Exactly one slot a week: six or seven days' worth of UTC hours apart, never two.
    gaps = {found[i + 1] - found[i] for i in range(3)}
    assert gaps <= {timedelta(days=7), timedelta(days=7, hours=1), timedelta(days=7, hours=-1)}
    # The UTC offset really changed inside the window (the test spans a DST change).
    assert len({local(s, tz).utcoffset() for s in found}) == 2


def test_it_sends_a_slot_in_the_spring_forward_gap_once_an_hour_later():
    # 02:30 does not exist in New York on 8 March 2026.
    slot = next_nudge_at(
        after=datetime(2026, 3, 7, tzinfo=UTC),
        start_date=date(2026, 1, 1),
        weekday=SUNDAY,
        hour=2,
        tz="America/New_York",
    )
    assert local(slot, "America/New_York") == datetime(
        2026, 3, 8, 3, 0, tzinfo=ZoneInfo("America/New_York")
    )


def test_it_sends_a_slot_in_the_fall_back_repeat_once():
    tz = "America/New_York"
    first = next_nudge_at(
        after=datetime(2026, 10, 31, tzinfo=UTC),
        start_date=date(2026, 1, 1),
        weekday=SUNDAY,
        hour=1,
        tz=tz,
    )
    second = next_nudge_at(after=first, start_date=date(2026, 1, 1), weekday=SUNDAY, hour=1, tz=tz)
    assert local(first, tz).date() == date(2026, 11, 1)
    assert local(second, tz).date() == date(2026, 11, 8)


def test_it_picks_the_first_chosen_slot_after_the_plan_starts():
    # Created on a Wednesday, starting the next Monday, nudges on Saturdays at 09:00 London.
    slot = next_nudge_at(
        after=datetime(2026, 11, 25, 12, tzinfo=UTC),
        start_date=date(2026, 11, 30),
        weekday=SATURDAY,
        hour=9,
        tz="Europe/London",
    )
    assert slot == datetime(2026, 12, 5, 9, tzinfo=UTC)


def test_it_keeps_a_slot_later_today_in_this_week():
    slot = next_nudge_at(
        after=datetime(2026, 11, 28, 8, 59, tzinfo=UTC),
        start_date=date(2026, 11, 1),
        weekday=SATURDAY,
        hour=9,
        tz="UTC",
    )
    assert slot == datetime(2026, 11, 28, 9, tzinfo=UTC)
    after_it = next_nudge_at(
        after=slot, start_date=date(2026, 11, 1), weekday=SATURDAY, hour=9, tz="UTC"
    )
    assert after_it == datetime(2026, 12, 5, 9, tzinfo=UTC)


def test_it_counts_weeks_in_the_learners_zone():
    # Sunday 23:30 UTC is already Monday in Auckland.
    instant = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)
    assert local_week_start(instant, "UTC") == date(2026, 11, 23)
    assert local_week_start(instant, "Pacific/Auckland") == date(2026, 11, 30)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 29), 0),
        (date(2026, 11, 30), 1),
        (date(2026, 12, 6), 1),
        (date(2026, 12, 7), 2),
    ],
)
def test_it_numbers_weeks_from_monday_to_sunday(day, expected):
    # A plan starting on a Monday.
    assert week_number(start_date=date(2026, 11, 30), day=day) == expected


COURSES = [("NN", 4), ("Tuning", 3), ("Structuring", 2), ("CNN", 4), ("Sequence", 3)]
LADDER = ["MNIST", "Fashion-MNIST", "Own project"]


@pytest.mark.parametrize("weeks", [4, 8, 16, 20, 52])
def test_it_spreads_the_courses_over_the_chosen_pace(weeks):
    schedule = plan_schedule(weeks=weeks, courses=COURSES, project_steps=LADDER)
    assert len(schedule) == max(weeks, len(COURSES))
    assert schedule[0].course == "NN"
    assert schedule[-1].course == "Sequence"
    assert {focus.course for focus in schedule} == {title for title, _ in COURSES}
    assert schedule[0].project_step == "MNIST"
    assert schedule[-1].project_step == "Own project"
    assert [focus.week for focus in schedule] == list(range(1, len(schedule) + 1))


def test_it_follows_the_course_shares_at_the_default_pace():
    schedule = plan_schedule(weeks=16, courses=COURSES, project_steps=LADDER)
    lengths = {}
    for focus in schedule:
        lengths[focus.course] = focus.course_weeks
    assert lengths == {"NN": 4, "Tuning": 3, "Structuring": 2, "CNN": 4, "Sequence": 3}


def test_it_puts_the_ml_course_first_when_asked():
    schedule = plan_schedule(
        weeks=16, courses=COURSES, project_steps=LADDER, ml_course=("Machine Learning", 11)
    )
    assert len(schedule) == 27
    assert schedule[0].is_ml_course
    assert schedule[10].course == "Machine Learning"
    assert schedule[11].course == "NN"
    assert not schedule[11].is_ml_course


def test_it_paces_two_papers_a_week_at_about_a_hundred_a_year():
    assert papers_per_year_pace(papers_read=2 * 10, weeks_elapsed=10) == 104
    assert papers_per_year_pace(papers_read=0, weeks_elapsed=0) == 0


def test_it_starts_the_week_on_monday():
    assert week_start(date(2026, 11, 29)) == date(2026, 11, 23)
    assert week_start(date(2026, 11, 23)) == date(2026, 11, 23)
