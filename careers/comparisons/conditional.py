"""Conditional GETs for pages and API answers built from a stored result: an ``ETag`` from
everything the response depends on, ``304 Not Modified`` when the client's copy still
matches, and ``Cache-Control: private, no-cache`` (kept by the browser only, revalidated on
every use, so a changed input is never answered from a stale copy).

``django.utils.cache.get_conditional_response`` decides, as ``@condition`` and
``ConditionalGetMiddleware`` do; the views call it themselves rather than through
``@condition`` because the ETag needs what the view reads first (the comparison, its stored
result, the viewer's answers), and reading it twice would cost what the 304 saves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, quote_etag


def etag_of(parts: Iterable[object]) -> str:
    """A strong ETag (the same bytes for the same parts) from the parts, hashed."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
    return quote_etag(digest[:32])


def viewer_parts(request: HttpRequest) -> tuple[object, ...]:
    """What a page shows of its viewer besides its content: who they are (the navigation,
    the staff link), their CSRF secret (the forms' tokens are valid only with it: a new
    login rotates it, and a page kept from before must not be reused), the time zone dates
    are shown in and the language."""
    user = request.user
    secret = request.META.get("CSRF_COOKIE") or ""
    return (
        user.pk,
        user.is_staff,
        hashlib.sha256(secret.encode()).hexdigest()[:16],
        timezone.get_current_timezone_name(),
        translation.get_language(),
    )


def messages_waiting(request: HttpRequest) -> bool:
    """Whether the page will show a message (a flash after a POST). Such a page is unique:
    it gets no ETag, and a 304 would leave the message unread for a later page. Counting
    does not mark the messages as read."""
    return len(messages.get_messages(request)) > 0


def not_modified(request: HttpRequest, etag: str | None) -> HttpResponse | None:
    """The 304 to answer when the client's ``If-None-Match`` names ``etag``, else None."""
    if etag is None:
        return None
    response = get_conditional_response(request, etag=etag)
    return privately_cached(response, etag) if response is not None else None


def privately_cached(response: HttpResponse, etag: str | None) -> HttpResponse:
    """Mark a response for the browser's cache only, revalidated on every use."""
    if etag is not None:
        response.headers.setdefault("ETag", etag)
    patch_cache_control(response, private=True, no_cache=True)
    return response
