"""The answer to an address no view takes, or to a request Django refuses before any view
runs: JSON under ``/api/`` (what an API client parses, in the shape of DRF's own errors), the
site's pages everywhere else. ``advisor/urls.py`` installs these as Django's error handlers."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

API_PREFIX = "/api/"


def _for_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _for_api(request):
        return JsonResponse({"detail": "Not found: no such address in the API."}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _for_api(request):
        return JsonResponse({"detail": "Bad request: it could not be read."}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _for_api(request):
        return JsonResponse({"detail": "You do not have permission to do this."}, status=403)
    return defaults.permission_denied(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _for_api(request):
        return JsonResponse(
            {"detail": "Server error: it is logged for us to fix; try again later."}, status=500
        )
    return defaults.server_error(request)
