"""Every URL of the service, and ``/bench/bare/``: a view that does nothing, answered through
the same middleware, the floor the web benchmark measures each endpoint against."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("advisor.urls")),
]

from advisor.urls import handler400, handler403, handler404, handler500  # noqa: E402, F401
