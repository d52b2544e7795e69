"""The learning plan API: a user's plans, their weekly check-ins (by week), their planned
breaks and progress.

Every queryset starts from the requesting user's own plans, so another user's plan answers
404, never 403: its existence is not disclosed. Serializers validate, services write.
"""

from datetime import date
from functools import cached_property

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from careers.content.models import LearningTrack
from careers.plans import services
from careers.plans.models import LearningPlan, PaperNote, PlanBreak, WeeklyCheckin
from careers.plans.schedule import week_parse
from careers.plans.selectors import plan_get, plan_list, plan_progress
from careers.plans.serializers import (
    WEEK_OF_PLAN,
    WEEK_START_SCHEMA,
    CheckinSerializer,
    CheckinWeekSerializer,
    PlanBreakSerializer,
    PlanProgressSerializer,
    PlanSerializer,
)


class PlanViewSet(viewsets.ModelViewSet):
    serializer_class = PlanSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return LearningPlan.objects.none()
        return plan_list(owner=self.request.user)

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        track = fields.pop("track", None) or LearningTrack.objects.published().first()
        if track is None:
            raise serializers.ValidationError({"track": ["There is no track to start from."]})
        serializer.instance = services.plan_create(owner=self.request.user, track=track, **fields)

    def perform_update(self, serializer):
        serializer.instance = services.plan_update(
            plan=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.plan_delete(plan=instance)

    @extend_schema(
        responses=PlanProgressSerializer,
        description="Where the learner stands this week: streak and skips left, papers "
        "against target, focus, this week's days, the plan's weeks as they turned out, the "
        "break under way, and the pace a target date asks for.",
    )
    def progress(self, request, pk=None):
        progress = plan_progress(plan=self.get_object())
        return Response(PlanProgressSerializer(progress).data)


class OwnPlanViewSet(viewsets.GenericViewSet):
    """What belongs to one plan, ``id`` in the URL: the requesting user's plan, or 404
    (another user's included)."""

    @cached_property
    def plan(self) -> LearningPlan:
        plan = plan_get(owner=self.request.user, plan_id=self.kwargs["id"])
        if plan is None:
            raise Http404
        return plan


PLAN_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The plan's id.")
WEEK_START = OpenApiParameter(
    "week_start",
    dict(WEEK_START_SCHEMA),
    OpenApiParameter.PATH,
    description=f"{WEEK_OF_PLAN} Text that is not a date names no week: 404.",
)
UPSERT_RESPONSES = {200: CheckinWeekSerializer, 201: CheckinWeekSerializer}


@extend_schema_view(
    list=extend_schema(parameters=[PLAN_ID], description="The plan's check-ins, newest first."),
    create=extend_schema(
        parameters=[PLAN_ID],
        responses={200: CheckinSerializer, 201: CheckinSerializer},
        description=(
            "Record the check-in of `week_start` (a Monday from the plan's first week to this "
            "week): 201 when new, 200 when it updates that week's check-in."
        ),
    ),
    retrieve=extend_schema(parameters=[PLAN_ID, WEEK_START]),
    update=extend_schema(
        parameters=[PLAN_ID, WEEK_START],
        responses=UPSERT_RESPONSES,
        description="Record or correct that week's check-in: 201 when new, 200 when updated.",
    ),
    partial_update=extend_schema(
        parameters=[PLAN_ID, WEEK_START],
        responses=UPSERT_RESPONSES,
        description="Change some fields of that week's check-in (created when missing).",
    ),
)
class CheckinViewSet(OwnPlanViewSet):
    """URLs read /api/plans/{id}/checkins/ and /api/plans/{id}/checkins/{week_start}/."""

    serializer_class = CheckinSerializer
    lookup_url_kwarg = "week_start"

    def get_queryset(self) -> QuerySet[WeeklyCheckin]:
        if getattr(self, "swagger_fake_view", False):
            return WeeklyCheckin.objects.none()
        return (
            WeeklyCheckin.objects.filter(plan=self.plan)
            .select_related("project_step")
            .prefetch_related(Prefetch("papers", queryset=PaperNote.objects.order_by("pk")))
            .order_by("-week_start")
        )

    def get_serializer_class(self):
        if self.action in ("list", "create"):
            return CheckinSerializer
        return CheckinWeekSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["plan"] = self.plan
        return context

    def get_week(self) -> date:
        """The week named in the URL; one that is not a date names nothing there is."""
        week = week_parse(self.kwargs[self.lookup_url_kwarg])
        if week is None:
            raise Http404
        return week

    def list(self, request, id=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request, id=None):
        plan = self.plan
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        return self._record(plan=plan, week=fields.pop("week_start"), fields=fields)

    def retrieve(self, request, id=None, week_start=None):
        checkin = self.get_queryset().filter(week_start=self.get_week()).first()
        if checkin is None:
            raise Http404
        return Response(self.get_serializer(checkin).data)

    def update(self, request, id=None, week_start=None, partial=False):
        plan, week = self.plan, self.get_week()
        serializer = self.get_serializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return self._record(plan=plan, week=week, fields=dict(serializer.validated_data))

    def partial_update(self, request, id=None, week_start=None):
        return self.update(request, id=id, week_start=week_start, partial=True)

    def _record(self, *, plan: LearningPlan, week: date, fields: dict) -> Response:
        existed = plan.checkins.filter(week_start=week).exists()
        checkin = services.checkin_upsert(plan=plan, week=week, **fields)
        checkin = self.get_queryset().get(pk=checkin.pk)
        return Response(
            self.get_serializer(checkin).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


BREAK_ID = OpenApiParameter(
    "break_id", int, OpenApiParameter.PATH, description="The break's id, within the plan."
)


@extend_schema_view(
    list=extend_schema(parameters=[PLAN_ID], description="The plan's breaks, oldest first."),
    create=extend_schema(
        parameters=[PLAN_ID],
        responses={201: PlanBreakSerializer},
        description=(
            "Plan whole weeks off: the weeks `start` and `end` fall in, stored from that Monday "
            "to that Sunday. No nudge goes out in them and the plan's weeks after move back. "
            "A break that cannot be taken is a 400 naming the field at fault."
        ),
    ),
    destroy=extend_schema(
        parameters=[PLAN_ID, BREAK_ID],
        responses={
            200: OpenApiResponse(
                PlanBreakSerializer,
                description="The break was under way: it now ends with last week, as shown.",
            ),
            204: OpenApiResponse(description="The break was still to come: it is gone."),
            409: OpenApiResponse(description="The break is over: it stays in the record."),
        },
        description="Call off a break: one still to come goes (204), one under way ends with "
        "last week (200), one already over stays (409).",
    ),
)
class BreakViewSet(OwnPlanViewSet):
    """URLs read /api/plans/{id}/breaks/ and /api/plans/{id}/breaks/{break_id}/."""

    serializer_class = PlanBreakSerializer
    lookup_url_kwarg = "break_id"

    def get_queryset(self) -> QuerySet[PlanBreak]:
        if getattr(self, "swagger_fake_view", False):
            return PlanBreak.objects.none()
        return PlanBreak.objects.filter(plan=self.plan).order_by("start", "pk")

    def list(self, request, id=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request, id=None):
        plan = self.plan
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.break_create(plan=plan, **serializer.validated_data)
        return Response(self.get_serializer(item).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, id=None, break_id=None):
        plan, item = self.plan, self.get_object()
        try:
            outcome = services.break_delete(plan=plan, item=item)
        except services.BreakError as error:
            return Response({"detail": " ".join(error.messages)}, status=status.HTTP_409_CONFLICT)
        if outcome == "deleted":
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(self.get_serializer(item).data)
