"""A scored comparison as rows for pages and the CSV export.

Everything here reads a ``ComparisonResultView`` and nothing else: the results page, the
shared page and the CSV export show the same numbers, and none of them runs a query per
option or criterion (the criteria's paths come prefetched with the view). A red flag has one
anchor on the page (``FlagRow.anchor``): the ranking, the questions x offers grid and the
checklist all link to its explanation there.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from careers.comparisons.models import UNKNOWN, Answer, Option
from careers.comparisons.pay import PAY_CRITERION, OptionPay
from careers.comparisons.pay_chart import PayChart, chart_scale, pay_chart
from careers.comparisons.results import ComparisonResultView
from careers.comparisons.scoring import (
    CATEGORY_ORDER,
    KIND_RANGE,
    KIND_UNKNOWN,
    ComputedAnswer,
    OptionScore,
    QuestionToAsk,
    RedFlag,
)
from careers.content.models import Criterion

NOT_ASKED = "not_asked"
NOT_ASKED_LABEL = "Not asked on this path"
ASK_WHOM_LABELS = dict(Criterion.AskWhom.choices)
CATEGORY_LABELS = dict(Criterion.Category.choices)


def ask_whom_label(value: str) -> str:
    """Whom to ask, as the page names them ("The recruiter"); empty when not curated."""
    return str(ASK_WHOM_LABELS.get(value, ""))


@dataclass(frozen=True)
class FlagRow:
    """A red flag raised on one option, with the id of its explanation on the page."""

    flag: RedFlag
    option_id: int

    @property
    def anchor(self) -> str:
        return f"flag-{self.option_id}-{self.flag.key}"


@dataclass(frozen=True)
class QuestionRow:
    """One question of an option's checklist, with the flag that asks it, if any."""

    question: QuestionToAsk
    flag: FlagRow | None

    @property
    def ask_whom_label(self) -> str:
        return ask_whom_label(self.question.ask_whom)


@dataclass(frozen=True)
class Compensation:
    """What an option pays in its own currency; salaries in different currencies never mix."""

    currency: str
    base_salary: Decimal | None
    bonus: Decimal | None
    equity_per_year: Decimal | None
    stipend: Decimal | None
    # The engine's expected first year in the option's own currency (every part of its pay:
    # vesting, sign-on, one-off amounts); None when no pay was entered.
    first_year_total: Decimal | None = None


@dataclass(frozen=True)
class AnswerRow:
    criterion: Criterion
    value: str
    weight: int
    answer: Answer | None
    flags: tuple[FlagRow, ...] = ()
    # A computed criterion's answer (pay), when there is one.
    computed: ComputedAnswer | None = None

    @property
    def is_unknown(self) -> bool:
        return self.value == UNKNOWN

    @property
    def value_label(self) -> str:
        if self.computed is not None:
            return computed_label(self.computed)
        if self.is_unknown:
            return "Unknown"
        if self.criterion.answer_type == Criterion.AnswerType.YES_NO:
            return self.value.capitalize()
        if self.criterion.answer_type == Criterion.AnswerType.SCALE:
            return f"{self.value} of 5"
        return self.value


def computed_label(answer: ComputedAnswer) -> str:
    """ "62% of the highest pay here (40-100%)": a computed pay answer as the page words it."""
    expected = round(answer.expected * 100)
    if answer.high > answer.low:
        low, high = round(answer.low * 100), round(answer.high * 100)
        return f"{expected}% of the highest pay here ({low}-{high}%)"
    return f"{expected}% of the highest pay here"


@dataclass(frozen=True)
class OptionRow:
    """One option with its score, answers and pay, ready for a template or an export."""

    option: Option
    rank: int
    score: OptionScore
    answers: list[AnswerRow]
    compensation: Compensation
    flags: list[FlagRow]
    questions: list[QuestionRow]
    # Its pay year by year in the comparison's currency, and the chart of it.
    pay: OptionPay | None = None
    chart: PayChart | None = None

    @property
    def range_width(self) -> float:
        return round(self.score.score_max - self.score.score_min, 1)

    @property
    def people_range_width(self) -> float | None:
        if self.score.people_score is None:
            return None
        return round(self.score.people_score_max - self.score.people_score_min, 1)

    @property
    def confidence_percent(self) -> int:
        return round(self.score.confidence * 100)


@dataclass(frozen=True)
class DecisiveUnknownRow:
    option: Option
    criterion: str
    question: str
    swing: float
    ask_whom: str = ""
    # Among the fewest unknowns that together could close the gap.
    decisive: bool = False
    kind: str = KIND_UNKNOWN
    # A range end whose swing alone is more than the gap: on its own it could swap the two.
    overtakes: bool = False

    @property
    def ask_whom_label(self) -> str:
        return ask_whom_label(self.ask_whom)


@dataclass(frozen=True)
class FlipRow:
    leader: Option
    runner_up: Option
    gap: float
    could_flip: bool
    decisive_unknowns: list[DecisiveUnknownRow]
    ranked_unknowns: list[DecisiveUnknownRow]


@dataclass(frozen=True)
class GridCell:
    """One option's answer to one criterion; no answer row when the path does not ask it."""

    option: Option
    answer: AnswerRow | None

    @property
    def state(self) -> str:
        if self.answer is None:
            return NOT_ASKED
        return UNKNOWN if self.answer.is_unknown else "answer"

    @property
    def label(self) -> str:
        return NOT_ASKED_LABEL if self.answer is None else self.answer.value_label

    @property
    def flags(self) -> tuple[FlagRow, ...]:
        return self.answer.flags if self.answer is not None else ()


@dataclass(frozen=True)
class GridRow:
    criterion: Criterion
    cells: list[GridCell]


@dataclass(frozen=True)
class GridGroup:
    category: str
    label: str
    rows: list[GridRow]


@dataclass(frozen=True)
class ResultGrid:
    """Questions x offers: a row per criterion asked of any option, grouped by category
    (people first), a column per option in ranking order."""

    columns: list[OptionRow]
    groups: list[GridGroup]


def option_compensation(option: Option, pay: OptionPay | None) -> Compensation:
    return Compensation(
        currency=option.currency,
        base_salary=option.base_salary,
        bonus=option.bonus,
        equity_per_year=option.equity_per_year,
        stipend=option.stipend,
        first_year_total=pay.own_first_year if pay else None,
    )


def _criteria_for(view: ComparisonResultView, option: Option) -> list[Criterion]:
    """The criteria asked of an option, people first, from the view's prefetched paths."""
    criteria = [
        criterion
        for criterion in view.criteria.values()
        if any(path.pk == option.path_id for path in criterion.paths.all())
    ]
    return sorted(criteria, key=_criterion_order)


_CATEGORY_INDEX = {category: index for index, category in enumerate(CATEGORY_ORDER)}


def _criterion_order(criterion: Criterion) -> tuple:
    return (_CATEGORY_INDEX.get(criterion.category, 99), criterion.position, criterion.key)


def _value(criterion: Criterion, saved: dict[str, Answer], pay: ComputedAnswer | None) -> str:
    """An answer as stored; the computed pay criterion's as its label, unknown without pay."""
    if criterion.key == PAY_CRITERION:
        return computed_label(pay) if pay is not None else UNKNOWN
    return saved[criterion.key].value if criterion.key in saved else UNKNOWN


def result_rows(view: ComparisonResultView) -> list[OptionRow]:
    """The options in ranking order (best first), each with everything shown beside it."""
    options = {option.pk: option for option in view.options}
    scores = {score.id: score for score in view.score.options}
    computed = view.pay_answers
    scale = chart_scale(pay.forecast for pay in view.pays.values())
    rows = []
    for rank, option_id in enumerate(view.score.ranking, start=1):
        option, score = options[option_id], scores[option_id]
        saved = view.answers.get(option_id, {})
        flags = [FlagRow(flag=flag, option_id=option_id) for flag in score.red_flags]
        flags_on: dict[str, list[FlagRow]] = {}
        for flag in flags:
            flags_on.setdefault(flag.flag.criterion, []).append(flag)
        by_key = {flag.flag.key: flag for flag in flags}
        answers = [
            AnswerRow(
                criterion=criterion,
                value=_value(criterion, saved, computed.get(option_id)),
                weight=view.weights.get(criterion.key, criterion.default_weight),
                answer=saved.get(criterion.key),
                flags=tuple(flags_on.get(criterion.key, ())),
                computed=computed.get(option_id) if criterion.key == PAY_CRITERION else None,
            )
            for criterion in _criteria_for(view, option)
        ]
        pay = view.pays.get(option_id)
        rows.append(
            OptionRow(
                option=option,
                rank=rank,
                score=score,
                answers=answers,
                compensation=option_compensation(option, pay),
                flags=flags,
                questions=[
                    QuestionRow(question=question, flag=by_key.get(question.red_flag or ""))
                    for question in score.questions_to_ask
                ],
                pay=pay,
                chart=pay_chart(pay.forecast, scale, pay.currency) if pay else None,
            )
        )
    return rows


def result_grid(rows: list[OptionRow]) -> ResultGrid:
    """The answers of ``result_rows`` side by side: every criterion asked of any option,
    each cell the option's answer, unknown, or not asked on its path."""
    answers = [{answer.criterion.key: answer for answer in row.answers} for row in rows]
    criteria = {answer.criterion.key: answer.criterion for row in rows for answer in row.answers}
    groups: dict[str, list[GridRow]] = {}
    for criterion in sorted(criteria.values(), key=_criterion_order):
        cells = [
            GridCell(option=row.option, answer=by_key.get(criterion.key))
            for row, by_key in zip(rows, answers, strict=True)
        ]
        groups.setdefault(criterion.category, []).append(GridRow(criterion, cells))
    return ResultGrid(
        columns=rows,
        groups=[
            GridGroup(category, str(CATEGORY_LABELS.get(category, category)), grid_rows)
            for category, grid_rows in groups.items()
        ],
    )


def flip_row(view: ComparisonResultView) -> FlipRow | None:
    analysis = view.score.flip_analysis
    if analysis is None:
        return None
    options = {option.pk: option for option in view.options}
    decisive = {(u.option, u.criterion) for u in analysis.decisive_unknowns}

    def unknown_row(unknown) -> DecisiveUnknownRow:
        return DecisiveUnknownRow(
            option=options[unknown.option],
            criterion=unknown.criterion,
            question=unknown.question,
            swing=unknown.swing,
            ask_whom=unknown.ask_whom,
            decisive=(unknown.option, unknown.criterion) in decisive,
            kind=unknown.kind,
            overtakes=unknown.kind == KIND_RANGE and unknown.swing > analysis.gap,
        )

    return FlipRow(
        leader=options[analysis.leader],
        runner_up=options[analysis.runner_up],
        gap=analysis.gap,
        could_flip=analysis.could_flip,
        decisive_unknowns=[unknown_row(u) for u in analysis.decisive_unknowns],
        ranked_unknowns=[unknown_row(u) for u in analysis.ranked_unknowns],
    )
