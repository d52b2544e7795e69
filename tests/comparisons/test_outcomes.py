"""What editors learn from recorded decisions: per red-flag rule and people criterion, how the
people whose chosen option had it answered their 3- and 12-month check-ins against those
whose chosen option did not, in aggregates only, shown once each group holds enough people,
in a fixed number of queries, to editors, reviewers and superusers alone."""

from datetime import date

import factory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careers.comparisons.decision_models import Decision, DecisionCheckin
from careers.comparisons.outcomes import decision_outcomes
from tests.factories import ComparisonFactory, CriterionFactory, RedFlagRuleFactory, UserFactory

OUTCOMES = "/admin/comparisons/comparison/outcomes/"
NOTE = "ZEBRA-NOTE-7731"
TITLE = "QUOKKA-TITLE-4410"


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    comparison = factory.SubFactory(ComparisonFactory, title=TITLE)
    decided_on = date(2026, 3, 2)
    start_date = date(2026, 4, 1)
    confidence = 70
    premortem = "PREMORTEM-TEXT-9921"


def decide(
    *,
    red_flags: list[str] = (),
    unfavourable: list[str] = (),
    answers: dict[int, tuple[str, int | None]] | None = None,
    owner=None,
    chosen: bool = True,
) -> Decision:
    """One person's decision (a new person unless ``owner``), its chosen option frozen with
    the flags and unfavourable criteria given, and its check-ins answered as ``answers``
    says: ``{3: ("yes", 4)}`` is a 3-month check-in answered "yes", people 4."""
    owner = owner or UserFactory()
    basis = {
        "frozen_at": "2026-03-02T10:00:00+00:00",
        "result": {},
        "options": [],
        "chosen": {
            "id": 1,
            "label": "Org",
            "red_flags": list(red_flags),
            "unfavourable": list(unfavourable),
            "unknowns": [],
        }
        if chosen
        else None,
    }
    decision = DecisionFactory(comparison__owner=owner, basis=basis)
    for months, (same_again, people) in (answers or {}).items():
        DecisionCheckin.objects.create(
            decision=decision,
            months=months,
            due_at=timezone.now(),
            status="sent",
            same_again=same_again,
            people=people,
            note=NOTE,
            answered_at=timezone.now(),
        )
    return decision


@pytest.fixture
def content(db):
    criterion = CriterionFactory(key="manager_known", question="Have you met your manager?")
    rule = RedFlagRuleFactory(
        key="manager_hidden", title="The manager is not named", criterion=criterion
    )
    return rule, criterion


def flagged(outcomes, key):
    return next(o for o in outcomes.red_flags + outcomes.criteria if o.item.key == key)


def test_it_shows_nothing_while_a_group_has_nine_people(content):
    for _ in range(9):
        decide(red_flags=["manager_hidden"], answers={3: ("yes", 4), 12: ("no", 2)})
    for _ in range(10):
        decide(answers={3: ("no", 1), 12: ("no", 1)})

    outcome = flagged(decision_outcomes(), "manager_hidden")

    assert not outcome.decisions.shown
    assert outcome.decisions.with_item is None
    assert not outcome.months[3].shown
    assert not outcome.months[12].shown
    assert outcome.months[3].with_item is None


def test_it_counts_a_person_with_many_decisions_once(content):
    one = UserFactory()
    for _ in range(10):
        decide(red_flags=["manager_hidden"], answers={3: ("yes", 4)}, owner=one)
    for _ in range(10):
        decide(answers={3: ("yes", 4)})

    outcome = flagged(decision_outcomes(), "manager_hidden")

    assert not outcome.decisions.shown
    assert not outcome.months[3].shown


def make_twenty(criterion_key: str = "manager_known") -> None:
    """Ten people whose chosen option had the flag raised and the criterion unfavourable,
    ten whose option had neither, and decisions that belong to neither group."""
    with_answers = [("yes", 2)] * 6 + [("not_sure", 3)] * 3 + [("no", 3)]
    for index, answer in enumerate(with_answers):
        # All ten answer at 3 months, only nine at 12: too few to compare then.
        answers = {3: answer, 12: ("yes", 5)} if index < 9 else {3: answer}
        decide(red_flags=["manager_hidden"], unfavourable=[criterion_key], answers=answers)
    for index in range(10):
        decide(
            red_flags=["other_flag"],
            answers={3: ("no" if index == 0 else "yes", 4), 12: ("yes", 4)},
        )
    # "None of them" belongs to neither group; a check-in not answered counts for nobody.
    decide(chosen=False, answers={3: ("no", 1)})
    unanswered = decide(red_flags=["manager_hidden"])
    DecisionCheckin.objects.create(decision=unanswered, months=3, due_at=timezone.now())


def test_it_shows_the_figures_once_each_group_has_ten_people(content):
    make_twenty()

    outcomes = decision_outcomes()
    rule = flagged(outcomes, "manager_hidden")

    assert outcomes.min_group == 10
    assert rule.decisions.shown
    assert (rule.decisions.with_item, rule.decisions.without_item) == (11, 10)
    three = rule.months[3]
    assert three.shown
    # With the flag: 6 yes, 3 not sure, 1 no; people 2 (six times) and 3 (four): 24 / 10.
    assert three.with_item.people == 10
    assert three.with_item.same_again == pytest.approx({"yes": 0.6, "not_sure": 0.3, "no": 0.1})
    assert three.with_item.people_rating == pytest.approx(2.4)
    assert three.with_item.people_rating_answers == 10
    # Without it: 9 yes, 1 no; people 4 from everyone.
    assert three.without_item.people == 10
    assert three.without_item.same_again == pytest.approx({"yes": 0.9, "not_sure": 0.0, "no": 0.1})
    assert three.without_item.people_rating == pytest.approx(4.0)
    assert not rule.months[12].shown  # nine with the flag answered at 12 months

    criterion = flagged(outcomes, "manager_known")
    assert criterion.months[3].with_item.same_again == three.with_item.same_again
    assert criterion.months[3].without_item.people_rating == pytest.approx(4.0)


def test_it_shows_the_figures_on_the_admin_page_to_an_editor(client, content, editor):
    make_twenty()
    client.force_login(editor)

    response = client.get(OUTCOMES)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="red_flag-manager_hidden"' in html
    assert 'id="criterion-manager_known"' in html
    assert "The manager is not named" in html
    assert "60 % / 30 % / 10 %" in html
    assert "90 % / 0 % / 10 %" in html
    assert "2.4" in html
    assert "Fewer than 10 people so far" in html  # the 12-month row
    assert reverse("admin:comparisons_outcomes") == OUTCOMES


def test_it_never_shows_anyone_to_editors(client, content, editor):
    make_twenty()
    client.force_login(editor)

    html = client.get(OUTCOMES).content.decode()

    assert NOTE not in html
    assert TITLE not in html
    assert "PREMORTEM-TEXT-9921" not in html
    for decision in Decision.objects.select_related("comparison__owner"):
        assert f">{decision.comparison.owner.username}<" not in html
        assert decision.comparison.owner.email not in html
        assert f"/comparison/{decision.comparison_id}/" not in html


def test_it_says_how_few_people_there_are_below_the_threshold(client, content, editor, settings):
    settings.OUTCOME_MIN_GROUP = 25
    make_twenty()
    client.force_login(editor)

    html = client.get(OUTCOMES).content.decode()

    assert "Fewer than 25 people so far" in html
    assert "60 %" not in html


def test_it_reads_the_page_in_the_same_number_of_queries_for_12_and_60_decisions(
    client, content, editor
):
    client.force_login(editor)

    def queries_for(count: int) -> int:
        while Decision.objects.count() < count:
            n = Decision.objects.count()
            decide(
                red_flags=["manager_hidden"] if n % 2 else [],
                unfavourable=["manager_known"] if n % 3 else [],
                answers={3: ("yes", 4), 12: ("not_sure", 3)},
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(OUTCOMES).status_code == 200
        return len(queries)

    twelve = queries_for(12)
    sixty = queries_for(60)

    assert sixty == twelve
    # The session and its user, the editor's groups, the rules, the criteria, then one
    # union for the decisions and one for the check-ins.
    assert twelve <= 8


def test_it_refuses_anonymous_users_and_staff_without_a_role(client, content, staff_without_role):
    anonymous = client.get(OUTCOMES)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/admin/login/")

    client.force_login(staff_without_role)
    assert client.get(OUTCOMES).status_code == 403


def test_it_lets_reviewers_and_superusers_in(client, content, reviewer, admin_user):
    for user in (reviewer, admin_user):
        client.force_login(user)
        assert client.get(OUTCOMES).status_code == 200


def test_it_links_the_page_from_the_admin_index_for_those_who_may_read_it(
    client, content, editor, staff_without_role
):
    client.force_login(editor)
    assert f'href="{OUTCOMES}"' in client.get("/admin/").content.decode()

    client.force_login(staff_without_role)
    assert OUTCOMES not in client.get("/admin/").content.decode()
