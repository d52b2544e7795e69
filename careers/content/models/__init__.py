"""The knowledge base's models: content in the workflow (``base``), the knowledge itself
(``knowledge``), tracks and tips (``tracks``), pending changes (``editorial``) and what
users say about advice (``feedback``)."""

from careers.content.models.base import WEEKDAYS, Content, PublishedQuerySet, Status
from careers.content.models.editorial import ContentRevision
from careers.content.models.feedback import AdviceFeedback, AdviceStats
from careers.content.models.knowledge import (
    AdviceItem,
    CareerPath,
    Criterion,
    Goal,
    RedFlagRule,
    Tag,
)
from careers.content.models.tracks import (
    LearningTrack,
    Tip,
    TrackCourse,
    TrackPrerequisite,
    TrackProjectStep,
    default_study_days,
    validate_study_days,
)

__all__ = [
    "WEEKDAYS",
    "AdviceFeedback",
    "AdviceItem",
    "AdviceStats",
    "CareerPath",
    "Content",
    "ContentRevision",
    "Criterion",
    "Goal",
    "LearningTrack",
    "PublishedQuerySet",
    "RedFlagRule",
    "Status",
    "Tag",
    "Tip",
    "TrackCourse",
    "TrackPrerequisite",
    "TrackProjectStep",
    "default_study_days",
    "validate_study_days",
]
