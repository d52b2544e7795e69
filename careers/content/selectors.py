"""Reads of the knowledge base for pages and the API: published content only."""

from django.db.models import Prefetch, QuerySet

from careers.content.models import AdviceItem, CareerPath, Criterion, Goal, RedFlagRule, Status, Tag


def path_list() -> QuerySet[CareerPath]:
    return CareerPath.objects.published()


def path_detail(*, slug: str) -> CareerPath | None:
    published_goals = Goal.objects.published().select_related("requires_path")
    return (
        CareerPath.objects.published()
        .prefetch_related(Prefetch("goals", queryset=published_goals))
        .filter(slug=slug)
        .first()
    )


def criterion_list(*, path: CareerPath | None = None) -> QuerySet[Criterion]:
    criteria = Criterion.objects.published().prefetch_related(
        Prefetch("paths", queryset=CareerPath.objects.published())
    )
    if path is not None:
        criteria = criteria.filter(paths=path)
    return criteria


def red_flag_list(*, path: CareerPath | None = None) -> QuerySet[RedFlagRule]:
    rules = RedFlagRule.objects.published().filter(criterion__status=Status.PUBLISHED)
    if path is not None:
        rules = rules.filter(criterion__paths=path).distinct()
    return rules.select_related("criterion")


def advice_list(*, path_slug: str = "", tag_slug: str = "") -> QuerySet[AdviceItem]:
    items = AdviceItem.objects.published().prefetch_related(
        Prefetch("paths", queryset=CareerPath.objects.published()), "tags"
    )
    if path_slug:
        items = items.filter(paths__slug=path_slug, paths__status=Status.PUBLISHED)
    if tag_slug:
        items = items.filter(tags__slug=tag_slug)
    return items.distinct()


def tag_list() -> QuerySet[Tag]:
    """Tags that label at least one published advice item."""
    return Tag.objects.filter(advice_items__status=Status.PUBLISHED).distinct()


def criteria_by_category(*, criteria: list[Criterion]) -> list[tuple[str, str, list[Criterion]]]:
    """Criteria grouped by category in the order categories are declared, people first:
    (category, label, criteria), leaving out categories with none."""
    return [
        (category, label, [c for c in criteria if c.category == category])
        for category, label in Criterion.Category.choices
        if any(c.category == category for c in criteria)
    ]
