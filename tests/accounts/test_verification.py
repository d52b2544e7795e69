"""A new account proves its address before anything else: it cannot log in, get an API
token or receive a nudge until its owner opened the link we emailed; accounts from before
verification existed, and the demo login, count as verified."""

import importlib
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from careers.accounts.api import UNVERIFIED
from careers.content.models import LearningTrack
from careers.plans import nudges
from careers.plans.models import NudgeDelivery
from tests.accounts.mailbox import confirmation_link, sent_to
from tests.factories import PASSWORD, LearningPlanFactory, UserFactory
from tests.plans.test_nudges import FIRST_SLOT, SLOT

NEW = "newcomer@example.com"


@pytest.fixture
def signed_up(client, db):
    """An account just signed up, its confirmation email unopened."""
    client.post(
        "/accounts/signup/",
        {"email": NEW, "timezone": "UTC", "password1": PASSWORD, "password2": PASSWORD},
    )
    return get_user_model().objects.get(email=NEW)


def test_it_does_not_log_in_an_account_before_its_address_is_confirmed(signed_up):
    browser = Client()
    for login in (NEW, signed_up.username):
        response = browser.post("/accounts/login/", {"login": login, "password": PASSWORD})
        assert response.status_code == 302
        assert response["Location"] == "/accounts/confirm-email/"
        assert "_auth_user_id" not in browser.session
        assert browser.get("/dashboard/").status_code == 302


def test_it_sends_a_new_link_to_an_unconfirmed_account_that_logs_in_later(signed_up):
    assert len(sent_to(NEW)) == 1
    # The sign-up's link was sent moments ago: a login right away sends no second one.
    Client().post("/accounts/login/", {"login": NEW, "password": PASSWORD})
    assert len(sent_to(NEW)) == 1

    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=4)):
        Client().post("/accounts/login/", {"login": NEW, "password": PASSWORD})

    assert len(sent_to(NEW)) == 2
    assert confirmation_link(NEW).startswith("/accounts/confirm-email/")


def test_it_gives_no_api_token_before_the_address_is_confirmed(signed_up):
    api = APIClient()

    wrong = api.post("/api/auth/token/", {"username": NEW, "password": "not-it"})
    right = api.post("/api/auth/token/", {"username": NEW, "password": PASSWORD})

    assert wrong.status_code == right.status_code == 400
    # A wrong password says nothing about the address; a right one says what to do.
    assert UNVERIFIED not in str(wrong.json())
    assert right.json() == {"non_field_errors": [UNVERIFIED]}

    Client().post(confirmation_link(NEW))
    assert api.post("/api/auth/token/", {"username": NEW, "password": PASSWORD}).status_code == 200


def test_it_verifies_and_logs_in_with_the_link_in_the_email(client, signed_up):
    link = confirmation_link(NEW)

    page = client.get(link)
    assert page.status_code == 200
    assert NEW in page.content.decode()
    assert not EmailAddress.objects.get(user=signed_up).verified  # a GET confirms nothing

    response = client.post(link, follow=True)

    assert response.redirect_chain[0] == ("/dashboard/", 302)
    assert response.status_code == 200
    assert int(client.session["_auth_user_id"]) == signed_up.pk
    assert EmailAddress.objects.get(user=signed_up, email=NEW).verified


def test_it_verifies_from_another_browser_and_asks_to_log_in_there(signed_up):
    other = Client()

    response = other.post(confirmation_link(NEW))

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in other.session
    assert EmailAddress.objects.get(user=signed_up).verified
    logged_in = other.post("/accounts/login/", {"login": NEW, "password": PASSWORD})
    assert logged_in["Location"] == "/dashboard/"


def test_it_says_so_when_a_confirmation_link_is_not_valid(client, db):
    response = client.get("/accounts/confirm-email/not-a-real-key/")

    assert response.status_code == 200
    assert "This confirmation link is not valid" in response.content.decode()
    assert "<form" not in response.content.decode().split("<main", 1)[1]


def test_it_fails_the_nudge_of_a_learner_who_has_not_verified_their_address(seeded, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    track = LearningTrack.objects.get()
    verified = LearningPlanFactory(owner=UserFactory(username="vera"), track=track, **SLOT)
    unverified = LearningPlanFactory(
        owner=UserFactory(username="ulla", verified_email=False), track=track, **SLOT
    )
    # An address confirmed once, then changed to one nobody confirmed yet.
    changed = LearningPlanFactory(owner=UserFactory(username="carl"), track=track, **SLOT)
    get_user_model().objects.filter(pk=changed.owner_id).update(email="carl@elsewhere.example")

    [chunk] = nudges.nudges_dispatch(now=FIRST_SLOT).chunks
    outcomes, _ = nudges.nudges_deliver(delivery_ids=chunk)

    assert outcomes == {"sent": 1, "failed": 2}
    assert [message.to for message in mail.outbox] == [["vera@example.com"]]
    for plan in (unverified, changed):
        delivery = NudgeDelivery.objects.get(plan=plan)
        assert delivery.status == NudgeDelivery.Status.FAILED
        assert delivery.last_error == "The learner has not verified their email address."
    assert NudgeDelivery.objects.get(plan=verified).status == NudgeDelivery.Status.SENT


def test_it_verifies_the_addresses_of_accounts_made_before_verification(db):
    User = get_user_model()
    old = User.objects.create_user("old", email="Old@Example.com", password=PASSWORD)
    twin = User.objects.create_user("twin", email="old@example.com", password=PASSWORD)
    no_address = User.objects.create_user("root", password=PASSWORD)
    newcomer = UserFactory(username="newcomer", verified_email=False)
    EmailAddress.objects.create(user=newcomer, email=newcomer.email, primary=True)
    migration = importlib.import_module(
        "careers.accounts.migrations.0002_verify_existing_addresses"
    )

    migration.verify_existing_addresses(apps, None)

    assert EmailAddress.objects.get(user=old).email == "old@example.com"
    assert EmailAddress.objects.get(user=old).verified
    assert EmailAddress.objects.get(user=old).primary
    # One address is verified for one account at most: the older keeps it.
    assert not EmailAddress.objects.get(user=twin).verified
    assert not EmailAddress.objects.filter(user=no_address).exists()
    # An account that signed up with verification still has to confirm its address.
    assert not EmailAddress.objects.get(user=newcomer).verified
    assert Client().post("/accounts/login/", {"login": "old", "password": PASSWORD}).url == (
        "/dashboard/"
    )


def test_it_creates_the_demo_login_verified(db, settings):
    settings.DEBUG = True
    call_command("create_demo_user", stdout=StringIO())

    address = EmailAddress.objects.get(user__username=settings.DEMO_USERNAME)
    assert (address.email, address.verified, address.primary) == ("demo@example.com", True, True)
    response = Client().post(
        "/accounts/login/", {"login": "demo", "password": settings.DEMO_PASSWORD}
    )
    assert response["Location"] == "/dashboard/"
    token = APIClient().post(
        "/api/auth/token/", {"username": "demo", "password": settings.DEMO_PASSWORD}
    )
    assert token.status_code == 200
    # Run again (`make run` resets the login), it stays one verified address.
    call_command("create_demo_user", stdout=StringIO())
    assert EmailAddress.objects.filter(user__username="demo").count() == 1
    assert mail.outbox == []
