"""Reads of a user's comparisons, and the plain data the scoring module needs.

Every read takes the owner: another user's comparison is simply not found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from careers.models import (
    AdviceItem,
    Answer,
    CareerPath,
    Comparison,
    ComparisonResult,
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
    rules: dict[str, RedFlagRule] = field(default_factory=dict)
    # {"criteria": {key: version}, "red_flags": {key: version}}: the published versions the
    # score used, as ComparisonResult.content_versions stores them.
    content_versions: dict[str, dict[str, int]] = field(default_factory=dict)
    # The stored result as it was before this view was scored (set by
    # comparison_result_store): what the user last saw, to say what changed since.
    previous_result: ComparisonResult | None = None

    def score_of(self, option_id: int):
        return next(s for s in self.score.options if s.id == option_id)

    @cached_property
    def content_versions_note(self) -> ContentVersionsNote:
        return content_versions_note(view=self)


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
    rule_rows = list(
        RedFlagRule.objects.published()
        .filter(criterion__status=Status.PUBLISHED)
        .select_related("criterion")
    )
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
        for rule in rule_rows
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
    asked = {c.key for o in options for c in by_path.get(o.path_id, [])}
    # The weight split shown to the user covers the criteria its options are asked.
    used = asked or set(all_criteria)
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
        rules={rule.key: rule for rule in rule_rows},
        content_versions={
            "criteria": {key: all_criteria[key].version for key in sorted(asked)},
            "red_flags": {
                rule.key: rule.version for rule in rule_rows if rule.criterion.key in asked
            },
        },
    )


# -- The content a stored result was scored with -----------------------------------------------

# What explains a result to its reader, per kind of content: the wording, not the settings.
CONTENT_WORDING: dict[str, tuple[type[Criterion] | type[RedFlagRule], tuple[str, ...]]] = {
    "criteria": (Criterion, ("question", "question_to_ask")),
    "red_flags": (RedFlagRule, ("title", "condition", "explanation")),
}
WORDING_LABELS = {
    "question": "Question",
    "question_to_ask": "Question to ask",
    "title": "Title",
    "condition": "Condition",
    "explanation": "Explanation",
}


def _wording(item: Criterion | RedFlagRule, fields: tuple[str, ...]) -> dict[str, str]:
    return {
        name: item.condition_text if name == "condition" else getattr(item, name) for name in fields
    }


def result_content_as_used(result: ComparisonResult) -> dict[str, dict[str, dict[str, Any]]]:
    """The criteria and red-flag rules a stored result was scored with, worded as they were
    at the versions it recorded: ``{"criteria": {key: {"version", "question",
    "question_to_ask"}}, "red_flags": {key: {"version", "title", "condition",
    "explanation"}}}``.

    Read from the history tables, one query per model whatever the number of keys. A version
    is the last published record with that number (a later record of the same version only
    marks the citation verified). A key whose record is gone is left out.
    """
    return _content_as_used(result.content_versions or {})


def _content_as_used(
    content_versions: dict[str, dict[str, int]],
) -> dict[str, dict[str, dict[str, Any]]]:
    used: dict[str, dict[str, dict[str, Any]]] = {}
    for kind, (model, fields) in CONTENT_WORDING.items():
        versions = content_versions.get(kind) or {}
        used[kind] = {}
        if not versions:
            continue
        wanted = Q()
        for key, version in versions.items():
            wanted |= Q(key=key, version=version)
        records = model.history.filter(wanted, status=Status.PUBLISHED).order_by(
            "-history_date", "-history_id"
        )
        for record in records:
            if record.key not in used[kind]:
                used[kind][record.key] = {
                    "version": record.version,
                    **_wording(record.instance, fields),
                }
    return used


@dataclass(frozen=True)
class WordingChange:
    label: str
    as_used: str
    current: str


@dataclass(frozen=True)
class ContentChange:
    """One criterion or rule a stored result used that has been changed since."""

    kind: str
    key: str
    version_used: int
    version_now: int | None
    wording: list[WordingChange]


@dataclass(frozen=True)
class ContentVersionsNote:
    """The small print under a result: which published content it was scored with."""

    published_on: datetime
    changes: list[ContentChange]

    @property
    def changed(self) -> int:
        return len(self.changes)


def content_versions_note(*, view: ComparisonResultView) -> ContentVersionsNote:
    """What changed in the criteria and rules since the stored result was last scored.

    Without a change it reads nothing. With one, it reads the old wording from the history
    tables (two queries): the stored result is rewritten in the same view, so this is the
    one moment the difference can still be told.
    """
    previous = view.previous_result
    if previous is None or not previous.content_versions:
        return ContentVersionsNote(published_on=timezone.now(), changes=[])
    current_items = {"criteria": view.criteria, "red_flags": view.rules}
    changed = {
        kind: {
            key: version
            for key, version in previous.content_versions.get(kind, {}).items()
            if getattr(current_items[kind].get(key), "version", None) != version
        }
        for kind in CONTENT_WORDING
    }
    if not any(changed.values()):
        return ContentVersionsNote(published_on=previous.computed_at, changes=[])
    as_used = _content_as_used(changed)
    changes = []
    for kind, (_model, fields) in CONTENT_WORDING.items():
        for key, version in sorted(changed[kind].items()):
            current = current_items[kind].get(key)
            old = as_used[kind].get(key, {})
            now = _wording(current, fields) if current is not None else {}
            changes.append(
                ContentChange(
                    kind="criterion" if kind == "criteria" else "red flag",
                    key=key,
                    version_used=version,
                    version_now=current.version if current is not None else None,
                    wording=[
                        WordingChange(WORDING_LABELS[name], old.get(name, ""), now.get(name, ""))
                        for name in fields
                        if old.get(name, "") != now.get(name, "")
                    ],
                )
            )
    return ContentVersionsNote(published_on=previous.computed_at, changes=changes)


def evaluation_groups(*, criteria: list[Criterion]) -> list[tuple[str, str, list[Criterion]]]:
    """Criteria grouped by category, people first: (category, label, criteria)."""
    labels = dict(Criterion.Category.choices)
    return [
        (category, labels[category], [c for c in criteria if c.category == category])
        for category in CATEGORY_ORDER
        if any(c.category == category for c in criteria)
    ]


# A short section: a handful of items is read, a longer list is skimmed.
DECISION_ADVICE_LIMIT = 4


def comparison_advice(
    *, path_ids: Iterable[int], limit: int = DECISION_ADVICE_LIMIT
) -> list[AdviceItem]:
    """Published advice for a decision between options on these paths (1 query): items of
    those paths first, then general items that name no path, in editorial order."""
    links = AdviceItem.paths.through.objects.filter(adviceitem_id=OuterRef("pk"))
    return list(
        AdviceItem.objects.published()
        .annotate(
            applies=Exists(
                links.filter(careerpath_id__in=list(path_ids), careerpath__status=Status.PUBLISHED)
            ),
            general=~Exists(links),
        )
        .filter(Q(applies=True) | Q(general=True))
        .order_by("-applies", "position", "pk")[:limit]
    )
