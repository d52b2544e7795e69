"""A user downloads everything of theirs in one JSON file and deletes their account with all
of it: alice's file holds her rows of every app and nothing of charlie's, her deletion
removes every row of hers and none of his, the delete page says what goes, and a wrong
password deletes nothing. Every model linked to users is either exported or excluded with a
reason, so a new one cannot slip out of the file unnoticed."""

import json
from datetime import date, timedelta

import factory
import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from careers.accounts.models import Profile
from careers.comparisons.decision_models import (
    Decision,
    DecisionCheckin,
    Rater,
    RaterAnswer,
    UserCheckinSettings,
)
from careers.comparisons.models import Answer, Comparison, Option, WeightOverride
from careers.comparisons.sharing import share_enable
from careers.content.models import AdviceFeedback, ContentRevision
from careers.core.account_data import (
    account_data_excluded_models,
    account_data_exported_models,
)
from careers.plans.models import LearningPlan, NudgeDelivery, PaperNote, PlanBreak, WeeklyCheckin
from tests.factories import (
    PASSWORD,
    AdviceItemFactory,
    AnswerFactory,
    ComparisonFactory,
    CriterionFactory,
    LearningPlanFactory,
    LearningTrackFactory,
    OptionFactory,
    WeeklyCheckinFactory,
)

EXPORT = "/accounts/export/"
DELETE = "/accounts/delete/"


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    comparison = factory.SubFactory(ComparisonFactory)
    decided_on = date(2026, 3, 2)
    start_date = date(2026, 4, 1)
    confidence = 70


class DecisionCheckinFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DecisionCheckin

    decision = factory.SubFactory(DecisionFactory)
    months = 3
    due_at = factory.LazyFunction(timezone.now)


class RaterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rater

    comparison = factory.SubFactory(ComparisonFactory)
    name = "Sam, my mentor"


def make_everything(user, mark: str) -> dict:
    """One row of every kind a user owns, each text holding ``mark``."""
    comparison = ComparisonFactory(owner=user, title=f"Offers of {mark}", notes=f"notes {mark}")
    option = OptionFactory(comparison=comparison, organisation=f"Org {mark}")
    other = OptionFactory(comparison=comparison, organisation=f"Other {mark}")
    answer = AnswerFactory(option=option, criterion_key="manager_known", note=f"answer {mark}")
    WeightOverride.objects.create(comparison=comparison, criterion=answer.criterion, weight=40)
    share_enable(comparison=comparison)
    decision = DecisionFactory(
        comparison=comparison,
        chosen_option=option.pk,
        chosen_label=option.label,
        premortem=f"premortem {mark}",
        basis={"chosen": {"id": option.pk, "label": option.label, "red_flags": []}},
    )
    DecisionCheckinFactory(decision=decision, people=4, same_again="yes", note=f"check-in {mark}")
    rater = RaterFactory(comparison=comparison, name=f"Rater {mark}")
    people = CriterionFactory(key="peers_kind", answer_type="scale")
    RaterAnswer.objects.create(rater=rater, option=other, criterion=people, value="2")
    UserCheckinSettings.objects.update_or_create(user=user, defaults={"emails_enabled": False})
    plan = LearningPlanFactory(owner=user, track=LearningTrackFactory(slug="track-deep"))
    checkin = WeeklyCheckinFactory(
        plan=plan, papers=[{"title": f"Paper {mark}", "takeaway": f"takeaway {mark}"}]
    )
    NudgeDelivery.objects.create(
        plan=plan, week_start=checkin.week_start, scheduled_for=timezone.now(), status="sent"
    )
    PlanBreak.objects.create(
        plan=plan,
        start=checkin.week_start + timedelta(weeks=2),
        end=checkin.week_start + timedelta(weeks=3, days=6),
        reason=f"break {mark}",
    )
    advice = AdviceItemFactory(slug=f"advice-{mark.lower()}")
    AdviceFeedback.objects.create(advice_item=advice, user=user, helpful=True)
    token, _ = Token.objects.get_or_create(user=user)
    return {"comparison": comparison, "rater": rater, "token": token}


# Where each exported model's rows name their owner: the deletion checks each one.
OWNER = {
    get_user_model(): "pk",
    Profile: "user",
    EmailAddress: "user",
    Token: "user",
    Comparison: "owner",
    Option: "comparison__owner",
    Answer: "option__comparison__owner",
    WeightOverride: "comparison__owner",
    Decision: "comparison__owner",
    DecisionCheckin: "decision__comparison__owner",
    Rater: "comparison__owner",
    RaterAnswer: "rater__comparison__owner",
    UserCheckinSettings: "user",
    LearningPlan: "owner",
    WeeklyCheckin: "plan__owner",
    PaperNote: "checkin__plan__owner",
    NudgeDelivery: "plan__owner",
    PlanBreak: "plan__owner",
    AdviceFeedback: "user",
}


def rows_of(user) -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.filter(**{lookup: user.pk}).count()
        for model, lookup in OWNER.items()
    }


def links_to_users() -> dict[type[models.Model], bool]:
    """Every model with a foreign key (or one-to-one, or many-to-many) to the user model,
    directly or through rows that are deleted with it, and whether its rows are deleted
    with the user (a cascade all the way)."""
    user_model = get_user_model()
    owned: dict[type[models.Model], bool] = {user_model: True}
    frontier = [user_model]
    while frontier:
        target = frontier.pop()
        for model in apps.get_models():
            for field in model._meta.get_fields():
                if not (field.is_relation and field.concrete and field.related_model is target):
                    continue
                if model is user_model or model in owned:
                    continue
                cascades = field.many_to_many or field.remote_field.on_delete is models.CASCADE
                owned[model] = cascades and owned[target]
                if owned[model]:
                    frontier.append(model)
    del owned[user_model]
    return owned


def test_it_exports_or_excludes_with_a_reason_every_model_linked_to_users(db):
    exported = account_data_exported_models()
    excluded = account_data_excluded_models()

    assert get_user_model() in exported
    missing = sorted(
        model._meta.label for model in links_to_users() if model not in exported | set(excluded)
    )
    assert missing == [], "export these rows or exclude them with a reason"
    assert set(OWNER) == exported  # every exported model has its deletion checked below
    assert not exported & set(excluded)
    assert all(len(reason) > 20 for reason in excluded.values())
    # The editorial record and the allauth internals are found by the walk, and excluded.
    assert {ContentRevision, Token} <= set(links_to_users())


def test_it_lets_no_protected_link_block_the_deletion_of_a_users_rows(db):
    owned = [model for model, cascades in links_to_users().items() if cascades]
    blocking = [
        f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation
        and field.related_model in owned
        and field.remote_field.on_delete in (models.PROTECT, models.RESTRICT)
    ]
    assert blocking == []
    assert Option in owned
    assert NudgeDelivery in owned


@pytest.fixture
def both(alice, charlie):
    made = make_everything(alice, "Alice")
    theirs = make_everything(charlie, "CHARLIE-ONLY")
    return made, theirs


def test_it_downloads_everything_of_alices_and_nothing_of_charlies(client, alice, both):
    made, _theirs = both
    client.force_login(alice)

    response = client.post(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="advisor-export-{today:%Y-%m-%d}.json"'
    )
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    data = json.loads(text)
    assert data["format_version"] == 1
    assert data["exported_at"]
    assert set(data) == {
        "format_version",
        "exported_at",
        "account",
        "content",
        "comparisons",
        "plans",
    }

    account = data["account"]
    assert account["username"] == "alice"
    assert account["email"] == "alice@example.com"
    assert account["time_zone"] == "Europe/London"
    assert account["email_addresses"] == [
        {"email": "alice@example.com", "verified": True, "primary": True}
    ]
    assert account["api_token"]["created"]

    [comparison] = data["comparisons"]["comparisons"]
    assert comparison["title"] == "Offers of Alice"
    assert comparison["share_link"] == {"active": True, "includes_private": False}
    assert [o["organisation"] for o in comparison["options"]] == ["Org Alice", "Other Alice"]
    [answer] = comparison["options"][0]["answers"]
    assert answer == {
        **answer,
        "criterion": "manager_known",
        "value": "yes",
        "note": "answer Alice",
    }
    assert comparison["options"][0]["path"] == "industry-team"
    assert comparison["options"][0]["base_salary"] == "150000.00"
    assert comparison["weights"] == [{"criterion": "manager_known", "weight": 40}]
    decision = comparison["decision"]
    assert decision["premortem"] == "premortem Alice"
    assert decision["basis"]["chosen"]["label"] == "Org Alice"
    [checkin] = decision["checkins"]
    assert checkin["same_again"] == "yes"
    assert checkin["people"] == 4
    assert checkin["note"] == "check-in Alice"
    [rater] = comparison["raters"]
    assert rater["name"] == "Rater Alice"
    assert rater["link_active"] is True
    assert rater["answers"] == [{**rater["answers"][0], "criterion": "peers_kind", "value": "2"}]
    assert data["comparisons"]["checkin_emails"]["enabled"] is False

    [plan] = data["plans"]["plans"]
    assert plan["track"] == "track-deep"
    [week] = plan["checkins"]
    assert week["papers"] == [{"title": "Paper Alice", "takeaway": "takeaway Alice"}]
    assert [n["status"] for n in plan["nudge_emails"]] == ["sent"]
    [pause] = plan["breaks"]
    assert pause["reason"] == "break Alice"
    assert data["content"]["advice_feedback"] == [
        {**data["content"]["advice_feedback"][0], "advice": "advice-alice", "helpful": True}
    ]

    assert "CHARLIE-ONLY" not in text
    assert "charlie" not in text
    # No secret travels in the file: the password's hash and every token.
    alice.refresh_from_db()
    for secret in (
        alice.password,
        alice.profile.calendar_token,
        made["comparison"].share_token,
        made["rater"].token,
        made["token"].key,
    ):
        assert secret
        assert secret not in text


def test_it_explains_the_file_before_downloading_it(client, alice):
    client.force_login(alice)

    response = client.get(EXPORT)

    assert response.status_code == 200
    html = response.content.decode()
    for title in ("Your account", "Your comparisons and decisions", "Your learning plans"):
        assert title in html
    assert "Download my data" in html
    assert 'method="post"' in html
    profile = client.get("/accounts/profile/").content.decode()
    assert f'href="{EXPORT}"' in profile
    assert f'href="{DELETE}"' in profile


def test_it_exports_in_the_same_number_of_queries_however_much_there_is(client, alice):
    make_everything(alice, "one")
    client.force_login(alice)
    with CaptureQueriesContext(connection) as few:
        client.post(EXPORT)
    for n in range(3):
        make_everything(alice, f"more{n}")
    with CaptureQueriesContext(connection) as many:
        response = client.post(EXPORT)

    assert len(json.loads(response.content)["comparisons"]["comparisons"]) == 4
    assert len(many) == len(few)


def test_it_says_what_deleting_the_account_removes(client, alice, both):
    client.force_login(alice)
    OptionFactory(comparison=both[0]["comparison"])

    response = client.get(DELETE)

    assert response.status_code == 200
    html = response.content.decode()
    for line in (
        "<li>1 comparison</li>",
        "<li>3 options</li>",
        "<li>1 answer</li>",
        "<li>1 share link</li>",
        "<li>1 recorded decision</li>",
        "<li>1 check-in (sent or still to come)</li>",
        "<li>1 second-opinion link</li>",
        "<li>1 second-opinion rating</li>",
        "<li>1 learning plan</li>",
        "<li>1 weekly check-in</li>",
        "<li>1 paper note</li>",
        "<li>1 record of a weekly email</li>",
        "<li>1 email address</li>",
        "<li>1 API token</li>",
        '<li>1 answer to "was this helpful?"</li>',
    ):
        assert line.replace('"', "&quot;") in html, line
    assert "What stays" in html
    assert "stop working at once" in html
    assert 'type="password"' in html


def test_it_deletes_every_row_of_alices_and_none_of_charlies(client, alice, charlie, both):
    client.force_login(alice)
    before = rows_of(alice)
    charlies = rows_of(charlie)
    share_token = both[0]["comparison"].share_token
    assert all(before.values()), before

    response = client.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("content:home")
    assert rows_of(alice) == dict.fromkeys(before, 0)
    assert rows_of(charlie) == charlies
    assert not get_user_model().objects.filter(username="alice").exists()
    # Signed out, and told so on the home page.
    home = client.get(response["Location"])
    assert "Your account and everything in it are deleted." in home.content.decode()
    assert client.get("/dashboard/").status_code == 302
    shared = reverse("comparisons:comparison_shared", kwargs={"token": share_token})
    assert client.get(shared).status_code == 404
    login = client.post("/accounts/login/", {"login": "alice", "password": PASSWORD})
    assert login.status_code == 200
    assert client.get("/dashboard/").status_code == 302


def test_it_deletes_nothing_for_a_wrong_password(client, alice, both):
    client.force_login(alice)
    before = rows_of(alice)

    response = client.post(DELETE, {"password": "not-my-password"})

    assert response.status_code == 200
    assert "That is not your password." in response.content.decode()
    assert "Your account was not deleted." in response.content.decode()
    assert rows_of(alice) == before
    assert client.get("/dashboard/").status_code == 200
    empty = client.post(DELETE, {})
    assert empty.status_code == 200
    assert "This field is required." in empty.content.decode()
    assert rows_of(alice) == before


def test_it_counts_wrong_passwords_as_failed_logins(client, alice, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client.force_login(alice)
    for _ in range(3):
        client.post(DELETE, {"password": "wrong"})

    response = client.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 429
    assert get_user_model().objects.filter(pk=alice.pk).exists()


def test_it_asks_an_account_without_a_password_to_type_its_address(client, alice):
    alice.set_unusable_password()
    alice.save()
    client.force_login(alice)

    page = client.get(DELETE).content.decode()
    wrong = client.post(DELETE, {"confirmation": "bob@example.com"})
    right = client.post(DELETE, {"confirmation": " Alice@Example.com "})

    assert "Type alice@example.com to confirm" in page
    assert 'type="password"' not in page
    assert wrong.status_code == 200
    assert "Type alice@example.com exactly." in wrong.content.decode()
    assert right.status_code == 302
    assert not get_user_model().objects.filter(pk=alice.pk).exists()


@pytest.mark.parametrize("url", [EXPORT, DELETE])
def test_it_sends_anonymous_users_to_log_in(client, db, url):
    for response in (client.get(url), client.post(url, {"password": PASSWORD})):
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"


def test_it_leaves_an_editors_knowledge_base_work_without_their_name(client, editor):
    track = LearningTrackFactory(slug="kept")
    revision = ContentRevision.objects.create(
        item=track, data={}, base_version=1, created_by=editor, updated_by=editor
    )
    client.force_login(editor)

    assert "as an editor stays" in client.get(DELETE).content.decode()
    client.post(DELETE, {"password": PASSWORD})

    revision.refresh_from_db()
    assert revision.created_by is None
    assert not get_user_model().objects.filter(pk=editor.pk).exists()
