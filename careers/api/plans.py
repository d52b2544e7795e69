"""The learning plan API: a user's plans, their weekly check-ins (by week) and progress.

Every queryset starts from the requesting user's own plans, so another user's plan answers
404, never 403: its existence is not disclosed. Serializers validate, services write.
"""

import re
from datetime import date, timedelta
from functools import cached_property

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from careers.api.fields import SlugChoiceField
from careers.models import LearningPlan, LearningTrack, PaperNote, TrackProjectStep, WeeklyCheckin
from careers.models.accounts import validate_timezone
from careers.models.content import validate_study_days
from careers.selectors.plans import plan_get, plan_list, plan_progress
from careers.services import plans as services

# A start date outside these bounds is a typo, and the week arithmetic near date.max
# would overflow.
EARLIEST_START = date(2000, 1, 1)
LATEST_START_AHEAD = timedelta(days=366)
WEEK_IN_URL = re.compile(r"\d{4}-\d{2}-\d{2}")


class PlanSerializer(serializers.ModelSerializer):
    track = SlugChoiceField(
        slug_field="slug",
        queryset=LearningTrack.objects.published(),
        required=False,
        help_text="The curated track's slug; defaults to the first published track.",
    )
    start_date = serializers.DateField(
        required=False, help_text="Defaults to today in the plan's time zone."
    )
    study_days = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        min_length=1,
        max_length=7,
        required=False,
        validators=[validate_study_days],
        help_text="Distinct weekday numbers, 0 (Monday) to 6 (Sunday); defaults to the track's.",
    )
    timezone = serializers.CharField(
        max_length=64,
        required=False,
        validators=[validate_timezone],
        help_text="IANA time zone (e.g. Europe/London); defaults to the profile's.",
    )

    class Meta:
        model = LearningPlan
        fields = ["id", *services.PLAN_FIELDS, "next_nudge_at", "created_at", "updated_at"]
        read_only_fields = ["next_nudge_at", "created_at", "updated_at"]

    def validate_start_date(self, value: date) -> date:
        latest = timezone.localdate() + LATEST_START_AHEAD
        if not EARLIEST_START <= value <= latest:
            raise serializers.ValidationError(
                f"Start between {EARLIEST_START.isoformat()} and {latest.isoformat()}."
            )
        return value


class WeekFocusSerializer(serializers.Serializer):
    course = serializers.CharField()
    course_week = serializers.IntegerField()
    course_weeks = serializers.IntegerField()
    project_step = serializers.CharField(allow_blank=True)
    is_ml_course = serializers.BooleanField()


class PlanProgressSerializer(serializers.Serializer):
    week = serializers.IntegerField(help_text="This week's number in the plan; 0 before it starts.")
    week_start = serializers.DateField(help_text="This week's Monday in the plan's time zone.")
    total_weeks = serializers.IntegerField()
    streak = serializers.IntegerField(help_text="Weeks in a row with something logged.")
    papers_read = serializers.IntegerField()
    papers_target = serializers.IntegerField(help_text="Papers the plan asks for by this week.")
    papers_year_pace = serializers.IntegerField(help_text="Papers a year at the pace so far.")
    focus = WeekFocusSerializer(allow_null=True, help_text="This week's focus; null outside it.")
    finished = serializers.BooleanField()


class PaperNoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = PaperNote
        fields = ["title", "takeaway"]


class ProjectStepField(serializers.IntegerField):
    """A project step as its position number within the plan's track."""

    def to_representation(self, value: TrackProjectStep) -> int:
        return value.position


class CheckinSerializer(serializers.ModelSerializer):
    papers = PaperNoteSerializer(
        many=True,
        required=False,
        max_length=services.MAX_PAPER_NOTES,
        help_text="Replaces the week's paper notes when given.",
    )
    project_step = ProjectStepField(
        min_value=1,
        max_value=1000,
        allow_null=True,
        required=False,
        help_text="The project step's number within the track (1 is the first), or null.",
    )
    counts_for_streak = serializers.BooleanField(read_only=True)

    class Meta:
        model = WeeklyCheckin
        fields = [
            "week_start",
            "study_days_done",
            "papers_read",
            "papers",
            "project_step",
            "project_progress",
            "handwritten_notes",
            "skipped",
            "counts_for_streak",
        ]

    def validate_project_step(self, value: int | None) -> TrackProjectStep | None:
        if value is None:
            return None
        step = TrackProjectStep.objects.filter(
            track_id=self.context["plan"].track_id, position=value
        ).first()
        if step is None:
            raise serializers.ValidationError(f"This plan's track has no project step {value}.")
        return step


class CheckinWeekSerializer(CheckinSerializer):
    """A check-in addressed by its week in the URL."""

    class Meta(CheckinSerializer.Meta):
        read_only_fields = ["week_start"]


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
        description="Where the learner stands this week: streak, papers against target, focus.",
    )
    def progress(self, request, pk=None):
        progress = plan_progress(plan=self.get_object())
        return Response(PlanProgressSerializer(progress).data)


PLAN_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The plan's id.")
WEEK_START = OpenApiParameter(
    "week_start",
    OpenApiTypes.DATE,
    OpenApiParameter.PATH,
    description="The Monday the week starts on, YYYY-MM-DD.",
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
class CheckinViewSet(viewsets.GenericViewSet):
    """URLs read /api/plans/{id}/checkins/ and /api/plans/{id}/checkins/{week_start}/."""

    serializer_class = CheckinSerializer
    lookup_url_kwarg = "week_start"

    @cached_property
    def plan(self) -> LearningPlan:
        plan = plan_get(owner=self.request.user, plan_id=self.kwargs["id"])
        if plan is None:
            raise Http404
        return plan

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
        text = self.kwargs[self.lookup_url_kwarg]
        try:
            if WEEK_IN_URL.fullmatch(text):
                return date.fromisoformat(text)
        except ValueError:
            pass
        raise Http404

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
