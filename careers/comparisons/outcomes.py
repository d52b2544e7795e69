"""What editors learn from recorded decisions: for every red-flag rule and every people
criterion, how the people whose chosen option had it raised (or answered unfavourably)
answered their 3- and 12-month check-ins, against the people whose chosen option did not.

Only aggregates leave this module, and only for groups of at least ``OUTCOME_MIN_GROUP``
people: below that, a group's figures could describe one person an editor might know, so
the page says how few there are instead. It reads what each decision froze when it was
recorded (``Decision.basis["chosen"]``: the red flags raised on the chosen option, the
criteria answered unfavourably), never the comparison as it is now.

Everything is counted in the database in a fixed number of queries however many decisions
there are: one per kind of content, then one for the decisions and one for the check-ins,
each a union of one grouped count per rule or criterion.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.lookups import Contains

from careers.comparisons.decision_models import Decision, DecisionCheckin, SameAgain
from careers.content.models import Criterion, RedFlagRule
from careers.content.roles import EDITOR, REVIEWER

# The check-ins editors compare: early (the first impressions have settled) and a year on.
OUTCOME_MONTHS = (3, 12)
RED_FLAG = "red_flag"
CRITERION = "criterion"
# Where the frozen choice lists each kind: the red flags raised on the chosen option, and
# the criteria its answers were unfavourable on.
BASIS_LISTS = {RED_FLAG: "red_flags", CRITERION: "unfavourable"}


@dataclass(frozen=True)
class Item:
    kind: str
    key: str
    label: str
    pk: int

    @property
    def anchor(self) -> str:
        return f"{self.kind}-{self.key}"


@dataclass(frozen=True)
class GroupFigures:
    """How one group answered one check-in. Shares are of those who answered the question;
    ``people`` is who answered the check-in at all."""

    people: int
    same_again_answers: int
    same_again: dict[str, float | None]
    people_rating_answers: int
    people_rating: float | None


@dataclass(frozen=True)
class Paired:
    """A figure for the group with the item beside the same figure for the group without
    it; neither while either group holds fewer people than the threshold (the page then
    says only that there are too few)."""

    shown: bool
    with_item: Any = None
    without_item: Any = None


@dataclass(frozen=True)
class ItemOutcomes:
    item: Item
    decisions: Paired
    months: dict[int, Paired]


@dataclass(frozen=True)
class DecisionOutcomes:
    min_group: int
    red_flags: list[ItemOutcomes]
    criteria: list[ItemOutcomes]


def outcome_min_group() -> int:
    return settings.OUTCOME_MIN_GROUP


def outcomes_visible_to(*, user: AbstractBaseUser) -> bool:
    """Who may read the outcomes: the editors and reviewers who write and check the advice
    they are evidence about, and superusers. Other staff (support) have no need of them."""
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or user.groups.filter(name__in=(EDITOR, REVIEWER)).exists()


def _items() -> list[Item]:
    # Every rule and criterion that was ever published (a version above 0): a draft never
    # reached a comparison, and an archived one still has the decisions made under it.
    rules = (
        RedFlagRule.objects.filter(version__gt=0).order_by("key").values_list("pk", "key", "title")
    )
    criteria = (
        Criterion.objects.filter(version__gt=0, category=Criterion.Category.PEOPLE)
        .exclude(answer_type=Criterion.AnswerType.COMPUTED)
        .order_by("position", "key")
        .values_list("pk", "key", "question")
    )
    return [Item(RED_FLAG, key, title, pk) for pk, key, title in rules] + [
        Item(CRITERION, key, question, pk) for pk, key, question in criteria
    ]


def _listed(basis: str, item: Item) -> Q | Contains:
    """Whether the decision's frozen choice lists the item (``basis`` is the lookup of the
    decision's basis from the rows queried)."""
    path = f"{basis}__chosen__{BASIS_LISTS[item.kind]}"
    if connection.features.supports_json_field_contains:
        return Q(**{f"{path}__contains": [item.key]})
    # SQLite has no JSON containment: look for the key with its quotes in the list's JSON
    # text. Keys are slugs, which JSON writes without escapes, and a slug cannot hold the
    # quote or comma that separate two items, so "key" matches one whole item, no other.
    listed = KeyTextTransform(BASIS_LISTS[item.kind], KeyTransform("chosen", basis))
    return Contains(listed, f'"{item.key}"')


def _grouped(rows: QuerySet, basis: str, item_index: int, item: Item) -> QuerySet:
    has_item = Case(
        When(_listed(basis, item), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    return rows.annotate(item=Value(item_index), has_item=has_item)


def _union(querysets: list[QuerySet]) -> list[dict[str, Any]]:
    # One statement for every rule and criterion (a few dozen; SQLite takes up to 500).
    if not querysets:
        return []
    first, *rest = querysets
    # Unordered: a union is ordered by its result's columns only, never the model's Meta.
    return list(first.union(*rest, all=True).order_by())


def _decision_counts(items: list[Item]) -> list[dict[str, Any]]:
    # A decision with a chosen option: "none of them" has no flags to compare.
    chosen = Decision.objects.filter(basis__chosen__id__isnull=False).order_by()
    return _union(
        [
            _grouped(chosen, "basis", index, item)
            .values("item", "has_item")
            .annotate(decisions=Count("pk"), people=Count("comparison__owner", distinct=True))
            for index, item in enumerate(items)
        ]
    )


def _checkin_counts(items: list[Item]) -> list[dict[str, Any]]:
    answered = DecisionCheckin.objects.filter(
        months__in=OUTCOME_MONTHS,
        answered_at__isnull=False,
        decision__basis__chosen__id__isnull=False,
    ).order_by()
    same_again = {
        f"same_again_{choice.value}": Count("pk", filter=Q(same_again=choice.value))
        for choice in SameAgain
    }
    return _union(
        [
            _grouped(answered, "decision__basis", index, item)
            .values("item", "has_item", "months")
            .annotate(
                # Not "people": the check-in's own rating field has that name.
                persons=Count("decision__comparison__owner", distinct=True),
                **same_again,
                people_rating_answers=Count("people"),
                people_rating=Avg("people"),
            )
            for index, item in enumerate(items)
        ]
    )


def _figures(row: dict[str, Any] | None) -> GroupFigures:
    if row is None:
        return GroupFigures(0, 0, dict.fromkeys(SameAgain.values), 0, None)
    counts = {choice: row[f"same_again_{choice}"] for choice in SameAgain.values}
    answers = sum(counts.values())
    return GroupFigures(
        people=row["persons"],
        same_again_answers=answers,
        same_again={
            choice: (count / answers if answers else None) for choice, count in counts.items()
        },
        people_rating_answers=row["people_rating_answers"],
        people_rating=float(row["people_rating"]) if row["people_rating"] is not None else None,
    )


def _paired(with_item: Any, without_item: Any, *, people: tuple[int, int], least: int) -> Paired:
    if min(people) < least:
        return Paired(shown=False)
    return Paired(shown=True, with_item=with_item, without_item=without_item)


def decision_outcomes() -> DecisionOutcomes:
    """Per red-flag rule and per people criterion: how many recorded decisions had it on the
    chosen option and how many did not, and how each group answered "would you choose the
    same again" and "how are the people" at 3 and 12 months. A comparison is shown only
    when both of its groups hold at least ``OUTCOME_MIN_GROUP`` different people; nothing
    about any one person, decision or comparison is ever part of the result."""
    least = outcome_min_group()
    items = _items()
    decisions = {(row["item"], row["has_item"]): row for row in _decision_counts(items)}
    checkins = {
        (row["item"], row["has_item"], row["months"]): row for row in _checkin_counts(items)
    }
    outcomes: dict[str, list[ItemOutcomes]] = {RED_FLAG: [], CRITERION: []}
    for index, item in enumerate(items):
        with_row, without_row = decisions.get((index, True)), decisions.get((index, False))
        decided = _paired(
            with_row["decisions"] if with_row else 0,
            without_row["decisions"] if without_row else 0,
            people=(
                with_row["people"] if with_row else 0,
                without_row["people"] if without_row else 0,
            ),
            least=least,
        )
        months = {}
        for month in OUTCOME_MONTHS:
            with_figures = _figures(checkins.get((index, True, month)))
            without_figures = _figures(checkins.get((index, False, month)))
            months[month] = _paired(
                with_figures,
                without_figures,
                people=(with_figures.people, without_figures.people),
                least=least,
            )
        outcomes[item.kind].append(ItemOutcomes(item, decided, months))
    return DecisionOutcomes(least, outcomes[RED_FLAG], outcomes[CRITERION])
