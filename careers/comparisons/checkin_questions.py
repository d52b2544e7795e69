"""The questions a check-in asks, in one place: their wording, the answers each takes and the
field each answer is kept in. The email's one-click links, the answer page's form and the
services that record answers all read them from here, so they can never disagree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from careers.comparisons.decision_models import SameAgain

YES_NO = "yes_no"
SCALE = "scale"
CHOICE = "choice"


@dataclass(frozen=True)
class Choice:
    """One answer: ``value`` as links and forms carry it ("yes", "3", "not_sure")."""

    value: str
    label: str


@dataclass(frozen=True)
class Question:
    field: str
    text: str
    kind: str
    choices: tuple[Choice, ...]
    # What the ends of a scale mean, shown beside it.
    hint: str = ""

    @property
    def empty(self) -> str | None:
        """What the model keeps for no answer: null, or "" for a choice of words."""
        return "" if self.kind == CHOICE else None

    def stored(self, value: str) -> bool | int | str | None:
        """The value kept in the model for the answer ``value`` (one of ``choices``, or ""
        for no answer)."""
        if value == "":
            return self.empty
        if value not in {choice.value for choice in self.choices}:
            raise ValueError(f"{value!r} is not an answer to {self.field}")
        if self.kind == YES_NO:
            return value == "yes"
        if self.kind == SCALE:
            return int(value)
        return value

    def shown(self, stored: Any) -> str:
        """The answer ``value`` of what the model keeps ("" when unanswered)."""
        if stored is None or stored == "":
            return ""
        if self.kind == YES_NO:
            return "yes" if stored else "no"
        return str(stored)

    def label_of(self, value: str) -> str:
        return next((choice.label for choice in self.choices if choice.value == value), "")


_YES_NO = (Choice("yes", "Yes"), Choice("no", "No"))


def _scale() -> tuple[Choice, ...]:
    return tuple(Choice(str(n), str(n)) for n in range(1, 6))


QUESTIONS: tuple[Question, ...] = (
    Question("team_as_told", "Is the team the one you were told?", YES_NO, _YES_NO),
    Question("manager_as_expected", "Is the manager who and what you expected?", YES_NO, _YES_NO),
    Question(
        "people",
        "How are the people you work with every day?",
        SCALE,
        _scale(),
        hint="1 is poor, 5 is excellent",
    ),
    Question(
        "learning",
        "Are you learning faster than before?",
        SCALE,
        _scale(),
        hint="1 is much slower, 3 about the same, 5 much faster",
    ),
    Question(
        "same_again",
        "Would you choose the same again?",
        CHOICE,
        tuple(Choice(value, label) for value, label in SameAgain.choices),
    ),
)
QUESTIONS_BY_FIELD = {question.field: question for question in QUESTIONS}
