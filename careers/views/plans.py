"""Learning plan pages. (Being written: see urls_plans for the names.)"""

from django.http import HttpRequest, HttpResponse


def _todo(request: HttpRequest, **kwargs) -> HttpResponse:
    return HttpResponse("Coming soon.", content_type="text/plain")


plan_list = plan_create = plan_detail = plan_edit = plan_delete = _todo
checkin_edit = calendar_regenerate = _todo
