"""Forms of the learning plan pages. They parse and bound input; services do the writes."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Q
from django.utils import timezone

from careers.accounts.forms import timezone_choices, timezone_preselect
from careers.content.models import (
    WEEKDAYS,
    LearningTrack,
    Status,
    TrackPrerequisite,
    TrackProjectStep,
)
from careers.core.forms import DateInput, ServiceForm, model_bounds, model_limits
from careers.plans.models import (
    EARLIEST_START,
    MAX_WEEKS,
    MIN_WEEKS,
    REASON_MAX_LENGTH,
    TAKEAWAY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    LearningPlan,
    WeeklyCheckin,
    latest_target,
)
from careers.plans.services import CHECKIN_FIELDS, MAX_PAPER_NOTES, PLAN_FIELDS
from careers.plans.timeline import BREAK_MAX_WEEKS, SKIP_BUDGET, SKIP_REFILL_WEEKS, Pace

# Without these two the specialization is hard going: an unticked one puts the machine
# learning course first. Other prerequisites (calculus) are nice to have only.
CORE_PREREQUISITES = ("python", "matrix_multiplication")
PAPER_ROWS = 5
HOUR_CHOICES = [(hour, f"{hour:02d}:00") for hour in range(24)]
PREREQUISITE_PREFIX = "prerequisite__"


def prerequisite_label(question: str) -> str:
    """'Can you multiply two matrices?' reads as 'I can multiply two matrices' beside a box."""
    text = question.strip()
    for asked, stated in (("Can you ", "I can "), ("Are you ", "I am "), ("Do you ", "I ")):
        if text.startswith(asked):
            text = stated + text[len(asked) :]
            break
    return text.replace("?", "").strip()


class TrackChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: LearningTrack) -> str:
        return obj.name


class ProjectStepChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: TrackProjectStep) -> str:
        return obj.title


class PlanForm(ServiceForm):
    """A plan's pace, prerequisites check, study days and weekly nudge.

    The prerequisites check is not stored: it only decides ``ml_course_first``. On an edit its
    boxes start from the plan (unticked when the plan starts with the course), so saving
    without touching them keeps the plan as it is.
    """

    track = TrackChoiceField(queryset=LearningTrack.objects.published(), empty_label=None)
    start_date = forms.DateField(
        widget=DateInput, help_text="Week 1 is the week this date falls in (Monday to Sunday)."
    )
    weeks = forms.IntegerField(
        label="Pace (weeks)",
        **model_bounds(LearningPlan, "weeks"),
        widget=forms.NumberInput(attrs={"class": "input--short"}),
        help_text=f"The specialization spread over this many weeks ({MIN_WEEKS} to "
        f"{MAX_WEEKS}). Its usual length is about 16 weeks; a steady pace you can keep beats "
        "a burst you cannot.",
    )
    ml_course_first_anyway = forms.BooleanField(
        label="Take the machine learning course first anyway", required=False
    )
    study_days = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one study day."},
        help_text="Fixed days remove the daily decision of whether to study.",
    )
    light_days = forms.TypedMultipleChoiceField(
        label="Light days",
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Study days with less time: they get a paper or a short exercise, not a new "
        "course module. Tick only study days.",
    )
    papers_per_week = forms.IntegerField(
        label="Papers per week",
        **model_bounds(LearningPlan, "papers_per_week"),
        widget=forms.NumberInput(attrs={"class": "input--short"}),
        help_text="Two a week comes to about a hundred papers a year.",
    )
    skip_budget = forms.IntegerField(
        label="Skips",
        **model_bounds(LearningPlan, "skip_budget"),
        widget=forms.NumberInput(attrs={"class": "input--short"}),
        help_text=f"Weeks you may miss without losing your streak ({SKIP_BUDGET} unless you "
        f"change it). Each week that ends with nothing logged uses one; every "
        f"{SKIP_REFILL_WEEKS} weeks you log earn one back.",
    )
    target_date = forms.DateField(
        label="Finish the specialization by",
        required=False,
        widget=DateInput,
        help_text="Optional. Your plan page then says whether you are on track and offers a "
        "pace that gets there, before changing anything.",
    )
    nudges_enabled = forms.BooleanField(
        label="Send me a weekly email nudge",
        required=False,
        help_text="This week's focus, your progress and one tip, with one-click links to log "
        "your week.",
    )
    nudge_weekday = forms.TypedChoiceField(label="Day", choices=WEEKDAYS, coerce=int)
    nudge_hour = forms.TypedChoiceField(
        label="Time", choices=HOUR_CHOICES, coerce=int, help_text="Local time in the zone below."
    )
    reminder_weekday = forms.TypedChoiceField(
        label="Second reminder",
        choices=[("", "None"), *WEEKDAYS],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Optional: a short email later in the week, at the same time, sent only if "
        "nothing is logged by then.",
    )
    timezone = forms.ChoiceField(label="Time zone", choices=timezone_choices)

    def __init__(
        self,
        *args: Any,
        plan: LearningPlan | None = None,
        timezone_name: str = "UTC",
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        earliest, latest = model_limits(LearningPlan, "start_date")
        self.fields["start_date"].widget.attrs.update(
            min=earliest.isoformat(), max=latest.isoformat()
        )
        earliest, latest = model_limits(LearningPlan, "target_date")
        self.fields["target_date"].widget.attrs.update(
            min=earliest.isoformat(), max=latest.isoformat()
        )
        if plan is not None:
            # A plan keeps its track even after an editor unpublishes it.
            self.fields["track"].queryset = LearningTrack.objects.filter(
                Q(status=Status.PUBLISHED) | Q(pk=plan.track_id)
            )
        tracks = list(self.fields["track"].queryset)
        self.tracks_available = bool(tracks)
        default_track = plan.track if plan else (tracks[0] if tracks else None)
        self.initial = {**self._initial(plan, default_track, timezone_name), **self.initial}
        if plan is None and not self.is_bound:
            # A new plan starts in the profile's zone; the browser's, while that is the default.
            timezone_preselect(self.fields["timezone"], current=self.initial["timezone"])
        self.chosen_track = self._chosen_track(tracks) or default_track
        self.prerequisites: list[TrackPrerequisite] = (
            list(self.chosen_track.prerequisites.all()) if self.chosen_track else []
        )
        self.ml_course_suggested = False
        for prerequisite in self.prerequisites:
            self.fields[PREREQUISITE_PREFIX + prerequisite.key] = forms.BooleanField(
                label=prerequisite_label(prerequisite.question),
                required=False,
                help_text=prerequisite.help_text,
                initial=not plan.ml_course_first if plan else False,
            )
        if self.chosen_track and self.chosen_track.ml_course_first_when:
            self.fields["ml_course_first_anyway"].help_text = self.chosen_track.ml_course_first_when

    @staticmethod
    def _initial(
        plan: LearningPlan | None, track: LearningTrack | None, timezone_name: str
    ) -> dict[str, Any]:
        if plan is not None:
            initial = {name: getattr(plan, name) for name in PLAN_FIELDS}
            initial["ml_course_first_anyway"] = False
            return initial
        return {
            "track": track,
            "start_date": timezone.localdate(timezone=ZoneInfo(timezone_name)),
            "weeks": track.default_weeks if track else 16,
            "study_days": list(track.study_days) if track else [5, 6],
            "papers_per_week": track.papers_per_week if track else 2,
            "light_days": [],
            "skip_budget": SKIP_BUDGET,
            "target_date": None,
            "reminder_weekday": None,
            "nudges_enabled": True,
            "nudge_weekday": LearningPlan._meta.get_field("nudge_weekday").default,
            "nudge_hour": LearningPlan._meta.get_field("nudge_hour").default,
            "timezone": timezone_name,
        }

    def _chosen_track(self, tracks: list[LearningTrack]) -> LearningTrack | None:
        """The track whose prerequisites to ask about: the submitted one, when it is valid."""
        if not self.is_bound:
            return None
        submitted = str(self.data.get(self.add_prefix("track"), ""))
        return next((track for track in tracks if str(track.pk) == submitted), None)

    def prerequisite_fields(self) -> list[forms.BoundField]:
        return [self[PREREQUISITE_PREFIX + p.key] for p in self.prerequisites]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        missing = [
            p.key
            for p in self.prerequisites
            if p.key in CORE_PREREQUISITES and not data.get(PREREQUISITE_PREFIX + p.key)
        ]
        has_course = bool(self.chosen_track and self.chosen_track.ml_course_title)
        self.ml_course_suggested = has_course and bool(missing)
        data["ml_course_first"] = has_course and (
            bool(missing) or bool(data.get("ml_course_first_anyway"))
        )
        if data.get("study_days"):
            data["study_days"] = sorted(data["study_days"])
        if "light_days" in data:
            data["light_days"] = sorted(data["light_days"])
        return data

    def plan_fields(self) -> dict[str, Any]:
        """The cleaned data in the shape ``plan_create`` and ``plan_update`` take."""
        return {name: self.cleaned_data[name] for name in PLAN_FIELDS}


class CheckinForm(ServiceForm):
    """One week's check-in, with a fixed set of optional paper rows (title and takeaway).

    There are at least five rows, and one per saved note when a week already holds more (the
    API allows more), so saving the page never drops a note.
    """

    study_days_done = forms.IntegerField(
        label="Study days done",
        **model_bounds(WeeklyCheckin, "study_days_done"),
        widget=forms.NumberInput(attrs={"class": "input--short"}),
    )
    papers_read = forms.IntegerField(
        label="Papers read",
        **model_bounds(WeeklyCheckin, "papers_read"),
        widget=forms.NumberInput(attrs={"class": "input--short"}),
        help_text="At least the number of papers you note below.",
    )
    project_step = ProjectStepChoiceField(
        queryset=TrackProjectStep.objects.none(),
        required=False,
        empty_label="No project work this week",
        label="Project step",
    )
    project_progress = forms.IntegerField(
        label="Project step progress (%)",
        **model_bounds(WeeklyCheckin, "project_progress"),
        widget=forms.NumberInput(attrs={"class": "input--short"}),
    )
    handwritten_notes = forms.BooleanField(
        label="I took handwritten notes",
        required=False,
        help_text="Writing by hand makes you summarise in your own words, which helps it stick.",
    )
    skipped = forms.BooleanField(label="I chose to skip this week", required=False)

    def __init__(
        self,
        *args: Any,
        plan: LearningPlan,
        checkin: WeeklyCheckin | None = None,
        skips_left: int = 0,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["skipped"].help_text = skip_help(skips_left=skips_left, budget=plan.skip_budget)
        self.fields["project_step"].queryset = plan.track.project_steps.all()
        notes = list(checkin.papers.all()) if checkin else []
        self.paper_rows = min(max(PAPER_ROWS, len(notes)), MAX_PAPER_NOTES)
        for row in range(1, self.paper_rows + 1):
            self.fields[f"paper_{row}_title"] = forms.CharField(
                label="Title", required=False, max_length=TITLE_MAX_LENGTH
            )
            self.fields[f"paper_{row}_takeaway"] = forms.CharField(
                label="One-line takeaway", required=False, max_length=TAKEAWAY_MAX_LENGTH
            )
        initial: dict[str, Any] = {"study_days_done": 0, "papers_read": 0, "project_progress": 0}
        if checkin is not None:
            initial = {name: getattr(checkin, name) for name in CHECKIN_FIELDS}
            for row, note in enumerate(notes, start=1):
                initial[f"paper_{row}_title"] = note.title
                initial[f"paper_{row}_takeaway"] = note.takeaway
        self.initial = {**initial, **self.initial}

    def paper_fields(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [
            (row, self[f"paper_{row}_title"], self[f"paper_{row}_takeaway"])
            for row in range(1, self.paper_rows + 1)
        ]

    def checkin_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in CHECKIN_FIELDS}

    def papers(self) -> list[dict[str, str]]:
        """The paper rows that say something, in the shape ``checkin_upsert`` takes."""
        papers = []
        for row in range(1, self.paper_rows + 1):
            title = self.cleaned_data[f"paper_{row}_title"].strip()
            takeaway = self.cleaned_data[f"paper_{row}_takeaway"].strip()
            if title or takeaway:
                papers.append({"title": title, "takeaway": takeaway})
        return papers


def skip_help(*, skips_left: int, budget: int) -> str:
    """What ticking "I chose to skip this week" costs, with the skips the learner holds."""
    refill = f" Every {SKIP_REFILL_WEEKS} weeks you log earn one back."
    if budget == 0:
        return "Your plan keeps no skips: a skipped week starts your streak again."
    if skips_left == 0:
        return "You have no skips left, so a skipped week starts your streak again." + refill
    return (
        f"A skipped week uses one of your skips ({skips_left} of {budget} left) and your "
        "streak carries on." + refill
    )


class BreakForm(ServiceForm):
    """A planned break: whole weeks, from the week of its first day to the week of its last.
    ``break_create`` decides whether the plan can take it."""

    start = forms.DateField(
        label="First day of the break",
        widget=DateInput,
        help_text="The break starts on the Monday of this week.",
    )
    end = forms.DateField(
        label="Last day of the break",
        widget=DateInput,
        help_text=f"It ends on the Sunday of this week; at most {BREAK_MAX_WEEKS} weeks in all.",
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text="For you alone: a holiday, exams, a move.",
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # The days a break may fall on; ``break_create`` says so for any other.
        for name in ("start", "end"):
            self.fields[name].widget.attrs.update(
                min=EARLIEST_START.isoformat(), max=latest_target().isoformat()
            )

    def break_fields(self) -> dict[str, Any]:
        """The cleaned data in the shape ``break_create`` takes."""
        return {name: self.cleaned_data[name] for name in ("start", "end", "reason")}


class PaceForm(ServiceForm):
    """The pace the plan page offered toward the target date, sent back as it was shown: the
    view applies it only while it is still the pace the server works out."""

    weeks = forms.IntegerField(**model_bounds(LearningPlan, "weeks"), widget=forms.HiddenInput)
    papers_per_week = forms.IntegerField(
        **model_bounds(LearningPlan, "papers_per_week"), widget=forms.HiddenInput
    )

    @classmethod
    def offering(cls, pace: Pace) -> PaceForm:
        return cls(initial={"weeks": pace.weeks, "papers_per_week": pace.papers_per_week})

    def proposal(self) -> tuple[int, int]:
        return self.cleaned_data["weeks"], self.cleaned_data["papers_per_week"]
