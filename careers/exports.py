"""A scored comparison as rows for pages, and as CSV and JSON downloads.

Everything here reads a ``ComparisonResultView`` and nothing else: the results page, the
shared page and both exports show the same numbers, and none of them runs a query per
option or criterion (the criteria's paths come prefetched with the view).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from careers.models import Answer, Criterion, Option
from careers.models.comparisons import UNKNOWN
from careers.scoring import CATEGORY_ORDER, OptionScore, stored_answer_value
from careers.selectors.comparisons import ComparisonResultView

# Spreadsheets run a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def comparison_export_json(view: ComparisonResultView) -> dict:
    """The comparison, its options and answers with provenance, and the result, as JSON data."""
    comparison = view.comparison
    analysis = view.score.flip_analysis
    options = []
    for row in result_rows(view):
        option, score, pay = row.option, row.score, row.compensation
        options.append(
            {
                "id": option.pk,
                "label": option.label,
                "rank": row.rank,
                "path": option.path.slug,
                "path_name": option.path.name,
                "organisation": option.organisation,
                "team": option.team,
                "location": option.location,
                "manager_name": option.manager_name,
                "offer_deadline": _day(option.offer_deadline),
                "notes": option.notes,
                "compensation": {
                    "currency": pay.currency,
                    "base_salary": _money(pay.base_salary),
                    "bonus": _money(pay.bonus),
                    "equity_per_year": _money(pay.equity_per_year),
                    "first_year_total": _money(pay.first_year_total),
                    "stipend": _money(pay.stipend),
                },
                "answers": [
                    {
                        "criterion": answer.criterion.key,
                        "category": answer.criterion.category,
                        "question": answer.criterion.question,
                        "value": stored_answer_value(answer.value),
                        "weight": answer.weight,
                        "note": answer.answer.note if answer.answer else "",
                        "source": answer.answer.source if answer.answer else "",
                        "told_on": _day(answer.answer.told_on) if answer.answer else None,
                        "confirmed_in_writing": bool(
                            answer.answer and answer.answer.confirmed_in_writing
                        ),
                    }
                    for answer in row.answers
                ],
                "result": {
                    "score": score.score,
                    "score_min": score.score_min,
                    "score_max": score.score_max,
                    "people_score": score.people_score,
                    "people_score_min": score.people_score_min,
                    "people_score_max": score.people_score_max,
                    "confidence": score.confidence,
                    "red_flags": [
                        {
                            "key": flag.key,
                            "title": flag.title,
                            "criterion": flag.criterion,
                            "severity": flag.severity,
                            "explanation": flag.explanation,
                            "citation": dict(flag.citation),
                        }
                        for flag in score.red_flags
                    ],
                    "questions_to_ask": [
                        {
                            "criterion": question.criterion,
                            "category": question.category,
                            "question": question.question,
                            "weight": question.weight,
                        }
                        for question in score.questions_to_ask
                    ],
                },
            }
        )
    return {
        "comparison": {
            "id": comparison.pk,
            "title": comparison.title,
            "notes": comparison.notes,
            "decision_deadline": _day(comparison.decision_deadline),
            "created_at": comparison.created_at.isoformat(),
            "updated_at": comparison.updated_at.isoformat(),
        },
        "scoring_version": view.score.scoring_version,
        "weights": dict(view.weights),
        "people_share": view.people_share,
        "brand_share": view.brand_share,
        "options": options,
        "result": {
            "ranking": list(view.score.ranking),
            "could_flip": view.score.could_flip,
            "flip_analysis": None
            if analysis is None
            else {
                "leader": analysis.leader,
                "runner_up": analysis.runner_up,
                "gap": analysis.gap,
                "could_flip": analysis.could_flip,
                "decisive_unknowns": [
                    {
                        "option": unknown.option,
                        "criterion": unknown.criterion,
                        "question": unknown.question,
                        "swing": unknown.swing,
                    }
                    for unknown in analysis.decisive_unknowns
                ],
            },
        },
    }


CSV_COLUMNS = [
    "comparison",
    "option_id",
    "option",
    "path",
    "rank",
    "category",
    "criterion",
    "question",
    "value",
    "weight",
    "note",
    "source",
    "told_on",
    "confirmed_in_writing",
    "question_to_ask",
    "score",
    "score_min",
    "score_max",
    "people_score",
    "people_score_min",
    "people_score_max",
    "confidence",
    "red_flags",
    "currency",
    "base_salary",
    "bonus",
    "equity_per_year",
    "first_year_total",
    "stipend",
    "could_flip",
]


def csv_cell(value: object) -> str:
    """A cell as text, with a leading quote on anything a spreadsheet would run as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def comparison_export_csv(view: ComparisonResultView) -> str:
    """One row per option and criterion, with the option's result and pay on every row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in result_rows(view):
        option, score, pay = row.option, row.score, row.compensation
        flags = "; ".join(f"{flag.title} ({flag.severity})" for flag in score.red_flags)
        for answer in row.answers:
            saved = answer.answer
            cells = [
                view.comparison.title,
                option.pk,
                option.label,
                option.path.name,
                row.rank,
                answer.criterion.category,
                answer.criterion.key,
                answer.criterion.question,
                answer.value,
                answer.weight,
                saved.note if saved else "",
                saved.source if saved else "",
                _day(saved.told_on) if saved else None,
                bool(saved and saved.confirmed_in_writing),
                answer.criterion.question_to_ask if answer.is_unknown else "",
                score.score,
                score.score_min,
                score.score_max,
                score.people_score,
                score.people_score_min,
                score.people_score_max,
                score.confidence,
                flags,
                pay.currency,
                pay.base_salary,
                pay.bonus,
                pay.equity_per_year,
                pay.first_year_total,
                pay.stipend,
                view.score.could_flip,
            ]
            writer.writerow([csv_cell(cell) for cell in cells])
    return buffer.getvalue()
