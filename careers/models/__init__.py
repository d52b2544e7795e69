from careers.models.accounts import Profile
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
    "CareerPath",
    "Criterion",
    "Goal",
    "LearningTrack",
    "Profile",
    "RedFlagRule",
    "Tag",
    "Tip",
    "TrackCourse",
    "TrackPrerequisite",
    "TrackProjectStep",
]
