"""Ownership: charlie reaches nothing of alice's, through any comparison endpoint or method."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from careers.comparisons.decisions import decision_save
from careers.comparisons.models import (
    Answer,
    Comparison,
    ComparisonResult,
    Decision,
    DecisionCheckin,
    Option,
    WeightOverride,
)
from tests.factories import AnswerFactory, ComparisonFactory, OptionFactory

COMPARISON = "/api/comparisons/{comparison}/"
OPTIONS = "/api/comparisons/{comparison}/options/"
OPTION = "/api/comparisons/{comparison}/options/{option}/"
ANSWERS = "/api/comparisons/{comparison}/options/{option}/answers/"
RESULT = "/api/comparisons/{comparison}/result/"
DECISION = "/api/comparisons/{comparison}/decision/"

# Every body is valid, so ownership is the only reason for a refusal.
TITLE = {"title": "Charlie was here", "weights": {"compensation": 99}}
NEW_OPTION = {"path": "phd", "organisation": "Charlie University"}
ANSWER_LIST = [{"criterion": "people_feel_right", "value": "no"}]
NONE_OF_THEM = {"chosen_option": None, "decided_on": "2026-01-05", "confidence": 10}

OPTION_ENDPOINTS = [
    ("get", OPTION, None),
    ("put", OPTION, NEW_OPTION),
    ("patch", OPTION, {"organisation": "Charlie Inc"}),
    ("delete", OPTION, None),
    ("get", ANSWERS, None),
    ("put", ANSWERS, ANSWER_LIST),
]
ENDPOINTS = [
    ("get", COMPARISON, None),
    ("put", COMPARISON, TITLE),
    ("patch", COMPARISON, TITLE),
    ("delete", COMPARISON, None),
    ("get", OPTIONS, None),
    ("post", OPTIONS, NEW_OPTION),
    *OPTION_ENDPOINTS,
    ("get", RESULT, None),
    ("get", DECISION, None),
    ("put", DECISION, NONE_OF_THEM),
    ("delete", DECISION, None),
]
ENDPOINT_IDS = [f"{method.upper()} {url}" for method, url, _ in ENDPOINTS]
OPTION_ENDPOINT_IDS = [f"{method.upper()} {url}" for method, url, _ in OPTION_ENDPOINTS]


def build_comparison(owner, title: str) -> tuple[Comparison, Option]:
    comparison = ComparisonFactory(owner=owner, title=title)
    option = OptionFactory(comparison=comparison, path_slug="startup", organisation=title)
    AnswerFactory(option=option, criterion_key="people_feel_right", value="yes")
    AnswerFactory(option=option, criterion_key="peers_met", value="3")
    WeightOverride.objects.create(
        comparison=comparison,
        criterion=Answer.objects.filter(option=option).first().criterion,
        weight=20,
    )
    chosen = OptionFactory(comparison=comparison, organisation=f"{title}, second")
    decision_save(
        comparison=comparison,
        chosen_option=chosen.pk,
        decided_on=timezone.localdate(),
        start_date=timezone.localdate(),
        confidence=80,
        expectations=f"{title}: great people",
    )
    return comparison, option


def snapshot(owner) -> dict:
    """Every row of the owner's comparisons, as the database holds it."""
    comparisons = Comparison.objects.filter(owner=owner)
    return {
        "comparisons": list(comparisons.order_by("pk").values()),
        "options": list(Option.objects.filter(comparison__in=comparisons).order_by("pk").values()),
        "answers": list(
            Answer.objects.filter(option__comparison__in=comparisons).order_by("pk").values()
        ),
        "weights": list(
            WeightOverride.objects.filter(comparison__in=comparisons).order_by("pk").values()
        ),
        "results": list(
            ComparisonResult.objects.filter(comparison__in=comparisons).order_by("pk").values()
        ),
        "decisions": list(
            Decision.objects.filter(comparison__in=comparisons).order_by("pk").values()
        ),
        "checkins": list(
            DecisionCheckin.objects.filter(decision__comparison__in=comparisons)
            .order_by("pk")
            .values()
        ),
    }


def send(client: APIClient, method: str, url: str, body):
    return (
        getattr(client, method)(url, body, format="json") if body else getattr(client, method)(url)
    )


@pytest.fixture
def alices(seeded, alice):
    return build_comparison(alice, "Alice's offers")


@pytest.fixture
def charlies(seeded, charlie):
    return build_comparison(charlie, "Charlie's offers")


@pytest.fixture
def as_alice(alice):
    client = APIClient()
    client.force_authenticate(alice)
    return client


@pytest.fixture
def as_charlie(charlie):
    client = APIClient()
    client.force_authenticate(charlie)
    return client


@pytest.mark.parametrize(("method", "url", "body"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_it_answers_404_to_charlie_and_leaves_alices_data_alone(
    as_charlie, alice, alices, charlie, charlies, method, url, body
):
    comparison, option = alices
    before, charlie_before = snapshot(alice), snapshot(charlie)
    response = send(
        as_charlie, method, url.format(comparison=comparison.pk, option=option.pk), body
    )
    assert response.status_code == 404
    assert "Alice" not in response.content.decode()
    assert snapshot(alice) == before
    assert snapshot(charlie) == charlie_before, "nothing landed in charlie's comparisons either"


@pytest.mark.parametrize(("method", "url", "body"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_it_answers_the_same_requests_for_alice(as_alice, alice, alices, method, url, body):
    """The counterpart of the 404s above: the requests are valid, only the owner differs."""
    comparison, option = alices
    response = send(as_alice, method, url.format(comparison=comparison.pk, option=option.pk), body)
    assert response.status_code in (200, 201, 204)


def test_it_lists_only_charlies_own_comparisons(as_charlie, alices, charlies):
    body = as_charlie.get("/api/comparisons/").json()
    assert body["count"] == 1
    assert [c["id"] for c in body["results"]] == [charlies[0].pk]
    assert "Alice" not in str(body)


@pytest.mark.parametrize(("method", "url", "body"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_it_refuses_anonymous_requests(alice, alices, method, url, body):
    comparison, option = alices
    before = snapshot(alice)
    response = send(
        APIClient(), method, url.format(comparison=comparison.pk, option=option.pk), body
    )
    # Session authentication comes first and sends no WWW-Authenticate challenge, so DRF
    # answers 403 rather than 401.
    assert response.status_code == 403
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert snapshot(alice) == before


@pytest.mark.parametrize(("method", "body"), [("get", None), ("post", {"title": "Anonymous"})])
def test_it_refuses_anonymous_requests_to_the_list(seeded, method, body):
    response = send(APIClient(), method, "/api/comparisons/", body)
    assert response.status_code == 403
    assert Comparison.objects.count() == 0


@pytest.mark.parametrize(("method", "url", "body"), OPTION_ENDPOINTS, ids=OPTION_ENDPOINT_IDS)
def test_it_answers_404_to_alices_comparison_with_charlies_option(
    as_charlie, alice, alices, charlie, charlies, method, url, body
):
    before, charlie_before = snapshot(alice), snapshot(charlie)
    path = url.format(comparison=alices[0].pk, option=charlies[1].pk)
    assert send(as_charlie, method, path, body).status_code == 404
    assert (snapshot(alice), snapshot(charlie)) == (before, charlie_before)


@pytest.mark.parametrize(("method", "url", "body"), OPTION_ENDPOINTS, ids=OPTION_ENDPOINT_IDS)
def test_it_answers_404_to_charlies_comparison_with_alices_option(
    as_charlie, alice, alices, charlie, charlies, method, url, body
):
    before, charlie_before = snapshot(alice), snapshot(charlie)
    path = url.format(comparison=charlies[0].pk, option=alices[1].pk)
    assert send(as_charlie, method, path, body).status_code == 404
    assert (snapshot(alice), snapshot(charlie)) == (before, charlie_before)


@pytest.mark.parametrize(("method", "url", "body"), OPTION_ENDPOINTS, ids=OPTION_ENDPOINT_IDS)
def test_it_answers_404_to_alice_reaching_charlies_option_through_her_own_comparison(
    as_alice, alice, alices, charlie, charlies, method, url, body
):
    before, charlie_before = snapshot(alice), snapshot(charlie)
    path = url.format(comparison=alices[0].pk, option=charlies[1].pk)
    assert send(as_alice, method, path, body).status_code == 404
    assert (snapshot(alice), snapshot(charlie)) == (before, charlie_before)


@pytest.mark.parametrize(("method", "url", "body"), OPTION_ENDPOINTS, ids=OPTION_ENDPOINT_IDS)
def test_it_keeps_an_option_inside_its_own_comparison(as_alice, alice, alices, method, url, body):
    """Alice's two comparisons: an option of one is not reachable through the other."""
    other, _ = build_comparison(alice, "Alice's second comparison")
    before = snapshot(alice)
    path = url.format(comparison=other.pk, option=alices[1].pk)
    assert send(as_alice, method, path, body).status_code == 404
    assert snapshot(alice) == before
