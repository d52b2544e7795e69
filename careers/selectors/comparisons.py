"""Reads of a user's comparisons, and the plain data the scoring module needs.

Every read takes the owner: another user's comparison is simply not found.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Prefetch, QuerySet

from careers.models import (
    Answer,
    CareerPath,
    Comparison,
    Criterion,
    Option,
    RedFlagRule,
    Status,
    WeightOverride,
)
from careers.scoring import (
    CATEGORY_ORDER,
    ComparisonScore,
    CriterionSpec,
    OptionInput,
    RuleSpec,
    comparison_score,
    stored_answer_value,
    weight_shares,
)


def comparison_list(*, owner: AbstractBaseUser) -> QuerySet[Comparison]:
    return Comparison.objects.filter(owner=owner).annotate(option_count=Count("options"))


def comparison_get(*, owner: AbstractBaseUser, comparison_id: int) -> Comparison | None:
    return Comparison.objects.filter(owner=owner, pk=comparison_id).first()


def comparison_get_shared(*, token: str) -> Comparison | None:
    if not token:
        return None
    return Comparison.objects.filter(share_token=token).first()


def option_list(*, comparison: Comparison) -> QuerySet[Option]:
    return comparison.options.select_related("path")


def option_get(*, comparison: Comparison, option_id: int) -> Option | None:
    return option_list(comparison=comparison).filter(pk=option_id).first()


def criteria_for_paths() -> dict[int, list[Criterion]]:
    """Published criteria by path id, in display order (2 queries)."""
    criteria = Criterion.objects.published().prefetch_related(
        Prefetch("paths", queryset=CareerPath.objects.only("id"))
    )
    by_path: dict[int, list[Criterion]] = {}
    for criterion in criteria:
        for path in criterion.paths.all():
            by_path.setdefault(path.pk, []).append(criterion)
    return by_path


def criteria_for_option(*, option: Option) -> list[Criterion]:
    return list(Criterion.objects.published().filter(paths=option.path_id))


def answers_by_criterion(*, option: Option) -> dict[int, Answer]:
    return {answer.criterion_id: answer for answer in option.answers.all()}


def comparison_weights(*, comparison: Comparison) -> dict[str, int]:
    """The weight each published criterion has in this comparison: override or default."""
    overrides = dict(
        WeightOverride.objects.filter(comparison=comparison).values_list("criterion__key", "weight")
    )
    return {
        key: overrides.get(key, default)
        for key, default in Criterion.objects.published().values_list("key", "default_weight")
    }


def _criterion_spec(criterion: Criterion, weight: int) -> CriterionSpec:
    return CriterionSpec(
        key=criterion.key,
        question=criterion.question,
        category=criterion.category,
        answer_type=criterion.answer_type,
        weight=weight,
        question_to_ask=criterion.question_to_ask,
        count_target=criterion.count_target,
        position=criterion.position,
    )


@dataclass(frozen=True)
class ComparisonResultView:
    """A scored comparison plus what pages and exports show beside the numbers."""

    comparison: Comparison
    options: list[Option]
    score: ComparisonScore
    weights: dict[str, int]
    criteria: dict[str, Criterion]
    answers: dict[int, dict[str, Answer]]
    people_share: float
    brand_weight: int | None
    brand_share: float

    def score_of(self, option_id: int):
        return next(s for s in self.score.options if s.id == option_id)


def comparison_result(*, comparison: Comparison) -> ComparisonResultView:
    """Score a comparison from the database in a fixed number of queries.

    Options (1), answers (1), criteria with their paths (2), weight overrides (1) and rules
    (1): the count does not grow with the number of options or criteria.
    """
    options = list(option_list(comparison=comparison))
    answers = Answer.objects.filter(option__comparison=comparison).select_related("criterion")
    by_option: dict[int, dict[str, Answer]] = {}
    for answer in answers:
        by_option.setdefault(answer.option_id, {})[answer.criterion.key] = answer

    by_path = criteria_for_paths()
    overrides = dict(
        WeightOverride.objects.filter(comparison=comparison).values_list("criterion_id", "weight")
    )
    all_criteria = {c.key: c for crits in by_path.values() for c in crits}
    weights = {
        c.key: overrides.get(c.pk, c.default_weight)
        for c in sorted(all_criteria.values(), key=lambda c: (c.position, c.key))
    }
    rules = [
        RuleSpec(
            key=rule.key,
            title=rule.title,
            criterion=rule.criterion.key,
            operator=rule.operator,
            value=rule.value,
            explanation=rule.explanation,
            severity=rule.severity,
            citation=rule.citation,
        )
        for rule in RedFlagRule.objects.published()
        .filter(criterion__status=Status.PUBLISHED)
        .select_related("criterion")
    ]
    inputs = [
        OptionInput(
            id=option.pk,
            label=option.label,
            criteria=[_criterion_spec(c, weights[c.key]) for c in by_path.get(option.path_id, [])],
            answers={
                key: stored_answer_value(answer.value)
                for key, answer in by_option.get(option.pk, {}).items()
            },
        )
        for option in options
    ]
    # The weight split shown to the user covers the criteria its options are asked.
    used = {c.key for o in options for c in by_path.get(o.path_id, [])} or set(all_criteria)
    specs = [_criterion_spec(all_criteria[key], weights[key]) for key in used]
    shares = weight_shares(specs)
    brand = all_criteria.get("brand_prestige")
    total = sum(s.weight for s in specs) or 1
    return ComparisonResultView(
        comparison=comparison,
        options=options,
        score=comparison_score(inputs, rules),
        weights=weights,
        criteria=all_criteria,
        answers=by_option,
        people_share=shares.get("people", 0.0),
        brand_weight=weights.get("brand_prestige") if brand else None,
        brand_share=round(weights.get("brand_prestige", 0) / total, 3) if brand else 0.0,
    )


def evaluation_groups(*, criteria: list[Criterion]) -> list[tuple[str, str, list[Criterion]]]:
    """Criteria grouped by category, people first: (category, label, criteria)."""
    labels = dict(Criterion.Category.choices)
    return [
        (category, labels[category], [c for c in criteria if c.category == category])
        for category in CATEGORY_ORDER
        if any(c.category == category for c in criteria)
    ]
