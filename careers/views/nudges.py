"""Pages behind the links in nudge emails, and the calendar feed.

A GET never changes anything: mail scanners and link previews follow links. It shows what
the link would do and a button; the POST does it. The signed token in the URL is what
authorises the change, so these pages work without a session.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from careers.calendar import learning_calendar
from careers.models import AdviceItem
from careers.selectors.plans import calendar_plans, plan_for_link
from careers.services.advice_signals import advice_feedback_set
from careers.services.nudge_links import (
    NudgeLinkError,
    helpful_read,
    nudge_action_read,
    unsubscribe_read,
)
from careers.services.plans import checkin_record_action, plan_nudges_stop

ACTION_LABELS = {
    "studied": "Record that you studied this week",
    "papers": "Record the papers you read this week",
    "skip": "Skip this week",
}


def _link_error(request: HttpRequest, error: NudgeLinkError) -> HttpResponse:
    return render(request, "nudges/link_error.html", {"message": str(error)}, status=400)


@never_cache
@require_http_methods(["GET", "POST"])
def nudge_action(request: HttpRequest, token: str) -> HttpResponse:
    try:
        action = nudge_action_read(token)
    except NudgeLinkError as error:
        return _link_error(request, error)
    plan = plan_for_link(plan_id=action.plan_id)
    if plan is None:
        raise Http404("This plan no longer exists.")
    context = {"action": action, "plan": plan, "label": ACTION_LABELS[action.action]}
    if request.method == "POST":
        try:
            checkin = checkin_record_action(
                plan=plan, week=action.week, action=action.action, papers=action.papers
            )
        except ValidationError as error:
            # The plan changed since the email (a later start, another zone): say why.
            return _link_error(request, NudgeLinkError(" ".join(error.messages)))
        return render(request, "nudges/action_done.html", {**context, "checkin": checkin})
    return render(request, "nudges/action_confirm.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def nudge_helpful(request: HttpRequest, token: str) -> HttpResponse:
    """The learner's answer to the advice of the week: recorded for the plan's owner the
    link was signed for, whoever is logged in (or nobody)."""
    try:
        vote = helpful_read(token)
    except NudgeLinkError as error:
        return _link_error(request, error)
    item = AdviceItem.objects.published().filter(pk=vote.item_id).first()
    if item is None:
        raise Http404("This advice is no longer published.")
    learner = get_user_model().objects.filter(pk=vote.user_id, is_active=True).first()
    if learner is None:
        raise Http404("This account no longer exists.")
    context = {"item": item, "helpful": vote.helpful}
    if request.method == "POST":
        advice_feedback_set(user=learner, item=item, helpful=vote.helpful)
        return render(request, "nudges/helpful_done.html", context)
    return render(request, "nudges/helpful_confirm.html", context)


@never_cache
@csrf_exempt  # RFC 8058 one-click: mail clients POST without cookies or a CSRF token.
@require_http_methods(["GET", "POST"])
def nudge_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        plan_id = unsubscribe_read(token)
    except NudgeLinkError as error:
        return _link_error(request, error)
    plan = plan_for_link(plan_id=plan_id)
    if plan is None:
        # Nothing left to unsubscribe from: say so, successfully.
        return render(request, "nudges/unsubscribed.html", {"plan": None})
    if request.method == "POST":
        plan_nudges_stop(plan=plan)
        return render(request, "nudges/unsubscribed.html", {"plan": plan})
    return render(request, "nudges/unsubscribe_confirm.html", {"plan": plan})


@require_GET
def plan_calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The study sessions of a learner's plans as iCalendar, at a secret per-user URL the
    learner can renew."""
    plans = calendar_plans(token=token)
    if plans is None:
        raise Http404("No calendar at this address.")
    response = HttpResponse(
        learning_calendar(plans=plans), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="learning-plan.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
