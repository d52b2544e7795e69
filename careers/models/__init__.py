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
    Tag,
    Tip,
    TrackCourse,
    TrackPrerequisite,
    TrackProjectStep,
)
from careers.models.plans import LearningPlan, NudgeDelivery, PaperNote, WeeklyCheckin

__all__ = [
    "AdviceItem",
    "Answer",
    "CareerPath",
    "Comparison",
    "ComparisonResult",
    "Criterion",
    "Goal",
    "LearningPlan",
    "LearningTrack",
    "NudgeDelivery",
    "Option",
    "PaperNote",
    "Profile",
    "RedFlagRule",
    "Tag",
    "Tip",
    "TrackCourse",
    "TrackPrerequisite",
    "TrackProjectStep",
    "WeeklyCheckin",
    "WeightOverride",
]
