"""The results page (the owner's and the shared one), built once per change.

A results page is cut in three, by what each part depends on:

- the body (ranking, weights, the flip analysis, the grid, pay, each option in detail)
  depends on the comparison's result key (``freshness``), the published content, and
  whether notes and provenance are shown. It is rendered without a request, so nothing of
  the viewer (no user, no CSRF token) can be in it, and cached under exactly those keys: a
  comparison's body is only ever served for that comparison, and only with the same
  private parts;
- the advice under the grid is chosen with the body and cached with it, but rendered on
  each view: its "was this helpful?" forms carry the viewer's answers and CSRF token;
- the page around them (navigation, messages, the note on the content used) is rendered on
  each view.

The owner's body also holds the second opinions (``raters``): every rater write bumps the
comparison's ``inputs_version``, so they are never stale in it, and the shared page's body,
cached under its own key, never holds them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from careers.comparisons import selectors
from careers.comparisons.freshness import ResultState
from careers.comparisons.models import MIN_OPTIONS_TO_RANK
from careers.comparisons.pay import comparison_currency
from careers.comparisons.raters import second_opinion_table
from careers.comparisons.results import ComparisonResultView
from careers.comparisons.rows import flip_row, result_grid, result_rows
from careers.content.models import AdviceItem
from careers.content.versions import release_stamp

# Keys change with every input, so an entry is never stale: the timeout only bounds how
# long the body of a comparison nobody looks at any more stays in the cache.
BODY_TIMEOUT = 24 * 60 * 60


def result_context(view: ComparisonResultView, *, include_private: bool) -> dict:
    """What the body's templates show of a scored comparison."""
    rows = result_rows(view)
    return {
        "comparison": view.comparison,
        "view": view,
        "rows": rows,
        "grid": result_grid(rows),
        "flip": flip_row(view),
        "people_percent": round(view.people_share * 100),
        "brand_percent": round(view.brand_share * 100),
        "pay_percent": round(view.pay_share * 100),
        "currency": comparison_currency(view.comparison, view.options),
        "can_rank": len(rows) >= MIN_OPTIONS_TO_RANK,
        "include_private": include_private,
    }


def decision_advice(view: ComparisonResultView) -> list[AdviceItem]:
    """The advice for this decision: for its paths, behind its red flags first (1 query)."""
    if not view.options:
        return []
    return selectors.comparison_advice(
        path_ids={o.path_id for o in view.options},
        flag_keys={flag.key for o in view.score.options for flag in o.red_flags},
    )


@dataclass(frozen=True)
class ResultBody:
    """The cached part of a results page: the HTML above and below the advice, and the
    advice items to render between them."""

    summary: SafeString
    details: SafeString
    advice: list[AdviceItem]


def _body_key(state: ResultState, *, include_private: bool, shared: bool) -> str:
    comparison = state.comparison
    parts = [release_stamp(), comparison.owner_id, state.key, state.content.published]
    parts += [include_private, shared]
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()
    return f"comparisons:result-body:{comparison.pk}:{digest}"


def result_body(
    *,
    state: ResultState,
    include_private: bool,
    shared: bool,
    build_view: Callable[[], ComparisonResultView],
) -> ResultBody:
    """The body of the comparison's results page, from the cache when it was rendered for
    the same key before; otherwise ``build_view()`` is called and the body rendered and
    kept. With the cache down every view renders it (nothing is scored for that: the
    stored result is read back)."""
    key = _body_key(state, include_private=include_private, shared=shared)
    body = cache.get(key)
    if isinstance(body, ResultBody):
        return body
    view = build_view()
    context = {**result_context(view, include_private=include_private), "shared": shared}
    # Whom the owner asked and what they said is the owner's alone: never on a shared page.
    context["second_opinions"] = None if shared else second_opinion_table(view=view)
    body = ResultBody(
        summary=render_to_string("comparisons/_result_summary.html", context),
        details=render_to_string("comparisons/_result_details.html", context),
        advice=decision_advice(view),
    )
    cache.set(key, body, BODY_TIMEOUT)
    return body
