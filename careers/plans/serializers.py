"""How the plans API shows and reads a plan, its progress, its weekly check-ins and its
planned breaks. Bounds come from the models, as the web forms' do, and so do the schema's
(``PlanSchema``, ``PlanBreakSchema``)."""

from datetime import date, timedelta
from typing import Any

from django.core.validators import MaxValueValidator
from django.utils import timezone
from rest_framework import serializers

from careers.accounts.models import timezone_names
from careers.content.models import LearningTrack, TrackProjectStep, validate_study_days
from careers.core.api import SlugChoiceField
from careers.core.forms import model_limits
from careers.core.schema import RefinedSerializerSchema, date_window_pattern
from careers.plans import services
from careers.plans.models import (
    LearningPlan,
    PaperNote,
    PlanBreak,
    WeeklyCheckin,
    latest_target,
    validate_weekdays,
)
from careers.plans.schedule import week_start
from careers.plans.timeline import BREAK_MAX_WEEKS, Break, WeekState

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
    light_days = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        max_length=7,
        required=False,
        validators=[validate_weekdays],
        help_text="Study days with less time (a paper or a short exercise instead of a course "
        "module): distinct weekday numbers, each one of the study_days; none by default.",
    )

    class Meta:
        model = LearningPlan
        fields = [
            "id",
            *services.PLAN_FIELDS,
            "next_nudge_at",
            "next_reminder_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["next_nudge_at", "next_reminder_at", "created_at", "updated_at"]
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
            "skip_budget": {
                "help_text": "Weeks the learner may miss without losing the streak; a few weeks "
                "logged earn a spent one back."
            },
            "target_date": {
                "help_text": "The day to finish the specialization by, after the start_date; "
                "null (the default) for none."
            },
            "reminder_weekday": {
                "help_text": "The day of a second, shorter email, sent only when nothing is "
                "logged by then: later in the week than nudge_weekday (0 is Monday); null (the "
                "default) for none."
            },
            "next_reminder_at": {
                "help_text": "When the second reminder is next due (UTC); null without one."
            },
        }


class WeekFocusSerializer(serializers.Serializer):
    course = serializers.CharField()
    course_week = serializers.IntegerField()
    course_weeks = serializers.IntegerField()
    project_step = serializers.CharField(allow_blank=True)
    is_ml_course = serializers.BooleanField()


# PlanBreak states no bounds of its own: the service refuses a start before this week or
# before the plan. This one keeps a day far ahead, which the week arithmetic would carry past
# 9999-12-31, a 400 rather than a server error: a break lies within the five years a plan's
# target date may reach.
BREAK_DAY_VALIDATORS = [MaxValueValidator(latest_target, "Choose a date by %(limit_value)s.")]


class PlanBreakSerializer(serializers.ModelSerializer):
    start = serializers.DateField(
        validators=BREAK_DAY_VALIDATORS,
        help_text="The first day off; stored as the Monday of its week.",
    )
    end = serializers.DateField(
        validators=BREAK_DAY_VALIDATORS,
        help_text="The last day off; stored as the Sunday of its week.",
    )
    weeks = serializers.SerializerMethodField(help_text="Whole weeks the break covers.")

    class Meta:
        model = PlanBreak
        fields = ["id", "start", "end", "reason", "weeks"]

    def get_weeks(self, item: PlanBreak) -> int:
        return Break(item.start, item.end).weeks


class PlanWeekSerializer(serializers.Serializer):
    week_start = serializers.DateField(source="monday", help_text="The week's Monday.")
    state = serializers.ChoiceField(
        choices=[state.value for state in WeekState],
        help_text="logged; skipped (nothing logged, a skip spent, the streak kept); break; "
        "missed (nothing logged and no skip left); current (this week, nothing logged yet); "
        "future.",
    )
    number = serializers.IntegerField(
        allow_null=True,
        help_text="The course week it holds (1 is the first); null in a break.",
    )


class DaySuggestionSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="0 is Monday.")
    light = serializers.BooleanField(help_text="A light day: a paper or a short exercise.")
    suggestion = serializers.CharField(source="text")


class PaceSerializer(serializers.Serializer):
    target_date = serializers.DateField(source="target")
    on_track = serializers.BooleanField(help_text="Whether the plan ends by then as it is.")
    finish = serializers.DateField(help_text="The Sunday the plan ends on as it is, breaks in.")
    weeks_available = serializers.IntegerField(
        help_text="Weeks, breaks left out, from this week to the target date's."
    )
    suggested_weeks = serializers.IntegerField(
        source="weeks",
        allow_null=True,
        help_text="Off track: the specialization's weeks that finish by then; else null.",
    )
    suggested_papers_per_week = serializers.IntegerField(
        source="papers_per_week",
        allow_null=True,
        help_text="Off track: the papers a week that keep up; else null.",
    )
    finish_at_new_pace = serializers.DateField(
        allow_null=True, help_text="Off track: the Sunday the suggested pace ends on."
    )
    problem = serializers.CharField(
        allow_blank=True, help_text="Why no pace fits, or what it leaves out; empty if none."
    )


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
    skips_left = serializers.IntegerField(
        help_text="Skips held now: a week that ends with nothing logged spends one."
    )
    skip_budget = serializers.IntegerField(source="plan.skip_budget")
    on_break = PlanBreakSerializer(allow_null=True, help_text="The break under way, or null.")
    weeks = PlanWeekSerializer(
        source="plan_weeks",
        many=True,
        help_text="The plan's weeks, its first to its last course week, breaks included.",
    )
    days = DaySuggestionSerializer(many=True, help_text="What each study day of this week is for.")
    target = PaceSerializer(source="pace", allow_null=True, help_text="Null without a target_date.")


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
        fields["light_days"]["uniqueItems"] = True
        earliest, latest = model_limits(LearningPlan, "target_date")
        fields["target_date"]["pattern"] = date_window_pattern(earliest, latest)
        fields["target_date"]["description"] = (
            f"From {earliest.isoformat()} to five years from today ({latest.isoformat()} as "
            "this schema was served), and after the plan's start_date; null (the default) for "
            "none."
        )
        low, high = model_limits(LearningPlan, "reminder_weekday")
        fields["reminder_weekday"].update(minimum=low, maximum=high, nullable=True)


def earliest_break_day() -> date:
    """The first day a break may start on in every time zone: the Monday of the week under
    way where it is latest (UTC+14: tomorrow in UTC, at most)."""
    return week_start(timezone.now().date() + timedelta(days=1))


class PlanBreakSchema(RefinedSerializerSchema):
    """A break's days in a window: from the week under way, by the latest target date. Which
    week is under way depends on the plan's time zone, so the window starts where it has begun
    in every zone; the rest (not before the plan, no overlap, at most so many weeks) is said
    in words."""

    target_class = PlanBreakSerializer

    def refine(self, schema: dict[str, Any], direction: str) -> None:
        if direction != "request":
            return
        fields = schema["properties"]
        earliest, latest = earliest_break_day(), latest_target()
        window = (
            f"YYYY-MM-DD, by five years from today ({latest.isoformat()} as this schema was "
            "served), and from the Monday of the plan's current week in its time zone (the "
            f"pattern starts at {earliest.isoformat()}, a week under way in every zone)"
        )
        fields["start"]["pattern"] = fields["end"]["pattern"] = date_window_pattern(
            earliest, latest
        )
        fields["start"]["description"] = (
            f"The first day off, stored as the Monday of its week: {window}; not before the "
            "plan's first week, and in no other break of the plan."
        )
        fields["end"]["description"] = (
            f"The last day off, stored as the Sunday of its week: {window}; on or after start, "
            f"at most {BREAK_MAX_WEEKS} weeks on counting whole weeks."
        )


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
