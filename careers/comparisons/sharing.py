"""Share links: a read-only page of one comparison at an unguessable URL, for the people its
owner chooses. Notes and answer provenance stay private unless the owner opts in; revoking
kills the URL for good (a later share gets a new one)."""

from __future__ import annotations

from careers.comparisons.freshness import PAGE_DEFERS
from careers.comparisons.models import Comparison, new_share_token


def share_enable(*, comparison: Comparison, include_private: bool = False) -> Comparison:
    """Turn on the read-only link (keeping an existing token) and choose what it shows."""
    if not comparison.share_token:
        comparison.share_token = new_share_token()
    comparison.share_includes_private = include_private
    comparison.save(update_fields=["share_token", "share_includes_private"])
    return comparison


def share_revoke(*, comparison: Comparison) -> Comparison:
    """Turn the link off; a later share gets a new token, so the old link stays dead."""
    comparison.share_token = None
    comparison.share_includes_private = False
    comparison.save(update_fields=["share_token", "share_includes_private"])
    return comparison


def comparison_get_shared(*, token: str) -> Comparison | None:
    """The comparison behind a share link, with its stored result (``freshness``)."""
    if not token:
        return None
    return (
        Comparison.objects.filter(share_token=token)
        .select_related("result")
        .defer(*(f"result__{name}" for name in PAGE_DEFERS))
        .first()
    )
