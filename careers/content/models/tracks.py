"""Learning tracks (the templates learning plans start from, with their prerequisites,
courses and project steps) and the curated tips sent with them."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from careers.content.models.base import WEEKDAYS, Content


def validate_study_days(value: object) -> None:
    if (
        not isinstance(value, list)
        or not value
        or any(not isinstance(day, int) or isinstance(day, bool) for day in value)
        or any(not 0 <= day <= 6 for day in value)
        or len(set(value)) != len(value)
    ):
        raise ValidationError(
            "Study days are a list of distinct weekday numbers, 0 (Monday) to 6 (Sunday)."
        )


def default_study_days() -> list[int]:
    return [5, 6]


class LearningTrack(Content):
    """A template for learning plans: prerequisites, courses, papers, projects, study days."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    summary = models.TextField()
    ml_course_title = models.CharField(
        max_length=160, blank=True, help_text="The optional first course."
    )
    ml_course_weeks = models.PositiveSmallIntegerField(default=0)
    ml_course_first_when = models.TextField(
        blank=True, help_text="When the prerequisites check suggests taking it first."
    )
    specialization_title = models.CharField(max_length=160)
    default_weeks = models.PositiveSmallIntegerField(
        default=16, validators=[MinValueValidator(4), MaxValueValidator(104)]
    )
    papers_per_week = models.PositiveSmallIntegerField(
        default=2, validators=[MaxValueValidator(20)]
    )
    study_days = models.JSONField(default=default_study_days, validators=[validate_study_days])

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def study_day_names(self) -> list[str]:
        names = dict(WEEKDAYS)
        return [names[day] for day in sorted(self.study_days)]


class TrackPrerequisite(models.Model):
    track = models.ForeignKey(LearningTrack, on_delete=models.CASCADE, related_name="prerequisites")
    position = models.PositiveSmallIntegerField(default=0)
    key = models.SlugField(max_length=60)
    question = models.CharField(max_length=240)
    help_text = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["track", "key"], name="unique_prerequisite_per_track")
        ]

    def __str__(self) -> str:
        return self.question


class TrackCourse(models.Model):
    """One course of the specialization; ``weeks_share`` spreads the plan's weeks over them."""

    track = models.ForeignKey(LearningTrack, on_delete=models.CASCADE, related_name="courses")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=160)
    summary = models.TextField(blank=True)
    weeks_share = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.title


class TrackProjectStep(models.Model):
    track = models.ForeignKey(LearningTrack, on_delete=models.CASCADE, related_name="project_steps")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=160)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.title


class Tip(Content):
    """One curated tip, sent in nudges and shown with a track."""

    key = models.SlugField(max_length=60, unique=True)
    text = models.TextField()
    track = models.ForeignKey(
        LearningTrack, on_delete=models.CASCADE, related_name="tips", null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "key"]

    def __str__(self) -> str:
        return self.key
