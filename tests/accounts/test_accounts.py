import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.http import HttpResponse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from careers.accounts.middleware import UserTimezoneMiddleware
from careers.accounts.models import Profile
from tests.factories import PASSWORD


def test_it_signs_up_with_a_time_zone(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "alice",
            "email": "alice@example.com",
            "timezone": "Pacific/Auckland",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    user = get_user_model().objects.get(username="alice")
    assert user.profile.timezone == "Pacific/Auckland"
    assert client.get("/dashboard/").status_code == 200


def test_it_keeps_what_was_typed_when_sign_up_fails(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "alice",
            "email": "not-an-email",
            "timezone": "Mars/Olympus",
            "password1": PASSWORD,
            "password2": "different",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="alice"' in html
    assert 'value="not-an-email"' in html
    errors = response.context["form"].errors
    assert {"email", "timezone", "password2"} <= set(errors)
    assert not get_user_model().objects.exists()


def test_it_refuses_a_second_account_for_one_email(client, alice):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "alice2",
            "email": alice.email.upper(),
            "timezone": "UTC",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert "email" in response.context["form"].errors


def test_it_logs_in_and_out(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200
    assert client.post("/accounts/logout/").status_code in (200, 302)
    assert client.get("/dashboard/").status_code == 302


def test_it_requires_a_login_for_the_dashboard(client, db):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_changes_the_password(client, alice):
    client.force_login(alice)
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-brand-new-passphrase",
            "new_password2": "a-brand-new-passphrase",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("a-brand-new-passphrase")


def test_it_resets_a_forgotten_password_by_email(client, alice, settings):
    # Even where a proxy lets any Host through, the link is built from SITE_URL.
    settings.ALLOWED_HOSTS = ["*"]
    response = client.post(
        "/accounts/password_reset/", {"email": alice.email}, HTTP_HOST="evil.example"
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [alice.email]
    assert "evil.example" not in message.body
    assert "evil.example" not in message.subject
    link = re.search(r"http://127\.0\.0\.1:8000(/accounts/reset/\S+/)", message.body).group(1)
    set_password_url = client.get(link)["Location"]
    response = client.post(
        set_password_url,
        {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("a-brand-new-passphrase")


def test_it_sends_nothing_and_says_the_same_on_a_reset_for_an_unknown_email(client, db):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


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
        client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed" in response.content or b"too many failed" in response.content
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


def test_it_throttles_token_requests_by_the_real_client_address(db, monkeypatch):
    """A forged X-Forwarded-For does not buy more attempts (no proxies are configured)."""
    monkeypatch.setattr(
        "rest_framework.throttling.SimpleRateThrottle.THROTTLE_RATES",
        {"anon": "100/minute", "user": "100/minute", "login": "2/minute"},
    )
    api = APIClient()
    statuses = [
        api.post(
            "/api/auth/token/",
            {"username": "nobody", "password": "x"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        ).status_code
        for i in range(3)
    ]
    assert statuses == [400, 400, 429]
