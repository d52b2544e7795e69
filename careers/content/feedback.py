"""What editors learn about each advice item: how often it was put in front of users, on
results pages and in emails, and how many users found it helpful.

Counters are incremented in the database (``x = x + n``), never read, added to and written
back, so concurrent requests and workers never lose a count.

A page view does not write them: it counts in the cache (``advice_shown_later``), one
atomic increment per item, and ``advice_shown_flush`` moves the counts into the database
in one batch: every minute from beat and before the admin shows them. A cache of the
process's own memory (no ``REDIS_URL``) is one beat cannot read: the process then flushes
its counts itself, at most ``ADVICE_SHOWN_FLUSH_SECONDS`` after its last flush. Emails,
counted a chunk at a time, write theirs at once (``advice_shown``).

When the cache is down (django-redis then answers nothing instead of raising), a view's
count is written to the database directly, as before batching: slower while it lasts, but
no count is dropped. A count is lost only if the cache itself loses it (a Redis restart
without persistence, or a key older than ``SHOWN_TIMEOUT`` never flushed).
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Literal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache
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


# Far longer than any flush takes to come round; only a count nobody flushed for a day goes.
SHOWN_TIMEOUT = 24 * 60 * 60
# Long enough for the slowest flush; a flusher that died frees it after this.
FLUSH_LOCK_TIMEOUT = 60
FLUSH_LOCK_KEY = "advice-shown:flush"
# Set by every count in the cache, cleared by the flush that takes them: a flush with
# nothing to move (the admin flushes on every list) reads no table.
PENDING_KEY = "advice-shown:pending"
_last_flush = time.monotonic()


def _shown_key(where: str, item_id: int) -> str:
    return f"advice-shown:{where}:{item_id}"


def _cache_add(key: str, n: int) -> int | None:
    """Add ``n`` to a counter in the cache atomically; ``None`` when the cache is down."""
    try:
        return cache.incr(key, n)
    except ValueError:  # not there yet
        if cache.add(key, n, timeout=SHOWN_TIMEOUT):
            return n
        try:
            # Created by another request meanwhile, or the cache is down (add said no).
            return cache.incr(key, n)
        except ValueError:
            return None


def advice_shown_later(*, item_ids: Iterable[int], where: Where) -> None:
    """Count that advice items were shown, in the cache, for ``advice_shown_flush`` to write:
    what a page shown on every view calls, so that a view costs no write. With the cache
    down the count is written at once instead."""
    if where not in COUNTER_FIELDS:  # fail here, not at the flush
        raise ValueError(f"Unknown place {where!r}.")
    counts = Counter(item_ids)
    unwritten = Counter(
        {pk: n for pk, n in counts.items() if _cache_add(_shown_key(where, pk), n) is None}
    )
    if unwritten:
        advice_shown(where=where, times=unwritten)
    if len(unwritten) < len(counts):
        cache.set(PENDING_KEY, True, timeout=SHOWN_TIMEOUT)
    every = settings.ADVICE_SHOWN_FLUSH_SECONDS
    if every is not None and time.monotonic() - _last_flush > every:
        advice_shown_flush()


def advice_shown_flush() -> int:
    """Move the shown counts waiting in the cache into the database; returns how many moved.

    One flush at a time (a lock in the cache): each takes a counter's value and decrements
    it by exactly that (atomic), so counts added meanwhile wait for the next flush, and then
    writes the batch with ``advice_shown`` (a few statements for all items). If the write
    fails, the counts go back into the cache."""
    global _last_flush
    _last_flush = time.monotonic()
    if not cache.get(PENDING_KEY):
        return 0  # nothing counted since the last flush, or the cache is down
    if not cache.add(FLUSH_LOCK_KEY, 1, timeout=FLUSH_LOCK_TIMEOUT):
        return 0  # another flush is under way
    moved = 0
    try:
        # Cleared before the counters are read: a count made from here on sets it again.
        cache.delete(PENDING_KEY)
        item_ids = list(AdviceItem.objects.order_by("pk").values_list("pk", flat=True))
        for where in COUNTER_FIELDS:
            keys = {_shown_key(where, pk): pk for pk in item_ids}
            taken: Counter[int] = Counter()
            for key, n in cache.get_many(list(keys)).items():
                if isinstance(n, int) and n > 0 and cache.decr(key, n) is not None:
                    taken[keys[key]] = n
            if not taken:
                continue
            try:
                advice_shown(where=where, times=taken)  # type: ignore[arg-type]
            except Exception:
                for pk, n in taken.items():
                    _cache_add(_shown_key(where, pk), n)
                cache.set(PENDING_KEY, True, timeout=SHOWN_TIMEOUT)
                raise
            moved += sum(taken.values())
    finally:
        cache.delete(FLUSH_LOCK_KEY)
    return moved


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
    ``get_queryset``, filters and ordering.

    The counts waiting in the cache are flushed first, so the numbers shown are exact."""
    advice_shown_flush()
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
