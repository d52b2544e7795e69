"""Rate limits on what costs an email or a guess: reset emails per address and per client,
sign-ups per client, and the API token endpoint, all counted in the shared cache so that
with Redis they hold across processes."""

import json
import subprocess
import sys

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.accounts.mailbox import sent_to
from tests.factories import PASSWORD, UserFactory
from tests.processes import REDIS_SERVER, ROOT, RedisServer, child_env, run_manage, settings_of


def limit(action: str, per: str) -> int:
    """How many requests the configured rate allows ``per`` client ("ip") or address
    ("key") before it refuses (the tightest of the action's rates)."""
    counts = [
        int(rate.split("/")[0])
        for rate in settings.ACCOUNT_RATE_LIMITS[action].split(",")
        if rate.endswith(f"/{per}")
    ]
    return min(counts)


def client_at(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def test_it_sends_no_more_reset_emails_to_one_address_past_its_limit(alice):
    allowed = limit("reset_password", "key")
    # From a different client each time: it is the address that is counted.
    statuses = [
        client_at(f"203.0.113.{n}")
        .post("/accounts/password/reset/", {"email": alice.email})
        .status_code
        for n in range(allowed + 1)
    ]

    assert statuses == [302] * allowed + [429]
    assert len(sent_to(alice.email)) == allowed
    # The refusal says what happened, in the site's own page.
    refused = client_at("203.0.113.99").post("/accounts/password/reset/", {"email": alice.email})
    assert "Too many requests" in refused.content.decode()
    assert len(sent_to(alice.email)) == allowed


def test_it_sends_no_more_reset_emails_for_one_client_past_its_limit(db):
    allowed = limit("reset_password", "ip")
    users = [UserFactory(username=f"user{n}") for n in range(allowed + 1)]
    client = client_at("198.51.100.7")

    statuses = [
        client.post("/accounts/password/reset/", {"email": user.email}).status_code
        for user in users
    ]

    assert statuses == [302] * allowed + [429]
    assert len(mail.outbox) == allowed
    assert sent_to(users[-1].email) == []
    # Another client still gets its reset.
    client_at("198.51.100.8").post("/accounts/password/reset/", {"email": users[-1].email})
    assert len(sent_to(users[-1].email)) == 1


def sign_up(client: Client, email: str):
    return client.post(
        "/accounts/signup/",
        {"email": email, "timezone": "UTC", "password1": PASSWORD, "password2": PASSWORD},
    )


def test_it_makes_no_more_accounts_for_one_client_past_the_sign_up_limit(db):
    allowed = limit("signup", "ip")
    client = client_at("192.0.2.10")

    statuses = [sign_up(client, f"new{n}@example.com").status_code for n in range(allowed + 1)]

    assert statuses == [302] * allowed + [429]
    assert get_user_model().objects.count() == allowed
    assert len(mail.outbox) == allowed
    assert sent_to(f"new{allowed}@example.com") == []
    assert sign_up(client_at("192.0.2.11"), "elsewhere@example.com").status_code == 302


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


def test_it_throttles_token_requests_of_a_signed_in_client_too(alice, monkeypatch):
    """A token for one account buys no extra guesses at another's password."""
    monkeypatch.setattr(
        "rest_framework.throttling.SimpleRateThrottle.THROTTLE_RATES",
        {"anon": "100/minute", "user": "100/minute", "login": "2/minute"},
    )
    UserFactory(username="bob")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=alice).key}")

    statuses = [
        api.post("/api/auth/token/", {"username": "bob", "password": "guess"}).status_code
        for _ in range(3)
    ]

    assert statuses == [400, 400, 429]
    # Counted in the cache the settings name (Redis when REDIS_URL is set), per client.
    assert len(cache.get("throttle_login_127.0.0.1")) == 2


def test_it_reads_the_rate_limits_from_the_environment(tmp_path):
    values = settings_of(
        "ACCOUNT_RATE_LIMITS['reset_password']",
        "ACCOUNT_RATE_LIMITS['signup']",
        RATE_LIMIT_RESET_PER_ADDRESS="2/h,5/d",
        RATE_LIMIT_RESET_PER_CLIENT="50/h",
        RATE_LIMIT_SIGNUP_PER_CLIENT="3/10m",
        VAR_DIR=str(tmp_path),
    )

    assert values["ACCOUNT_RATE_LIMITS['reset_password']"] == "50/h/ip,2/h/key,5/d/key"
    assert values["ACCOUNT_RATE_LIMITS['signup']"] == "3/10m/ip"


@pytest.fixture
def shared_redis():
    """A Redis of this test's own on a free port, for the processes to share."""
    if not REDIS_SERVER:
        pytest.skip("redis-server is not installed: no Redis to share between processes")
    server = RedisServer()
    server.start()
    yield server
    server.stop()


def ask_for_resets(address: str, times: int, *extra: str, **env: str) -> dict:
    """Password resets asked for by a Python process of its own."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.accounts.reset_requests", address, str(times), *extra],
        cwd=ROOT,
        env=child_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.integration
def test_it_holds_the_reset_limit_across_processes_sharing_redis(tmp_path, shared_redis):
    allowed = limit("reset_password", "key")
    # One database both processes use, as every web process of a deployment does.
    run_manage(["migrate", "--noinput", "-v0"], VAR_DIR=str(tmp_path))
    shared = {"REDIS_URL": shared_redis.url, "VAR_DIR": str(tmp_path)}
    first = ask_for_resets("sam@example.com", allowed, "--create", **shared)
    second = ask_for_resets("sam@example.com", 1, **shared)
    # Without the shared cache, a process counts alone and would send again.
    alone = ask_for_resets("sam@example.com", 1, VAR_DIR=str(tmp_path))

    assert first == {"statuses": [302] * allowed, "sent": allowed}
    assert second == {"statuses": [429], "sent": 0}
    assert alone == {"statuses": [302], "sent": 1}


def test_it_counts_a_reset_for_an_unknown_address_like_one_for_a_known_address(alice):
    """The limit cannot tell anyone which addresses have accounts either."""
    allowed = limit("reset_password", "key")
    known, unknown = [], []
    for n in range(allowed + 1):
        for email, seen in ((alice.email, known), ("nobody@example.com", unknown)):
            seen.append(
                client_at(f"203.0.113.{n}")
                .post("/accounts/password/reset/", {"email": email})
                .status_code
            )

    assert known == unknown == [302] * allowed + [429]
    assert EmailAddress.objects.filter(email="nobody@example.com").count() == 0
