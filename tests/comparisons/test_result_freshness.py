"""A comparison's result is scored once per change of what it depends on, and read back
otherwise: its options, answers and weights, the published criteria and red-flag rules, and
the scoring version (``careers.comparisons.freshness``). Each input is changed in turn and
the result served must be the one scored from scratch; with nothing changed, nothing is
scored and the stored result is read in a pinned number of queries.

alice owns the comparison; a reviewer publishes content.
"""

import json
from collections.abc import Callable

import pytest
from django.urls import reverse
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from careers.comparisons import results, scoring, services
from careers.comparisons.models import Comparison, ComparisonResult
from careers.comparisons.serializers import comparison_result_data
from careers.content.models import CareerPath, Criterion, RedFlagRule
from careers.content.snapshots import item_snapshot
from careers.content.workflow import item_archive, item_publish, item_submit, revision_save
from tests.factories import ComparisonFactory, CriterionFactory, RedFlagRuleFactory

# Reading a current result back: the comparison with its stored result, and the content
# stamps. Nothing else: no options, answers, criteria or rules are read to score.
API_QUERIES_READ_BACK = 2


@pytest.fixture
def comparison(seeded, alice) -> Comparison:
    comparison = ComparisonFactory(owner=alice, notes="First notes.")
    industry = services.option_create(
        comparison=comparison,
        path=CareerPath.objects.get(slug="industry-team"),
        organisation="Globex",
    )
    startup = services.option_create(
        comparison=comparison, path=CareerPath.objects.get(slug="startup"), organisation="Tiny"
    )
    services.answers_upsert(
        option=industry,
        answers=[
            {"criterion": "manager_known", "value": "no"},
            {"criterion": "peers_met", "value": "2"},
        ],
    )
    services.answers_upsert(
        option=startup, answers=[{"criterion": "manager_known", "value": "yes"}]
    )
    return comparison


@pytest.fixture
def api(alice) -> APIClient:
    client = APIClient()
    client.force_authenticate(alice)
    return client


@pytest.fixture
def scorings(monkeypatch) -> list[int]:
    """Each call of the scoring function, counted (the real function still scores)."""
    calls: list[int] = []
    real = results.comparison_score

    def counted(options, rules):
        calls.append(len(options))
        return real(options, rules)

    monkeypatch.setattr(results, "comparison_score", counted)
    return calls


def result_url(comparison: Comparison) -> str:
    return f"/api/comparisons/{comparison.pk}/result/"


def scored_from_scratch(comparison: Comparison) -> dict:
    """The result as the API would show it, scored now from the database."""
    view = results.comparison_result(comparison=Comparison.objects.get(pk=comparison.pk))
    return json.loads(JSONRenderer().render(comparison_result_data(view)))


def option(comparison: Comparison, organisation: str):
    return comparison.options.get(organisation=organisation)


def publish_change(item, reviewer, **changes) -> None:
    """A reviewer's new version of a published item, through the editorial workflow."""
    revision_save(item=item, data={**item_snapshot(item), **changes}, user=reviewer)
    item_submit(item=item, user=reviewer)
    item_publish(item=item, user=reviewer)


# Each input of a result, changed the way the product changes it.
CHANGES: dict[str, Callable] = {
    "an option added": lambda c, r: services.option_create(
        comparison=c, path=CareerPath.objects.get(slug="phd"), organisation="Uni"
    ),
    "an option renamed": lambda c, r: services.option_update(
        option=option(c, "Tiny"), organisation="Tiny Robots"
    ),
    "an option deleted": lambda c, r: services.option_delete(option=option(c, "Tiny")),
    "an answer added": lambda c, r: services.answers_upsert(
        option=option(c, "Tiny"), answers=[{"criterion": "peers_met", "value": "5"}]
    ),
    "an answer changed": lambda c, r: services.answers_upsert(
        option=option(c, "Globex"), answers=[{"criterion": "manager_known", "value": "yes"}]
    ),
    "answers dropped by a move to another path": lambda c, r: services.option_update(
        option=option(c, "Globex"), path=CareerPath.objects.get(slug="phd")
    ),
    "a weight set": lambda c, r: services.weights_set(comparison=c, weights={"brand_prestige": 40}),
    "a weight changed": lambda c, r: services.weights_set(
        comparison=c, weights={"manager_quality": 60}
    ),
    "a weight removed": lambda c, r: services.weights_set(
        comparison=c, weights={"manager_quality": None}
    ),
    "the weights reset": lambda c, r: services.weights_reset(comparison=c),
    "a criterion's new version published": lambda c, r: publish_change(
        Criterion.objects.get(key="peers_met"), r, count_target=2
    ),
    "a red-flag rule's new version published": lambda c, r: publish_change(
        RedFlagRule.objects.get(key="manager_unknown"), r, severity="caution"
    ),
    "a red-flag rule archived": lambda c, r: item_archive(
        item=RedFlagRule.objects.get(key="manager_unknown"), user=r
    ),
    "a criterion first published": lambda c, r: CriterionFactory(
        key="visa_sponsored", paths=[CareerPath.objects.get(slug="startup")], default_weight=30
    ),
    "a red-flag rule first published": lambda c, r: RedFlagRuleFactory(
        key="few_peers_met",
        criterion=Criterion.objects.get(key="peers_met"),
        operator=RedFlagRule.Operator.AT_MOST,
        value="2",
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_it_scores_again_when_an_input_changes_and_never_serves_the_old_result(
    comparison, api, reviewer, scorings, change
):
    # A weight of its own, for the changes that alter or remove one.
    services.weights_set(comparison=comparison, weights={"manager_quality": 90})
    before = api.get(result_url(comparison))
    assert before.status_code == 200
    assert len(scorings) == 1

    CHANGES[change](comparison, reviewer)
    scorings.clear()
    after = api.get(result_url(comparison))

    assert after.status_code == 200
    assert after.json() == scored_from_scratch(comparison)
    assert after.json() != before.json()
    assert len(scorings) == 2  # the view, and scored_from_scratch's own
    assert after["ETag"] != before["ETag"]
    # Once scored, the new result is read back.
    scorings.clear()
    assert api.get(result_url(comparison)).json() == after.json()
    assert scorings == []


def test_it_scores_again_when_the_scoring_version_changes(comparison, api, scorings, monkeypatch):
    current = scoring.SCORING_VERSION
    before = api.get(result_url(comparison))
    monkeypatch.setattr(scoring, "SCORING_VERSION", "99")

    after = api.get(result_url(comparison))

    assert before.json()["scoring_version"] == current
    assert after.json()["scoring_version"] == "99"
    assert ComparisonResult.objects.get(comparison=comparison).scoring_version == "99"
    assert len(scorings) == 2
    assert after["ETag"] != before["ETag"]


def test_it_scores_nothing_while_nothing_changes(
    comparison, api, alice, client, scorings, django_assert_num_queries
):
    first = api.get(result_url(comparison)).json()
    assert len(scorings) == 1
    stored = ComparisonResult.objects.get(comparison=comparison)

    for _ in range(3):
        with django_assert_num_queries(API_QUERIES_READ_BACK):
            assert api.get(result_url(comparison)).json() == first
    client.force_login(alice)
    for _ in range(3):
        url = reverse("comparisons:comparison_results", args=[comparison.pk])
        assert client.get(url).status_code == 200
    assert client.get(f"/comparisons/{comparison.pk}/export.csv").status_code == 200
    assert client.get(f"/comparisons/{comparison.pk}/export.json").status_code == 200

    assert len(scorings) == 1
    assert ComparisonResult.objects.get(comparison=comparison).computed_at == stored.computed_at
    assert first == scored_from_scratch(comparison)


def test_it_rescores_nothing_for_a_form_sent_back_unchanged(comparison, api, scorings):
    api.get(result_url(comparison))
    detail = api.get(f"/api/comparisons/{comparison.pk}/").json()

    sent = api.put(
        f"/api/comparisons/{comparison.pk}/",
        {key: detail[key] for key in ("title", "notes", "decision_deadline", "weights")},
        format="json",
    )
    assert sent.status_code == 200
    api.get(result_url(comparison))

    assert len(scorings) == 1


def test_it_shows_the_changed_notes_and_title_on_the_results_page(comparison, alice, client):
    client.force_login(alice)
    url = reverse("comparisons:comparison_results", args=[comparison.pk])
    assert "First notes." in client.get(url).content.decode()

    services.comparison_update(comparison=comparison, title="Which offer?", notes="New notes.")
    html = client.get(url).content.decode()

    assert "New notes." in html
    assert "First notes." not in html
    assert "Which offer?" in html


def test_it_never_takes_the_result_of_an_older_state_of_a_stale_instance(comparison, api):
    """A service given an instance loaded before another write still sees that write: the
    state is read from the database, not from the instance."""
    stale = Comparison.objects.get(pk=comparison.pk)
    services.comparison_result_store(comparison=stale)
    services.answers_upsert(
        option=option(comparison, "Globex"),
        answers=[{"criterion": "manager_known", "value": "yes"}],
    )

    view = services.comparison_result_store(comparison=stale)

    assert view.rescored
    assert comparison_result_data(view) == comparison_result_data(
        results.comparison_result(comparison=comparison)
    )


def test_it_reads_a_stored_score_back_exactly(comparison):
    view = results.comparison_result(comparison=comparison)

    assert scoring.ComparisonScore.from_dict(json.loads(json.dumps(view.score.as_dict()))) == (
        view.score
    )
