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

__all__ = [
    "AdviceItem",
    "Answer",
    "CareerPath",
    "Comparison",
    "ComparisonResult",
    "Criterion",
    "Goal",
    "LearningTrack",
    "Option",
    "Profile",
    "RedFlagRule",
    "Tag",
    "Tip",
    "TrackCourse",
    "TrackPrerequisite",
    "TrackProjectStep",
    "WeightOverride",
]
