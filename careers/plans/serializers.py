"""How the plans API shows and reads a plan, its progress and its weekly check-ins. Bounds
come from the models, as the web forms' do."""

from rest_framework import serializers

from careers.content.models import LearningTrack, TrackProjectStep, validate_study_days
from careers.core.api import SlugChoiceField
from careers.plans import services
from careers.plans.models import LearningPlan, PaperNote, WeeklyCheckin


class PlanSerializer(serializers.ModelSerializer):
    track = SlugChoiceField(
        slug_field="slug",
        queryset=LearningTrack.objects.published(),
        required=False,
        help_text="The curated track's slug; defaults to the first published track.",
    )
    study_days = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        min_length=1,
        max_length=7,
        required=False,
        validators=[validate_study_days],
        help_text="Distinct weekday numbers, 0 (Monday) to 6 (Sunday); defaults to the track's.",
    )

    class Meta:
        model = LearningPlan
        fields = ["id", *services.PLAN_FIELDS, "next_nudge_at", "created_at", "updated_at"]
        read_only_fields = ["next_nudge_at", "created_at", "updated_at"]
        # Bounds and validators come from the model, as the web form's do.
        extra_kwargs = {
            "start_date": {
                "required": False,
                "help_text": "Defaults to today in the plan's time zone; at most a year ahead.",
            },
            "timezone": {
                "required": False,
                "help_text": "IANA time zone (e.g. Europe/London); defaults to the profile's.",
            },
        }


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
