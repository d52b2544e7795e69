"""Pages of the learning plans, the pages behind the links in nudge emails, and the calendar
feed. Forms in, services for writes, selectors for reads.

Every page that names a plan loads it with the signed-in owner, so another user's plan is a
404 like one that does not exist. State changes only on POST. The schedule is derived from
the plan on every view, so an edit shows at once.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from careers.accounts.services import profile_get_or_create
from careers.content.feedback import advice_feedback_set, advice_votes
from careers.content.models import WEEKDAYS, AdviceItem
from careers.core.forms import form_write, posted
from careers.plans import selectors, services
from careers.plans.calendar import learning_calendar
from careers.plans.forms import CheckinForm, PlanForm
from careers.plans.links import (
    NudgeAction,
    NudgeLinkError,
    helpful_read,
    nudge_action_read,
    unsubscribe_read,
)
from careers.plans.models import LearningPlan
from careers.plans.plan_page import PLAN_PAGE_PREFETCH, plan_page_context
from careers.plans.schedule import week_parse, week_start
from careers.plans.selectors import (
    PLAN_PAGE_TIPS,
    calendar_plans,
    plan_for_link,
)
from careers.plans.services import (
    break_pause,
    break_pause_span,
    checkin_record_action,
    plan_nudges_stop,
)

GET_POST = ["GET", "POST"]
WEEKDAY_NAMES = dict(WEEKDAYS)


def _plan(request: HttpRequest, plan_id: int) -> LearningPlan:
    plan = selectors.plan_get(owner=request.user, plan_id=plan_id)
    if plan is None:
        raise Http404("No such learning plan.")
    return plan


def _week(value: str) -> date:
    """The Monday in a check-in URL (ISO date); anything that is not a date a plan can have
    is a 404."""
    day = week_parse(value)
    if day is None:
        raise Http404("No such week.")
    return day


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = list(selectors.plan_list(owner=request.user))
    if not plans:
        return redirect("plans:plan_create")
    # As the dashboard: what each plan's progress reads, one query for all the plans.
    prefetch_related_objects(plans, "checkins", "breaks", "track__courses", "track__project_steps")
    progresses = [selectors.plan_progress(plan=plan) for plan in plans]
    return render(request, "plans/list.html", {"progresses": progresses})


@login_required
@require_http_methods(GET_POST)
def plan_create(request: HttpRequest) -> HttpResponse:
    profile = profile_get_or_create(user=request.user)
    form = PlanForm(posted(request), timezone_name=profile.timezone)
    saved, plan = form_write(
        request, form, lambda: services.plan_create(owner=request.user, **form.plan_fields())
    )
    if saved:
        messages.success(request, "Your learning plan is ready.")
        if form.ml_course_suggested:
            messages.info(
                request,
                "Your prerequisites check suggests the machine learning course first, "
                "so your plan starts with it.",
            )
        return redirect("plans:plan_detail", plan_id=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form, "plan": None})


@login_required
@require_GET
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    # One query each for the check-ins, breaks and the track's parts, shared by the progress,
    # the schedule, the pace and the charts: the page reads as many queries for any plan.
    prefetch_related_objects([plan], *PLAN_PAGE_PREFETCH)
    progress = selectors.plan_progress(plan=plan)
    tips = selectors.plan_tips(plan=plan, keys=list(PLAN_PAGE_TIPS))
    # The profile the time zone middleware read already, when the user has one.
    profile = getattr(request.user, "profile", None) or profile_get_or_create(user=request.user)
    # On the address the learner is using (a Host outside ALLOWED_HOSTS never gets this far).
    calendar_url = request.build_absolute_uri(
        reverse("plans:plan_calendar_feed", args=[profile.calendar_token])
    )
    return render(
        request,
        "plans/detail.html",
        {
            **plan_page_context(progress),
            "financial_aid_tip": tips.get("financial_aid"),
            "handwritten_notes_tip": tips.get("handwritten_notes"),
            "tip_titles": PLAN_PAGE_TIPS,
            "calendar_url": calendar_url,
        },
    )


@login_required
@require_http_methods(GET_POST)
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    form = PlanForm(posted(request), plan=plan)
    saved, _ = form_write(
        request, form, lambda: services.plan_update(plan=plan, **form.plan_fields())
    )
    if saved:
        messages.success(request, "Plan saved. The schedule and the next nudge follow it.")
        return redirect("plans:plan_detail", plan_id=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form, "plan": plan})


@login_required
@require_http_methods(GET_POST)
def plan_delete(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    if request.method == "POST":
        services.plan_delete(plan=plan)
        messages.success(request, f"Your plan “{plan.track.name}” was deleted.")
        return redirect("dashboard")
    return render(request, "plans/confirm_delete.html", {"plan": plan})


@login_required
@require_http_methods(GET_POST)
def checkin_edit(request: HttpRequest, plan_id: int, week: str) -> HttpResponse:
    plan = _plan(request, plan_id)
    monday = _week(week)
    context = {
        "plan": plan,
        "week": monday,
        "sunday": monday + timedelta(days=6),
        "week_number": (monday - week_start(plan.start_date)).days // 7 + 1,
    }
    try:
        services.checkin_week_validate(plan=plan, week=monday)
    except ValidationError as error:
        # A future week, a week before the plan, or not a Monday: say which, offer no form.
        return render(
            request,
            "plans/checkin_form.html",
            {**context, "form": None, "week_errors": error.messages},
            status=400,
        )
    checkin = selectors.checkin_for_week(plan=plan, week=monday)
    progress = selectors.plan_progress(plan=plan)
    form = CheckinForm(posted(request), plan=plan, checkin=checkin, skips_left=progress.skips_left)
    saved, _ = form_write(
        request,
        form,
        lambda: services.checkin_upsert(
            plan=plan, week=monday, papers=form.papers(), **form.checkin_fields()
        ),
    )
    if saved:
        messages.success(request, f"The week of {monday.day} {monday:%B %Y} is saved.")
        return redirect("plans:plan_detail", plan_id=plan.pk)
    # The week as breaks place it: its number among the course weeks and its focus, none in
    # a break.
    plan_week = next((w for w in progress.timeline.weeks if w.monday == monday), None)
    return render(
        request,
        "plans/checkin_form.html",
        {
            **context,
            "week_number": plan_week.number if plan_week else None,
            "in_break": plan_week is not None and plan_week.in_break,
            "form": form,
            "checkin": checkin,
            "focus": plan_week.focus if plan_week else None,
        },
    )


@login_required
@require_POST
def calendar_regenerate(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    services.calendar_token_regenerate(user=request.user)
    messages.success(
        request,
        "Your calendar feed has a new address. The old one no longer works: subscribe again "
        "with the new one.",
    )
    return redirect(reverse("plans:plan_detail", args=[plan.pk]) + "#calendar")


# -- Pages behind the links in nudge emails, and the calendar feed -----------------------------
#
# A GET never changes anything: mail scanners and link previews follow links. It shows what
# the link would do and a button; the POST does it. The signed token in the URL is what
# authorises the change, so these pages work without a session.


ACTION_LABELS = {
    "studied": "Record that you studied this week",
    "papers": "Record the papers you read this week",
    "skip": "Skip this week",
    "pause": "Pause the plan for two weeks",
}


def _link_error(request: HttpRequest, error: NudgeLinkError, *, status: int = 400) -> HttpResponse:
    return render(request, "plans/nudges/link_error.html", {"message": str(error)}, status=status)


# What the POST would refuse or find already done, each link's GET checks first and says at
# once, rather than after the click. The POST checks it all again: the plan may have changed
# in between. A link that cannot be used (changed, expired, for a week it cannot log) is a 400
# and one whose plan or advice is gone a 404; a link whose work is already done is a 200 with
# the outcome, because the learner's wish holds (a second click, a second device, a mail
# client's one-click unsubscribe after the page's) and nothing went wrong.


@never_cache
@require_http_methods(["GET", "POST"])
def nudge_action(request: HttpRequest, token: str) -> HttpResponse:
    try:
        action = nudge_action_read(token)
    except NudgeLinkError as error:
        return _link_error(request, error)
    plan = plan_for_link(plan_id=action.plan_id)
    if plan is None:
        gone = NudgeLinkError(
            "This plan no longer exists: it was deleted after the email was sent."
        )
        return _link_error(request, gone, status=404)
    context = {"action": action, "plan": plan, "label": ACTION_LABELS[action.action]}
    if action.action == "pause":
        return _nudge_pause(request, action, plan, context)
    if action.action == "skip":
        context["skips_left"] = selectors.plan_progress(plan=plan).skips_left
    try:
        # The plan may have changed since the email (a later start, another zone), or the
        # link is for a week that has not started yet where the learner is.
        services.checkin_week_validate(plan=plan, week=action.week)
        checkin = selectors.checkin_for_week(plan=plan, week=action.week)
        changes = services.checkin_action_changes(
            checkin=checkin, action=action.action, papers=action.papers
        )
    except ValidationError as error:
        week = f"This link is for the week of {action.week.day} {action.week:%B %Y}."
        return _link_error(request, NudgeLinkError(" ".join([week, *error.messages])))
    if not changes:
        return render(
            request,
            "plans/nudges/action_done.html",
            {**context, "checkin": checkin, "already": True},
        )
    if request.method == "POST":
        try:
            checkin = checkin_record_action(
                plan=plan, week=action.week, action=action.action, papers=action.papers
            )
        except ValidationError as error:
            return _link_error(request, NudgeLinkError(" ".join(error.messages)))
        if action.action == "skip":
            context["skips_left"] = selectors.plan_progress(plan=plan).skips_left
        return render(request, "plans/nudges/action_done.html", {**context, "checkin": checkin})
    return render(request, "plans/nudges/action_confirm.html", {**context, "checkin": checkin})


def _nudge_pause(
    request: HttpRequest, action: NudgeAction, plan: LearningPlan, context: dict
) -> HttpResponse:
    """The email's "pause for two weeks": the GET says which weeks the break would cover,
    the POST plans it. A break already covering them is the outcome, not an error."""
    under_way, span = break_pause_span(plan=plan, week=action.week)
    if under_way is not None:
        return render(
            request,
            "plans/nudges/pause_done.html",
            {**context, "item": under_way, "already": True},
        )
    if request.method == "POST":
        try:
            item, _ = break_pause(plan=plan, week=action.week)
        except ValidationError as error:
            return _link_error(request, NudgeLinkError(" ".join(error.messages)))
        return render(request, "plans/nudges/pause_done.html", {**context, "item": item})
    return render(
        request,
        "plans/nudges/pause_confirm.html",
        {**context, "start": span.start, "end": span.end},
    )


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
        gone = NudgeLinkError(
            "This advice is no longer published: the editors have withdrawn it since the "
            "email was sent, so it takes no answers."
        )
        return _link_error(request, gone, status=404)
    learner = get_user_model().objects.filter(pk=vote.user_id, is_active=True).first()
    if learner is None:
        gone = NudgeLinkError("The account this email was sent to no longer exists.")
        return _link_error(request, gone, status=404)
    answered = advice_votes(user=learner, item_ids=[item.pk]).get(item.pk)
    context = {"item": item, "helpful": vote.helpful, "answered": answered}
    if answered == vote.helpful:
        return render(request, "plans/nudges/helpful_done.html", {**context, "already": True})
    if request.method == "POST":
        advice_feedback_set(user=learner, item=item, helpful=vote.helpful)
        return render(request, "plans/nudges/helpful_done.html", context)
    return render(request, "plans/nudges/helpful_confirm.html", context)


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
        return render(request, "plans/nudges/unsubscribed.html", {"plan": None})
    if not plan.nudges_enabled:
        return render(request, "plans/nudges/unsubscribed.html", {"plan": plan, "already": True})
    if request.method == "POST":
        plan_nudges_stop(plan=plan)
        return render(request, "plans/nudges/unsubscribed.html", {"plan": plan})
    return render(request, "plans/nudges/unsubscribe_confirm.html", {"plan": plan})


@require_GET
def plan_calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The study sessions of a learner's plans as iCalendar, at a secret per-user URL the
    learner can renew."""
    plans = calendar_plans(token=token)
    if plans is None:
        # Rendered here rather than raised, so the page says why, with DEBUG on as well.
        return render(
            request,
            "404.html",
            {
                "not_found_title": "This calendar address no longer works",
                "not_found_message": (
                    "Its owner made a new one, which stops the old address at once, or the "
                    "address is mistyped. If it is yours, copy the new address from your plan's "
                    "page and subscribe to that."
                ),
            },
            status=404,
        )
    response = HttpResponse(
        learning_calendar(plans=plans), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="learning-plan.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
