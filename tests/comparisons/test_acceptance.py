"""Issue 3, point 9: the acceptance scenario, with the default seed content and weights.

A famous company with high brand and pay, whose team is undisclosed and whose manager is
unknown, ranks below an option whose manager and peers you met and rate well; its result
carries the undisclosed-team red flag and says what to ask next.
"""

import pytest
from rest_framework.test import APIClient

from careers.comparisons.models import WeightOverride
from careers.content.models import Criterion

FAMOUS = {
    "path": "industry-team",
    "organisation": "Famous Corp",
    "team": "To be decided after a rotation",
    "base_salary": "350000.00",
    "bonus": "50000.00",
    "equity_per_year": "150000.00",
    "currency": "USD",
}
FAMOUS_ANSWERS = [
    {"criterion": "brand_prestige", "value": 5},
    {"criterion": "compensation", "value": 5},
    {"criterion": "team_disclosed", "value": "no"},
    {"criterion": "manager_known", "value": "unknown"},
]
STARTUP = {
    "path": "startup",
    "organisation": "Small Startup",
    "manager_name": "Sam",
    "base_salary": "140000.00",
    "currency": "USD",
}
STARTUP_ANSWERS = [
    {"criterion": "manager_known", "value": "yes"},
    {"criterion": "manager_met", "value": "yes"},
    {"criterion": "manager_quality", "value": 5},
    {"criterion": "peers_met", "value": 4},
    {"criterion": "peers_quality", "value": 5},
    {"criterion": "people_feel_right", "value": "yes"},
    {"criterion": "brand_prestige", "value": 2},
    {"criterion": "compensation", "value": 3},
]


@pytest.fixture
def api(alice):
    client = APIClient()
    client.force_authenticate(alice)
    return client


def add_option(api, comparison_id: int, option: dict, answers: list[dict]) -> int:
    response = api.post(f"/api/comparisons/{comparison_id}/options/", option)
    assert response.status_code == 201, response.json()
    option_id = response.json()["id"]
    response = api.put(f"/api/comparisons/{comparison_id}/options/{option_id}/answers/", answers)
    assert response.status_code == 200, response.json()
    return option_id


@pytest.fixture
def result(api, seeded):
    response = api.post("/api/comparisons/", {"title": "Famous name or the right people?"})
    assert response.status_code == 201
    comparison_id = response.json()["id"]
    famous = add_option(api, comparison_id, FAMOUS, FAMOUS_ANSWERS)
    startup = add_option(api, comparison_id, STARTUP, STARTUP_ANSWERS)
    response = api.get(f"/api/comparisons/{comparison_id}/result/")
    assert response.status_code == 200
    body = response.json()
    options = {option["id"]: option for option in body["options"]}
    return body, options[famous], options[startup]


def test_it_scores_with_the_seeded_default_weights(result):
    body, _, _ = result
    assert not WeightOverride.objects.exists()
    defaults = dict(Criterion.objects.published().values_list("key", "default_weight"))
    assert body["weights"] == defaults
    assert body["people_share"] >= 0.5


def test_it_ranks_the_famous_company_below_the_people_you_met(result):
    body, famous, startup = result
    assert body["ranking"] == [startup["id"], famous["id"]]
    assert startup["score"] > famous["score"]
    assert startup["people_score"] > famous["people_score"]
    assert startup["confidence"] > famous["confidence"]


def test_it_flags_the_famous_companys_undisclosed_team(result):
    _, famous, startup = result
    flag = next(flag for flag in famous["red_flags"] if flag["key"] == "team_undisclosed")
    assert flag["criterion"] == "team_disclosed"
    assert flag["severity"] == "serious"
    assert flag["title"]
    assert flag["explanation"]
    assert flag["citation"]["span"]
    assert "team_undisclosed" not in {flag["key"] for flag in startup["red_flags"]}


def test_it_asks_who_your_manager_would_be_and_to_meet_the_team(result):
    _, famous, startup = result
    questions = dict(Criterion.objects.values_list("key", "question_to_ask"))
    asked = [q["question"] for q in famous["questions_to_ask"]]
    # Who your manager would be (still unknown) and meeting the people you would work with.
    assert questions["manager_known"] in asked
    assert questions["peers_met"] in asked
    # The red flags' questions come first, to resolve before signing; then the unknowns,
    # people first.
    reasons = [q["reason"] for q in famous["questions_to_ask"]]
    assert reasons == sorted(reasons, key=lambda reason: reason != "red_flag")
    assert "team_undisclosed" in {q["red_flag"] for q in famous["questions_to_ask"]}
    unknown = [q["question"] for q in famous["questions_to_ask"] if q["reason"] == "unknown"]
    people = set(
        Criterion.objects.filter(category="people").values_list("question_to_ask", flat=True)
    )
    first_non_people = next(i for i, q in enumerate(unknown) if q not in people)
    assert set(unknown[:first_non_people]) <= people
    assert not people & set(unknown[first_non_people:])
    # What the startup already answered is not asked again.
    startup_asked = [q["question"] for q in startup["questions_to_ask"]]
    assert questions["manager_known"] not in startup_asked
    assert questions["peers_met"] not in startup_asked
