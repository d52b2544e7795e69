"""The checklist asks what matters most: answers that raised a red flag ask their question
first, to resolve before signing; the swap analysis ranks every unknown of the top two, with
whom to ask. Through the API, on the page, and for results stored by an older scoring."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from careers.comparisons import scoring, services
from careers.comparisons.models import ComparisonResult, Option
from careers.comparisons.scoring import SCORING_VERSION
from careers.content.models import Criterion
from tests.factories import ComparisonFactory, OptionFactory

GLOBEX = {
    "team_disclosed": "no",  # serious: team_undisclosed
    "manager_met": "no",  # caution: manager_not_met
    "manager_known": "unknown",
    "brand_prestige": 5,
    "compensation": 5,
    "work_excitement": 4,
}
TINY = {
    "manager_known": "yes",
    "manager_met": "yes",
    "manager_quality": 4,
    "peers_met": 3,
    "peers_quality": 4,
    "people_feel_right": "yes",
    "startup_founders_met": "yes",
    "work_excitement": 3,
}


def answer(option: Option, values: dict) -> None:
    services.answers_upsert(
        option=option, answers=[{"criterion": k, "value": v} for k, v in values.items()]
    )


@pytest.fixture
def offers(seeded, alice):
    comparison = ComparisonFactory(owner=alice, title="Two offers")
    globex = OptionFactory(comparison=comparison, path_slug="industry-team", organisation="Globex")
    tiny = OptionFactory(comparison=comparison, path_slug="startup", organisation="Tiny Labs")
    answer(globex, GLOBEX)
    answer(tiny, TINY)
    return comparison, globex, tiny


@pytest.fixture
def api(alice):
    client = APIClient()
    client.force_authenticate(alice)
    return client


def result(api, comparison) -> dict:
    response = api.get(f"/api/comparisons/{comparison.pk}/result/")
    assert response.status_code == 200
    return response.json()


def options_by_id(body: dict) -> dict[int, dict]:
    return {option["id"]: option for option in body["options"]}


# --- The API ------------------------------------------------------------------------------


def test_it_gives_each_question_to_ask_its_reason_and_red_flag(api, offers):
    comparison, globex, _ = offers

    option = options_by_id(result(api, comparison))[globex.pk]

    detail = option["questions_to_ask"]
    reasons = [(entry["criterion"], entry["reason"], entry["red_flag"]) for entry in detail]
    # Red flags first: serious before caution, then people first and by weight.
    assert reasons[:3] == [
        ("team_disclosed", "red_flag", "team_undisclosed"),
        ("peers_quality", "red_flag", "peers_unknown"),
        ("manager_met", "red_flag", "manager_not_met"),
    ]
    assert {reason for _, reason, _ in reasons[3:]} == {"unknown"}
    assert {flag for _, _, flag in reasons[3:]} == {None}
    assert "manager_known" in [criterion for criterion, _, _ in reasons[3:]]
    raised = {flag["key"] for flag in option["red_flags"]}
    assert {flag for _, _, flag in reasons if flag} == raised
    team = detail[0]
    curated = Criterion.objects.get(key="team_disclosed")
    assert team["question"] == curated.question_to_ask
    assert (team["category"], team["ask_whom"]) == ("people", curated.ask_whom)
    assert team["ask_whom"] == "recruiter"


def test_it_asks_nothing_of_an_answer_that_raised_no_flag(api, offers):
    comparison, _, tiny = offers

    option = options_by_id(result(api, comparison))[tiny.pk]

    asked = {entry["criterion"] for entry in option["questions_to_ask"]}
    assert not asked & set(TINY)
    assert {entry["reason"] for entry in option["questions_to_ask"]} == {"unknown"}
    assert option["red_flags"] == []


def test_it_ranks_every_unknown_of_the_top_two_with_whom_to_ask(api, offers):
    comparison, globex, tiny = offers

    body = result(api, comparison)

    analysis = body["flip_analysis"]
    assert (analysis["leader"], analysis["runner_up"]) == (tiny.pk, globex.pk)
    ranked = analysis["ranked_unknowns"]
    swings = [unknown["swing"] for unknown in ranked]
    assert swings == sorted(swings, reverse=True)
    options = options_by_id(body)
    unknown = {
        (option_id, entry["criterion"])
        for option_id in (tiny.pk, globex.pk)
        for entry in options[option_id]["questions_to_ask"]
        if entry["criterion"] not in {"team_disclosed", "manager_met"}  # answered "no"
    }
    assert {(u["option"], u["criterion"]) for u in ranked} == unknown
    assert len(ranked) > 3, "every unknown, not just the largest"
    whom = dict(Criterion.objects.values_list("key", "ask_whom"))
    assert all(u["ask_whom"] == whom[u["criterion"]] for u in ranked)
    assert {u["ask_whom"] for u in ranked} >= {"recruiter", "manager", "future_peers"}
    # The existing fields stay: the decisive unknowns are the head of the ranking.
    assert analysis["could_flip"] is True
    decisive = analysis["decisive_unknowns"]
    assert decisive == ranked[: len(decisive)]
    assert sum(u["swing"] for u in decisive) > analysis["gap"]


def test_it_shows_whom_to_ask_in_the_content_api(api, seeded):
    response = APIClient().get("/api/criteria/", {"page_size": 100})

    assert response.status_code == 200
    by_key = {item["key"]: item for item in response.json()["results"]}
    assert by_key["startup_founders_met"]["ask_whom"] == "founders"
    assert by_key["phd_advisor_met"]["ask_whom"] == "advisor"


def test_it_names_whom_to_ask_for_every_seeded_criterion(seeded):
    choices = {value for value, _ in Criterion.AskWhom.choices}

    whom = dict(Criterion.objects.values_list("key", "ask_whom"))

    assert whom
    assert set(whom.values()) <= choices
    assert set(whom.values()) == choices, "every kind of person is asked something"


def test_it_lets_an_editor_set_whom_to_ask_in_the_admin(admin_client, seeded):
    criterion = Criterion.objects.get(key="peers_quality")

    html = admin_client.get(
        reverse("admin:content_criterion_change", args=[criterion.pk])
    ).content.decode()

    field = re.search(r'<select name="ask_whom"[^>]*>(.*?)</select>', html, re.S)
    assert field, "no ask_whom field on the criterion's admin form"
    assert '<option value="manager" selected>Your future manager</option>' in field.group(1)
    assert '<option value="founders">The founders</option>' in field.group(1)


# --- The page -----------------------------------------------------------------------------


def results_page(client, alice, comparison) -> str:
    client.force_login(alice)
    response = client.get(reverse("comparisons:comparison_results", args=[comparison.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_it_lists_red_flag_questions_first_to_resolve_before_signing(offers, alice, client):
    comparison, globex, _ = offers

    html = results_page(client, alice, comparison)

    article = html[html.index(f'id="option-{globex.pk}"') :]
    start = article.index('<ul class="checklist"')
    checklist = article[start : article.index("</ul>", start)]
    items = re.findall(r"<li[^>]*>(.*?)</li>", checklist, re.S)
    marked = ["Resolve before signing" in item for item in items]
    assert marked[:3] == [True, True, True]
    assert not any(marked[3:])
    assert Criterion.objects.get(key="team_disclosed").question_to_ask in items[0]
    assert f'href="#flag-{globex.pk}-team_undisclosed"' in items[0]
    assert "Ask the recruiter." in items[0]
    manager = Criterion.objects.get(key="manager_known").question_to_ask
    assert any(manager in item for item in items[3:])


def test_it_names_the_option_and_whom_to_ask_for_each_ranked_unknown(offers, alice, client):
    comparison, *_ = offers

    html = results_page(client, alice, comparison)

    flip = html[html.index('id="flip-title"') :]
    flip = flip[: flip.index("</section>")]
    items = [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li>(.*?)</li>", flip, re.S)]
    assert len(items) > 3
    manager = Criterion.objects.get(key="manager_known").question_to_ask
    assert any(f"Ask Globex (the recruiter): “{manager}”" in item for item in items)
    assert any("Ask Tiny Labs" in item for item in items)
    assert any(item.startswith("Ask first") for item in items)
    assert not all(item.startswith("Ask first") for item in items)
    swings = [float(s) for s in re.findall(r"by up to ([0-9.]+) points", flip)]
    assert swings == sorted(swings, reverse=True)


# --- Results stored by an older scoring ---------------------------------------------------

OLD_DATA = {
    "scoring_version": "1",
    "options": [{"id": 1, "questions_to_ask": [{"criterion": "x", "question": "q?"}]}],
    "ranking": [1],
    "could_flip": False,
    "flip_analysis": None,
}


def test_it_rescores_a_result_stored_by_the_previous_scoring_version(
    offers, alice, client, api, monkeypatch
):
    comparison, globex, _ = offers
    # A row as the previous version wrote it: its version in the fingerprint, its shape.
    with monkeypatch.context() as patch:
        patch.setattr(scoring, "SCORING_VERSION", "1")
        services.comparison_result_store(comparison=comparison)
    ComparisonResult.objects.filter(comparison=comparison).update(
        scoring_version="1", data=OLD_DATA, computed_at=timezone.now()
    )

    html = results_page(client, alice, comparison)

    assert "Resolve before signing" in html
    stored = ComparisonResult.objects.get(comparison=comparison)
    assert stored.scoring_version == SCORING_VERSION == "3"
    option = next(o for o in stored.data["options"] if o["id"] == globex.pk)
    assert option["questions_to_ask"][0]["reason"] == "red_flag"
    assert "ranked_unknowns" in stored.data["flip_analysis"]
    assert result(api, comparison)["scoring_version"] == "3"
