"""The pages that bring the apps together: a user's dashboard, and the redirect from the
admin addresses of before the apps were split."""

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render

from careers.comparisons.selectors import comparison_list
from careers.content.selectors import path_list
from careers.plans.selectors import plan_list, plan_progress

# The dashboard lists this many comparisons and links to the rest.
DASHBOARD_COMPARISONS = 5


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """A fixed number of queries however many comparisons, plans and check-ins there are:
    one more comparison than shown is read (to know whether to link to the rest), and each
    plan's progress reads its check-ins, breaks and its track's courses and steps
    prefetched."""
    plans = list(plan_list(owner=request.user))
    prefetch_related_objects(plans, "checkins", "breaks", "track__courses", "track__project_steps")
    return render(
        request,
        "dashboard.html",
        {
            "paths": path_list(),
            "comparisons": list(comparison_list(owner=request.user)[: DASHBOARD_COMPARISONS + 1]),
            "plan_progresses": [plan_progress(plan=plan) for plan in plans],
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
