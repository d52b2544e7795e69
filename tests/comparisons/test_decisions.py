"""The decision record: what is frozen with it, the API at /api/comparisons/{id}/decision/,
the pages, the exports, and that it is the owner's alone."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from careers.comparisons import decisions
from careers.comparisons.decision_models import Decision, DecisionCheckin
from careers.comparisons.models import Comparison
from careers.comparisons.services import answers_upsert, option_create, option_update
from careers.content.models import CareerPath
from tests.drf import error_messages
from tests.factories import AnswerFactory, ComparisonFactory, OptionFactory

Status = DecisionCheckin.Status


@pytest.fixture
def api(alice):
    client = APIClient()
    client.force_authenticate(alice)
    return client


@pytest.fixture
def comparison(seeded, alice):
    comparison = ComparisonFactory(owner=alice, title="Spring offers")
    team = OptionFactory(comparison=comparison, organisation="Alpha Labs", team="Vision")
    AnswerFactory(option=team, criterion_key="manager_met", value="no")
    AnswerFactory(option=team, criterion_key="manager_quality", value="2")
    startup = OptionFactory(comparison=comparison, path_slug="startup", organisation="Beta")
    AnswerFactory(option=startup, criterion_key="startup_founders_met", value="yes")
    return comparison


def url(comparison: Comparison) -> str:
    return f"/api/comparisons/{comparison.pk}/decision/"


def team_of(comparison: Comparison):
    return comparison.options.get(organisation="Alpha Labs")


def body(comparison: Comparison, **overrides) -> dict:
    team = comparison.options.filter(organisation="Alpha Labs").first()
    return {
        "chosen_option": team.pk if team else None,
        "decided_on": str(timezone.localdate()),
        "start_date": str(timezone.localdate() + timedelta(days=30)),
        "confidence": 70,
        "expectations": "A patient manager and weekly paper readings",
        "change_my_mind": "Hearing the team is being reorganised",
        "premortem": "The manager leaves within months",
        "backup_plan": "Ask Beta again",
        "accepted_unknowns": [],
        **overrides,
    }


# The record and what it freezes ---------------------------------------------------------------


def test_it_records_a_decision_with_the_result_frozen_as_it_stood(api, comparison):
    response = api.put(url(comparison), body(comparison), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["chosen_label"] == "Alpha Labs (Vision)"
    assert data["confidence"] == 70
    assert data["editable"] is True
    chosen = data["basis"]["chosen"]
    assert chosen["id"] == team_of(comparison).pk
    assert "manager_not_met" in chosen["red_flags"]
    # "no" to a yes/no question and a 2 of 5 count against the option.
    assert {"manager_met", "manager_quality"} <= set(chosen["unfavourable"])
    assert data["basis"]["result"]["options"][0]["score"] is not None
    assert set(data["basis"]["result"]["content_versions"]) == {"criteria", "red_flags"}
    assert [c["months"] for c in data["checkins"]] == [1, 3, 6, 12]


def test_it_keeps_the_frozen_result_when_the_comparison_changes_later(api, comparison):
    first = body(comparison)
    api.put(url(comparison), first, format="json")
    frozen = Decision.objects.get(comparison=comparison).basis
    team = team_of(comparison)
    answers_upsert(option=team, answers=[{"criterion": "manager_met", "value": "yes"}])
    option_update(option=team, organisation="Renamed Labs")
    # Editing the record, too, leaves what it rests on alone.
    response = api.put(url(comparison), {**first, "confidence": 40}, format="json")
    assert response.status_code == 200
    decision = Decision.objects.get(comparison=comparison)
    assert decision.basis["result"] == frozen["result"]
    assert decision.basis["chosen"]["label"] == "Alpha Labs (Vision)"
    assert "manager_not_met" in decision.basis["chosen"]["red_flags"]
    assert decision.confidence == 40
    page = api.get(reverse("comparisons:decision_detail", args=[comparison.pk]))
    assert page.status_code == 302  # the web page needs a session login, not the API's


def test_it_freezes_the_result_again_for_an_option_added_after_deciding(api, comparison):
    api.put(url(comparison), body(comparison), format="json")
    path = CareerPath.objects.get(slug="research-lab")
    late = option_create(comparison=comparison, path=path, organisation="Gamma")
    response = api.put(url(comparison), body(comparison, chosen_option=late.pk), format="json")
    assert response.status_code == 200, response.json()
    basis = Decision.objects.get(comparison=comparison).basis
    assert basis["chosen"]["label"] == "Gamma"
    assert late.pk in [option["id"] for option in basis["options"]]


def test_it_records_none_of_them_without_a_start_date_or_check_ins(api, comparison):
    response = api.put(
        url(comparison),
        body(comparison, chosen_option=None, start_date="2031-01-01"),
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["chosen_option"], data["chosen_label"], data["start_date"]) == (None, "", None)
    assert data["basis"]["chosen"] is None
    assert all(c["status"] != Status.SCHEDULED for c in data["checkins"])


def test_it_accepts_only_unknowns_of_the_chosen_option(api, comparison):
    team = team_of(comparison)
    basis = decisions.decision_start(comparison=comparison).basis
    unknowns = next(o for o in basis["options"] if o["id"] == team.pk)["unknowns"]
    assert "manager_known" in unknowns
    ok = api.put(
        url(comparison), body(comparison, accepted_unknowns=["manager_known"]), format="json"
    )
    assert ok.status_code == 201, ok.json()
    assert ok.json()["accepted_unknowns"] == ["manager_known"]
    # Answered on the chosen option: not an unknown to accept.
    wrong = api.put(
        url(comparison), body(comparison, accepted_unknowns=["manager_met"]), format="json"
    )
    assert wrong.status_code == 400
    assert "accepted_unknowns" in wrong.json()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"confidence": 101}, "confidence"),
        ({"confidence": -1}, "confidence"),
        ({"chosen_option": 999_999_999}, "chosen_option"),
        ({"decided_on": "2031-13-01"}, "decided_on"),
        ({"decided_on": str(timezone.localdate() + timedelta(days=40))}, "decided_on"),
        ({"start_date": None}, "start_date"),
        ({"start_date": "1990-01-01"}, "start_date"),
        ({"expectations": "x" * 4001}, "expectations"),
        ({"accepted_unknowns": "manager_known"}, "accepted_unknowns"),
        ({"accepted_unknowns": ["../../etc"]}, "accepted_unknowns"),
        ({"decided_on": "0001-01-01", "start_date": "0001-06-01"}, "decided_on"),
        ({"decided_on": "9999-12-31", "start_date": "9999-12-31"}, "decided_on"),
        ({"start_date": "9999-12-31"}, "start_date"),
        ({"start_date": "0001-01-01"}, "start_date"),
    ],
)
def test_it_refuses_a_bad_field_with_a_message_beside_it(api, comparison, overrides, field):
    response = api.put(url(comparison), body(comparison, **overrides), format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert error_messages(response.json())
    assert not Decision.objects.filter(comparison=comparison).exists()


def test_it_refuses_a_decision_before_there_are_options_to_rank(api, alice, seeded):
    empty = ComparisonFactory(owner=alice)
    only = OptionFactory(comparison=empty)
    response = api.put(url(empty), body(empty, chosen_option=only.pk), format="json")
    assert response.status_code == 400
    assert "options" in " ".join(error_messages(response.json()))


def test_it_locks_the_record_once_the_first_check_in_went_out(api, comparison):
    api.put(url(comparison), body(comparison), format="json")
    decision = Decision.objects.get(comparison=comparison)
    DecisionCheckin.objects.update_or_create(
        decision=decision, months=1, defaults={"due_at": timezone.now(), "status": Status.SENT}
    )
    response = api.put(url(comparison), body(comparison, confidence=10), format="json")
    assert response.status_code == 409
    assert api.delete(url(comparison)).status_code == 409
    decision.refresh_from_db()
    assert decision.confidence == 70
    assert api.get(url(comparison)).json()["editable"] is False


def test_it_takes_back_a_decision_while_it_is_editable(api, comparison):
    api.put(url(comparison), body(comparison), format="json")
    assert api.delete(url(comparison)).status_code == 204
    assert api.get(url(comparison)).status_code == 404
    assert not DecisionCheckin.objects.exists()


# Isolation --------------------------------------------------------------------------------------


def test_it_answers_404_for_another_users_decision(comparison, charlie, api):
    api.put(url(comparison), body(comparison), format="json")
    other = APIClient()
    other.force_authenticate(charlie)
    assert other.get(url(comparison)).status_code == 404
    assert other.put(url(comparison), body(comparison), format="json").status_code == 404
    assert other.delete(url(comparison)).status_code == 404
    assert Decision.objects.get(comparison=comparison).confidence == 70
    anonymous = APIClient()
    assert anonymous.get(url(comparison)).status_code in (401, 403)


def test_it_shows_another_users_decision_pages_as_not_found(client, comparison, charlie, api):
    api.put(url(comparison), body(comparison), format="json")
    client.force_login(charlie)
    for name in ("decision_detail", "decision_edit"):
        assert client.get(reverse(f"comparisons:{name}", args=[comparison.pk])).status_code == 404
    delete = client.post(reverse("comparisons:decision_delete", args=[comparison.pk]))
    assert delete.status_code == 404
    assert Decision.objects.filter(comparison=comparison).exists()


# Pages and exports ------------------------------------------------------------------------------


def form_data(response) -> dict:
    """What the browser would submit for the form as rendered: its initial values."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list):
            data[name] = value
        elif isinstance(value, date):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    return data


def test_it_records_a_decision_on_the_web_and_saves_it_unchanged(client, alice, comparison):
    client.force_login(alice)
    edit = reverse("comparisons:decision_edit", args=[comparison.pk])
    new = client.get(edit)
    assert new.status_code == 200
    start = timezone.localdate() + timedelta(days=60)
    data = {**form_data(new), "confidence": "65", "start_date": start.isoformat()}
    data["expectations"] = "Pairing with the manager every week"
    saved = client.post(edit, data)
    assert saved.status_code == 302, saved.context["form"].errors
    decision = Decision.objects.get(comparison=comparison)
    assert (decision.confidence, decision.start_date) == (65, start)
    page = client.get(reverse("comparisons:decision_detail", args=[comparison.pk]))
    assert "Pairing with the manager every week" in page.content.decode()
    before = Decision.objects.values().get(comparison=comparison)
    again = client.post(edit, form_data(client.get(edit)))
    assert again.status_code == 302
    after = Decision.objects.values().get(comparison=comparison)
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }


def test_it_shows_the_form_errors_on_the_web(client, alice, comparison):
    client.force_login(alice)
    edit = reverse("comparisons:decision_edit", args=[comparison.pk])
    response = client.post(edit, {**form_data(client.get(edit)), "confidence": "250"})
    assert response.status_code == 200
    assert "confidence" in response.context["form"].errors
    assert not Decision.objects.exists()


def test_it_puts_the_decision_in_the_exports(client, alice, comparison, api):
    api.put(url(comparison), body(comparison), format="json")
    client.force_login(alice)
    exported = client.get(reverse("comparisons:comparison_export_json", args=[comparison.pk]))
    assert exported.json()["decision"]["chosen_label"] == "Alpha Labs (Vision)"
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    reverse("comparisons:comparison_export_csv", args=[comparison.pk])
                ).content.decode()
            )
        )
    )
    chosen = {row["option"] for row in rows if row["decision"] == "chosen"}
    assert chosen == {"Alpha Labs (Vision)"}
    assert {row["decision"] for row in rows} == {"chosen", "not chosen"}


def test_it_replaces_the_record_whole_on_put(api, comparison):
    api.put(url(comparison), {**body(comparison), "checkin_hour": 18}, format="json")
    bare = {
        "chosen_option": team_of(comparison).pk,
        "decided_on": str(timezone.localdate()),
        "start_date": str(timezone.localdate() + timedelta(days=30)),
        "confidence": 50,
    }
    response = api.put(url(comparison), bare, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["expectations"], data["premortem"], data["backup_plan"]) == ("", "", "")
    assert (data["change_my_mind"], data["checkin_hour"], data["confidence"]) == ("", 9, 50)


def test_it_shows_a_date_out_of_range_on_the_web_form_not_a_server_error(client, alice, comparison):
    client.force_login(alice)
    edit = reverse("comparisons:decision_edit", args=[comparison.pk])
    data = {**form_data(client.get(edit)), "confidence": "50"}
    response = client.post(edit, {**data, "decided_on": "0001-01-01", "start_date": "0001-02-01"})
    assert response.status_code == 200
    assert "decided_on" in response.context["form"].errors
    assert not Decision.objects.exists()


def test_it_freezes_the_answers_the_score_read_with_the_raters_who_count(api, comparison):
    from careers.comparisons.raters import rater_answers_save, rater_count_set, rater_invite

    team = team_of(comparison)
    rater = rater_invite(comparison=comparison, name="Sam")
    rater_answers_save(
        rater=rater, answers=[{"option": team.pk, "criterion": "manager_known", "value": "no"}]
    )
    rater_count_set(rater=rater, counts_in_score=True)
    response = api.put(url(comparison), body(comparison), format="json")
    assert response.status_code == 201, response.json()
    basis = response.json()["basis"]
    # Unknown to the owner, answered "no" by a rater who counts: the score read "no".
    assert basis["chosen"]["answers"]["manager_known"] == "no"
    assert "manager_known" in basis["chosen"]["unfavourable"]
    assert basis["counted_raters"] == [{"id": rater.pk, "name": "Sam"}]
