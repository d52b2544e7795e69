"""Pages of a plan that bends: planning a break and calling one off, and taking the pace the
plan page offers toward a target date. Forms in, services for writes, selectors for reads.

As on the other plan pages, a plan or break of someone else's is a 404 like one that does
not exist, and a GET never changes anything: it shows what the POST would do.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from careers.core.forms import form_write, posted
from careers.plans import selectors, services
from careers.plans.forms import BreakForm, PaceForm
from careers.plans.models import LearningPlan, PlanBreak
from careers.plans.plan_page import (
    PLAN_PAGE_PREFETCH,
    BreakStatus,
    TargetCard,
    break_row,
    break_rows,
    target_card,
)
from careers.plans.schedule import local_week_start
from careers.plans.timeline import Break

GET_POST = ["GET", "POST"]


def _owned_plan(request: HttpRequest, plan_id: int) -> LearningPlan:
    plan = selectors.plan_get(owner=request.user, plan_id=plan_id)
    if plan is None:
        raise Http404("No such learning plan.")
    return plan


def _plan_page(plan: LearningPlan, anchor: str) -> HttpResponse:
    return redirect(reverse("plans:plan_detail", args=[plan.pk]) + anchor)


def _weeks(count: int) -> str:
    return f"{count} week{'s' if count != 1 else ''}"


@login_required
@require_http_methods(GET_POST)
def break_create(request: HttpRequest, plan_id: int) -> HttpResponse:
    """GET: the plan's breaks and the form to plan one (the plan page shows the same form).
    POST: plan it; what the plan cannot take shows beside the field at fault, with a 400."""
    plan = _owned_plan(request, plan_id)
    form = BreakForm(posted(request))
    saved, item = form_write(
        request, form, lambda: services.break_create(plan=plan, **form.break_fields())
    )
    if saved:
        weeks = Break(item.start, item.end).weeks
        messages.success(
            request,
            f"Break planned from {item.start:%A %-d %B} to {item.end:%A %-d %B %Y} "
            f"({_weeks(weeks)}): no nudges then, and the rest of your plan moves back "
            f"{_weeks(weeks)}.",
        )
        return _plan_page(plan, "#breaks")
    this_week = local_week_start(timezone.now(), plan.timezone)
    return render(
        request,
        "plans/breaks.html",
        {
            "plan": plan,
            "form": form,
            "break_rows": break_rows(selectors.plan_breaks(plan=plan), this_week),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(GET_POST)
def break_delete(request: HttpRequest, plan_id: int, break_id: int) -> HttpResponse:
    """GET: what calling the break off does (a break to come goes, one under way ends with
    last week). POST: do it. A break already over stays, and says so with a 400."""
    plan = _owned_plan(request, plan_id)
    item = PlanBreak.objects.filter(plan=plan, pk=break_id).first()
    if item is None:
        raise Http404("No such break.")
    row = break_row(item, local_week_start(timezone.now(), plan.timezone))
    context = {"plan": plan, "row": row, "errors": []}
    if request.method == "POST":
        start, end = item.start, item.end
        try:
            outcome = services.break_delete(plan=plan, item=item)
        except services.BreakError as error:
            context["errors"] = error.messages
        else:
            if outcome == "deleted":
                text = (
                    f"Your break from {start:%-d %B} to {end:%-d %B %Y} is called off and "
                    "removed: the plan goes on through those weeks as before."
                )
            else:
                text = (
                    f"Your break is ended: it stays in your plan up to Sunday {item.end:%-d %B}, "
                    "and the plan goes on from this week."
                )
            messages.success(request, text)
            return _plan_page(plan, "#breaks")
    elif row.status == BreakStatus.OVER:
        context["errors"] = ["This break is over: it stays in your plan's record."]
    return render(
        request,
        "plans/break_confirm_delete.html",
        context,
        status=400 if context["errors"] else 200,
    )


def _pace_refusal(card: TargetCard | None) -> str:
    """Why there is no pace to apply, or "" when there is one."""
    if card is None:
        return "Your plan has no target date: set one in the plan's settings first."
    if card.pace.on_track:
        return "Your plan is on track for its target date: there is no pace to change."
    if not card.offer:
        return card.pace.problem
    return ""


@login_required
@require_http_methods(GET_POST)
def plan_pace(request: HttpRequest, plan_id: int) -> HttpResponse:
    """GET: the pace toward the target date, as the plan page offers it. POST: apply the pace
    the page showed, once the server, working it out again, still comes to the same one;
    when it has changed since (a week was logged, a break planned, a day went by), nothing
    changes and the page shows the new one, with a 409."""
    plan = _owned_plan(request, plan_id)
    prefetch_related_objects([plan], *PLAN_PAGE_PREFETCH)
    card = target_card(selectors.plan_progress(plan=plan).pace)
    refusal = _pace_refusal(card)
    form = PaceForm(posted(request))
    status, problem = 200, ""
    if request.method == "POST":
        status = 400
        if refusal:
            problem = refusal
        elif not form.is_valid():
            problem = "The pace was not applied: the page sent something other than a pace."
        elif form.proposal() != (card.pace.weeks, card.pace.papers_per_week):
            status = 409
            problem = (
                "The pace has changed since the page was shown, so nothing was changed. "
                "This is the pace worked out now."
            )
        else:
            # Two presses at once both write the pace they were shown, the same one.
            weeks, papers = form.proposal()
            try:
                services.plan_update(plan=plan, weeks=weeks, papers_per_week=papers)
            except ValidationError as error:
                # A plan its settings no longer allow (edited elsewhere): say so, change nothing.
                problem = " ".join(error.messages)
                plan.refresh_from_db()
            else:
                messages.success(
                    request,
                    f"New pace: the specialization over {weeks} weeks and {papers} "
                    f"paper{'s' if papers != 1 else ''} a week, to finish by "
                    f"{card.pace.finish_at_new_pace:%A %-d %B %Y}.",
                )
                return _plan_page(plan, "#target")
    offer = card is not None and card.offer
    # What the button sends is always the pace worked out now, never what was posted.
    form = PaceForm.offering(card.pace) if offer else PaceForm()
    return render(
        request,
        "plans/pace.html",
        {"plan": plan, "target": card, "form": form, "offer": offer, "problem": problem},
        status=status,
    )
