"""A scored comparison as rows for pages and the CSV export.

Everything here reads a ``ComparisonResultView`` and nothing else: the results page, the
shared page and the CSV export show the same numbers, and none of them runs a query per
option or criterion (the criteria's paths come prefetched with the view).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from careers.comparisons.models import UNKNOWN, Answer, Option
from careers.comparisons.results import ComparisonResultView
from careers.comparisons.scoring import CATEGORY_ORDER, OptionScore
from careers.content.models import Criterion


@dataclass(frozen=True)
class Compensation:
    """What an option pays in its own currency; salaries in different currencies never mix."""

    currency: str
    base_salary: Decimal | None
    bonus: Decimal | None
    equity_per_year: Decimal | None
    stipend: Decimal | None

    @property
    def first_year_total(self) -> Decimal | None:
        """Base + bonus + equity for one year; a PhD stipend is shown on its own."""
        parts = [self.base_salary, self.bonus, self.equity_per_year]
        if all(part is None for part in parts):
            return None
        return sum((part for part in parts if part is not None), Decimal(0))


@dataclass(frozen=True)
class AnswerRow:
    criterion: Criterion
    value: str
    weight: int
    answer: Answer | None

    @property
    def is_unknown(self) -> bool:
        return self.value == UNKNOWN

    @property
    def value_label(self) -> str:
        if self.is_unknown:
            return "Unknown"
        if self.criterion.answer_type == Criterion.AnswerType.YES_NO:
            return self.value.capitalize()
        if self.criterion.answer_type == Criterion.AnswerType.SCALE:
            return f"{self.value} of 5"
        return self.value


@dataclass(frozen=True)
class OptionRow:
    """One option with its score, answers and pay, ready for a template or an export."""

    option: Option
    rank: int
    score: OptionScore
    answers: list[AnswerRow]
    compensation: Compensation

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


@dataclass(frozen=True)
class FlipRow:
    leader: Option
    runner_up: Option
    gap: float
    could_flip: bool
    decisive_unknowns: list[DecisiveUnknownRow]


def option_compensation(option: Option) -> Compensation:
    return Compensation(
        currency=option.currency,
        base_salary=option.base_salary,
        bonus=option.bonus,
        equity_per_year=option.equity_per_year,
        stipend=option.stipend,
    )


def _criteria_for(view: ComparisonResultView, option: Option) -> list[Criterion]:
    """The criteria asked of an option, people first, from the view's prefetched paths."""
    order = {category: index for index, category in enumerate(CATEGORY_ORDER)}
    criteria = [
        criterion
        for criterion in view.criteria.values()
        if any(path.pk == option.path_id for path in criterion.paths.all())
    ]
    return sorted(criteria, key=lambda c: (order.get(c.category, 99), c.position, c.key))


def result_rows(view: ComparisonResultView) -> list[OptionRow]:
    """The options in ranking order (best first), each with everything shown beside it."""
    options = {option.pk: option for option in view.options}
    scores = {score.id: score for score in view.score.options}
    rows = []
    for rank, option_id in enumerate(view.score.ranking, start=1):
        option = options[option_id]
        saved = view.answers.get(option_id, {})
        answers = [
            AnswerRow(
                criterion=criterion,
                value=saved[criterion.key].value if criterion.key in saved else UNKNOWN,
                weight=view.weights.get(criterion.key, criterion.default_weight),
                answer=saved.get(criterion.key),
            )
            for criterion in _criteria_for(view, option)
        ]
        rows.append(
            OptionRow(
                option=option,
                rank=rank,
                score=scores[option_id],
                answers=answers,
                compensation=option_compensation(option),
            )
        )
    return rows


def flip_row(view: ComparisonResultView) -> FlipRow | None:
    analysis = view.score.flip_analysis
    if analysis is None:
        return None
    options = {option.pk: option for option in view.options}
    return FlipRow(
        leader=options[analysis.leader],
        runner_up=options[analysis.runner_up],
        gap=analysis.gap,
        could_flip=analysis.could_flip,
        decisive_unknowns=[
            DecisiveUnknownRow(
                option=options[unknown.option],
                criterion=unknown.criterion,
                question=unknown.question,
                swing=unknown.swing,
            )
            for unknown in analysis.decisive_unknowns
        ],
    )
