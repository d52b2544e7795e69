"""A comparison read from the database and scored: the plain data ``scoring`` takes, the
result with what pages show beside it, and which published content a stored result used.

The answers of the raters who count in the score are combined with the owner's before
scoring (``combining``); the rest of the second opinions travel with the view for the
owner's results page to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from django.db.models import Q
from django.utils import timezone

from careers.comparisons.combining import combined_answer
from careers.comparisons.models import (
    Answer,
    Comparison,
    ComparisonResult,
    Option,
    Rater,
    RaterAnswer,
    WeightOverride,
)
from careers.comparisons.pay import PAY_CRITERION, OptionPay, option_pays, pay_fractions
from careers.comparisons.scoring import (
    UNKNOWN,
    AnswerValue,
    ComparisonScore,
    ComputedAnswer,
    CriterionSpec,
    OptionInput,
    RuleSpec,
    comparison_score,
    stored_answer_value,
    weight_shares,
)
from careers.comparisons.selectors import criteria_for_paths, option_list
from careers.content.models import Criterion, RedFlagRule, Status


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
        ask_whom=criterion.ask_whom,
    )


@dataclass(frozen=True)
class SecondOpinions:
    """The answers of the raters whose link is live, as the score and the owner's page read
    them."""

    # The raters with at least one answer, in the order they were invited.
    raters: list[Rater] = field(default_factory=list)
    # option id -> criterion key -> rater id -> answer.
    answers: dict[int, dict[str, dict[int, AnswerValue]]] = field(default_factory=dict)
    # option id -> criterion key -> the combined answer the score reads, wherever a rater
    # who counts answered.
    combined: dict[int, dict[str, AnswerValue]] = field(default_factory=dict)


def second_opinions_read(
    comparison: Comparison,
    options: list[Option],
    by_option: dict[int, dict[str, Answer]],
    by_path: dict[int, list[Criterion]],
) -> SecondOpinions:
    """The live raters' answers to the people questions each option is asked (1 query,
    whatever the number of raters), combined with the owner's for those who count.

    A revoked rater's answers neither show nor count. An answer to a question the option is
    no longer asked (its path changed, the question was unpublished) is left out.
    """
    rows = (
        RaterAnswer.objects.filter(rater__comparison=comparison, rater__revoked_at__isnull=True)
        .select_related("rater")
        .order_by("rater__created_at", "rater_id", "pk")
    )
    asked = {
        option.pk: {
            c.pk: c.key
            for c in by_path.get(option.path_id, [])
            if c.category == Criterion.Category.PEOPLE
            and c.answer_type != Criterion.AnswerType.COMPUTED
        }
        for option in options
    }
    raters: dict[int, Rater] = {}
    answers: dict[int, dict[str, dict[int, AnswerValue]]] = {}
    for row in rows:
        key = asked.get(row.option_id, {}).get(row.criterion_id)
        if key is None:
            continue
        raters.setdefault(row.rater_id, row.rater)
        by_rater = answers.setdefault(row.option_id, {}).setdefault(key, {})
        by_rater[row.rater_id] = stored_answer_value(row.value)
    counting = {pk for pk, rater in raters.items() if rater.counts_in_score}
    types = {c.key: c.answer_type for crits in by_path.values() for c in crits}
    combined: dict[int, dict[str, AnswerValue]] = {}
    for option_id, by_key in answers.items():
        for key, by_rater in by_key.items():
            votes = [value for pk, value in by_rater.items() if pk in counting]
            if not votes:
                continue
            own = by_option.get(option_id, {}).get(key)
            combined.setdefault(option_id, {})[key] = combined_answer(
                answer_type=types[key],
                owner=stored_answer_value(own.value) if own else UNKNOWN,
                raters=votes,
            )
    return SecondOpinions(raters=list(raters.values()), answers=answers, combined=combined)


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
    # False when the score was read back from a stored result that is still current.
    rescored: bool = True
    # Each option's pay in the comparison's currency, and the computed pay criterion's answer
    # (what the score read), by option id.
    pays: dict[int, OptionPay] = field(default_factory=dict)
    pay_answers: dict[int, ComputedAnswer] = field(default_factory=dict)
    # The computed pay criterion's share of the weight (0 when its options do not ask it).
    pay_share: float = 0.0
    second_opinions: SecondOpinions = field(default_factory=SecondOpinions)

    @cached_property
    def content_versions_note(self) -> ContentVersionsNote:
        return content_versions_note(view=self)


def rule_spec(rule: RedFlagRule) -> RuleSpec:
    """What scoring needs of a red-flag rule (its criterion fetched with it)."""
    return RuleSpec(
        key=rule.key,
        title=rule.title,
        criterion=rule.criterion.key,
        operator=rule.operator,
        value=rule.value,
        explanation=rule.explanation,
        severity=rule.severity,
        citation=rule.citation,
    )


def _stored_score(stored: ComparisonResult | None) -> ComparisonScore | None:
    if stored is None:
        return None
    try:
        return ComparisonScore.from_dict(stored.data)
    except (KeyError, TypeError):
        # Written in another shape (an earlier scoring version): scored again instead.
        return None


def _score(
    comparison: Comparison,
    options: list[Option],
    by_option: dict[int, dict[str, Answer]],
    by_path: dict[int, list[Criterion]],
    all_criteria: dict[str, Criterion],
    pay_answers: dict[int, ComputedAnswer],
    combined: dict[int, dict[str, AnswerValue]],
) -> tuple[ComparisonScore, dict[str, int], list[RedFlagRule]]:
    """The score, the weights it used and the rules it applied (2 queries: the overrides
    and the rules). ``combined`` answers, where there are any, replace the owner's."""
    overrides = dict(
        WeightOverride.objects.filter(comparison=comparison).values_list("criterion_id", "weight")
    )
    weights = {
        c.key: overrides.get(c.pk, c.default_weight)
        for c in sorted(all_criteria.values(), key=lambda c: (c.position, c.key))
    }
    rule_rows = list(
        RedFlagRule.objects.published()
        .filter(criterion__status=Status.PUBLISHED)
        .select_related("criterion")
    )
    inputs = [
        OptionInput(
            id=option.pk,
            label=option.label,
            criteria=[_criterion_spec(c, weights[c.key]) for c in by_path.get(option.path_id, [])],
            answers={
                **{
                    key: stored_answer_value(answer.value)
                    for key, answer in by_option.get(option.pk, {}).items()
                },
                **combined.get(option.pk, {}),
            },
            computed={PAY_CRITERION: pay_answers[option.pk]} if option.pk in pay_answers else {},
        )
        for option in options
    ]
    return comparison_score(inputs, [rule_spec(rule) for rule in rule_rows]), weights, rule_rows


def comparison_result(
    *, comparison: Comparison, stored: ComparisonResult | None = None
) -> ComparisonResultView:
    """Score a comparison from the database in a fixed number of queries.

    Options (1), answers (1), criteria with their paths (2), the raters' answers (1), weight
    overrides (1) and rules (1): the count does not grow with the number of options,
    criteria or raters.

    ``stored`` is a stored result the caller knows to be current (``freshness``): its score
    and weights are read back instead, and neither the overrides nor the rules are read
    (5 queries, nothing scored).
    """
    options = list(option_list(comparison=comparison))
    answers = Answer.objects.filter(option__comparison=comparison).select_related("criterion")
    by_option: dict[int, dict[str, Answer]] = {}
    for answer in answers:
        by_option.setdefault(answer.option_id, {})[answer.criterion.key] = answer

    by_path = criteria_for_paths()
    all_criteria = {c.key: c for crits in by_path.values() for c in crits}
    asked = {c.key for o in options for c in by_path.get(o.path_id, [])}
    pays = option_pays(comparison, options)
    private = {option.pk: bool(option.private_shares) for option in options}
    pay_answers = pay_fractions(pays.values(), private=private)
    opinions = second_opinions_read(comparison, options, by_option, by_path)
    score = _stored_score(stored)
    if score is not None and set(stored.weights) == set(all_criteria):
        weights, rule_rows = dict(stored.weights), []
        content_versions = stored.content_versions
        rescored = False
    else:
        score, weights, rule_rows = _score(
            comparison, options, by_option, by_path, all_criteria, pay_answers, opinions.combined
        )
        content_versions = {
            "criteria": {key: all_criteria[key].version for key in sorted(asked)},
            "red_flags": {
                rule.key: rule.version for rule in rule_rows if rule.criterion.key in asked
            },
        }
        rescored = True
    # The weight split shown to the user covers the criteria its options are asked.
    used = asked or set(all_criteria)
    specs = [_criterion_spec(all_criteria[key], weights[key]) for key in used]
    shares = weight_shares(specs)
    brand = all_criteria.get("brand_prestige")
    total = sum(s.weight for s in specs) or 1
    return ComparisonResultView(
        comparison=comparison,
        options=options,
        score=score,
        weights=weights,
        criteria=all_criteria,
        answers=by_option,
        people_share=shares.get("people", 0.0),
        brand_weight=weights.get("brand_prestige") if brand else None,
        brand_share=round(weights.get("brand_prestige", 0) / total, 3) if brand else 0.0,
        rules={rule.key: rule for rule in rule_rows},
        content_versions=content_versions,
        rescored=rescored,
        pays=pays,
        pay_answers=pay_answers,
        pay_share=round(weights.get(PAY_CRITERION, 0) / total, 3) if PAY_CRITERION in used else 0.0,
        second_opinions=opinions,
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


def content_as_used(
    content_versions: dict[str, dict[str, int]],
) -> dict[str, dict[str, dict[str, Any]]]:
    """The criteria and red-flag rules of ``content_versions`` (as a stored result records
    them), worded as they were at those versions: ``{"criteria": {key: {"version",
    "question", "question_to_ask"}}, "red_flags": {key: {"version", "title", "condition",
    "explanation"}}}``.

    Read from the history tables, one query per model whatever the number of keys. A version
    is the last published record with that number (a later record of the same version only
    marks the citation verified). A key whose record is gone is left out.
    """
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


def content_versions_unchanged(stored: ComparisonResult) -> ContentVersionsNote:
    """The note under a stored result read back because nothing it depends on changed."""
    return ContentVersionsNote(published_on=stored.computed_at, changes=[])


def content_versions_note(*, view: ComparisonResultView) -> ContentVersionsNote:
    """What changed in the criteria and rules since the stored result was last scored.

    Without a change it reads nothing. With one, it reads the old wording from the history
    tables (two queries): the stored result is rewritten in the same view, so this is the
    one moment the difference can still be told.
    """
    previous = view.previous_result
    if previous is None or not previous.content_versions:
        return ContentVersionsNote(published_on=timezone.now(), changes=[])
    if not view.rescored:
        return content_versions_unchanged(previous)
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
    as_used = content_as_used(changed)
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
