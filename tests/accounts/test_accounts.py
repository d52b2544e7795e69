from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.http import HttpResponse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from careers.accounts.middleware import UserTimezoneMiddleware
from careers.accounts.models import Profile
from tests.accounts.mailbox import confirmation_link, reset_link, sent_to
from tests.factories import PASSWORD


def sign_up(client, email: str = "alice@example.com", **fields):
    return client.post(
        "/accounts/signup/",
        {
            "email": email,
            "timezone": "Pacific/Auckland",
            "password1": PASSWORD,
            "password2": PASSWORD,
            **fields,
        },
    )


def test_it_signs_up_with_a_time_zone_and_confirms_the_address_by_email(client, db):
    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = get_user_model().objects.get(email="alice@example.com")
    assert user.username == "alice"  # made from the address: nobody chose it
    assert user.profile.timezone == "Pacific/Auckland"
    assert not EmailAddress.objects.get(user=user).verified
    page = client.get(response["Location"])
    assert "Check your email" in page.content.decode()
    assert client.get("/dashboard/").status_code == 302

    [message] = sent_to("alice@example.com")
    assert message.subject == "Confirm your email address on Career Advisor"
    link = confirmation_link("alice@example.com")
    assert b"Confirm" in client.get(link).content
    confirmed = client.post(link)

    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200
    assert EmailAddress.objects.get(user=user).verified


def test_it_keeps_what_was_typed_when_sign_up_fails(client, db):
    response = sign_up(client, email="not-an-email", timezone="Mars/Olympus", password2="different")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="not-an-email"' in html
    assert "Your account was not created." in html
    errors = response.context["form"].errors
    assert {"email", "timezone", "password2"} <= set(errors)
    assert not get_user_model().objects.exists()
    assert mail.outbox == []


def test_it_asks_for_no_username_on_sign_up(client, db):
    form = client.get("/accounts/signup/").context["form"]

    assert list(form.fields) == ["email", "timezone", "password1", "password2"]


def test_it_logs_in_by_username_or_by_email_and_out(client, alice):
    for login in ("alice", "alice@example.com", "Alice@Example.com"):
        response = client.post("/accounts/login/", {"login": login, "password": PASSWORD})
        assert response.status_code == 302, login
        assert response["Location"] == "/dashboard/"
        assert client.get("/dashboard/").status_code == 200
        assert client.post("/accounts/logout/").status_code == 302
        assert client.get("/dashboard/").status_code == 302


def test_it_says_nothing_about_which_half_of_a_login_was_wrong(client, alice):
    wrong_password = client.post("/accounts/login/", {"login": "alice", "password": "nope"})
    nobody = client.post("/accounts/login/", {"login": "nobody", "password": "nope"})

    assert wrong_password.status_code == nobody.status_code == 200
    assert wrong_password.context["form"].errors == nobody.context["form"].errors


def test_it_requires_a_login_for_the_dashboard(client, db):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_changes_the_password(client, alice):
    client.force_login(alice)
    assert client.get("/accounts/password/change/").status_code == 200
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "a-brand-new-passphrase",
            "password2": "a-brand-new-passphrase",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("a-brand-new-passphrase")


def test_it_resets_a_forgotten_password_by_email(client, alice, settings):
    # Even where a proxy lets any Host through, the link is built from SITE_URL.
    settings.ALLOWED_HOSTS = ["*"]
    response = client.post(
        "/accounts/password/reset/", {"email": alice.email}, HTTP_HOST="evil.example"
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    [message] = sent_to(alice.email)
    assert message.subject == "Reset your password on Career Advisor"
    assert "evil.example" not in message.body
    assert "evil.example" not in message.subject

    # The link moves its key into the session, then opens the form without it in the URL.
    set_password_url = client.get(reset_link(alice.email))["Location"]
    assert set_password_url.endswith("-set-password/")
    response = client.post(
        set_password_url,
        {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/key/done/"
    alice.refresh_from_db()
    assert alice.check_password("a-brand-new-passphrase")


def test_it_sends_an_email_changes_address_only_once_the_new_one_is_confirmed(client, alice):
    client.force_login(alice)
    assert client.get("/accounts/email/").status_code == 200

    response = client.post(
        "/accounts/email/", {"email": "alice@new.example", "action_add": ""}, follow=True
    )

    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"  # still the confirmed one
    client.post(confirmation_link("alice@new.example"))
    alice.refresh_from_db()
    assert alice.email == "alice@new.example"
    assert EmailAddress.objects.get(user=alice).email == "alice@new.example"


def test_it_saves_the_time_zone_on_the_profile_page(client, alice):
    client.force_login(alice)
    response = client.post("/accounts/profile/", {"timezone": "America/New_York"})
    assert response.status_code == 302
    assert Profile.objects.get(user=alice).timezone == "America/New_York"
    bad = client.post("/accounts/profile/", {"timezone": "Nowhere/Special"})
    assert "timezone" in bad.context["form"].errors
    assert Profile.objects.get(user=alice).timezone == "America/New_York"


def test_it_gives_a_user_without_a_profile_one_on_the_profile_page(client, db):
    user = get_user_model().objects.create_user("root", password=PASSWORD)
    client.force_login(user)
    assert client.get("/accounts/profile/").status_code == 200
    assert Profile.objects.get(user=user).timezone == "UTC"


def test_it_runs_requests_in_the_users_time_zone(alice, rf):
    alice.profile.timezone = "Asia/Tokyo"
    alice.profile.save()
    seen = {}

    def view(request):
        seen["tz"] = timezone.get_current_timezone_name()
        return HttpResponse()

    request = rf.get("/")
    request.user = alice
    UserTimezoneMiddleware(view)(request)
    assert seen["tz"] == "Asia/Tokyo"

    request.user = AnonymousUser()
    UserTimezoneMiddleware(view)(request)
    assert seen["tz"] == "UTC"


def test_it_issues_an_api_token_for_a_username_and_password(alice):
    api = APIClient()
    response = api.post("/api/auth/token/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=alice).key == token
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/paths/").status_code == 200


def test_it_issues_no_token_for_a_wrong_password(alice):
    response = APIClient().post("/api/auth/token/", {"username": "alice", "password": "nope"})
    assert response.status_code == 400
    assert not Token.objects.exists()


def test_it_locks_out_repeated_failed_logins(client, alice, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post("/accounts/login/", {"login": "alice", "password": "wrong"})
    response = client.post("/accounts/login/", {"login": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed" in response.content
    assert client.get("/dashboard/").status_code == 302


def test_it_locks_out_the_token_endpoint_too(alice, settings):
    settings.AXES_FAILURE_LIMIT = 2
    api = APIClient()
    for _ in range(2):
        api.post("/api/auth/token/", {"username": "alice", "password": "wrong"})
    response = api.post("/api/auth/token/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed logins" in response.json()["detail"]
    assert not Token.objects.exists()


def test_it_refuses_an_address_longer_than_its_column_on_sign_up_and_on_change(client, alice):
    # Valid to Django's email check (up to 320 characters), too long for the column (254).
    address = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".example"
    assert 254 < len(address) <= 320

    response = sign_up(client, email=address)

    assert response.status_code == 200
    assert "at most 254 characters" in str(response.context["form"].errors["email"])
    assert get_user_model().objects.count() == 1
    client.force_login(alice)
    changed = client.post("/accounts/email/", {"email": address, "action_add": ""})
    assert changed.status_code == 200
    assert "email" in changed.context["form"].errors
    assert not EmailAddress.objects.filter(email=address).exists()
