"""When a stored result is still the result: the one place that says what it depends on.

A comparison's scored result depends on exactly four things, and ``result_key`` hashes
exactly them:

1. what the user typed: its options, their answers and its weights, and the second
   opinions (``raters``: each rater's answers, whether they count, a revoked link). Every
   service that writes one of them bumps ``Comparison.inputs_version`` in the same
   transaction (so do edits of the title, notes and deadline, which the score does not read
   but the results page shows);
2. the published criteria and red-flag rules: ``ContentStamps.scoring`` changes with every
   publication, archive or deletion of one (``careers.content.versions``);
3. the scoring code: ``scoring.SCORING_VERSION``, bumped with every change of what it
   computes;
4. the exchange rates pay is converted with: the date of the bundled rates
   (``money.rate_table``), which changes only with the package that ships them, and the
   compensation engine: ``compensation.COMPENSATION_VERSION``.

A stored result whose key is the current one is read back instead of being scored again;
any other is scored and rewritten. Reading the key costs two queries whatever the size of
the comparison: the comparison with its stored result (one join), and the content stamps.

Why a counter and stamps rather than a hash of the inputs themselves: hashing them means
reading them, which is most of the cost of scoring. The counter is read with the
comparison, which every view reads anyway. And it never shows a stale result: the key is
read before the inputs are, so a result scored meanwhile from newer inputs is stored under
the older key and simply scored once more on the next view, never the other way round.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from careers.comparisons import compensation, scoring
from careers.comparisons.models import Comparison, ComparisonResult
from careers.comparisons.money import rate_table
from careers.comparisons.results import ComparisonResultView, comparison_result
from careers.content.versions import ContentStamps, content_stamps


def result_key(*, comparison_id: int, inputs_version: int, content: ContentStamps) -> str:
    """The key of everything a comparison's result depends on (see the module docstring)."""
    parts = [
        scoring.SCORING_VERSION,
        str(comparison_id),
        str(inputs_version),
        content.scoring,
        rate_table().on.isoformat(),
        compensation.COMPENSATION_VERSION,
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class ResultState:
    """A comparison, its stored result (if any) and whether that result is still current."""

    comparison: Comparison
    stored: ComparisonResult | None
    content: ContentStamps
    key: str

    @property
    def fresh(self) -> bool:
        # The key includes the scoring version: a row of another version never matches.
        return self.stored is not None and self.stored.input_fingerprint == self.key


def stored_result(comparison: Comparison) -> ComparisonResult | None:
    """The comparison's stored result, ``None`` when it was never scored."""
    try:
        return comparison.result
    except ComparisonResult.DoesNotExist:
        return None


def result_state(*, comparison: Comparison) -> ResultState:
    """The state of a comparison loaded with its stored result (``select_related("result")``,
    as ``comparison_with_result`` does): one query, for the content stamps."""
    content = content_stamps()
    return ResultState(
        comparison=comparison,
        stored=stored_result(comparison),
        content=content,
        key=result_key(
            comparison_id=comparison.pk,
            inputs_version=comparison.inputs_version,
            content=content,
        ),
    )


# A stored result's columns each reader leaves unread: the page reads the score back only
# when its cached body is gone, and the API reads only the payload (a stale row is
# rewritten without reading it).
PAGE_DEFERS = ("data", "payload")
API_DEFERS = ("data", "weights", "content_versions")


def comparison_with_result(
    *, owner: AbstractBaseUser | None, comparison_id: int, defer: tuple[str, ...] = ()
) -> Comparison | None:
    """The comparison (the owner's, or any with ``owner=None``) with its stored result, in one
    query. ``defer`` names the result's columns to leave unread until they are used."""
    comparisons = Comparison.objects.filter(pk=comparison_id)
    if owner is not None:
        comparisons = comparisons.filter(owner=owner)
    return (
        comparisons.select_related("result")
        .defer(*(f"result__{name}" for name in defer))
        .order_by()
        .first()
    )


def comparison_result_state(*, comparison_id: int) -> ResultState:
    """The current state of a comparison, read afresh from the database (2 queries): what a
    caller holding a comparison instance uses, since the instance's ``inputs_version`` may
    predate a write made since."""
    comparison = comparison_with_result(owner=None, comparison_id=comparison_id)
    if comparison is None:
        raise Comparison.DoesNotExist(f"No comparison {comparison_id}.")
    return result_state(comparison=comparison)


def comparison_result_read(*, state: ResultState) -> ComparisonResultView:
    """The comparison's result without writing anything: the stored one read back while it
    is current, else scored afresh and left unstored. For readers other than the owner's
    results page (the shared page, downloads): storing a result there would use up the
    owner's note on what changed since they last looked."""
    return comparison_result(
        comparison=state.comparison, stored=state.stored if state.fresh else None
    )
