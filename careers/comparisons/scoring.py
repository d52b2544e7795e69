"""Scoring an offer comparison: a pure function of plain data, no ORM inside.

Each criterion's answer becomes a fraction of its weight: a yes is worth all of it and a no
none; a scale value of 1-5 is worth (value - 1) / 4; a count is worth count / target, capped
at 1. Every criterion reads the same way: more is better.

An unknown answer is not a zero. It widens the option's range to its worst (0) and best (1)
case and counts as halfway in the point score, and its curated question is what to ask next.
An answer that raised a red flag asks its question too, to resolve before signing, ahead of
the plain unknowns. Confidence is the share of the option's weight that has been answered.

A computed criterion (pay) is not typed: its answer is a ``ComputedAnswer``, a share of the
weight with a low and a high end, worked out elsewhere (``careers.comparisons.pay``). Its
range widens the option's like an unknown's does, but only as far as its own ends, and the
flip analysis weighs each end in the direction that could swap the top two: the leader's low
end, the runner-up's high one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Literal

# 2: questions to ask carry a reason (and red-flagged answers ask theirs), whom to ask, and
# the flip analysis ranks every unknown of the top two.
# 3: computed answers (pay) with a range, weighed in the flip analysis by their ends.
SCORING_VERSION = "3"
UNKNOWN = "unknown"
# Why a question is on an option's list: its answer is unknown, or it raised a red flag.
REASON_UNKNOWN = "unknown"
REASON_RED_FLAG = "red_flag"
# What a flip analysis entry is: an unknown answer, or one end of a computed answer's range.
KIND_UNKNOWN = "unknown"
KIND_RANGE = "range"
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
    ask_whom: str = ""  # manager, future_peers, recruiter, founders, advisor or ""


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
class ComputedAnswer:
    """A computed criterion's answer: shares of its weight (0-1), and what each end of the
    range means, for the flip analysis to say ("equity is worth its paper value")."""

    low: float
    expected: float
    high: float
    if_low: str = ""
    if_high: str = ""


@dataclass(frozen=True)
class OptionInput:
    id: int
    label: str
    criteria: Sequence[CriterionSpec]
    answers: Mapping[str, AnswerValue]
    # Answers of computed criteria, by key; a computed criterion without one is unknown.
    computed: Mapping[str, ComputedAnswer] = field(default_factory=dict)


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
    reason: str = REASON_UNKNOWN  # REASON_UNKNOWN or REASON_RED_FLAG
    red_flag: str | None = None  # the flag's key when the reason is a red flag
    ask_whom: str = ""

    @property
    def resolve_before_signing(self) -> bool:
        return self.reason == REASON_RED_FLAG


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
    # Per computed criterion with a range: how many points its low end takes from the score
    # and its high end adds, and what each end means.
    range_swings: dict[str, RangeSwing] = field(default_factory=dict)


@dataclass(frozen=True)
class RangeSwing:
    down: float
    up: float
    if_low: str
    if_high: str


@dataclass(frozen=True)
class DecisiveUnknown:
    option: int
    criterion: str
    question: str
    swing: float
    ask_whom: str = ""
    # KIND_UNKNOWN: ``question`` is what to ask. KIND_RANGE: ``question`` says which end of a
    # computed answer's range it is ("equity is worth its paper value").
    kind: str = KIND_UNKNOWN


@dataclass(frozen=True)
class FlipAnalysis:
    leader: int
    runner_up: int
    gap: float
    could_flip: bool
    # The fewest unknowns, biggest first, that together could close the gap.
    decisive_unknowns: list[DecisiveUnknown]
    # Every unknown of the top two that moves the gap, biggest first.
    ranked_unknowns: list[DecisiveUnknown] = field(default_factory=list)


@dataclass(frozen=True)
class ComparisonScore:
    scoring_version: str
    options: list[OptionScore]
    ranking: list[int]
    could_flip: bool
    flip_analysis: FlipAnalysis | None

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> ComparisonScore:
        """The score ``as_dict`` gave (as a stored result keeps it), rebuilt exactly.

        Raises ``TypeError`` or ``KeyError`` for a dict of another shape: one written by an
        earlier ``SCORING_VERSION`` is not read, it is scored again."""
        analysis = data["flip_analysis"]
        return cls(
            scoring_version=data["scoring_version"],
            options=[_option_score_from_dict(option) for option in data["options"]],
            ranking=list(data["ranking"]),
            could_flip=data["could_flip"],
            flip_analysis=None
            if analysis is None
            else FlipAnalysis(
                **{
                    **analysis,
                    "decisive_unknowns": [
                        DecisiveUnknown(**u) for u in analysis["decisive_unknowns"]
                    ],
                    "ranked_unknowns": [DecisiveUnknown(**u) for u in analysis["ranked_unknowns"]],
                }
            ),
        )


def _option_score_from_dict(data: Mapping) -> OptionScore:
    return OptionScore(
        **{
            **data,
            "red_flags": [RedFlag(**flag) for flag in data["red_flags"]],
            "questions_to_ask": [QuestionToAsk(**q) for q in data["questions_to_ask"]],
            "unknown_swings": dict(data["unknown_swings"]),
            "range_swings": {
                key: RangeSwing(**swing) for key, swing in data["range_swings"].items()
            },
        }
    )


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
    criteria: Iterable[CriterionSpec],
    answers: Mapping[str, AnswerValue],
    computed: Mapping[str, ComputedAnswer],
) -> tuple[float, float, float, float, float] | None:
    """(point, min, max, answered weight, total weight) on a 0-100 scale, or None if weightless."""
    point = low = high = answered = total = 0.0
    for criterion in criteria:
        weight = criterion.weight
        if weight <= 0:
            continue
        total += weight
        if criterion.answer_type == "computed":
            answer = computed.get(criterion.key)
            ends = None if answer is None else (answer.expected, answer.low, answer.high)
        else:
            fraction = answer_fraction(criterion, answers.get(criterion.key, UNKNOWN))
            ends = None if fraction is None else (fraction, fraction, fraction)
        if ends is None:
            point, high = point + weight / 2, high + weight
            continue
        answered += weight
        point, low, high = point + weight * ends[0], low + weight * ends[1], high + weight * ends[2]
    if total == 0:
        return None
    return (100 * point / total, 100 * low / total, 100 * high / total, answered, total)


def _is_unknown(criterion: CriterionSpec, option: OptionInput) -> bool:
    if criterion.answer_type == "computed":
        return criterion.key not in option.computed
    return option.answers.get(criterion.key, UNKNOWN) == UNKNOWN


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
    overall = _range(option.criteria, option.answers, option.computed) or (0.0,) * 5
    people = _range(
        [c for c in option.criteria if c.category == PEOPLE], option.answers, option.computed
    )
    point, low, high, answered, total = overall

    applicable = {c.key for c in option.criteria}
    red_flags = [
        rule_flag(rule)
        for rule in rules
        if rule.criterion in applicable
        and rule_matches(rule, option.answers.get(rule.criterion, UNKNOWN))
    ]
    red_flags.sort(key=lambda flag: (flag.severity != "serious", flag.key))

    unknown = [c for c in option.criteria if c.weight > 0 and _is_unknown(c, option)]
    questions = option_questions(option.criteria, unknown, red_flags)
    # How many points each unknown moves the score between its midpoint and either end.
    swings = {c.key: _round(100 * c.weight / 2 / total) for c in unknown} if total else {}
    ranges = {}
    for c in option.criteria:
        answer = option.computed.get(c.key) if c.answer_type == "computed" else None
        if answer is not None and c.weight > 0 and answer.high > answer.low:
            ranges[c.key] = RangeSwing(
                down=_round(100 * c.weight * (answer.expected - answer.low) / total),
                up=_round(100 * c.weight * (answer.high - answer.expected) / total),
                if_low=answer.if_low,
                if_high=answer.if_high,
            )

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
        range_swings=ranges,
    )


def _question_order(criterion: CriterionSpec) -> tuple:
    # People questions first, then the ones that weigh most.
    return (criterion.category != PEOPLE, -criterion.weight, criterion.position, criterion.key)


def option_questions(
    criteria: Sequence[CriterionSpec],
    unknown: Sequence[CriterionSpec],
    red_flags: Sequence[RedFlag],
) -> list[QuestionToAsk]:
    """What to ask an organisation, one question per criterion.

    First the answers that raised a red flag, to resolve before signing (serious flags
    first), then the plain unknowns; each group people first, then by weight. A criterion
    both unknown and flagged (a rule on "unknown") is asked once, as a red flag. A flagged
    answer asks its question whatever its weight: the flag is shown, so is its question.
    """
    by_key = {c.key: c for c in criteria}
    flag_of: dict[str, RedFlag] = {}
    for flag in red_flags:  # already serious first: the first flag of a criterion is kept
        if flag.criterion in by_key:
            flag_of.setdefault(flag.criterion, flag)
    flagged = sorted(
        flag_of,
        key=lambda key: (flag_of[key].severity != "serious", *_question_order(by_key[key])),
    )
    plain = sorted((c for c in unknown if c.key not in flag_of), key=_question_order)
    return [_question_to_ask(by_key[key], REASON_RED_FLAG, flag_of[key].key) for key in flagged] + [
        _question_to_ask(c, REASON_UNKNOWN, None) for c in plain
    ]


def _question_to_ask(criterion: CriterionSpec, reason: str, flag: str | None) -> QuestionToAsk:
    # Without a curated question, the criterion's own question is asked.
    return QuestionToAsk(
        criterion=criterion.key,
        category=criterion.category,
        question=criterion.question_to_ask or criterion.question,
        weight=criterion.weight,
        reason=reason,
        red_flag=flag,
        ask_whom=criterion.ask_whom,
    )


def flip_analysis(leader: OptionScore, runner_up: OptionScore) -> FlipAnalysis:
    """Could resolving the unknowns swap the top two, and which unknowns matter most?

    The swap is possible when the runner-up's best case beats the leader's worst case. Each
    unknown of the two can move the gap by its swing: the leader's turning out badly, the
    runner-up's turning out well; so can a computed answer's range, by its low end for the
    leader and its high end for the runner-up. All of them are ranked, biggest first (the
    leader's first on a tie); the decisive ones are the head of that ranking that it takes
    to close the gap.
    """
    gap = round(leader.score - runner_up.score, 1)
    could_flip = runner_up.score_max > leader.score_min
    ranked = [
        _unknown(option, key, swing)
        for option in (leader, runner_up)
        for key, swing in option.unknown_swings.items()
        if swing > 0
    ]
    ranked += [
        DecisiveUnknown(leader.id, key, r.if_low, r.down, kind=KIND_RANGE)
        for key, r in leader.range_swings.items()
        if r.down > 0
    ]
    ranked += [
        DecisiveUnknown(runner_up.id, key, r.if_high, r.up, kind=KIND_RANGE)
        for key, r in runner_up.range_swings.items()
        if r.up > 0
    ]
    ranked.sort(key=lambda u: (-u.swing, u.option != leader.id, u.criterion))
    decisive: list[DecisiveUnknown] = []
    closed = 0.0
    if could_flip:
        for unknown in ranked:
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
        ranked_unknowns=ranked,
    )


def _unknown(option: OptionScore, key: str, swing: float) -> DecisiveUnknown:
    question = next(q for q in option.questions_to_ask if q.criterion == key)
    return DecisiveUnknown(option.id, key, question.question, swing, question.ask_whom)


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
