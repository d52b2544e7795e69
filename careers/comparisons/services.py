"""Writes to a user's comparisons: options, answers, weights and stored results."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from careers.comparisons.freshness import ResultState, comparison_result_state
from careers.comparisons.models import (
    COUNT_MAX,
    KEY_PATTERN,
    MAX_OPTIONS,
    OPTION_FIELDS,
    UNKNOWN,
    Answer,
    Comparison,
    ComparisonResult,
    Option,
    WeightOverride,
)
from careers.comparisons.results import ComparisonResultView, comparison_result
from careers.comparisons.serializers import comparison_result_data
from careers.content.models import CareerPath, Criterion


def comparison_create(
    *,
    owner: AbstractBaseUser,
    title: str,
    notes: str = "",
    decision_deadline: date | None = None,
    currency: str = "",
) -> Comparison:
    comparison = Comparison(
        owner=owner,
        title=title,
        notes=notes,
        decision_deadline=decision_deadline,
        currency=currency,
    )
    comparison.full_clean()
    comparison.save()
    return comparison


COMPARISON_FIELDS = ("title", "notes", "decision_deadline", "currency")


@transaction.atomic
def comparison_update(*, comparison: Comparison, **fields: Any) -> Comparison:
    """Change the title, notes, deadline or currency. Saving what is already stored (a form sent
    back unchanged) leaves ``inputs_version`` as it is, so the page needs no rebuilding;
    "already stored" is read from the locked row, not from this instance, which may be
    older than another request's change."""
    stored = (
        Comparison.objects.select_for_update()
        .filter(pk=comparison.pk)
        .values(*COMPARISON_FIELDS)
        .first()
    )
    for name in COMPARISON_FIELDS:
        if name in fields:
            setattr(comparison, name, fields[name])
    comparison.full_clean()
    # Only the fields edited: a whole-row save would write back this instance's
    # inputs_version, which may predate another request's write.
    comparison.save(update_fields=[*COMPARISON_FIELDS, "updated_at"])
    if stored != {name: getattr(comparison, name) for name in COMPARISON_FIELDS}:
        _touch(comparison)
    return comparison


def comparison_delete(*, comparison: Comparison) -> None:
    comparison.delete()


@transaction.atomic
def option_create(*, comparison: Comparison, path: CareerPath, **fields: Any) -> Option:
    """Add an option; a comparison holds at most six.

    The comparison row is locked first so two requests adding the seventh option at once
    cannot both pass the count.
    """
    Comparison.objects.select_for_update().filter(pk=comparison.pk).first()
    if comparison.options.count() >= MAX_OPTIONS:
        raise ValidationError(
            f"A comparison holds at most {MAX_OPTIONS} options: remove one before adding another."
        )
    option = Option(comparison=comparison, path=path)
    _set_option_fields(option, fields)
    option.full_clean()
    option.save()
    _touch(comparison)
    return option


@transaction.atomic
def option_update(*, option: Option, **fields: Any) -> Option:
    """Change an option. Moving it to another path drops the answers that no longer apply."""
    old_path_id = option.path_id
    _set_option_fields(option, fields)
    option.full_clean()
    option.save()
    if option.path_id != old_path_id:
        option.answers.exclude(criterion__paths=option.path_id).delete()
    _touch(option.comparison)
    return option


@transaction.atomic
def option_delete(*, option: Option) -> None:
    comparison = option.comparison
    option.delete()
    _touch(comparison)


def _set_option_fields(option: Option, fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - set(OPTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown option fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(option, name, value)


def _touch(comparison: Comparison) -> None:
    """Record a change of what the comparison's result or page shows: ``updated_at`` for
    people, ``inputs_version`` for the stored result and cached pages (``freshness``). Called
    inside the writing transaction, so the new version and the change commit together."""
    Comparison.objects.filter(pk=comparison.pk).update(
        updated_at=timezone.now(), inputs_version=F("inputs_version") + 1
    )


def answer_value_parse(*, criterion: Criterion, value: Any) -> str:
    """Normalise an answer for a criterion: ``unknown``, ``yes``/``no`` or a whole number.

    Raises ``ValidationError`` with a message that says what the criterion accepts.
    """
    if value is None or (isinstance(value, str) and value.strip().lower() == UNKNOWN):
        return UNKNOWN
    if criterion.answer_type == Criterion.AnswerType.YES_NO:
        if isinstance(value, str) and value.strip().lower() in ("yes", "no"):
            return value.strip().lower()
        raise ValidationError(f'\'{criterion.key}\' takes "yes", "no" or "unknown".')
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"[0-9]+", value.strip()):
        # ASCII digits only: str.isdigit() also accepts "²", which int() refuses. Past nine
        # digits (leading zeros aside) the value is out of every range here: it is refused as
        # such without converting it (int() raises past 4,300 digits).
        digits = value.strip().lstrip("0") or "0"
        number = int(digits) if len(digits) <= 9 else COUNT_MAX + 1
    else:
        number = None
    if criterion.answer_type == Criterion.AnswerType.SCALE:
        if number is None or not 1 <= number <= 5:
            raise ValidationError(
                f"'{criterion.key}' takes a whole number from 1 to 5, or \"unknown\"."
            )
        return str(number)
    if number is None or not 0 <= number <= COUNT_MAX:
        raise ValidationError(
            f"'{criterion.key}' takes a count from 0 to {COUNT_MAX}, or \"unknown\"."
        )
    return str(number)


def answers_upsert(*, option: Option, answers: Iterable[Mapping[str, Any]]) -> list[Answer]:
    """Create or update the given answers of one option, all or nothing.

    Each item has ``criterion`` (a key) and ``value``; ``note``, ``source``, ``told_on`` and
    ``confirmed_in_writing`` are optional. A criterion must be published and apply to the
    option's path. Errors are collected per item and raised together, keyed by position.
    """
    items = list(answers)
    keys = [item.get("criterion") for item in items]
    criteria = {
        c.key: c
        for c in Criterion.objects.published().filter(
            key__in=[k for k in keys if isinstance(k, str)]
        )
    }
    applicable = set(
        Criterion.objects.published()
        .filter(paths=option.path_id, key__in=list(criteria))
        .values_list("key", flat=True)
    )
    errors: dict[str, list[str]] = {}
    rows: list[Answer] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        key = item.get("criterion")
        problems: list[str] = []
        criterion = criteria.get(key) if isinstance(key, str) else None
        if criterion is None:
            problems.append(f"Unknown criterion {key!r}.")
        elif key not in applicable:
            problems.append(
                f"'{key}' does not apply to a {option.path.name} option: "
                "only the criteria of the option's path are asked."
            )
        elif criterion.answer_type == Criterion.AnswerType.COMPUTED:
            problems.append(
                f"'{key}' is computed from the option's pay fields, not answered: set those."
            )
        elif key in seen:
            problems.append(f"'{key}' appears more than once.")
        else:
            seen.add(key)
            try:
                value = answer_value_parse(criterion=criterion, value=item.get("value"))
            except ValidationError as error:
                problems.extend(error.messages)
            else:
                answer = Answer(
                    option=option,
                    criterion=criterion,
                    value=value,
                    note=item.get("note") or "",
                    source=item.get("source") or "",
                    told_on=item.get("told_on"),
                    confirmed_in_writing=bool(item.get("confirmed_in_writing", False)),
                )
                try:
                    answer.full_clean(exclude=["option", "criterion"], validate_unique=False)
                except ValidationError as error:
                    problems.extend(
                        f"{name}: {' '.join(messages)}"
                        for name, messages in error.message_dict.items()
                    )
                rows.append(answer)
        if problems:
            errors[str(index)] = problems
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Answer.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["option", "criterion"],
            update_fields=[
                "value",
                "note",
                "source",
                "told_on",
                "confirmed_in_writing",
                "updated_at",
            ],
        )
        _touch(option.comparison)
    return rows


def weights_set(*, comparison: Comparison, weights: Mapping[str, int | None]) -> None:
    """Set per-comparison weights by criterion key; ``None`` (or the default) removes one."""
    # Only slug-shaped keys are looked up: anything else (a NUL byte PostgreSQL refuses,
    # say) is simply not a criterion.
    keys = [key for key in weights if isinstance(key, str) and KEY_PATTERN.fullmatch(key)]
    criteria = {c.key: c for c in Criterion.objects.published().filter(key__in=keys)}
    errors: dict[str, list[str]] = {}
    for key, weight in weights.items():
        if key not in criteria:
            errors[key] = [f"Unknown criterion {key!r}."]
        elif weight is not None and (
            isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= 100
        ):
            errors[key] = ["A weight is a whole number from 0 to 100."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        reset = [
            criteria[key].pk
            for key, weight in weights.items()
            if weight is None or weight == criteria[key].default_weight
        ]
        before = dict(
            WeightOverride.objects.select_for_update()
            .filter(comparison=comparison)
            .values_list("criterion_id", "weight")
        )
        after = {pk: w for pk, w in before.items() if pk not in reset}
        after.update(
            (criteria[key].pk, weight)
            for key, weight in weights.items()
            if criteria[key].pk not in reset
        )
        if after == before:
            # The weights it has already: nothing to write, the stored result stays current.
            return
        WeightOverride.objects.filter(comparison=comparison, criterion_id__in=reset).delete()
        WeightOverride.objects.bulk_create(
            [
                WeightOverride(comparison=comparison, criterion=criteria[key], weight=weight)
                for key, weight in weights.items()
                if weight is not None and weight != criteria[key].default_weight
            ],
            update_conflicts=True,
            unique_fields=["comparison", "criterion"],
            update_fields=["weight"],
        )
        _touch(comparison)


@transaction.atomic
def weights_reset(*, comparison: Comparison) -> None:
    WeightOverride.objects.filter(comparison=comparison).delete()
    _touch(comparison)


def comparison_result_store(
    *, comparison: Comparison, state: ResultState | None = None
) -> ComparisonResultView:
    """The comparison's result for its owner's page, scored and kept only when something it
    depends on changed (``freshness.result_key``); otherwise read back without scoring.

    The stored row keeps the scoring version, the weights, the published version of each
    criterion and red-flag rule used (so an old result still explains itself after the
    content changes) and the result as the API shows it. The returned view carries the row
    as it was before, to tell the user what changed since. ``state`` is the comparison's
    current ``ResultState`` when the caller has read it already.
    """
    state = state or comparison_result_state(comparison_id=comparison.pk)
    view = comparison_result(comparison=comparison, stored=state.stored if state.fresh else None)
    if view.rescored:
        _result_write(state=state, view=view)
    return replace(view, previous_result=state.stored)


def comparison_result_current(*, state: ResultState) -> ComparisonResult:
    """The stored result, brought up to date first when it is stale: what the API answers."""
    if state.fresh:
        return state.stored
    return _result_write(state=state, view=comparison_result(comparison=state.comparison))


def _result_write(*, state: ResultState, view: ComparisonResultView) -> ComparisonResult:
    # The API's own serialiser writes the payload, so a stored answer and a fresh one are
    # the same bytes.
    result, _ = ComparisonResult.objects.update_or_create(
        comparison=state.comparison,
        defaults={
            "scoring_version": view.score.scoring_version,
            "weights": view.weights,
            "data": view.score.as_dict(),
            "content_versions": view.content_versions,
            "payload": comparison_result_data(view),
            "input_fingerprint": state.key,
            "computed_at": timezone.now(),
        },
    )
    return result


COPY_PREFIX = "Copy of "


def copy_name(*, name: str, max_length: int) -> str:
    """``Copy of <name>``, shortened with an ellipsis to fit a column of ``max_length``."""
    copy = f"{COPY_PREFIX}{name}"
    if len(copy) <= max_length:
        return copy
    return copy[: max_length - 1].rstrip() + "…"


def _answers_copy(*, copies: Mapping[int, Option]) -> None:
    """Copy every answer of the options whose ids are the keys onto the option each maps to,
    provenance included (2 queries whatever the number of options)."""
    Answer.objects.bulk_create(
        Answer(
            option=copies[answer.option_id],
            criterion_id=answer.criterion_id,
            value=answer.value,
            note=answer.note,
            source=answer.source,
            told_on=answer.told_on,
            confirmed_in_writing=answer.confirmed_in_writing,
        )
        for answer in Answer.objects.filter(option_id__in=list(copies)).order_by("pk")
    )


@transaction.atomic
def comparison_duplicate(
    *, comparison: Comparison, owner: AbstractBaseUser | None = None
) -> Comparison:
    """A new comparison to try "what if" on: the same notes, deadline, options, answers (with
    who said them, when and whether in writing) and weights, titled as a copy.

    The copy belongs to ``owner`` (the original's owner unless given). A share link is an
    invitation to one comparison, so the copy starts unshared; nor is the stored result
    copied: the copy is scored afresh when its results are first read. The original is
    left exactly as it was, its ``updated_at`` included.
    """
    copy = comparison_create(
        owner=owner or comparison.owner,
        title=copy_name(
            name=comparison.title, max_length=Comparison._meta.get_field("title").max_length
        ),
        notes=comparison.notes,
        decision_deadline=comparison.decision_deadline,
        currency=comparison.currency,
    )
    originals = list(comparison.options.order_by("created_at", "id"))
    # Created in the original's order, so the copy lists its options the same way. Ids,
    # not related objects, are copied: reading each option's path would cost a query each.
    columns = [Option._meta.get_field(name).attname for name in OPTION_FIELDS]
    options = Option.objects.bulk_create(
        Option(comparison=copy, **{column: getattr(option, column) for column in columns})
        for option in originals
    )
    _answers_copy(
        copies={original.pk: new for original, new in zip(originals, options, strict=True)}
    )
    WeightOverride.objects.bulk_create(
        WeightOverride(comparison=copy, criterion_id=override.criterion_id, weight=override.weight)
        for override in comparison.weight_overrides.all()
    )
    return copy


@transaction.atomic
def option_duplicate(*, option: Option) -> Option:
    """A copy of the option in its own comparison, with its answers and their provenance,
    named as a copy. Refused with a ``ValidationError``, as adding one would be, when the
    comparison already holds ``MAX_OPTIONS``. The original option is left as it was."""
    fields = {name: getattr(option, name) for name in OPTION_FIELDS}
    fields["organisation"] = copy_name(
        name=option.organisation, max_length=Option._meta.get_field("organisation").max_length
    )
    # option_create locks the comparison and counts its options: the same limit, the same
    # race-free check as adding one.
    copy = option_create(comparison=option.comparison, **fields)
    _answers_copy(copies={option.pk: copy})
    return copy
