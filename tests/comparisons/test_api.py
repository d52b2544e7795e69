"""The comparison REST API against the real seeded content: CRUD, validation, answers, result."""

import pytest
from rest_framework.test import APIClient

from careers.comparisons.models import Answer, Comparison, ComparisonResult, Option, WeightOverride
from careers.comparisons.scoring import SCORING_VERSION
from careers.content.models import Criterion
from tests.drf import error_messages
from tests.factories import AnswerFactory, ComparisonFactory, OptionFactory

# These factories belong in tests/factories.py; they live here until that file can take them
# (the other comparison test modules import them from this one).


@pytest.fixture
def api(alice):
    client = APIClient()
    client.force_authenticate(alice)
    return client


@pytest.fixture
def comparison(seeded, alice):
    return ComparisonFactory(owner=alice, title="Where to go next")


def option_url(comparison, option=None) -> str:
    url = f"/api/comparisons/{comparison.pk}/options/"
    return f"{url}{option.pk}/" if option else url


def answers_url(option) -> str:
    return f"/api/comparisons/{option.comparison_id}/options/{option.pk}/answers/"


# Comparisons ------------------------------------------------------------------------------------


def test_it_creates_a_comparison_owned_by_the_requesting_user(api, alice, seeded):
    response = api.post(
        "/api/comparisons/",
        {"title": "Summer offers", "notes": "Decide by July", "decision_deadline": "2031-07-01"},
    )
    assert response.status_code == 201
    body = response.json()
    comparison = Comparison.objects.get(pk=body["id"])
    assert comparison.owner == alice
    assert (comparison.title, comparison.notes) == ("Summer offers", "Decide by July")
    assert str(comparison.decision_deadline) == "2031-07-01"
    assert body["options"] == []
    assert body["weights"] == {}


def test_it_creates_a_comparison_with_weight_overrides(api, seeded):
    response = api.post("/api/comparisons/", {"title": "Weighted", "weights": {"compensation": 20}})
    assert response.status_code == 201
    assert response.json()["weights"] == {"compensation": 20}
    override = WeightOverride.objects.get(comparison_id=response.json()["id"])
    assert (override.criterion.key, override.weight) == ("compensation", 20)


def test_it_lists_only_the_users_comparisons_most_recently_updated_first(api, alice, seeded):
    older = ComparisonFactory(owner=alice, title="Older")
    newer = ComparisonFactory(owner=alice, title="Newer")
    ComparisonFactory(title="Someone else's")
    response = api.get("/api/comparisons/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [c["id"] for c in body["results"]] == [newer.pk, older.pk]


def test_it_retrieves_a_comparison_with_its_options_and_answers(api, comparison):
    option = OptionFactory(comparison=comparison, path_slug="startup", organisation="Tiny AI")
    AnswerFactory(option=option, criterion_key="startup_founders_met", value="yes")
    AnswerFactory(option=option, criterion_key="peers_met", value="3")
    response = api.get(f"/api/comparisons/{comparison.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Where to go next"
    [returned] = body["options"]
    assert (returned["id"], returned["path"], returned["organisation"]) == (
        option.pk,
        "startup",
        "Tiny AI",
    )
    assert returned["base_salary"] == "150000.00"
    assert {(a["criterion"], a["value"]) for a in returned["answers"]} == {
        ("startup_founders_met", "yes"),
        ("peers_met", 3),
    }


def test_it_updates_a_comparison_with_put_and_patch(api, comparison):
    url = f"/api/comparisons/{comparison.pk}/"
    response = api.put(url, {"title": "Renamed", "notes": "New notes"})
    assert response.status_code == 200
    assert response.json()["title"] == "Renamed"
    response = api.patch(url, {"decision_deadline": "2031-01-31"})
    assert response.status_code == 200
    comparison.refresh_from_db()
    assert (comparison.title, comparison.notes) == ("Renamed", "New notes")
    assert str(comparison.decision_deadline) == "2031-01-31"


def test_it_deletes_a_comparison_with_its_options_and_answers(api, comparison):
    AnswerFactory(option=OptionFactory(comparison=comparison))
    response = api.delete(f"/api/comparisons/{comparison.pk}/")
    assert response.status_code == 204
    assert not Comparison.objects.filter(pk=comparison.pk).exists()
    assert Option.objects.count() == 0
    assert Answer.objects.count() == 0
    assert api.get(f"/api/comparisons/{comparison.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "fragment"),
    [
        ({"title": ""}, "title", "blank"),
        ({"title": "t" * 121}, "title", "120"),
        ({"title": "Notes", "notes": "x" * 1_000_001}, "notes", "5000"),
        ({"title": "Date", "decision_deadline": "soon"}, "decision_deadline", "format"),
        ({"title": "Weights", "weights": {"compensation": 101}}, "weights", "100"),
        ({"title": "Weights", "weights": {"compensation": -1}}, "weights", "0"),
    ],
)
def test_it_rejects_a_bad_comparison_and_writes_nothing(api, seeded, body, field, fragment):
    response = api.post("/api/comparisons/", body)
    assert response.status_code == 400
    assert field in response.json()
    assert any(fragment in message for message in error_messages(response.json()[field]))
    assert Comparison.objects.count() == 0
    assert WeightOverride.objects.count() == 0


def test_it_rejects_megabyte_notes_on_update_and_keeps_the_old_ones(api, comparison):
    comparison.notes = "Short"
    comparison.save()
    response = api.patch(f"/api/comparisons/{comparison.pk}/", {"notes": "x" * 1_000_001})
    assert response.status_code == 400
    assert "notes" in response.json()
    comparison.refresh_from_db()
    assert comparison.notes == "Short"


def test_it_rejects_an_unknown_weight_key_on_update(api, comparison):
    response = api.patch(f"/api/comparisons/{comparison.pk}/", {"weights": {"nope": 5}})
    assert response.status_code == 400
    assert response.json() == {"nope": ["Unknown criterion 'nope'."]}
    assert WeightOverride.objects.count() == 0


def test_it_creates_nothing_when_a_weight_key_is_unknown(api, seeded):
    response = api.post("/api/comparisons/", {"title": "Half written", "weights": {"nope": 5}})
    assert response.status_code == 400
    assert "nope" in response.json()
    assert Comparison.objects.count() == 0


def test_it_changes_nothing_when_a_weight_key_is_unknown(api, comparison):
    response = api.patch(
        f"/api/comparisons/{comparison.pk}/", {"title": "Renamed", "weights": {"nope": 5}}
    )
    assert response.status_code == 400
    comparison.refresh_from_db()
    assert comparison.title == "Where to go next"


# Options ----------------------------------------------------------------------------------------


def test_it_adds_an_option_on_a_path_named_by_slug(api, comparison):
    response = api.post(
        option_url(comparison),
        {
            "path": "research-lab",
            "organisation": "Big Lab",
            "team": "Vision",
            "manager_name": "Dr Who",
            "base_salary": "120000.00",
            "bonus": 10000,
            "equity_per_year": 0,
            "currency": "EUR",
            "offer_deadline": "2031-03-01",
        },
    )
    assert response.status_code == 201
    body = response.json()
    option = Option.objects.get(pk=body["id"])
    assert option.comparison == comparison
    assert option.path.slug == "research-lab"
    assert (option.organisation, option.team, option.manager_name) == (
        "Big Lab",
        "Vision",
        "Dr Who",
    )
    assert (option.base_salary, option.bonus, option.currency) == (120000, 10000, "EUR")
    assert body["path"] == "research-lab"
    assert body["answers"] == []


@pytest.mark.parametrize("slug", ["industry-team", "research-lab", "phd", "startup"])
def test_it_accepts_each_of_the_four_path_slugs(api, comparison, slug):
    response = api.post(option_url(comparison), {"path": slug, "organisation": "Somewhere"})
    assert response.status_code == 201
    assert Option.objects.get(pk=response.json()["id"]).path.slug == slug


def test_it_lists_and_retrieves_options_in_the_order_added(api, comparison):
    first = OptionFactory(comparison=comparison, path_slug="phd")
    second = OptionFactory(comparison=comparison, path_slug="startup")
    OptionFactory()  # in another comparison
    body = api.get(option_url(comparison)).json()
    assert [o["id"] for o in body["results"]] == [first.pk, second.pk]
    response = api.get(option_url(comparison, second))
    assert response.status_code == 200
    assert response.json()["path"] == "startup"


def test_it_updates_an_option_with_put_and_patch(api, comparison):
    option = OptionFactory(comparison=comparison, organisation="Old name")
    response = api.put(
        option_url(comparison, option),
        {"path": "industry-team", "organisation": "New name", "currency": "GBP"},
    )
    assert response.status_code == 200
    response = api.patch(option_url(comparison, option), {"stipend": "30000"})
    assert response.status_code == 200
    option.refresh_from_db()
    assert (option.organisation, option.currency, option.stipend) == ("New name", "GBP", 30000)


def test_it_drops_answers_that_no_longer_apply_when_an_option_changes_path(api, comparison):
    option = OptionFactory(comparison=comparison, path_slug="startup")
    for key in ("startup_founders_met", "team_disclosed", "people_feel_right"):
        AnswerFactory(option=option, criterion_key=key, value="yes")
    asked_of_a_phd = set(Criterion.objects.filter(paths__slug="phd").values_list("key", flat=True))
    assert {"startup_founders_met", "team_disclosed"}.isdisjoint(asked_of_a_phd)
    assert "people_feel_right" in asked_of_a_phd
    response = api.patch(option_url(comparison, option), {"path": "phd"})
    assert response.status_code == 200
    assert [a["criterion"] for a in response.json()["answers"]] == ["people_feel_right"]
    assert list(option.answers.values_list("criterion__key", flat=True)) == ["people_feel_right"]


def test_it_deletes_an_option_and_its_answers(api, comparison):
    option = OptionFactory(comparison=comparison)
    kept = OptionFactory(comparison=comparison)
    AnswerFactory(option=option)
    response = api.delete(option_url(comparison, option))
    assert response.status_code == 204
    assert list(comparison.options.all()) == [kept]
    assert Answer.objects.count() == 0


def test_it_rejects_a_seventh_option_with_a_clear_message(api, comparison):
    OptionFactory.create_batch(6, comparison=comparison)
    response = api.post(option_url(comparison), {"path": "phd", "organisation": "Seventh"})
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "A comparison holds at most 6 options: remove one before adding another."
        ]
    }
    assert comparison.options.count() == 6
    assert not Option.objects.filter(organisation="Seventh").exists()


BAD_OPTIONS = [
    ({"base_salary": -1}, "base_salary", "greater than or equal to 0"),
    ({"bonus": "-0.01"}, "bonus", "greater than or equal to 0"),
    ({"equity_per_year": 100_000_001}, "equity_per_year", "less than or equal to 100000000"),
    ({"stipend": "lots"}, "stipend", "valid number"),
    ({"notes": "x" * 1_000_001}, "notes", "5000"),
    ({"organisation": "o" * 121}, "organisation", "120"),
    ({"organisation": ""}, "organisation", "blank"),
    ({"currency": "dollars"}, "currency", "3 characters"),
    ({"currency": "usd"}, "currency", "three-letter ISO 4217"),
    ({"path": "astronaut"}, "path", "astronaut"),
    ({"offer_deadline": "tomorrow"}, "offer_deadline", "format"),
]


@pytest.mark.parametrize(("change", "field", "fragment"), BAD_OPTIONS)
def test_it_rejects_a_bad_new_option_and_writes_nothing(api, comparison, change, field, fragment):
    body = {"path": "industry-team", "organisation": "Acme", **change}
    response = api.post(option_url(comparison), body)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert any(fragment in message for message in error_messages(response.json()))
    assert Option.objects.count() == 0


@pytest.mark.parametrize(("change", "field", "fragment"), BAD_OPTIONS)
def test_it_rejects_a_bad_option_change_and_keeps_the_option(
    api, comparison, change, field, fragment
):
    option = OptionFactory(comparison=comparison, organisation="Acme", notes="Kept")
    before = Option.objects.filter(pk=option.pk).values().get()
    response = api.patch(option_url(comparison, option), change)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert Option.objects.filter(pk=option.pk).values().get() == before


# Answers ----------------------------------------------------------------------------------------


def test_it_upserts_answers_without_duplicating_them(api, comparison):
    option = OptionFactory(comparison=comparison, path_slug="industry-team")
    first = api.put(
        answers_url(option),
        [
            {"criterion": "manager_quality", "value": 3, "note": "Seemed fine"},
            {"criterion": "manager_known", "value": "unknown"},
        ],
    )
    assert first.status_code == 200
    second = api.put(
        answers_url(option),
        [
            {
                "criterion": "manager_quality",
                "value": 5,
                "note": "Met her again",
                "source": "Recruiter",
                "told_on": "2030-05-01",
                "confirmed_in_writing": True,
            }
        ],
    )
    assert second.status_code == 200
    assert option.answers.count() == 2
    quality = option.answers.get(criterion__key="manager_quality")
    assert (quality.value, quality.note, quality.source) == ("5", "Met her again", "Recruiter")
    assert str(quality.told_on) == "2030-05-01"
    assert quality.confirmed_in_writing is True
    # Unknown is an explicit, stored value, not a missing row.
    assert option.answers.get(criterion__key="manager_known").value == "unknown"
    returned = {a["criterion"]: a["value"] for a in second.json()}
    assert returned == {"manager_known": "unknown", "manager_quality": 5}
    assert api.get(answers_url(option)).json() == second.json()


@pytest.mark.parametrize(
    ("criterion", "value", "stored", "returned"),
    [
        ("manager_quality", 1, "1", 1),
        ("manager_quality", "4", "4", 4),
        ("people_feel_right", "yes", "yes", "yes"),
        ("people_feel_right", " No ", "no", "no"),
        ("peers_met", 0, "0", 0),
        ("peers_met", 12, "12", 12),
        ("peers_met", "Unknown", "unknown", "unknown"),
    ],
)
def test_it_normalises_answer_values(api, comparison, criterion, value, stored, returned):
    option = OptionFactory(comparison=comparison)
    response = api.put(answers_url(option), [{"criterion": criterion, "value": value}])
    assert response.status_code == 200
    assert response.json()[0]["value"] == returned
    assert option.answers.get().value == stored


@pytest.mark.parametrize(
    ("path", "item", "fragments"),
    [
        ("industry-team", {"criterion": "nope", "value": "yes"}, ["Unknown criterion", "nope"]),
        ("phd", {"criterion": "team_disclosed", "value": "yes"}, ["team_disclosed", "apply"]),
        ("startup", {"criterion": "phd_advisor_met", "value": "no"}, ["phd_advisor_met", "apply"]),
        ("industry-team", {"criterion": "manager_quality", "value": 0}, ["manager_quality", "1"]),
        ("industry-team", {"criterion": "manager_quality", "value": 6}, ["manager_quality", "5"]),
        ("industry-team", {"criterion": "manager_quality", "value": "3.5"}, ["whole number"]),
        (
            "industry-team",
            {"criterion": "manager_known", "value": "maybe"},
            ["manager_known", "yes"],
        ),
        ("industry-team", {"criterion": "manager_known", "value": 1}, ["manager_known", "no"]),
        ("industry-team", {"criterion": "peers_met", "value": -1}, ["peers_met", "count"]),
        ("industry-team", {"criterion": "peers_met", "value": 1001}, ["peers_met", "1000"]),
        ("industry-team", {"criterion": "peers_met", "value": True}, ["number"]),
        ("industry-team", {"criterion": "peers_met", "value": None}, ["null"]),
        ("industry-team", {"criterion": "peers_met", "value": [3]}, ["number"]),
        (
            "industry-team",
            {"criterion": "peers_met", "value": 2, "note": "x" * 1_000_001},
            ["1000"],
        ),
        ("industry-team", {"criterion": "peers_met", "value": 2, "told_on": "May"}, ["format"]),
        ("industry-team", {"value": 2}, ["required"]),
    ],
)
def test_it_rejects_a_bad_answer_and_writes_none_of_the_batch(
    api, comparison, path, item, fragments
):
    option = OptionFactory(comparison=comparison, path_slug=path)
    AnswerFactory(option=option, criterion_key="peers_quality", value="2")
    valid = [
        {"criterion": "peers_quality", "value": 4},
        {"criterion": "people_feel_right", "value": "yes"},
    ]
    response = api.put(answers_url(option), [*valid, item])
    assert response.status_code == 400
    messages = " ".join(error_messages(response.json()))
    for fragment in fragments:
        assert fragment in messages
    # All or nothing: the valid answers in the same request were not written either.
    assert list(option.answers.values_list("criterion__key", "value")) == [("peers_quality", "2")]


def test_it_rejects_the_same_criterion_twice_in_one_request(api, comparison):
    option = OptionFactory(comparison=comparison)
    response = api.put(
        answers_url(option),
        [
            {"criterion": "people_feel_right", "value": "yes"},
            {"criterion": "people_feel_right", "value": "no"},
        ],
    )
    assert response.status_code == 400
    assert response.json() == {"1": ["'people_feel_right' appears more than once."]}
    assert option.answers.count() == 0


def test_it_wants_a_list_of_answers(api, comparison):
    option = OptionFactory(comparison=comparison)
    response = api.put(answers_url(option), {"criterion": "people_feel_right", "value": "yes"})
    assert response.status_code == 400
    assert option.answers.count() == 0


@pytest.mark.parametrize("value", ["²", "3²"])
def test_it_rejects_a_count_written_with_superscript_digits(api, comparison, value):
    api.raise_request_exception = False
    option = OptionFactory(comparison=comparison)
    response = api.put(answers_url(option), [{"criterion": "peers_met", "value": value}])
    assert response.status_code == 400
    assert option.answers.count() == 0


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        ("patch", "/api/comparisons/{id}/", {"weights": {"brand\x00": 5}}, "brand\x00"),
        (
            "post",
            "/api/comparisons/{id}/options/",
            {"path": "phd\x00", "organisation": "U"},
            "path",
        ),
    ],
)
def test_it_rejects_nul_characters_with_400(api, comparison, method, url, body, field):
    """PostgreSQL cannot store or even compare a NUL character: it must not reach a query."""
    api.raise_request_exception = False
    response = getattr(api, method)(url.format(id=comparison.pk), body)
    assert response.status_code == 400
    assert field in response.json()
    assert (Option.objects.count(), WeightOverride.objects.count()) == (0, 0)


# The result -------------------------------------------------------------------------------------


@pytest.fixture
def scored(comparison):
    """Two options, partly answered: a startup you know well and a team you know little of."""
    startup = OptionFactory(comparison=comparison, path_slug="startup", organisation="Tiny AI")
    for key, value in [
        ("manager_known", "yes"),
        ("manager_met", "yes"),
        ("manager_quality", "5"),
        ("peers_met", "5"),
        ("peers_quality", "5"),
        ("startup_founders_met", "yes"),
    ]:
        AnswerFactory(option=startup, criterion_key=key, value=value)
    team = OptionFactory(comparison=comparison, path_slug="industry-team", organisation="BigCo")
    AnswerFactory(option=team, criterion_key="team_disclosed", value="no")
    AnswerFactory(option=team, criterion_key="manager_known", value="unknown")
    return startup, team


def test_it_scores_every_option_with_range_confidence_flags_and_questions(api, comparison, scored):
    startup, team = scored
    response = api.get(f"/api/comparisons/{comparison.pk}/result/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["scoring_version"] == SCORING_VERSION
    assert [o["id"] for o in body["options"]] == [startup.pk, team.pk]
    for option in body["options"]:
        assert {
            "id",
            "score",
            "score_min",
            "score_max",
            "people_score",
            "confidence",
            "red_flags",
            "questions_to_ask",
        } <= set(option)
        assert 0 <= option["score_min"] <= option["score"] <= option["score_max"] <= 100
        assert 0 <= option["people_score"] <= 100
        assert 0 <= option["confidence"] <= 1
        assert all(
            {"criterion", "question", "reason", "red_flag", "ask_whom"} <= set(question)
            for question in option["questions_to_ask"]
        )
    by_id = {o["id"]: o for o in body["options"]}
    assert by_id[startup.pk]["confidence"] > by_id[team.pk]["confidence"]
    assert by_id[team.pk]["score_max"] - by_id[team.pk]["score_min"] > 80
    flag = next(f for f in by_id[team.pk]["red_flags"] if f["key"] == "team_undisclosed")
    assert flag["title"] == "The team is not decided before you sign"
    assert flag["explanation"]
    assert flag["citation"]["span"] == "24:31-24:46"
    manager_known = Criterion.objects.get(key="manager_known")
    asked = {o: [q["question"] for q in by_id[o]["questions_to_ask"]] for o in by_id}
    assert manager_known.question_to_ask in asked[team.pk]
    assert manager_known.question_to_ask not in asked[startup.pk]
    assert body["ranking"] == [startup.pk, team.pk]
    assert isinstance(body["could_flip"], bool)
    assert body["could_flip"] == body["flip_analysis"]["could_flip"]


def test_it_stores_the_result_with_its_scoring_version_and_weights(api, comparison, scored):
    response = api.patch(
        f"/api/comparisons/{comparison.pk}/", {"weights": {"brand_prestige": 30, "goal_fit": 0}}
    )
    assert response.status_code == 200
    assert response.json()["weights"] == {"brand_prestige": 30, "goal_fit": 0}
    body = api.get(f"/api/comparisons/{comparison.pk}/result/").json()
    stored = ComparisonResult.objects.get(comparison=comparison)
    assert stored.scoring_version == SCORING_VERSION
    assert stored.weights["brand_prestige"] == 30
    assert stored.weights["goal_fit"] == 0
    assert (
        stored.weights["manager_quality"]
        == Criterion.objects.get(key="manager_quality").default_weight
    )
    assert stored.data["ranking"] == body["ranking"]
    assert body["weights"] == stored.weights


def test_it_restores_a_default_weight_with_null(api, comparison, scored):
    url = f"/api/comparisons/{comparison.pk}/"
    api.patch(url, {"weights": {"brand_prestige": 30}})
    response = api.patch(url, {"weights": {"brand_prestige": None}})
    assert response.status_code == 200
    assert response.json()["weights"] == {}
    assert not WeightOverride.objects.filter(comparison=comparison).exists()
    api.get(f"{url}result/")
    default = Criterion.objects.get(key="brand_prestige").default_weight
    assert ComparisonResult.objects.get(comparison=comparison).weights["brand_prestige"] == default


def test_it_changes_the_scores_with_a_weight_override(api, comparison, scored):
    url = f"/api/comparisons/{comparison.pk}/"
    before = api.get(f"{url}result/").json()
    api.patch(url, {"weights": {"manager_quality": 100}})
    after = api.get(f"{url}result/").json()
    startup_id = scored[0].pk
    score = {o["id"]: o["score"] for o in before["options"]}[startup_id]
    assert {o["id"]: o["score"] for o in after["options"]}[startup_id] > score
    assert ComparisonResult.objects.get(comparison=comparison).weights["manager_quality"] == 100


def test_it_recomputes_the_stored_result_only_when_the_inputs_change(api, comparison, scored):
    url = f"/api/comparisons/{comparison.pk}/result/"
    api.get(url)
    first = ComparisonResult.objects.get(comparison=comparison).computed_at
    api.get(url)
    assert ComparisonResult.objects.get(comparison=comparison).computed_at == first
    api.put(answers_url(scored[1]), [{"criterion": "manager_known", "value": "yes"}])
    api.get(url)
    assert ComparisonResult.objects.get(comparison=comparison).computed_at > first


# HTML is text -----------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"


def test_it_returns_html_typed_in_fields_verbatim_as_json_text(api, seeded):
    response = api.post("/api/comparisons/", {"title": SCRIPT, "notes": f"<b>bold</b> {SCRIPT}"})
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    comparison_id = response.json()["id"]
    assert response.json()["title"] == SCRIPT
    option = api.post(
        f"/api/comparisons/{comparison_id}/options/",
        {"path": "phd", "organisation": SCRIPT, "team": "<img src=x onerror=alert(1)>"},
    ).json()
    api.put(
        f"/api/comparisons/{comparison_id}/options/{option['id']}/answers/",
        [{"criterion": "people_feel_right", "value": "no", "note": SCRIPT, "source": "<i>HR</i>"}],
    )
    body = api.get(f"/api/comparisons/{comparison_id}/").json()
    assert body["title"] == SCRIPT
    assert body["notes"] == f"<b>bold</b> {SCRIPT}"
    assert body["options"][0]["organisation"] == SCRIPT
    assert body["options"][0]["team"] == "<img src=x onerror=alert(1)>"
    assert body["options"][0]["answers"][0]["note"] == SCRIPT
    assert body["options"][0]["answers"][0]["source"] == "<i>HR</i>"
    result = api.get(f"/api/comparisons/{comparison_id}/result/")
    assert result["Content-Type"] == "application/json"
    assert result.json()["options"][0]["label"].startswith(SCRIPT)
    # Stored as typed, too: nothing was escaped or stripped on the way in.
    assert Comparison.objects.get(pk=comparison_id).title == SCRIPT
