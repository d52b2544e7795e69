"""The decision a user records on a comparison, and the result it rested on, frozen.

A decision is recorded (or replaced) whole: the chosen option or "none of them", the
dates, how sure the owner is, what they expect, what would change their mind, a premortem,
the backup plan and the unknowns they accepted. The first save freezes the comparison's
result as it stood (``decision_basis``): every option's scores, ranges, red flags and
answers, the weights and the published content versions. Later edits of the comparison
never touch it, and neither does editing the record; choosing an option the frozen result
does not know (one added since) freezes the result again, since the choice now rests on
it. Once the first check-in has gone out the record is kept as it was
(``checkins.decision_editable``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from careers.comparisons.checkins import checkins_schedule, decision_editable
from careers.comparisons.freshness import comparison_result_state
from careers.comparisons.models import (
    MIN_OPTIONS_TO_RANK,
    UNKNOWN,
    Comparison,
    Decision,
    DecisionCheckin,
)
from careers.comparisons.results import ComparisonResultView
from careers.comparisons.scoring import REASON_UNKNOWN
from careers.comparisons.serializers import comparison_result_data
from careers.comparisons.services import comparison_result_store
from careers.content.models import Criterion

EARLIEST_DECISION = date(2000, 1, 1)
# A start date this far after the decision is a typo (a PhD may start a year and more later).
LATEST_START_AFTER = timedelta(days=3 * 366)
BASIS_FORMAT = 1
DECISION_FIELDS = (
    "chosen_option",
    "decided_on",
    "start_date",
    "confidence",
    "expectations",
    "change_my_mind",
    "premortem",
    "backup_plan",
    "accepted_unknowns",
    "checkin_weekday",
    "checkin_hour",
)


class DecisionError(ValidationError):
    """A decision that cannot be saved, with a message per field at fault (forms show them
    beside the fields, the API as a 400)."""


class DecisionLocked(ValidationError):
    """The first check-in has gone out: the decision stays as it was recorded."""


def answer_unfavourable(*, criterion: Criterion, value: str) -> bool:
    """Whether an answer counts against the option: every criterion is worded so that
    ``yes``, a higher scale value or a higher count is better, so ``no``, a 1 or 2 of 5, or
    a count under half its target is unfavourable. Unknown answers are neither."""
    if value == UNKNOWN:
        return False
    if criterion.answer_type == Criterion.AnswerType.YES_NO:
        return value == "no"
    if criterion.answer_type == Criterion.AnswerType.SCALE:
        return value.isdigit() and int(value) <= 2
    if criterion.answer_type == Criterion.AnswerType.COUNT:
        target = criterion.count_target or 1
        return value.isdigit() and int(value) * 2 < target
    return False


def _option_basis(view: ComparisonResultView, payload_option: dict[str, Any]) -> dict[str, Any]:
    option_id = payload_option["id"]
    # The answers the score read: the owner's, combined with those of the raters who count.
    answers = {key: answer.value for key, answer in view.answers.get(option_id, {}).items()}
    for key, value in view.second_opinions.combined.get(option_id, {}).items():
        answers[key] = str(value)
    return {
        "id": option_id,
        "label": payload_option["label"],
        "path": next((o.path.slug for o in view.options if o.pk == option_id), ""),
        "answers": answers,
        "red_flags": [flag["key"] for flag in payload_option["red_flags"]],
        "unfavourable": sorted(
            key
            for key, value in answers.items()
            if key in view.criteria
            and answer_unfavourable(criterion=view.criteria[key], value=value)
        ),
        "unknowns": [
            question["criterion"]
            for question in payload_option["questions_to_ask"]
            if question["reason"] == REASON_UNKNOWN
        ],
    }


def decision_basis(*, view: ComparisonResultView) -> dict[str, Any]:
    """The result a decision rests on, as plain JSON: the result exactly as the API showed
    it, and per option its label, path, answers, red flags raised, unfavourable answers and
    unknowns (what editors' aggregates and the decision page read later)."""
    payload = comparison_result_data(view)
    return {
        "format": BASIS_FORMAT,
        "frozen_at": timezone.now().isoformat(),
        "inputs_version": view.comparison.inputs_version,
        "result": payload,
        "options": [_option_basis(view, option) for option in payload["options"]],
        # Whose second opinions the score combined with the owner's answers.
        "counted_raters": [
            {"id": rater.pk, "name": rater.name}
            for rater in view.second_opinions.raters
            if rater.counts_in_score
        ],
        "chosen": None,
    }


def basis_option(basis: dict[str, Any], option_id: int | None) -> dict[str, Any] | None:
    """The frozen entry of an option of the basis, ``None`` for "none of them"."""
    return next((o for o in basis.get("options", []) if o["id"] == option_id), None)


def decisive_unknowns(basis: dict[str, Any]) -> dict[int, list[str]]:
    """The unknowns the swap analysis found decisive, by option: what the form pre-ticks."""
    flip = basis.get("result", {}).get("flip_analysis") or {}
    found: dict[int, list[str]] = {}
    for unknown in flip.get("decisive_unknowns", []):
        if unknown.get("kind", "unknown") == "unknown":
            found.setdefault(unknown["option"], []).append(unknown["criterion"])
    return found


@dataclass(frozen=True)
class DecisionStart:
    """What the decision form starts from: the result to freeze, or the one frozen."""

    basis: dict[str, Any]
    options: list[dict[str, Any]]
    leader: int | None


def decision_start(*, comparison: Comparison) -> DecisionStart:
    """The basis a new or edited decision is made on: the frozen one when the comparison
    has a decision, else the current result (scored and stored as the results page does)."""
    decision = decision_of(comparison=comparison)
    if decision is not None:
        basis = decision.basis
    else:
        state = comparison_result_state(comparison_id=comparison.pk)
        basis = decision_basis(view=comparison_result_store(comparison=comparison, state=state))
    ranking = basis["result"].get("ranking") or [None]
    return DecisionStart(basis=basis, options=basis["options"], leader=ranking[0])


def decision_of(*, comparison: Comparison) -> Decision | None:
    return Decision.objects.filter(comparison=comparison).first()


def _validate(fields: dict[str, Any], basis: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    chosen = fields["chosen_option"]
    option = basis_option(basis, chosen)
    if chosen is not None and option is None:
        errors["chosen_option"] = "Choose one of this comparison's options, or none of them."
    today = timezone.localdate()
    decided_on = fields["decided_on"]
    if decided_on < EARLIEST_DECISION or decided_on > today + timedelta(days=1):
        errors["decided_on"] = f"Give a date between {EARLIEST_DECISION} and today."
    start = fields.get("start_date")
    if "decided_on" in errors:
        # The start date's window is counted from the decision's date: none to count from.
        pass
    elif chosen is None:
        # No job or place to start: a date typed before picking "none of them" is dropped.
        fields["start_date"] = None
    elif start is None:
        errors["start_date"] = "Give the expected start date: the check-ins count from it."
    elif not (decided_on - timedelta(days=366) <= start <= decided_on + LATEST_START_AFTER):
        errors["start_date"] = (
            "Give a start date from a year before the decision to three years after it."
        )
    accepted = list(dict.fromkeys(fields.get("accepted_unknowns") or []))
    allowed = option["unknowns"] if option is not None else []
    wrong = [key for key in accepted if key not in allowed]
    if wrong:
        errors["accepted_unknowns"] = (
            f"Not an unknown of the chosen option: {', '.join(map(str, wrong[:5]))}."
            if option is not None
            else "With none of the options chosen there are no unknowns to accept."
        )
    fields["accepted_unknowns"] = accepted
    if errors:
        raise DecisionError(errors)
    return fields


def decision_defaults() -> dict[str, Any]:
    """The value of each optional field of a decision when none is given."""
    found = {}
    for name in DECISION_FIELDS:
        field = Decision._meta.get_field(name)
        if field.has_default():
            found[name] = field.get_default()
        elif field.null:
            found[name] = None
        elif field.blank:
            found[name] = ""
    return found


def _lock_checkins(decision: Decision | None) -> None:
    """Lock the decision's check-in rows until the write commits. The dispatcher claims a
    due row under ``SKIP LOCKED``: it either claimed it before (and the decision is then not
    editable) or skips it until this edit has rescheduled it."""
    if decision is not None:
        list(DecisionCheckin.objects.select_for_update().filter(decision=decision))


@transaction.atomic
def decision_save(*, comparison: Comparison, **fields: Any) -> Decision:
    """Record the owner's decision on ``comparison``, or replace the one recorded, and
    (re)schedule its check-ins. Raises ``DecisionError`` for a field at fault and
    ``DecisionLocked`` once the first check-in has gone out.

    The comparison row is locked first, so two saves of one comparison's decision (two tabs,
    a retried request) follow each other instead of both creating one.
    """
    unknown = set(fields) - set(DECISION_FIELDS)
    if unknown:
        raise TypeError(f"unknown decision fields: {', '.join(sorted(unknown))}")
    Comparison.objects.select_for_update().filter(pk=comparison.pk).first()
    decision = decision_of(comparison=comparison)
    _lock_checkins(decision)
    if decision is not None and not decision_editable(decision=decision):
        raise DecisionLocked("The first check-in has gone out: the decision is kept as it was.")
    if comparison.options.count() < MIN_OPTIONS_TO_RANK:
        raise DecisionError(
            {"chosen_option": f"Add at least {MIN_OPTIONS_TO_RANK} options before deciding."}
        )
    basis = decision.basis if decision is not None else None
    if basis is None or (
        fields.get("chosen_option") is not None
        and basis_option(basis, fields["chosen_option"]) is None
    ):
        state = comparison_result_state(comparison_id=comparison.pk)
        basis = decision_basis(view=comparison_result_store(comparison=comparison, state=state))
    fields = _validate(dict(fields), basis)
    option = basis_option(basis, fields["chosen_option"])
    basis = {**basis, "chosen": option}
    if decision is None:
        decision = Decision(comparison=comparison)
    for name, value in fields.items():
        setattr(decision, name, value)
    decision.basis = basis
    decision.chosen_label = option["label"] if option is not None else ""
    try:
        decision.full_clean(exclude=["comparison", "basis", "accepted_unknowns"])
    except ValidationError as error:
        raise DecisionError(
            {name: " ".join(messages) for name, messages in error.message_dict.items()}
        ) from None
    decision.save()
    checkins_schedule(decision=decision)
    return decision


@transaction.atomic
def decision_delete(*, decision: Decision) -> None:
    """Take back a decision while it is editable (with its check-ins, none sent yet)."""
    _lock_checkins(decision)
    if not decision_editable(decision=decision):
        raise DecisionLocked("The first check-in has gone out: the decision is kept as it was.")
    decision.delete()
