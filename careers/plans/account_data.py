"""A user's learning plans in their account export, and what deleting the account removes
of them (registered from ``PlansConfig.ready``): each plan with its weekly check-ins and
the papers noted in them, and the weekly nudge emails sent about it.

Of a nudge email the file keeps its week, when it was due and sent and how it went; the send
machinery's own columns (claims, attempts, the mail server's errors) say nothing about the
user.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch

from careers.core.account_data import (
    AccountDataSection,
    Counted,
    account_data_register,
    counted,
)
from careers.plans.models import LearningPlan, NudgeDelivery, PaperNote, PlanBreak, WeeklyCheckin

PLAN_FIELDS = (
    "start_date",
    "weeks",
    "ml_course_first",
    "study_days",
    "light_days",
    "papers_per_week",
    "skip_budget",
    "target_date",
    "nudge_weekday",
    "nudge_hour",
    "reminder_weekday",
    "timezone",
    "nudges_enabled",
    "next_nudge_at",
    "next_reminder_at",
    "created_at",
    "updated_at",
)
CHECKIN_FIELDS = (
    "week_start",
    "study_days_done",
    "papers_read",
    "project_progress",
    "handwritten_notes",
    "skipped",
    "updated_at",
)


def _checkin(checkin: WeeklyCheckin) -> dict[str, Any]:
    return {
        **{name: getattr(checkin, name) for name in CHECKIN_FIELDS},
        "project_step": checkin.project_step.title if checkin.project_step else None,
        "papers": [
            {"title": paper.title, "takeaway": paper.takeaway} for paper in checkin.papers.all()
        ],
    }


def _nudge(delivery: NudgeDelivery) -> dict[str, Any]:
    return {
        "week_start": delivery.week_start,
        "kind": delivery.kind,
        "scheduled_for": delivery.scheduled_for,
        "status": delivery.status,
        "sent_at": delivery.sent_at,
        "tip": delivery.tip.key if delivery.tip else None,
    }


def _break(item: PlanBreak) -> dict[str, Any]:
    return {"start": item.start, "end": item.end, "reason": item.reason}


def _export(user: AbstractBaseUser) -> dict[str, Any]:
    # One query per kind of row, however many plans and weeks the user has.
    plans = (
        LearningPlan.objects.filter(owner=user)
        .select_related("track")
        .prefetch_related(
            Prefetch(
                "checkins",
                WeeklyCheckin.objects.select_related("project_step").prefetch_related(
                    Prefetch("papers", PaperNote.objects.order_by("pk"))
                ),
            ),
            Prefetch("deliveries", NudgeDelivery.objects.select_related("tip")),
            Prefetch("breaks", PlanBreak.objects.order_by("start", "pk")),
        )
        .order_by("created_at", "pk")
    )
    return {
        "plans": [
            {
                "id": plan.pk,
                "track": plan.track.slug,
                "track_name": plan.track.name,
                **{name: getattr(plan, name) for name in PLAN_FIELDS},
                "breaks": [_break(item) for item in plan.breaks.all()],
                "checkins": [_checkin(checkin) for checkin in plan.checkins.all()],
                "nudge_emails": [_nudge(delivery) for delivery in plan.deliveries.all()],
            }
            for plan in plans
        ]
    }


def _describe(user: AbstractBaseUser) -> list[Counted]:
    return [
        counted(LearningPlan.objects.filter(owner=user).count(), "learning plan"),
        counted(
            WeeklyCheckin.objects.filter(plan__owner=user).count(),
            "weekly check-in",
        ),
        counted(PaperNote.objects.filter(checkin__plan__owner=user).count(), "paper note"),
        counted(PlanBreak.objects.filter(plan__owner=user).count(), "planned break"),
        counted(
            NudgeDelivery.objects.filter(plan__owner=user).count(),
            "record of a weekly email",
            "records of weekly emails",
        ),
    ]


def account_data_register_plans() -> None:
    account_data_register(
        AccountDataSection(
            name="plans",
            title="Your learning plans",
            summary="every plan with its breaks, weekly check-ins, the papers you noted, and "
            "when each weekly email was sent",
            models=(LearningPlan, PlanBreak, WeeklyCheckin, PaperNote, NudgeDelivery),
            export=_export,
            describe=_describe,
        )
    )
