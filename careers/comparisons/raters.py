"""Second opinions: people the owner invites by a secret link (a mentor, a friend, a
partner) to rate the options on the people questions, without an account.

A rater sees each option's organisation, team and path and the people questions, never the
owner's answers, notes, weights or pay. The owner sees their answers beside their own on the
results page and decides, rater by rater, whether they count in the score (``combining``
says how they combine). Revoking a link kills it at once; a revoked rater's answers neither
show nor count any more.

Services write, selectors read; every read of a rater names either the owner's comparison
or the rater's own token, so nobody reaches another comparison's raters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from careers.comparisons.combining import answers_disagree, combined_answer
from careers.comparisons.models import UNKNOWN, Comparison, Option, Rater, RaterAnswer
from careers.comparisons.results import ComparisonResultView
from careers.comparisons.rows import AnswerRow
from careers.comparisons.scoring import AnswerValue, CriterionSpec, stored_answer_value
from careers.comparisons.selectors import criteria_for_paths, option_list
from careers.comparisons.services import answer_value_parse
from careers.content.models import Criterion

# Enough for a mentor, a partner, a few friends and former colleagues; a results page with
# more columns of opinions than that is no longer read.
MAX_ACTIVE_RATERS = 10


class RaterRevoked(Exception):
    """The rater's link was revoked (before or while they saved)."""


def _inputs_changed(*, comparison_id: int) -> None:
    # As every service that changes what the results page shows does (services, freshness):
    # the stored result and the cached page body are keyed by inputs_version. Called inside
    # the writing transaction, so the new version and the change commit together.
    Comparison.objects.filter(pk=comparison_id).update(
        updated_at=timezone.now(), inputs_version=F("inputs_version") + 1
    )


def rater_questions_of(criteria: Iterable[Criterion]) -> list[Criterion]:
    """The questions a rater is asked of an option on a path with these criteria: its
    people questions, never the computed ones."""
    return [
        c
        for c in criteria
        if c.category == Criterion.Category.PEOPLE
        and c.answer_type != Criterion.AnswerType.COMPUTED
    ]


# -- Services -----------------------------------------------------------------------------------


@transaction.atomic
def rater_invite(*, comparison: Comparison, name: str) -> Rater:
    """A new rater with a link of their own; at most ``MAX_ACTIVE_RATERS`` live links per
    comparison (revoked ones do not count). The comparison row is locked first, so two
    invitations at once cannot both pass the count. Nothing of the results changes until
    the rater answers, so the stored result stays current."""
    Comparison.objects.select_for_update().filter(pk=comparison.pk).first()
    active = Rater.objects.filter(comparison=comparison, revoked_at__isnull=True).count()
    if active >= MAX_ACTIVE_RATERS:
        raise ValidationError(
            f"A comparison takes at most {MAX_ACTIVE_RATERS} second opinions at a time: "
            "revoke a link before inviting someone else."
        )
    rater = Rater(comparison=comparison, name=(name or "").strip())
    rater.full_clean(exclude=["comparison", "token"], validate_unique=False)
    rater.save()
    return rater


@transaction.atomic
def rater_revoke(*, rater: Rater) -> Rater:
    """Kill the rater's link at once; their answers stop showing and counting, so the
    result is scored again. Revoking a revoked link changes nothing. A conditional update:
    a save racing it either commits before (and is then hidden) or finds the link dead."""
    now = timezone.now()
    revoked = Rater.objects.filter(pk=rater.pk, revoked_at__isnull=True).update(
        revoked_at=now, counts_in_score=False
    )
    if revoked:
        rater.revoked_at, rater.counts_in_score = now, False
        _inputs_changed(comparison_id=rater.comparison_id)
    return rater


@transaction.atomic
def rater_count_set(*, rater: Rater, counts_in_score: bool) -> Rater:
    """Whether the rater's answers count in the score (combined with the owner's as
    ``combining`` says). Refused for a revoked rater; setting what is set writes nothing."""
    locked = Rater.objects.select_for_update().filter(pk=rater.pk).first()
    if locked is None or not locked.active:
        raise ValidationError("This link was revoked: its answers no longer count.")
    if locked.counts_in_score != counts_in_score:
        Rater.objects.filter(pk=rater.pk).update(counts_in_score=counts_in_score)
        _inputs_changed(comparison_id=rater.comparison_id)
    rater.counts_in_score = counts_in_score
    return rater


def rater_answers_save(*, rater: Rater, answers: Iterable[Mapping[str, Any]]) -> list[RaterAnswer]:
    """Create or update a rater's answers, all or nothing.

    Each item has ``option`` (an id of the rater's comparison), ``criterion`` (a key) and
    ``value``, validated as the owner's answers are (``answer_value_parse``): a question
    must be one of the option's people questions, never a computed one. Errors are collected
    per item and raised together, keyed by position.

    Every save bumps the comparison's ``inputs_version``, whether or not the rater counts:
    the owner's results page shows their answers, and its cached body is keyed by it.
    Raises ``RaterRevoked`` when the link was revoked, also while the rater was answering.
    """
    items = list(answers)
    options = {
        option.pk: option for option in Option.objects.filter(comparison=rater.comparison_id)
    }
    by_path = criteria_for_paths()
    errors: dict[str, list[str]] = {}
    rows: list[RaterAnswer] = []
    seen: set[tuple[int, str]] = set()
    for index, item in enumerate(items):
        option_id, key = item.get("option"), item.get("criterion")
        option = options.get(option_id) if isinstance(option_id, int) else None
        asked = (
            {c.key: c for c in rater_questions_of(by_path.get(option.path_id, []))}
            if option
            else {}
        )
        criterion = asked.get(key) if isinstance(key, str) else None
        if option is None:
            errors[str(index)] = ["Not one of the options you were asked about."]
        elif criterion is None:
            errors[str(index)] = [f"{key!r} is not one of the people questions of {option.label}."]
        elif (option.pk, key) in seen:
            errors[str(index)] = [f"{key!r} of {option.label} appears more than once."]
        else:
            seen.add((option.pk, key))
            try:
                value = answer_value_parse(criterion=criterion, value=item.get("value"))
            except ValidationError as error:
                errors[str(index)] = error.messages
            else:
                rows.append(
                    RaterAnswer(rater=rater, option=option, criterion=criterion, value=value)
                )
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            # The rater row locked while live: a revocation either commits first (then
            # nothing is saved) or waits for this save to commit.
            live = (
                Rater.objects.select_for_update()
                .filter(pk=rater.pk, revoked_at__isnull=True)
                .first()
            )
            if live is None:
                raise RaterRevoked
            RaterAnswer.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["rater", "option", "criterion"],
                update_fields=["value", "updated_at"],
            )
            rater.submitted_at = timezone.now()
            Rater.objects.filter(pk=rater.pk).update(submitted_at=rater.submitted_at)
            _inputs_changed(comparison_id=rater.comparison_id)
    except IntegrityError as error:
        # An option removed by the owner between the form and the save.
        raise ValidationError(
            "The options changed while you were answering: reload the page and save again."
        ) from error
    return rows


# -- Selectors ----------------------------------------------------------------------------------


def rater_get_by_token(*, token: str) -> Rater | None:
    """The rater behind a link, live or revoked (the page says which), with its comparison."""
    if not token:
        return None
    return Rater.objects.filter(token=token).select_related("comparison").first()


def rater_list(*, comparison: Comparison) -> list[Rater]:
    """The comparison's raters in the order they were invited, live and revoked."""
    return list(Rater.objects.filter(comparison=comparison).order_by("created_at", "id"))


def rater_get(*, comparison: Comparison, rater_id: int) -> Rater | None:
    return Rater.objects.filter(comparison=comparison, pk=rater_id).first()


@dataclass(frozen=True)
class RaterOption:
    """One option as a rater sees it: its organisation, team and path, the people questions
    it is asked, and the rater's own answers so far (criterion key -> value)."""

    option: Option
    criteria: list[Criterion]
    answers: dict[str, str]


def rater_questions(*, rater: Rater) -> list[RaterOption]:
    """What the rater's page asks, option by option (4 queries, whatever the number of
    options): only the options' places and the people questions, nothing the owner typed
    about them."""
    options = list(option_list(comparison=rater.comparison))
    by_path = criteria_for_paths()
    saved: dict[int, dict[str, str]] = {}
    for option_id, key, value in RaterAnswer.objects.filter(rater=rater).values_list(
        "option_id", "criterion__key", "value"
    ):
        saved.setdefault(option_id, {})[key] = value
    return [
        RaterOption(
            option=option,
            criteria=rater_questions_of(by_path.get(option.path_id, [])),
            answers=saved.get(option.pk, {}),
        )
        for option in options
    ]


# -- The section of the owner's results page ----------------------------------------------------


@dataclass(frozen=True)
class OpinionCell:
    rater: Rater
    label: str
    # Apart from the owner's answer by DISAGREEMENT_SHARE or more.
    differs: bool


@dataclass(frozen=True)
class OpinionRow:
    criterion: Criterion
    owner_label: str
    cells: list[OpinionCell]
    # Everyone's answers combined by the rule, and the answer the score reads.
    combined_label: str
    scored_label: str
    # Some two known answers are DISAGREEMENT_SHARE of the weight apart.
    disagree: bool


@dataclass(frozen=True)
class OpinionOption:
    option: Option
    rows: list[OpinionRow]


@dataclass(frozen=True)
class SecondOpinionTable:
    raters: list[Rater]
    counting: list[Rater]
    options: list[OpinionOption]

    @property
    def disagreements(self) -> int:
        return sum(row.disagree for option in self.options for row in option.rows)


def _label(criterion: Criterion, value: AnswerValue) -> str:
    return AnswerRow(criterion=criterion, value=str(value), weight=0, answer=None).value_label


def _spec(criterion: Criterion) -> CriterionSpec:
    return CriterionSpec(
        key=criterion.key,
        question=criterion.question,
        category=criterion.category,
        answer_type=criterion.answer_type,
        weight=1,
        count_target=criterion.count_target,
    )


def second_opinion_table(*, view: ComparisonResultView) -> SecondOpinionTable | None:
    """The second opinions beside the owner's answers, option by option in ranking order:
    a row per people question some rater answered, flagged where the answers disagree.
    Reads the view only (no query); ``None`` while no live rater has answered."""
    opinions = view.second_opinions
    if not opinions.raters:
        return None
    options = {option.pk: option for option in view.options}
    by_path: dict[int, list[Criterion]] = {}
    for criterion in sorted(view.criteria.values(), key=lambda c: (c.position, c.key)):
        for path in criterion.paths.all():
            by_path.setdefault(path.pk, []).append(criterion)
    table = []
    for option_id in view.score.ranking:
        option, by_key = options[option_id], opinions.answers.get(option_id, {})
        own = view.answers.get(option_id, {})
        rows = []
        for criterion in rater_questions_of(by_path.get(option.path_id, [])):
            if criterion.key not in by_key:
                continue
            by_rater = by_key[criterion.key]
            owner: AnswerValue = (
                stored_answer_value(own[criterion.key].value) if criterion.key in own else UNKNOWN
            )
            spec = _spec(criterion)
            cells = [
                OpinionCell(
                    rater=rater,
                    label=_label(criterion, by_rater[rater.pk])
                    if rater.pk in by_rater
                    else "Not answered",
                    differs=rater.pk in by_rater
                    and answers_disagree(spec, [owner, by_rater[rater.pk]]),
                )
                for rater in opinions.raters
            ]
            everyone = combined_answer(
                answer_type=criterion.answer_type, owner=owner, raters=list(by_rater.values())
            )
            scored = opinions.combined.get(option_id, {}).get(criterion.key, owner)
            rows.append(
                OpinionRow(
                    criterion=criterion,
                    owner_label=_label(criterion, owner),
                    cells=cells,
                    combined_label=_label(criterion, everyone),
                    scored_label=_label(criterion, scored),
                    disagree=answers_disagree(spec, [owner, *by_rater.values()]),
                )
            )
        if rows:
            table.append(OpinionOption(option=option, rows=rows))
    return SecondOpinionTable(
        raters=opinions.raters,
        counting=[rater for rater in opinions.raters if rater.counts_in_score],
        options=table,
    )
