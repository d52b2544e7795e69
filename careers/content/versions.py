"""Stamps of what is published, for the caches that keep pages and results built from it.

A stamp is a short string that changes whenever the published content it covers changes,
read in one query, so a cache keyed by it is never served after a publication. Comparisons
key their stored results by ``ContentStamps.scoring`` (criteria and red-flag rules), pages
their cached fragments by ``ContentStamps.published`` (everything the public pages show).

Why an aggregate rather than a counter bumped on publish: every write of content already
goes through ``save()`` (the workflow, the seed loader, file import, the admin), and a
counter would have to be bumped by each of them, today's and tomorrow's; an aggregate of
the rows themselves cannot be forgotten. Per model it is the number of published rows, the
sum of their versions and the latest ``updated_at``:

- publishing anything bumps a version (the workflow and the seed loader both do), so the
  sum moves even when the transaction that published it committed after a later one;
- an item that leaves the published set (archived, deleted) changes the count;
- an item that enters it (first published, restored and published) changes the count,
  and its fresh ``updated_at`` the latest one.

Tags have no workflow: they are edited in place, and their history table records every
change, so their stamp is the number and the latest id of their history records.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.db.models import Count, IntegerField, Max, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from careers.content.models import (
    AdviceItem,
    CareerPath,
    Criterion,
    Goal,
    RedFlagRule,
    Status,
    Tag,
)

# What a comparison's score reads.
SCORING_MODELS = {"criteria": Criterion, "red_flags": RedFlagRule}
# What the public pages, and the page around a result, show besides.
PAGE_MODELS = {"paths": CareerPath, "goals": Goal, "advice": AdviceItem}


@dataclass(frozen=True)
class ContentStamps:
    """``scoring`` changes when a published criterion or red-flag rule does; ``published``
    when anything published does (it includes ``scoring``)."""

    scoring: str
    published: str


def _published_aggregate(kind: str, model) -> QuerySet:
    return (
        model.objects.filter(status=Status.PUBLISHED)
        .order_by()
        .annotate(stamp_of=Value(kind))
        .values("stamp_of")
        .annotate(
            n=Count("pk"),
            v=Coalesce(Sum("version"), 0, output_field=IntegerField()),
            m=Max("updated_at"),
        )
    )


def _tag_aggregate() -> QuerySet:
    return (
        Tag.history.order_by()
        .annotate(stamp_of=Value("tags"))
        .values("stamp_of")
        .annotate(
            n=Count("pk"),
            v=Coalesce(Max("history_id"), 0, output_field=IntegerField()),
            m=Max("history_date"),
        )
    )


@functools.cache
def _stamp_query(vendor: str) -> tuple[str, tuple]:
    """The stamps' SQL, built once per database vendor: building six aggregate querysets
    and their union costs far more than running it, on a query every page view runs."""
    parts = [_published_aggregate(kind, model) for kind, model in SCORING_MODELS.items()]
    parts += [_published_aggregate(kind, model) for kind, model in PAGE_MODELS.items()]
    union = parts[0].union(*parts[1:], _tag_aggregate(), all=True).order_by()
    return union.query.sql_with_params()


def content_stamps() -> ContentStamps:
    """The stamps of the published content, in one query (a UNION of one aggregate row per
    model; each reads only the few hundred rows of the knowledge base, by the status index).

    The values are used as text only (compared, hashed), so the database's own form of a
    date is as good as a parsed one."""
    sql, params = _stamp_query(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = {kind: f"{n}.{v}.{m}" for kind, n, v, m in cursor.fetchall()}
    kinds = [*SCORING_MODELS, *PAGE_MODELS, "tags"]
    stamps = [f"{kind}={found.get(kind, '0')}" for kind in kinds]
    scoring = ";".join(stamps[: len(SCORING_MODELS)])
    return ContentStamps(scoring=scoring, published=";".join(stamps))


ROOT = Path(__file__).resolve().parents[2]
RELEASE_SOURCES = ("careers", "templates", "advisor")


@functools.cache
def release_stamp() -> str:
    """A fingerprint of the code and templates this process runs, computed once.

    Cached fragments outlive a deploy in a shared cache, and a browser keeps a page whose
    ETag still matches: both are keyed by this too, so new templates or code are never
    answered with what the old ones built. Every worker of one release computes the same
    value (it hashes the files' contents, not their dates)."""
    digest = hashlib.sha256()
    for folder in RELEASE_SOURCES:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in (".py", ".html", ".txt") and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
