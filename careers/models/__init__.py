from careers.models.accounts import Profile
from careers.models.comparisons import (
    Answer,
    Comparison,
    ComparisonResult,
    Option,
    WeightOverride,
)
from careers.models.content import (
    AdviceItem,
    CareerPath,
    Criterion,
    Goal,
    LearningTrack,
    RedFlagRule,
    Status,
    Tag,
    Tip,
    TrackCourse,
    TrackPrerequisite,
    TrackProjectStep,
)
from careers.models.plans import LearningPlan, NudgeDelivery, PaperNote, WeeklyCheckin
from careers.models.workflow import AdviceFeedback, AdviceStats, ContentRevision

__all__ = [
    "AdviceFeedback",
    "AdviceItem",
    "AdviceStats",
    "Answer",
    "CareerPath",
    "Comparison",
    "ComparisonResult",
    "ContentRevision",
    "Criterion",
    "Goal",
    "LearningPlan",
    "LearningTrack",
    "NudgeDelivery",
    "Option",
    "PaperNote",
    "Profile",
    "RedFlagRule",
    "Status",
    "Tag",
    "Tip",
    "TrackCourse",
    "TrackPrerequisite",
    "TrackProjectStep",
    "WeeklyCheckin",
    "WeightOverride",
]
