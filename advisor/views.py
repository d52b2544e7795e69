"""The pages that bring the apps together: a user's dashboard, and the redirect from the
admin addresses of before the apps were split."""

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render

from careers.comparisons.selectors import comparison_list
from careers.content.selectors import path_list
from careers.plans.selectors import plan_list, plan_progress


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "dashboard.html",
        {
            "paths": path_list(),
            "comparisons": comparison_list(owner=request.user),
            "plan_progresses": [plan_progress(plan=plan) for plan in plan_list(owner=request.user)],
        },
    )


def admin_moved(request: HttpRequest, model_name: str, rest: str = "") -> HttpResponse:
    """``/admin/careers/<model>/...``, where every model's admin lived when the project was
    one app, now answers with the page at the model's own app (bookmarks, links in notes)."""
    for model in apps.get_models():
        if model._meta.model_name == model_name and model.__module__.startswith("careers."):
            query = f"?{request.META['QUERY_STRING']}" if request.META.get("QUERY_STRING") else ""
            return HttpResponsePermanentRedirect(
                f"/admin/{model._meta.app_label}/{model_name}/{rest}{query}"
            )
    raise Http404("No such page.")
