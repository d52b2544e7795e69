"""The service's own "not found" page in development too."""

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404

from careers.core.errors import not_found


class NotFoundPageMiddleware:
    """With ``DEBUG`` on, Django answers a 404 with its technical page, which lists every URL
    pattern; this answers with the page production shows (``templates/404.html``, status 404),
    so a revoked link or a mistyped address looks the same while developing as it will live.

    Pages that render their own 404 (an API's JSON, a page explaining a dead link) keep it:
    only the 404s Django itself would answer are replaced, those raised by a view
    (``process_exception``) and those of an address no pattern matches."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # No resolver match: no pattern took the address, so this 404 is Django's own. A
        # 404 here still lets CommonMiddleware, outside, redirect to the address with a slash.
        if settings.DEBUG and response.status_code == 404 and request.resolver_match is None:
            return not_found(request, Resolver404())
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if settings.DEBUG and isinstance(exception, Http404):
            return not_found(request, exception)
        return None
