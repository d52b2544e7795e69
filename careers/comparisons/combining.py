"""Second opinions in the score: how the answers of the raters who count combine with the
owner's, and when two answers to one question disagree. Pure functions of plain values, no
ORM, like ``scoring``, which reads what they return.

The owner is one voice among the raters who count, never outvoted by a single one:

- a scale (1-5) or a count takes the mean of the known answers, rounded to a whole number;
  a mean exactly halfway rounds towards the owner's own answer (down, the cautious side,
  when the owner does not know);
- a yes-no question takes the majority of the known answers; a tie stays with the owner's
  answer (unknown, when the owner does not know);
- an answer nobody knows stays unknown, and one the owner does not know but a rater who
  counts does becomes known.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from careers.comparisons.scoring import UNKNOWN, AnswerValue, CriterionSpec, answer_fraction

YES_NO = "yes_no"
# Two known answers disagree when they are at least this share of the question's weight
# apart: two points or more on a 1-5 scale (each point is a quarter), yes against no, or
# counts half their target apart (both capped at the target, as the score caps them).
DISAGREEMENT_SHARE = 0.5


def answer_fits(answer_type: str, value: AnswerValue) -> bool:
    """Whether a known value is one the answer type takes (a value stored before an editor
    changed the question's type is left out rather than misread)."""
    if answer_type == YES_NO:
        return value in ("yes", "no")
    return isinstance(value, int) and not isinstance(value, bool)


def _known(answer_type: str, values: Iterable[AnswerValue]) -> list[AnswerValue]:
    return [v for v in values if v != UNKNOWN and answer_fits(answer_type, v)]


def combined_answer(
    *, answer_type: str, owner: AnswerValue, raters: Sequence[AnswerValue]
) -> AnswerValue:
    """The answer the score reads when raters count: the rule of the module docstring."""
    own = _known(answer_type, [owner])
    others = _known(answer_type, raters)
    if not others:
        return owner
    if answer_type == YES_NO:
        votes = own + others
        yes, no = votes.count("yes"), votes.count("no")
        if yes == no:
            return owner
        return "yes" if yes > no else "no"
    numbers = [int(v) for v in own + others]
    lower, remainder = divmod(sum(numbers), len(numbers))
    if 2 * remainder < len(numbers):
        return lower
    if 2 * remainder > len(numbers):
        return lower + 1
    # Exactly halfway: towards the owner's answer, down without one.
    return lower + 1 if own and int(own[0]) > lower else lower


def answers_disagree(criterion: CriterionSpec, values: Iterable[AnswerValue]) -> bool:
    """Whether any two of the known answers are ``DISAGREEMENT_SHARE`` of the weight apart."""
    fractions = [
        answer_fraction(criterion, value) for value in _known(criterion.answer_type, values)
    ]
    if len(fractions) < 2:
        return False
    # A small tolerance: a quarter per scale point is exact in binary, a count's share may
    # not be.
    return max(fractions) - min(fractions) >= DISAGREEMENT_SHARE - 1e-9
