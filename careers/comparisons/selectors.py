"""Reads of a user's comparisons, and the plain data the scoring module needs.

Every read takes the owner: another user's comparison is simply not found.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from careers.comparisons.models import Answer, Comparison, Option, WeightOverride
from careers.content.models import AdviceItem, CareerPath, Criterion, Status


def comparison_list(*, owner: AbstractBaseUser) -> QuerySet[Comparison]:
    return Comparison.objects.filter(owner=owner).annotate(option_count=Count("options"))


def comparison_get(*, owner: AbstractBaseUser, comparison_id: int) -> Comparison | None:
    return Comparison.objects.filter(owner=owner, pk=comparison_id).first()


def comparison_detail_list(*, owner: AbstractBaseUser) -> QuerySet[Comparison]:
    """The owner's comparisons with their options, answers and weight overrides, as the API
    and the JSON export show them (a fixed number of queries for any number of each)."""
    options = Option.objects.select_related("path").prefetch_related(
        Prefetch("answers", queryset=Answer.objects.select_related("criterion"))
    )
    return (
        Comparison.objects.filter(owner=owner)
        .prefetch_related(
            Prefetch("options", queryset=options),
            Prefetch(
                "weight_overrides", queryset=WeightOverride.objects.select_related("criterion")
            ),
        )
        .order_by("-updated_at", "-id")
    )


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
    """The criteria the user answers for an option (the computed ones are worked out)."""
    return list(
        Criterion.objects.published()
        .filter(paths=option.path_id)
        .exclude(answer_type=Criterion.AnswerType.COMPUTED)
    )


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


# A short section: a handful of items is read, a longer list is skimmed.
DECISION_ADVICE_LIMIT = 4


def comparison_advice(
    *,
    path_ids: Iterable[int],
    flag_keys: Iterable[str] = (),
    limit: int = DECISION_ADVICE_LIMIT,
) -> list[AdviceItem]:
    """Published advice for a decision between options on these paths that raised these
    red flags (1 query): items behind a raised flag first, then the other items of those
    paths, then general items that name no path, each in editorial order.

    An item that names paths is picked only when it names one of these, behind a flag too:
    advice about a path the comparison does not contain is never shown. Advice written for
    organisations rather than candidates is never picked."""
    links = AdviceItem.paths.through.objects.filter(adviceitem_id=OuterRef("pk"))
    flag_links = AdviceItem.red_flags.through.objects.filter(
        adviceitem_id=OuterRef("pk"), redflagrule__key__in=list(flag_keys)
    )
    return list(
        AdviceItem.objects.published()
        .exclude(audience=AdviceItem.Audience.ORGANISATIONS)
        .annotate(
            applies=Exists(
                links.filter(careerpath_id__in=list(path_ids), careerpath__status=Status.PUBLISHED)
            ),
            general=~Exists(links),
            behind_flag=Exists(flag_links),
        )
        .filter(Q(applies=True) | Q(general=True))
        .order_by("-behind_flag", "-applies", "position", "pk")[:limit]
    )
