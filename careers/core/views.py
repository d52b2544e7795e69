"""The health endpoint load balancers and monitors call."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from careers.core.health import broker_status, database_status


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker status for load balancers and monitors; 503 when either is down."""
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = all(check["status"] == "ok" for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", **checks}, status=200 if healthy else 503
    )
