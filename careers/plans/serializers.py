"""How the plans API shows and reads a plan, its progress and its weekly check-ins. Bounds
come from the models, as the web forms' do, and so do the schema's (``PlanSchema``)."""

from typing import Any

from rest_framework import serializers

from careers.accounts.models import timezone_names
from careers.content.models import LearningTrack, TrackProjectStep, validate_study_days
from careers.core.api import SlugChoiceField
from careers.core.forms import model_limits
from careers.core.schema import RefinedSerializerSchema, date_window_pattern
from careers.plans import services
from careers.plans.models import LearningPlan, PaperNote, WeeklyCheckin

# JSON Schema can say "a date" but not "a Monday": a week is a date of the custom format
# `week-start`, said in words too, which a client (and the API's schema tests) can generate.
WEEK_START_FORMAT = "week-start"
WEEK_START_SCHEMA = {
    "type": "string",
    "format": WEEK_START_FORMAT,
    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
}
WEEK_OF_PLAN = (
    f"A Monday, YYYY-MM-DD (format `{WEEK_START_FORMAT}`): a week of the plan, from the week "
    "its start_date falls in to the current week in the plan's time zone."
)


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


class PlanSchema(RefinedSerializerSchema):
    """What the plan's model validators refuse, as the schema can say it: the start date's
    window (its end moves a day each day, so it is computed as the schema is served), the
    time zones by name, and study days that are distinct."""

    target_class = PlanSerializer

    def refine(self, schema: dict[str, Any], direction: str) -> None:
        if direction != "request":
            return
        fields = schema["properties"]
        earliest, latest = model_limits(LearningPlan, "start_date")
        fields["start_date"]["pattern"] = date_window_pattern(earliest, latest)
        fields["start_date"]["description"] = (
            f"From {earliest.isoformat()} to a year from today ({latest.isoformat()} as this "
            "schema was served); defaults to today in the plan's time zone."
        )
        fields["timezone"] = {
            "type": "string",
            "enum": timezone_names(),
            "description": fields["timezone"]["description"],
        }
        fields["study_days"]["uniqueItems"] = True


class CheckinSchema(RefinedSerializerSchema):
    """A check-in's week is a Monday (``WEEK_START_SCHEMA``), and its project step one of the
    plan's track."""

    target_class = CheckinSerializer

    def refine(self, schema: dict[str, Any], direction: str) -> None:
        fields = schema["properties"]
        if "week_start" in fields:  # read-only where the URL names the week
            fields["week_start"].update(WEEK_START_SCHEMA)
            if direction == "request":
                fields["week_start"]["description"] = WEEK_OF_PLAN
        if direction == "request":
            fields["project_step"]["description"] = (
                "The number of a project step of the plan's track (1 is the first; the plan "
                "page lists them), or null."
            )
