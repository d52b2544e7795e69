"""What every piece of curated content shares: its place in the editorial workflow, its
citation and the fingerprint the seed loader keeps of it."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models

from careers.content.citations import LICENCES, validate_interview_span

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class Status(models.TextChoices):
    """Where an item is in the editorial workflow. Only ``published`` reaches users."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class PublishedQuerySet(models.QuerySet):
    def published(self) -> "PublishedQuerySet":
        return self.filter(status=Status.PUBLISHED)


class Content(models.Model):
    """Fields every piece of curated content shares: workflow, citation, seed tracking.

    ``status`` and ``version`` change only through ``careers.content.workflow``: editing a
    published item in the admin stores a pending revision and leaves this row, the live
    version, untouched until a reviewer publishes the change.
    """

    status = models.CharField(
        max_length=16,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text="Only published content reaches pages, the API, emails and scoring.",
    )
    version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Counts the published versions; 0 until first published.",
    )
    citation_source = models.CharField(
        "source", max_length=200, default="interview", help_text="Where the advice comes from."
    )
    citation_span = models.CharField(
        "interview span",
        max_length=11,
        blank=True,
        validators=[validate_interview_span],
        help_text="mm:ss-mm:ss inside the interview (00:00-26:32), e.g. 23:30-24:46.",
    )
    citation_url = models.URLField("source URL", blank=True)
    citation_licence = models.CharField(
        "licence", max_length=32, choices=LICENCES, default="own-words"
    )
    last_verified_on = models.DateField(
        "citation last verified",
        null=True,
        blank=True,
        help_text="When someone last checked the advice against its source.",
    )
    seed_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if not self.citation_span and not self.citation_url:
            raise ValidationError(
                {"citation_span": "Cite the interview span or give a source URL."}
            )

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def citation(self) -> dict[str, str]:
        return {
            "source": self.citation_source,
            "span": self.citation_span,
            "url": self.citation_url,
            "licence": self.citation_licence,
        }

    def verification_due(self, *, today: date, period_days: int) -> bool:
        if self.last_verified_on is None:
            return True
        return (today - self.last_verified_on).days >= period_days

    @property
    def citation_label(self) -> str:
        if self.citation_span:
            return f"{self.citation_source} {self.citation_span}"
        return self.citation_source
