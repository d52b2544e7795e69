"""A comparison as a download: CSV, one row per option and criterion (or, in the grid
layout, one row per criterion and a column per option, as the results page's grid), and
JSON, the comparison and its result exactly as the API shows them."""

from __future__ import annotations

import csv
import io

from careers.comparisons.decision_models import Decision
from careers.comparisons.decision_serializers import DecisionSerializer
from careers.comparisons.models import Comparison
from careers.comparisons.pay import OptionPay
from careers.comparisons.results import ComparisonResultView
from careers.comparisons.rows import GridCell, result_grid, result_rows
from careers.comparisons.scoring import REASON_UNKNOWN
from careers.comparisons.serializers import ComparisonSerializer, comparison_result_data
from careers.core.csv_cells import csv_cell


def comparison_export_json(
    *, comparison: Comparison, view: ComparisonResultView, decision: Decision | None = None
) -> dict:
    """The comparison with its options and answers (as ``GET /api/comparisons/{id}/``), its
    result (as ``GET /api/comparisons/{id}/result/``) and its decision with the check-ins
    (as ``GET /api/comparisons/{id}/decision/``, null when none is recorded). ``comparison``
    comes with what the API prefetches (``selectors.comparison_detail_list``)."""
    return {
        "comparison": ComparisonSerializer(comparison).data,
        "result": comparison_result_data(view),
        "decision": DecisionSerializer(decision).data if decision is not None else None,
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
    "question_reason",
    "ask_whom",
    # What the option pays over four years, in the comparison's currency (pay.OptionPay).
    "pay_currency",
    "pay_original_currency",
    "pay_rate",
    "pay_rate_date",
    "first_year_low",
    "first_year_expected",
    "first_year_high",
    "four_year_low",
    "four_year_expected",
    "four_year_high",
    "four_year_after_living_costs",
    "year_1_expected",
    "year_2_expected",
    "year_3_expected",
    "year_4_expected",
    "pay_assumptions",
    # "chosen" on the rows of the option the recorded decision chose, "not chosen" on the
    # others', empty while no decision is recorded.
    "decision",
]
CSV_LAYOUTS = ("rows", "grid")
GRID_COLUMNS = ["category", "criterion", "question"]
GRID_NOT_ASKED = "not asked on this path"


def comparison_export_csv(view: ComparisonResultView, *, decision: Decision | None = None) -> str:
    """One row per option and criterion, with the option's result and pay on every row, and
    whether the recorded decision chose it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in result_rows(view):
        option, score, pay = row.option, row.score, row.compensation
        flags = "; ".join(f"{flag.title} ({flag.severity})" for flag in score.red_flags)
        asked = {question.criterion: question for question in score.questions_to_ask}
        for answer in row.answers:
            saved = answer.answer
            # A red-flagged answer asks its question as the checklist does; an unknown of
            # weight 0, left off the checklist, still shows the curated question here.
            question = asked.get(answer.criterion.key)
            if question is not None:
                to_ask, reason = question.question, question.reason
            elif answer.is_unknown:
                to_ask, reason = answer.criterion.question_to_ask, REASON_UNKNOWN
            else:
                to_ask = reason = ""
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
                saved.told_on if saved else None,
                bool(saved and saved.confirmed_in_writing),
                to_ask,
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
                reason,
                answer.criterion.ask_whom if reason else "",
                *_pay_cells(row.pay),
                _decision_cell(decision, option.pk),
            ]
            writer.writerow([csv_cell(cell) for cell in cells])
    return buffer.getvalue()


def _decision_cell(decision: Decision | None, option_id: int) -> str:
    if decision is None:
        return ""
    return "chosen" if decision.chosen_option == option_id else "not chosen"


def _pay_cells(pay: OptionPay | None) -> list:
    figures = pay.forecast if pay else None
    if figures is None:
        return [
            pay.currency if pay else "",
            pay.original_currency if pay else "",
            *[None] * 13,
            pay.problem if pay else "",
        ]
    left = figures.four_year_left
    return [
        pay.currency,
        pay.original_currency,
        pay.rate.value,
        pay.rate.on,
        figures.first_year.low,
        figures.first_year.expected,
        figures.first_year.high,
        figures.four_year.low,
        figures.four_year.expected,
        figures.four_year.high,
        left.expected if left else None,
        *(year.total.expected for year in figures.years),
        "; ".join(figures.assumptions),
    ]


def _grid_cell(cell: GridCell) -> str:
    if cell.answer is None:
        return GRID_NOT_ASKED
    flags = "; ".join(flag.flag.title for flag in cell.flags)
    return f"{cell.answer.value} [red flag: {flags}]" if flags else cell.answer.value


def comparison_export_csv_grid(view: ComparisonResultView) -> str:
    """The results page's questions x offers grid: a row per criterion asked of any option
    (people first), a column per option in ranking order. A cell is the answer as stored
    (yes, no, a number or unknown), "not asked on this path", and names its red flags."""
    grid = result_grid(result_rows(view))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [csv_cell(name) for name in (*GRID_COLUMNS, *(row.option.label for row in grid.columns))]
    )
    for group in grid.groups:
        for row in group.rows:
            cells = [group.category, row.criterion.key, row.criterion.question]
            cells += [_grid_cell(cell) for cell in row.cells]
            writer.writerow([csv_cell(cell) for cell in cells])
    return buffer.getvalue()
