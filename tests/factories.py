"""Factories for every model tests build. Content factories make published items; a factory
that names a seeded item by its key (``path_slug="phd"``) takes the seeded one when the test
loaded the seeds, and builds its own otherwise, so a test needs the seeds only when it says so.
"""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from careers.accounts.models import Profile
from careers.comparisons.models import Answer, Comparison, Option
from careers.content.models import (
    AdviceItem,
    CareerPath,
    Criterion,
    LearningTrack,
    RedFlagRule,
    Status,
    Tag,
    Tip,
    TrackCourse,
    TrackPrerequisite,
    TrackProjectStep,
)
from careers.plans.models import LearningPlan, PaperNote, WeeklyCheckin
from careers.plans.schedule import week_start
from careers.plans.services import plan_create

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password(PASSWORD)
    profile = factory.RelatedFactory("tests.factories.ProfileFactory", factory_related_name="user")

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        """The address as verified, as every account's is once its owner opened the link
        (``verified_email=False``: a new account that has not yet)."""
        if create and self.email and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=self, email=self.email.lower(), defaults={"verified": True, "primary": True}
            )

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """``roles=["Editor"]``: the groups (created by migrate) the user belongs to."""
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory, profile=None)
    timezone = "Europe/London"


class CareerPathFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareerPath
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"path-{n}")
    name = factory.LazyAttribute(lambda path: path.slug.replace("-", " ").title())
    summary = "A place to work."
    what_to_look_for = "- The people"
    typical_questions = "Who would my manager be?"
    citation_span = "22:45-23:30"
    status = Status.PUBLISHED
    version = 1


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion
        django_get_or_create = ("key",)
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"criterion_{n}")
    question = "Did the people feel right?"
    category = Criterion.Category.PEOPLE
    answer_type = Criterion.AnswerType.YES_NO
    default_weight = 10
    question_to_ask = "Can I meet the team?"
    citation_span = "25:31-26:02"
    status = Status.PUBLISHED
    version = 1

    @factory.post_generation
    def paths(self, create, extracted, **kwargs):
        if create and extracted:
            self.paths.set(extracted)


class RedFlagRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RedFlagRule

    key = factory.Sequence(lambda n: f"flag_{n}")
    title = "Something felt off"
    criterion = factory.SubFactory(CriterionFactory)
    operator = RedFlagRule.Operator.EQUALS
    value = "no"
    explanation = "Treat it as a signal."
    citation_span = "25:31-26:02"
    status = Status.PUBLISHED
    version = 1


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"tag-{n}")
    name = factory.LazyAttribute(lambda tag: tag.slug.title())


class AdviceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdviceItem
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"advice-{n}")
    title = factory.Sequence(lambda n: f"Advice {n}")
    body = "Ask who your **manager** would be."
    citation_span = "24:00-24:17"
    status = Status.PUBLISHED
    version = 1

    @factory.post_generation
    def paths(self, create, extracted, **kwargs):
        if create and extracted:
            self.paths.set(extracted)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class ComparisonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comparison

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Offers {n}")


class OptionFactory(factory.django.DjangoModelFactory):
    """An option on a path named by slug (``path_slug="phd"``): the seeded path when the
    seeds are loaded, else one of its own."""

    class Meta:
        model = Option
        exclude = ["path_slug"]

    comparison = factory.SubFactory(ComparisonFactory)
    path_slug = "industry-team"
    path = factory.LazyAttribute(lambda option: CareerPathFactory(slug=option.path_slug))
    organisation = factory.Sequence(lambda n: f"Organisation {n}")
    base_salary = 150_000
    currency = "USD"


def _criterion_for(answer) -> Criterion:
    """The criterion named by key: the seeded one, or a new one asked on the option's path."""
    existing = Criterion.objects.filter(key=answer.criterion_key).first()
    return existing or CriterionFactory(key=answer.criterion_key, paths=[answer.option.path])


class AnswerFactory(factory.django.DjangoModelFactory):
    """An answer to a criterion named by key (``criterion_key="manager_met"``)."""

    class Meta:
        model = Answer
        exclude = ["criterion_key"]

    option = factory.SubFactory(OptionFactory)
    criterion_key = "manager_known"
    criterion = factory.LazyAttribute(_criterion_for)
    value = "yes"


class LearningTrackFactory(factory.django.DjangoModelFactory):
    """A published track with the two core prerequisites, three courses and three project
    steps (the seeded track has more of each)."""

    class Meta:
        model = LearningTrack
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"track-{n}")
    name = factory.Sequence(lambda n: f"Track {n}")
    summary = "A steady route into deep learning."
    ml_course_title = "Machine Learning"
    ml_course_weeks = 11
    specialization_title = "Deep Learning Specialization"
    default_weeks = 16
    papers_per_week = 2
    study_days = factory.LazyFunction(lambda: [5, 6])
    citation_span = "12:46-13:16"
    status = Status.PUBLISHED
    version = 1

    @factory.post_generation
    def prerequisites(self, create, extracted, **kwargs):
        if create and not self.prerequisites.exists():
            for position, (key, question) in enumerate(
                extracted
                or [
                    ("python", "Can you write basic programs in Python?"),
                    ("matrix_multiplication", "Can you multiply two matrices?"),
                ],
                start=1,
            ):
                TrackPrerequisite.objects.create(
                    track=self, position=position, key=key, question=question
                )

    @factory.post_generation
    def courses(self, create, extracted, **kwargs):
        if create and not self.courses.exists():
            for position, (title, share) in enumerate(
                extracted or [("Neural networks", 2), ("Tuning", 1), ("Sequences", 1)], start=1
            ):
                TrackCourse.objects.create(
                    track=self, position=position, title=title, weeks_share=share
                )

    @factory.post_generation
    def project_steps(self, create, extracted, **kwargs):
        if create and not self.project_steps.exists():
            for position, title in enumerate(
                extracted or ["MNIST", "Fashion-MNIST", "Your own project"], start=1
            ):
                TrackProjectStep.objects.create(track=self, position=position, title=title)


class TipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tip

    key = factory.Sequence(lambda n: f"tip_{n}")
    text = factory.Sequence(lambda n: f"Tip number {n}: study on fixed days.")
    citation_span = "14:15-15:03"
    status = Status.PUBLISHED
    version = 1


class LearningPlanFactory(factory.django.DjangoModelFactory):
    """A plan made as the plan page makes it (``plan_create``): the track's pace and study
    days and the owner's time zone unless given; ``now=`` sets when it was made, which
    decides its first send time."""

    class Meta:
        model = LearningPlan

    owner = factory.SubFactory(UserFactory)
    track = factory.SubFactory(LearningTrackFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return plan_create(**kwargs)


class WeeklyCheckinFactory(factory.django.DjangoModelFactory):
    """One week's check-in, the plan's first week unless given; ``papers=[{"title": ...}]``
    adds paper notes."""

    class Meta:
        model = WeeklyCheckin
        skip_postgeneration_save = True

    plan = factory.SubFactory(LearningPlanFactory)
    week_start = factory.LazyAttribute(lambda checkin: week_start(checkin.plan.start_date))
    study_days_done = 1

    @factory.post_generation
    def papers(self, create, extracted, **kwargs):
        if create and extracted:
            PaperNote.objects.bulk_create(
                PaperNote(
                    checkin=self,
                    title=paper.get("title", ""),
                    takeaway=paper.get("takeaway", ""),
                )
                for paper in extracted
            )
            if self.papers_read < len(extracted):
                self.papers_read = len(extracted)
                self.save(update_fields=["papers_read"])
