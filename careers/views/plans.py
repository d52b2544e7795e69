"""Pages of the learning plans: forms in, services for writes, selectors for reads.

Every page that names a plan loads it with the signed-in owner, so another user's plan is a
404 like one that does not exist. State changes only on POST. The schedule is derived from
the plan on every view, so an edit shows at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from careers.forms_comparisons import service_errors_add
from careers.forms_plans import CheckinForm, PlanForm
from careers.models import LearningPlan, Tip, WeeklyCheckin
from careers.models.content import WEEKDAYS
from careers.schedule import WeekFocus, week_start
from careers.selectors import plans as selectors
from careers.selectors.plans import PlanProgress
from careers.services import plans as services
from careers.services.accounts import profile_get_or_create
from careers.views import posted

GET_POST = ["GET", "POST"]
WEEKDAY_NAMES = dict(WEEKDAYS)
# The tips the plan page shows beside the schedule, by their seed keys; when an editor
# unpublishes or renames one, the page falls back to its own short text.
FINANCIAL_AID_TIP = "financial_aid"
HANDWRITTEN_NOTES_TIP = "handwritten_notes"


def _plan(request: HttpRequest, plan_id: int) -> LearningPlan:
    plan = selectors.plan_get(owner=request.user, plan_id=plan_id)
    if plan is None:
        raise Http404("No such learning plan.")
    return plan


def _week(value: str) -> date:
    """The Monday in a check-in URL (ISO date); anything that is not a date is a 404."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Http404("No such week.") from None


@dataclass(frozen=True)
class ScheduleRow:
    """One week of the schedule table, with what was logged for it."""

    focus: WeekFocus
    monday: date
    sunday: date
    checkin: WeeklyCheckin | None
    is_current: bool
    can_log: bool


def _schedule_rows(progress: PlanProgress) -> list[ScheduleRow]:
    checkins = {c.week_start: c for c in progress.plan.checkins.all()}
    rows = []
    for focus in progress.schedule:
        monday = progress.week_start_of(focus.week)
        rows.append(
            ScheduleRow(
                focus=focus,
                monday=monday,
                sunday=monday + timedelta(days=6),
                checkin=checkins.get(monday),
                is_current=monday == progress.week_start,
                can_log=monday <= progress.week_start,
            )
        )
    return rows


def _track_tips(plan: LearningPlan) -> dict[str, Tip]:
    return selectors.plan_tips(plan=plan, keys=[FINANCIAL_AID_TIP, HANDWRITTEN_NOTES_TIP])


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = list(selectors.plan_list(owner=request.user))
    if not plans:
        return redirect("plan_create")
    progresses = [selectors.plan_progress(plan=plan) for plan in plans]
    return render(request, "plans/list.html", {"progresses": progresses})


@login_required
@require_http_methods(GET_POST)
def plan_create(request: HttpRequest) -> HttpResponse:
    profile = profile_get_or_create(user=request.user)
    form = PlanForm(posted(request), timezone_name=profile.timezone)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(owner=request.user, **form.plan_fields())
        except ValidationError as error:
            service_errors_add(form, error)
        else:
            messages.success(request, "Your learning plan is ready.")
            if form.ml_course_suggested:
                messages.info(
                    request,
                    "Your prerequisites check suggests the machine learning course first, "
                    "so your plan starts with it.",
                )
            return redirect("plan_detail", plan_id=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form, "plan": None})


@login_required
@require_GET
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    # One query for the check-ins, shared by the progress and the schedule table.
    prefetch_related_objects([plan], "checkins__papers", "checkins__project_step")
    progress = selectors.plan_progress(plan=plan)
    rows = _schedule_rows(progress)
    tips = _track_tips(plan)
    feed_path = reverse(
        "plan_calendar_feed", args=[profile_get_or_create(user=request.user).calendar_token]
    )
    return render(
        request,
        "plans/detail.html",
        {
            "plan": plan,
            "progress": progress,
            "rows": rows,
            "week_end": progress.week_start + timedelta(days=6),
            "logged_checkins": [c for c in plan.checkins.all() if c.papers.all()],
            "first_focus": progress.schedule[0] if progress.schedule else None,
            "study_day_names": [WEEKDAY_NAMES[day] for day in sorted(plan.study_days)],
            "nudge_day": WEEKDAY_NAMES[plan.nudge_weekday],
            "financial_aid_tip": tips.get(FINANCIAL_AID_TIP),
            "handwritten_notes_tip": tips.get(HANDWRITTEN_NOTES_TIP),
            "calendar_url": settings.SITE_URL + feed_path,
        },
    )


@login_required
@require_http_methods(GET_POST)
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    form = PlanForm(posted(request), plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, **form.plan_fields())
        except ValidationError as error:
            service_errors_add(form, error)
        else:
            messages.success(request, "Plan saved. The schedule and the next nudge follow it.")
            return redirect("plan_detail", plan_id=plan.pk)
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
    form = CheckinForm(posted(request), plan=plan, checkin=checkin)
    if request.method == "POST" and form.is_valid():
        try:
            services.checkin_upsert(
                plan=plan, week=monday, papers=form.papers(), **form.checkin_fields()
            )
        except ValidationError as error:
            service_errors_add(form, error)
        else:
            messages.success(request, f"The week of {monday.day} {monday:%B %Y} is saved.")
            return redirect("plan_detail", plan_id=plan.pk)
    schedule = selectors.plan_week_schedule(plan=plan)
    number = context["week_number"]
    focus = schedule[number - 1] if 1 <= number <= len(schedule) else None
    return render(
        request,
        "plans/checkin_form.html",
        {**context, "form": form, "checkin": checkin, "focus": focus},
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
    return redirect(reverse("plan_detail", args=[plan.pk]) + "#calendar")
