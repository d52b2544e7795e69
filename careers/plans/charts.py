"""The pictures of a plan's habit, as the geometry server-rendered SVGs draw: a heatmap of
every week, the streak week by week as bars and the papers read against the target as two
lines. Pure functions of the timeline's weeks and numbers, no ORM, like ``timeline``.

Every picture comes with its text alternative (a title and a summary with the counts) and
each heatmap cell with its own title. A cell's state shows in a letter and, for a break, a
hatch as well as in colour, so the heatmap reads without colour too. The drawings use a
viewBox and fit a 390 px phone: the heatmap wraps after ``PER_ROW`` weeks (a quarter).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from careers.plans.timeline import STATE_LABELS, PlanWeek, WeekState, week_counts

PER_ROW = 13
CELL = 20
CELL_GAP = 4
# The column of row labels (the Monday a row starts on) left of the cells.
ROW_LABEL = 40

# The letter in each cell: the state without its colour. The weeks to come stay empty.
STATE_LETTERS = {
    WeekState.LOGGED: "L",
    WeekState.SKIPPED: "S",
    WeekState.BREAK: "B",
    WeekState.MISSED: "M",
    WeekState.CURRENT: "N",
    WeekState.FUTURE: "",
}

# How the heatmap's summary counts the weeks of each state ("3 logged, 1 in a break").
SUMMARY_WORDS = {
    WeekState.LOGGED: "logged",
    WeekState.SKIPPED: "skipped, a skip used",
    WeekState.BREAK: "in a break",
    WeekState.MISSED: "missed",
    WeekState.CURRENT: "this week, not logged yet",
    WeekState.FUTURE: "to come",
}

CHART_WIDTH = 320
CHART_HEIGHT = 130
CHART_LEFT = 30  # the axis labels left of it
CHART_TOP = 8
CHART_BASELINE = 110  # the week labels below it


def _day(day: date) -> str:
    return f"{day:%-d %b %Y}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


@dataclass(frozen=True)
class HeatCell:
    x: int
    y: int
    state: WeekState
    letter: str
    title: str

    @property
    def text_x(self) -> float:
        return self.x + CELL / 2

    @property
    def text_y(self) -> float:
        return self.y + CELL / 2 + 4


@dataclass(frozen=True)
class HeatRow:
    label: str
    label_y: float


@dataclass(frozen=True)
class LegendItem:
    state: WeekState
    label: str
    letter: str
    count: int


@dataclass(frozen=True)
class Heatmap:
    cells: list[HeatCell]
    rows: list[HeatRow]
    legend: list[LegendItem]
    title: str
    summary: str
    width: int
    height: int
    cell: int = CELL

    @property
    def label_x(self) -> int:
        return ROW_LABEL - 6


def cell_title(week: PlanWeek) -> str:
    """A cell's own title: the week, its dates and what became of it."""
    name = f"Week {week.number}, " if week.number else ""
    state = STATE_LABELS[week.state]
    if week.in_break and week.state != WeekState.BREAK:
        state += ", during a break"
    return f"{name}{_day(week.monday)} to {_day(week.sunday)}: {state}"


def heatmap_summary(counts: Mapping[WeekState, int]) -> str:
    """The heatmap in words: how many weeks, and how many of them are in each state."""
    total = sum(counts.values())
    parts = [
        f"{counts.get(state, 0)} {SUMMARY_WORDS[state]}"
        for state in WeekState
        if counts.get(state, 0)
    ]
    return f"{_plural(total, 'week')}: {'; '.join(parts)}." if parts else "No weeks yet."


def habit_heatmap(weeks: Sequence[PlanWeek]) -> Heatmap:
    """One cell per week, ``PER_ROW`` to a row, each row labelled with its first Monday."""
    step = CELL + CELL_GAP
    cells, rows = [], []
    for index, week in enumerate(weeks):
        row, column = divmod(index, PER_ROW)
        if column == 0:
            rows.append(HeatRow(label=f"{week.monday:%-d %b}", label_y=row * step + CELL / 2 + 4))
        cells.append(
            HeatCell(
                x=ROW_LABEL + column * step,
                y=row * step,
                state=week.state,
                letter=STATE_LETTERS[week.state],
                title=cell_title(week),
            )
        )
    counts = week_counts(weeks)
    columns = min(len(weeks), PER_ROW) or 1
    return Heatmap(
        cells=cells,
        rows=rows,
        legend=[
            LegendItem(state, STATE_LABELS[state], STATE_LETTERS[state], counts[state])
            for state in WeekState
        ],
        title="Your plan week by week",
        summary=heatmap_summary(counts),
        width=ROW_LABEL + columns * step - CELL_GAP,
        height=max(len(rows), 1) * step - CELL_GAP,
    )


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    height: float
    title: str


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    title: str


@dataclass(frozen=True)
class AxisLabel:
    text: str
    x: float


@dataclass(frozen=True)
class Chart:
    """A small chart of the weeks so far: bars (the streak) or lines (papers)."""

    title: str
    summary: str
    top_label: str
    bars: list[Bar]
    # Polylines as SVG ``points``: the papers read (a dot on each week), and the target.
    line: str = ""
    target_line: str = ""
    dots: tuple[Dot, ...] = ()
    week_labels: tuple[AxisLabel, ...] = ()
    bar_width: float = 0
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    left: int = CHART_LEFT
    top: int = CHART_TOP
    baseline: int = CHART_BASELINE

    @property
    def axis_label_x(self) -> int:
        return self.left - 4

    @property
    def top_label_y(self) -> int:
        return self.top + 8

    @property
    def week_label_y(self) -> int:
        return self.baseline + 14


def _y(value: float, top: float) -> float:
    return round(CHART_BASELINE - value / top * (CHART_BASELINE - CHART_TOP), 1)


def _week_labels(weeks: Sequence[PlanWeek], x_of: Callable[[int], float]) -> tuple[AxisLabel, ...]:
    """The first and last week under the x axis, by their Mondays."""
    if not weeks:
        return ()
    first = AxisLabel(f"{weeks[0].monday:%-d %b}", x_of(0))
    if len(weeks) == 1:
        return (first,)
    return (first, AxisLabel(f"{weeks[-1].monday:%-d %b}", x_of(len(weeks) - 1)))


def streak_chart(weeks: Sequence[PlanWeek]) -> Chart:
    """The streak after each week so far (this one included) as bars."""
    plot = CHART_WIDTH - CHART_LEFT
    slot = plot / max(len(weeks), 1)
    width = round(max(slot * 0.7, 1), 1)
    top = max([week.streak for week in weeks] + [1])
    bars = []
    for index, week in enumerate(weeks):
        y = _y(week.streak, top)
        bars.append(
            Bar(
                x=round(CHART_LEFT + index * slot + (slot - width) / 2, 1),
                y=y,
                height=round(CHART_BASELINE - y, 1),
                title=f"Week of {_day(week.monday)}: streak {_plural(week.streak, 'week')}",
            )
        )
    now = weeks[-1].streak if weeks else 0
    longest = max((week.streak for week in weeks), default=0)
    restarts = sum(1 for week in weeks if week.state == WeekState.MISSED)
    summary = f"Your streak is {_plural(now, 'week')} now; the longest was " + (
        f"{_plural(longest, 'week')}. It started again {_plural(restarts, 'time')}."
        if restarts
        else f"{_plural(longest, 'week')}, and it has never started again."
    )
    return Chart(
        title="Your streak, week by week",
        summary=summary,
        top_label=str(top),
        bars=bars,
        bar_width=width,
        week_labels=_week_labels(weeks, lambda i: round(CHART_LEFT + (i + 0.5) * slot, 1)),
    )


def papers_chart(
    weeks: Sequence[PlanWeek],
    *,
    papers: Mapping[date, int],
    papers_per_week: int,
    carried: int = 0,
    carried_week: date | None = None,
) -> Chart:
    """Papers read so far, added up week by week, against the target the plan sets: its
    papers a week for every week that is not a break. After a change of pace the target
    counts on from ``carried`` (what it had asked for before ``carried_week``); the weeks
    before rise evenly to it, the paces they had not being kept one by one."""
    before = sum(
        1 for w in weeks if not w.in_break and carried_week is not None and w.monday < carried_week
    )
    read, target, total, counted = [], [], 0, 0
    for week in weeks:
        total += papers.get(week.monday, 0)
        if not week.in_break:
            counted += 1
        if carried_week is not None and week.monday < carried_week:
            goal = round(carried * counted / before) if before else 0
        else:
            goal = carried + papers_per_week * (counted - before)
        read.append(total)
        target.append(goal)
    top = max([*read, *target, 1])
    plot = CHART_WIDTH - CHART_LEFT

    def x_of(index: int) -> float:
        if len(weeks) <= 1:
            return CHART_LEFT + plot / 2
        return round(CHART_LEFT + index * plot / (len(weeks) - 1), 1)

    def points(values: list[int]) -> str:
        return " ".join(f"{x_of(i)},{_y(value, top)}" for i, value in enumerate(values))

    dots = tuple(
        Dot(
            x_of(i),
            _y(value, top),
            f"Week of {_day(week.monday)}: {_plural(value, 'paper')} read, target {target[i]}",
        )
        for i, (week, value) in enumerate(zip(weeks, read, strict=True))
    )
    return Chart(
        title="Papers read against your target",
        summary=f"{_plural(total, 'paper')} read so far, against a target of {goal} by this "
        f"week ({papers_per_week} a week, none in a break).",
        top_label=str(top),
        bars=[],
        line=points(read),
        target_line=points(target),
        dots=dots,
        week_labels=_week_labels(weeks, x_of),
    )
