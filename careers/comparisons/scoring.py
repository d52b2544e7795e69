"""Scoring an offer comparison: a pure function of plain data, no ORM inside.

Each criterion's answer becomes a fraction of its weight: a yes is worth all of it and a no
none; a scale value of 1-5 is worth (value - 1) / 4; a count is worth count / target, capped
at 1. Every criterion reads the same way: more is better.

An unknown answer is not a zero. It widens the option's range to its worst (0) and best (1)
case and counts as halfway in the point score, and its curated question is what to ask next.
Confidence is the share of the option's weight that has been answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Literal

SCORING_VERSION = "1"
UNKNOWN = "unknown"
PEOPLE = "people"
CATEGORY_ORDER = ("people", "work", "growth", "practical")

AnswerValue = int | Literal["yes", "no", "unknown"]


@dataclass(frozen=True)
class CriterionSpec:
    key: str
    question: str
    category: str
    answer_type: str  # "scale" | "yes_no" | "count"
    weight: int
    question_to_ask: str = ""
    count_target: int | None = None
    position: int = 0


@dataclass(frozen=True)
class RuleSpec:
    key: str
    title: str
    criterion: str
    operator: str  # "equals" | "at_most" | "at_least" | "unknown"
    value: str
    explanation: str
    severity: str = "serious"
    citation: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OptionInput:
    id: int
    label: str
    criteria: Sequence[CriterionSpec]
    answers: Mapping[str, AnswerValue]


@dataclass(frozen=True)
class RedFlag:
    key: str
    title: str
    criterion: str
    explanation: str
    severity: str
    citation: Mapping[str, str]


@dataclass(frozen=True)
class QuestionToAsk:
    criterion: str
    category: str
    question: str
    weight: int


@dataclass(frozen=True)
class OptionScore:
    id: int
    label: str
    score: float
    score_min: float
    score_max: float
    people_score: float | None
    people_score_min: float | None
    people_score_max: float | None
    confidence: float
    red_flags: list[RedFlag]
    questions_to_ask: list[QuestionToAsk]
    unknown_swings: dict[str, float]


@dataclass(frozen=True)
class DecisiveUnknown:
    option: int
    criterion: str
    question: str
    swing: float


@dataclass(frozen=True)
class FlipAnalysis:
    leader: int
    runner_up: int
    gap: float
    could_flip: bool
    decisive_unknowns: list[DecisiveUnknown]


@dataclass(frozen=True)
class ComparisonScore:
    scoring_version: str
    options: list[OptionScore]
    ranking: list[int]
    could_flip: bool
    flip_analysis: FlipAnalysis | None

    def as_dict(self) -> dict:
        return asdict(self)


def stored_answer_value(value: str) -> AnswerValue:
    """An answer as stored (always text) in the form scoring reads: a number or a word."""
    return int(value) if value.isascii() and value.isdigit() else value  # type: ignore[return-value]


def answer_fraction(criterion: CriterionSpec, value: AnswerValue) -> float | None:
    """The share of a criterion's weight an answer earns; ``None`` when it is unknown."""
    if value == UNKNOWN:
        return None
    if criterion.answer_type == "yes_no":
        return 1.0 if value == "yes" else 0.0
    number = int(value)
    if criterion.answer_type == "scale":
        return (min(max(number, 1), 5) - 1) / 4
    target = criterion.count_target or 1
    return min(max(number, 0), target) / target


def _range(
    criteria: Iterable[CriterionSpec], answers: Mapping[str, AnswerValue]
) -> tuple[float, float, float, float, float] | None:
    """(point, min, max, answered weight, total weight) on a 0-100 scale, or None if weightless."""
    earned = unknown = answered = total = 0.0
    for criterion in criteria:
        if criterion.weight <= 0:
            continue
        total += criterion.weight
        fraction = answer_fraction(criterion, answers.get(criterion.key, UNKNOWN))
        if fraction is None:
            unknown += criterion.weight
        else:
            earned += criterion.weight * fraction
            answered += criterion.weight
    if total == 0:
        return None
    return (
        100 * (earned + unknown / 2) / total,
        100 * earned / total,
        100 * (earned + unknown) / total,
        answered,
        total,
    )


def rule_matches(rule: RuleSpec, value: AnswerValue) -> bool:
    if rule.operator == "unknown":
        return value == UNKNOWN
    if value == UNKNOWN:
        return False
    if rule.operator == "equals":
        return str(value) == rule.value
    if isinstance(value, str) and not value.lstrip("-").isdigit():
        return False
    if rule.operator == "at_most":
        return int(value) <= int(rule.value)
    if rule.operator == "at_least":
        return int(value) >= int(rule.value)
    return False


def _round(number: float | None) -> float | None:
    return None if number is None else round(number, 1)


def rule_flag(rule: RuleSpec) -> RedFlag:
    """The red flag a rule raises when it matches."""
    return RedFlag(
        key=rule.key,
        title=rule.title,
        criterion=rule.criterion,
        explanation=rule.explanation,
        severity=rule.severity,
        citation=dict(rule.citation),
    )


def option_score(option: OptionInput, rules: Sequence[RuleSpec]) -> OptionScore:
    """Score one option: point score, range, people sub-score, red flags, questions to ask."""
    overall = _range(option.criteria, option.answers) or (0.0, 0.0, 0.0, 0.0, 0.0)
    people = _range([c for c in option.criteria if c.category == PEOPLE], option.answers)
    point, low, high, answered, total = overall

    applicable = {c.key for c in option.criteria}
    red_flags = [
        rule_flag(rule)
        for rule in rules
        if rule.criterion in applicable
        and rule_matches(rule, option.answers.get(rule.criterion, UNKNOWN))
    ]
    red_flags.sort(key=lambda flag: (flag.severity != "serious", flag.key))

    unknown = [
        c for c in option.criteria if c.weight > 0 and option.answers.get(c.key, UNKNOWN) == UNKNOWN
    ]
    # People questions first, then the ones that weigh most.
    unknown.sort(key=lambda c: (c.category != PEOPLE, -c.weight, c.position, c.key))
    questions = [
        QuestionToAsk(c.key, c.category, c.question_to_ask or c.question, c.weight) for c in unknown
    ]
    # How many points each unknown moves the score between its midpoint and either end.
    swings = {c.key: _round(100 * c.weight / 2 / total) for c in unknown} if total else {}

    return OptionScore(
        id=option.id,
        label=option.label,
        score=_round(point),
        score_min=_round(low),
        score_max=_round(high),
        people_score=_round(people[0]) if people else None,
        people_score_min=_round(people[1]) if people else None,
        people_score_max=_round(people[2]) if people else None,
        confidence=round(answered / total, 3) if total else 0.0,
        red_flags=red_flags,
        questions_to_ask=questions,
        unknown_swings=swings,
    )


def flip_analysis(leader: OptionScore, runner_up: OptionScore) -> FlipAnalysis:
    """Could resolving the unknowns swap the top two, and which unknowns matter most?

    The swap is possible when the runner-up's best case beats the leader's worst case. The
    decisive unknowns are those whose resolution moves the gap most: the leader's unknowns
    turning out badly and the runner-up's turning out well, biggest first, as many as it
    takes to close the gap.
    """
    gap = round(leader.score - runner_up.score, 1)
    could_flip = runner_up.score_max > leader.score_min
    candidates = [
        DecisiveUnknown(leader.id, key, _question(leader, key), swing)
        for key, swing in leader.unknown_swings.items()
    ] + [
        DecisiveUnknown(runner_up.id, key, _question(runner_up, key), swing)
        for key, swing in runner_up.unknown_swings.items()
    ]
    candidates.sort(key=lambda u: (-u.swing, u.option != leader.id, u.criterion))
    decisive: list[DecisiveUnknown] = []
    closed = 0.0
    if could_flip:
        for unknown in candidates:
            decisive.append(unknown)
            closed += unknown.swing
            if closed > gap:
                break
    return FlipAnalysis(
        leader=leader.id,
        runner_up=runner_up.id,
        gap=gap,
        could_flip=could_flip,
        decisive_unknowns=decisive,
    )


def _question(option: OptionScore, key: str) -> str:
    return next(q.question for q in option.questions_to_ask if q.criterion == key)


def comparison_score(options: Sequence[OptionInput], rules: Sequence[RuleSpec]) -> ComparisonScore:
    """Score every option, rank them (best first) and analyse whether the top two could swap."""
    scores = [option_score(option, rules) for option in options]
    # Ties go to the option whose worst case is better, then to the one added first.
    ranked = sorted(scores, key=lambda s: (-s.score, -s.score_min, s.id))
    analysis = flip_analysis(ranked[0], ranked[1]) if len(ranked) >= 2 else None
    return ComparisonScore(
        scoring_version=SCORING_VERSION,
        options=scores,
        ranking=[s.id for s in ranked],
        could_flip=bool(analysis and analysis.could_flip),
        flip_analysis=analysis,
    )


def weight_shares(criteria: Iterable[CriterionSpec]) -> dict[str, float]:
    """Each category's share of the total weight, for the results page's explanation."""
    totals: dict[str, float] = dict.fromkeys(CATEGORY_ORDER, 0.0)
    for criterion in criteria:
        totals[criterion.category] = totals.get(criterion.category, 0.0) + criterion.weight
    grand = sum(totals.values())
    return {key: round(value / grand, 3) if grand else 0.0 for key, value in totals.items()}
