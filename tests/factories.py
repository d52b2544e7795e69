import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from careers.accounts.models import Profile
from careers.comparisons.models import Answer, Comparison, Option
from careers.content.models import AdviceItem, CareerPath, Criterion, RedFlagRule, Status, Tag

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
    """An option on a seeded path, named by slug (``path_slug="phd"``)."""

    class Meta:
        model = Option
        exclude = ["path_slug"]

    comparison = factory.SubFactory(ComparisonFactory)
    path_slug = "industry-team"
    path = factory.LazyAttribute(lambda option: CareerPath.objects.get(slug=option.path_slug))
    organisation = factory.Sequence(lambda n: f"Organisation {n}")
    base_salary = 150_000
    currency = "USD"


class AnswerFactory(factory.django.DjangoModelFactory):
    """An answer to a seeded criterion, named by key (``criterion_key="manager_met"``)."""

    class Meta:
        model = Answer
        exclude = ["criterion_key"]

    option = factory.SubFactory(OptionFactory)
    criterion_key = "manager_known"
    criterion = factory.LazyAttribute(
        lambda answer: Criterion.objects.get(key=answer.criterion_key)
    )
    value = "yes"
