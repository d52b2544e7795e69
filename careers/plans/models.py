"""Learning plans, weekly check-ins and the weekly nudge emails that keep them going."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from careers.accounts.models import validate_timezone
from careers.content.models import (
    LearningTrack,
    Tip,
    TrackProjectStep,
    default_study_days,
    validate_study_days,
)
from careers.plans.timeline import SKIP_BUDGET, SKIP_BUDGET_MAX

MIN_WEEKS = 4
MAX_WEEKS = 104
TITLE_MAX_LENGTH = 200
TAKEAWAY_MAX_LENGTH = 280
# A start date outside these bounds is a typo; they also keep the week arithmetic a few
# hundred weeks past the start inside Python's dates.
EARLIEST_START = date(2000, 1, 1)
LATEST_START_AHEAD = timedelta(days=366)


LATEST_TARGET_AHEAD = timedelta(days=5 * 366)
REASON_MAX_LENGTH = 200


def latest_start() -> date:
    """The last day a plan may start on: a year from today."""
    return timezone.localdate() + LATEST_START_AHEAD


def latest_target() -> date:
    """The last day a plan's target date may be: five years from today."""
    return timezone.localdate() + LATEST_TARGET_AHEAD


def validate_weekdays(value: object) -> None:
    """A list, maybe empty, of distinct weekday numbers (the light days)."""
    if (
        not isinstance(value, list)
        or any(not isinstance(day, int) or isinstance(day, bool) for day in value)
        or any(not 0 <= day <= 6 for day in value)
        or len(set(value)) != len(value)
    ):
        raise ValidationError("Give distinct weekday numbers, 0 (Monday) to 6 (Sunday).")


class LearningPlan(models.Model):
    """A learner's plan, started from a curated track, and when to nudge them about it."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learning_plans"
    )
    track = models.ForeignKey(LearningTrack, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField(
        validators=[
            MinValueValidator(EARLIEST_START, "Start on %(limit_value)s or later."),
            MaxValueValidator(
                latest_start, "Start within a year: on %(limit_value)s at the latest."
            ),
        ]
    )
    weeks = models.PositiveSmallIntegerField(
        "weeks for the specialization",
        default=16,
        validators=[MinValueValidator(MIN_WEEKS), MaxValueValidator(MAX_WEEKS)],
    )
    ml_course_first = models.BooleanField(
        default=False, help_text="Take the machine learning course before the specialization."
    )
    study_days = models.JSONField(default=default_study_days, validators=[validate_study_days])
    # Study days with less time: a paper or a short exercise instead of a course module.
    light_days = models.JSONField(
        default=list, db_default=[], blank=True, validators=[validate_weekdays]
    )
    papers_per_week = models.PositiveSmallIntegerField(
        default=2, validators=[MaxValueValidator(20)]
    )
    # The papers the plan had asked for before ``papers_carried_week`` at the paces it had
    # then: a change of papers a week counts from that week on and rewrites no week gone.
    papers_carried = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    papers_carried_week = models.DateField(null=True, blank=True, editable=False)
    nudge_weekday = models.PositiveSmallIntegerField(
        default=5, validators=[MaxValueValidator(6)], help_text="0 is Monday, 6 is Sunday."
    )
    nudge_hour = models.PositiveSmallIntegerField(
        default=9, validators=[MaxValueValidator(23)], help_text="Local hour, 0-23."
    )
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    nudges_enabled = models.BooleanField(default=True)
    # The day of an optional second email later in the week, sent only when nothing was
    # logged by then; null (the default) for none.
    reminder_weekday = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(6)], help_text="0 is Monday."
    )
    skip_budget = models.PositiveSmallIntegerField(
        "skips",
        default=SKIP_BUDGET,
        db_default=SKIP_BUDGET,
        validators=[MaxValueValidator(SKIP_BUDGET_MAX)],
    )
    target_date = models.DateField(
        "finish by",
        null=True,
        blank=True,
        validators=[
            MinValueValidator(EARLIEST_START, "Choose %(limit_value)s or later."),
            MaxValueValidator(latest_target, "Choose a date by %(limit_value)s."),
        ],
    )
    # When the next nudge is due, in UTC; null while nudges are off. The dispatcher's query
    # (enabled and due) is served by the partial index below.
    next_nudge_at = models.DateTimeField(null=True, blank=True)
    # When the next second reminder is due, in UTC; null while there is none.
    next_reminder_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_nudge_at"],
                name="plan_due_idx",
                condition=models.Q(nudges_enabled=True),
            ),
            models.Index(
                fields=["next_reminder_at"],
                name="plan_reminder_due_idx",
                condition=models.Q(nudges_enabled=True, next_reminder_at__isnull=False),
            ),
            # The admin lists plans newest first: read backwards, this gives a page
            # without sorting the table.
            models.Index(fields=["created_at", "id"], name="plan_created_idx"),
            # The admin's drill-down by start date: MIN, MAX and a probe per period.
            models.Index(fields=["start_date"], name="plan_start_idx"),
            # The admin's list of plans with nudges off (the few who unsubscribed or
            # bounced): its count and its drill-down's dates read this small index alone.
            models.Index(
                fields=["start_date"],
                name="plan_nudges_off_idx",
                condition=models.Q(nudges_enabled=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.track} for {self.owner}"

    def clean(self) -> None:
        errors = {}
        days = (self.light_days, self.study_days)
        if all(isinstance(value, list) for value in days) and not {
            day for day in self.light_days if isinstance(day, int)
        } <= {day for day in self.study_days if isinstance(day, int)}:
            errors["light_days"] = "Light days are some of the study days."
        if self.reminder_weekday is not None and self.reminder_weekday <= self.nudge_weekday:
            errors["reminder_weekday"] = (
                "The second reminder comes later in the week than the weekly email."
            )
        if self.target_date and self.start_date and self.target_date <= self.start_date:
            errors["target_date"] = "Choose a date after the plan starts."
        if errors:
            raise ValidationError(errors)


class PlanBreak(models.Model):
    """Whole weeks off a plan (a holiday, exams): no nudges, no streak or paper target, and
    the schedule after it moves back. ``start`` is a Monday, ``end`` the Sunday of the last
    week."""

    plan = models.ForeignKey(LearningPlan, on_delete=models.CASCADE, related_name="breaks")
    start = models.DateField()
    end = models.DateField()
    reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="break_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"Break of plan {self.plan_id}, {self.start} to {self.end}"


class WeeklyCheckin(models.Model):
    """What the learner did in one week (Monday to Sunday in their time zone)."""

    plan = models.ForeignKey(LearningPlan, on_delete=models.CASCADE, related_name="checkins")
    week_start = models.DateField(help_text="The Monday the week starts on.")
    study_days_done = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(7)])
    papers_read = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(50)])
    project_step = models.ForeignKey(
        TrackProjectStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    project_progress = models.PositiveSmallIntegerField(
        "project step progress (%)", default=0, validators=[MaxValueValidator(100)]
    )
    handwritten_notes = models.BooleanField(default=False)
    skipped = models.BooleanField(default=False, help_text="The learner chose to skip the week.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "week_start"], name="one_checkin_per_week")
        ]
        indexes = [
            # The admin's list (newest week first, then -id, which the admin adds), its week
            # filter and its drill-down by week: the unique constraint's index starts with
            # the plan, so serves none of them.
            models.Index(fields=["week_start", "id"], name="checkin_week_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} week of {self.week_start}"

    @property
    def counts_for_streak(self) -> bool:
        return self.study_days_done > 0 or self.papers_read > 0


class PaperNote(models.Model):
    """A paper read in a week: its title and a one-line takeaway, both optional."""

    checkin = models.ForeignKey(WeeklyCheckin, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(max_length=TITLE_MAX_LENGTH, blank=True)
    takeaway = models.CharField(max_length=TAKEAWAY_MAX_LENGTH, blank=True)

    def __str__(self) -> str:
        return self.title or "(untitled paper)"


def delivery_stuck_first() -> models.Case:
    """0 for a stuck delivery, 1 for any other: the admin lists stuck ones first. (The
    status is spelled out: NudgeDelivery's Meta builds an index of this before the class,
    and so NudgeDelivery.Status.STUCK, exists.)"""
    return models.Case(
        models.When(status="stuck", then=models.Value(0)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )


class NudgeDelivery(models.Model):
    """One weekly nudge email: a small state machine, unique per plan and week.

    The dispatcher creates the row (pending) in the same transaction that advances the
    plan's next send time; the send task moves it pending -> sending with a conditional
    update, so only one worker ever sends it, then to sent or failed.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        # In sending past the limit a send can take: the worker died, maybe after the mail
        # server accepted the email. Not resent on its own (at most once); an operator decides.
        STUCK = "stuck", "Stuck (check, then resend)"
        # Not sent, and not to be: the week was logged first (a second reminder) or a break
        # began after the email was claimed.
        CANCELLED = "cancelled", "Not needed"

    class Kind(models.TextChoices):
        WEEKLY = "weekly", "Weekly email"
        REMINDER = "reminder", "Second reminder"

    plan = models.ForeignKey(LearningPlan, on_delete=models.CASCADE, related_name="deliveries")
    week_start = models.DateField()
    # A database default too: processes still running the code of before the migration
    # write rows without the column.
    kind = models.CharField(
        max_length=16, choices=Kind.choices, default=Kind.WEEKLY, db_default=Kind.WEEKLY
    )
    scheduled_for = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    tip = models.ForeignKey(Tip, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    message_id = models.CharField(max_length=255, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sending_since = models.DateTimeField(null=True, blank=True)
    # When its send task was last handed to the broker; empty until it first was. The requeue
    # sweep enqueues a pending row again once this is old (its task was lost).
    enqueued_at = models.DateTimeField(null=True, blank=True)
    # The send run holding this pending delivery (careers/plans/ledger.py): a chunk is claimed
    # in one statement, and only the run that claimed a delivery takes it to sending.
    claim = models.CharField(max_length=32, blank=True, default="", editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-week_start", "-id"]
        verbose_name_plural = "nudge deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "week_start", "kind"], name="one_nudge_per_week_and_kind"
            )
        ]
        indexes = [
            models.Index(fields=["status", "sending_since"], name="nudge_status_idx"),
            # The admin's default order (stuck first, then newest week): its first page
            # is the first rows of this index, not a sort of the table.
            models.Index(
                delivery_stuck_first(),
                models.F("week_start").desc(),
                models.F("id").desc(),
                name="nudge_list_idx",
            ),
            # The admin's list filtered by status, newest week first: this week's pending
            # or the stuck ones are a few hundred of a million rows, found and ordered here.
            models.Index(fields=["status", "week_start", "id"], name="nudge_status_week_idx"),
            # The admin's week filter and its drill-down by week.
            models.Index(fields=["week_start", "id"], name="nudge_week_idx"),
        ]

    def __str__(self) -> str:
        return f"Nudge for plan {self.plan_id}, week of {self.week_start} ({self.status})"
