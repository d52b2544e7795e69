"""What editors learn about each advice item: how often it was put in front of users, on
results pages and in emails, and how many users found it helpful.

Counters are incremented in the database (``x = x + n``), never read, added to and written
back, so concurrent requests and workers never lose a count.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Literal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import BigIntegerField, Count, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from careers.content.models import AdviceFeedback, AdviceItem, AdviceStats

Where = Literal["results", "emails"]

COUNTER_FIELDS: dict[str, str] = {
    "results": "shown_in_results",
    "emails": "shown_in_emails",
}


def advice_shown(
    *,
    item_ids: Iterable[int] = (),
    where: Where,
    times: Mapping[int, int] | None = None,
) -> None:
    """Count that advice items were shown, on a results page or in emails.

    Each occurrence of an id in ``item_ids`` counts once; ``times`` adds tallied counts
    (``{item_id: n}``), for a caller that has counted a whole chunk of emails. Many items
    cost a few statements, not one each: an INSERT of the stats rows that do not exist yet,
    then an UPDATE per distinct count (one when every item was shown as often).
    """
    field = COUNTER_FIELDS[where]
    counts = Counter(item_ids)
    if times:
        counts.update(times)
    counts = Counter({pk: n for pk, n in counts.items() if n > 0})
    if not counts:
        return
    # Two callers may create the same rows at once: ignore_conflicts lets the first insert
    # win and the second skip it, and both increments below then land on that one row.
    AdviceStats.objects.bulk_create(
        [AdviceStats(advice_item_id=pk) for pk in sorted(counts)], ignore_conflicts=True
    )
    ids_by_count: dict[int, list[int]] = defaultdict(list)
    for pk, n in counts.items():
        ids_by_count[n].append(pk)
    for n, ids in sorted(ids_by_count.items()):
        AdviceStats.objects.filter(advice_item_id__in=sorted(ids)).update(**{field: F(field) + n})


def advice_feedback_set(*, user: AbstractBaseUser, item: AdviceItem, helpful: bool) -> None:
    """Record one user's answer to "was this helpful?"; a later answer replaces theirs.

    Only published advice takes answers. One upsert statement, so two answers sent at once
    (a double click) leave exactly one row, the later answer.
    """
    if not item.is_published:
        raise ValidationError("Only published advice can be rated.")
    AdviceFeedback.objects.bulk_create(
        [AdviceFeedback(advice_item=item, user=user, helpful=helpful)],
        update_conflicts=True,
        unique_fields=["advice_item", "user"],
        update_fields=["helpful", "updated_at"],
    )


def advice_votes(
    *, user: AbstractBaseUser | AnonymousUser, item_ids: Iterable[int]
) -> dict[int, bool]:
    """The user's answers for these items, ``{item_id: helpful}``: one query for a whole page,
    none for a visitor who is not logged in."""
    ids = list(item_ids)
    if not ids or not user.is_authenticated:
        return {}
    return dict(
        AdviceFeedback.objects.filter(user=user, advice_item_id__in=ids).values_list(
            "advice_item_id", "helpful"
        )
    )


def _vote_count(*, helpful: bool) -> Coalesce:
    # A correlated subquery per count, not Count() over a join: joining the feedback rows
    # would multiply every other annotation (and each other) by the number of votes.
    votes = (
        AdviceFeedback.objects.filter(advice_item=OuterRef("pk"), helpful=helpful)
        .order_by()
        .values("advice_item")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(votes), Value(0), output_field=BigIntegerField())


def advice_with_signals(queryset: QuerySet[AdviceItem]) -> QuerySet[AdviceItem]:
    """Advice items annotated with what editors want to sort by: ``shown_in_results`` and
    ``shown_in_emails`` (0 before the first showing), ``helpful_yes`` and ``helpful_no``
    (answers of distinct users). Each item stays one row, so it composes with the admin's
    ``get_queryset``, filters and ordering."""
    return queryset.annotate(
        shown_in_results=Coalesce(
            F("stats__shown_in_results"), Value(0), output_field=BigIntegerField()
        ),
        shown_in_emails=Coalesce(
            F("stats__shown_in_emails"), Value(0), output_field=BigIntegerField()
        ),
        helpful_yes=_vote_count(helpful=True),
        helpful_no=_vote_count(helpful=False),
    )
