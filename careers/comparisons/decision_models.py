"""After the choice: the decision a user records on a comparison, the check-ins that follow
it months into the job, and the second opinions of people they invite.

The decision keeps a frozen copy of the result it was based on (``Decision.basis``), so
later edits of the comparison never rewrite what the choice was made from. Each check-in
is one row per decision and month, written with the decision; its email goes out through
the same at-most-once steps as the weekly nudges (``careers.comparisons.checkins``).
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from careers.content.models import Criterion

TEXT_MAX_LENGTH = 4000
# The months after the start date a check-in is due.
CHECKIN_MONTHS = (1, 3, 6, 12)
RATER_NAME_MAX_LENGTH = 80


class Decision(models.Model):
    """What the owner chose on a comparison, what they expect and what the choice rested on.

    ``chosen_option`` is the id of the option chosen as it was then (not a foreign key: the
    option may be edited or deleted later, the record stays what it was), or null for
    "none of them". Editable until the first check-in has gone out.
    """

    comparison = models.OneToOneField(
        "comparisons.Comparison", on_delete=models.CASCADE, related_name="decision"
    )
    chosen_option = models.PositiveBigIntegerField(null=True, blank=True)
    chosen_label = models.CharField(max_length=255, blank=True)
    decided_on = models.DateField()
    start_date = models.DateField(null=True, blank=True)
    confidence = models.PositiveSmallIntegerField(
        "confidence (%)", validators=[MaxValueValidator(100)]
    )
    expectations = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    change_my_mind = models.TextField(
        "what would change my mind", blank=True, max_length=TEXT_MAX_LENGTH
    )
    premortem = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    backup_plan = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    # Criterion keys of the chosen option's unknowns the owner accepted when choosing.
    accepted_unknowns = models.JSONField(default=list, blank=True)
    # The result as it stood when the decision was recorded (``decisions.decision_basis``).
    basis = models.JSONField(default=dict, editable=False)
    checkin_weekday = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(6)], help_text="0 is Monday, 6 is Sunday."
    )
    checkin_hour = models.PositiveSmallIntegerField(
        default=9, validators=[MaxValueValidator(23)], help_text="Local hour, 0-23."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["created_at", "id"], name="decision_created_idx")]

    def __str__(self) -> str:
        return f"Decision on comparison {self.comparison_id}"


class SameAgain(models.TextChoices):
    YES = "yes", "Yes"
    NOT_SURE = "not_sure", "Not sure"
    NO = "no", "No"


class DecisionCheckin(models.Model):
    """One check-in of a decision, ``months`` after its start date: the email that asks and
    the answers that came back.

    The email's delivery is the same small state machine as a nudge's: ``scheduled`` until
    it is due, claimed by the dispatcher into ``pending``, taken into ``sending`` by exactly
    one send run with a conditional update, then ``sent`` or ``failed``; ``stuck`` when a
    worker died mid-send (never resent on its own). ``cancelled`` when the decision changed
    to "none of them" or the owner turned check-ins off before it was due.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        STUCK = "stuck", "Stuck (check, then resend)"
        CANCELLED = "cancelled", "Cancelled"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="checkins")
    months = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    attempts = models.PositiveSmallIntegerField(default=0)
    claim = models.CharField(max_length=32, blank=True, default="", editable=False)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    sending_since = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    last_error = models.TextField(blank=True)
    # The answers, each optional; ``answered_at`` is set by the first one.
    team_as_told = models.BooleanField("the team is the one I was told", null=True, blank=True)
    manager_as_expected = models.BooleanField(
        "the manager is who and what I expected", null=True, blank=True
    )
    people = models.PositiveSmallIntegerField(
        "the people I work with every day (1-5)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    learning = models.PositiveSmallIntegerField(
        "learning faster than before (1-5)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    same_again = models.CharField(
        "would choose the same again", max_length=8, choices=SameAgain.choices, blank=True
    )
    note = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["decision", "months"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "months"], name="one_checkin_per_month")
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="decision_checkin_due_idx")]

    def __str__(self) -> str:
        return f"{self.months}-month check-in of decision {self.decision_id} ({self.status})"


def new_rater_token() -> str:
    return secrets.token_urlsafe(32)


class Rater(models.Model):
    """Someone the owner invited, by a secret link, to rate the options on the people
    criteria. They need no account and never see the owner's answers, notes or weights; the
    owner decides whether their ratings count in the score."""

    comparison = models.ForeignKey(
        "comparisons.Comparison", on_delete=models.CASCADE, related_name="raters"
    )
    name = models.CharField(
        max_length=RATER_NAME_MAX_LENGTH, help_text="Who they are to you, e.g. 'Sam, my mentor'."
    )
    token = models.CharField(max_length=64, unique=True, default=new_rater_token)
    counts_in_score = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class RaterAnswer(models.Model):
    """A rater's answer to one people criterion for one option: a value the criterion's
    answer type allows, as ``Answer.value`` holds it."""

    rater = models.ForeignKey(Rater, on_delete=models.CASCADE, related_name="answers")
    option = models.ForeignKey(
        "comparisons.Option", on_delete=models.CASCADE, related_name="rater_answers"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(max_length=16)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["rater", "option", "criterion"], name="one_rater_answer_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rater_id}: {self.criterion_id}={self.value}"


class UserCheckinSettings(models.Model):
    """Whether a user wants check-in emails at all: the per-user switch the unsubscribe
    link of every check-in email turns off."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkin_settings"
    )
    emails_enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Check-in emails for {self.user_id}: {self.emails_enabled}"
