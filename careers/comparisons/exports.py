"""A comparison as a download: CSV, one row per option and criterion, and JSON, the
comparison and its result exactly as the API shows them."""

from __future__ import annotations

import csv
import io

from careers.comparisons.models import Comparison
from careers.comparisons.results import ComparisonResultView
from careers.comparisons.rows import result_rows
from careers.comparisons.serializers import ComparisonSerializer, comparison_result_data
from careers.core.csv_cells import csv_cell


def comparison_export_json(*, comparison: Comparison, view: ComparisonResultView) -> dict:
    """The comparison with its options and answers (as ``GET /api/comparisons/{id}/``) and its
    result (as ``GET /api/comparisons/{id}/result/``). ``comparison`` comes with what the API
    prefetches (``selectors.comparison_detail_list``)."""
    return {
        "comparison": ComparisonSerializer(comparison).data,
        "result": comparison_result_data(view),
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
                saved.told_on if saved else None,
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
