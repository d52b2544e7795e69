"""The API stays up when Redis, its cache, is down: throttles read nothing and let the request
through (with a logged warning) instead of answering 500, while /healthz reports the broker
that lives on the same Redis as down. The Redis is a server of the test's own, stopped for real.
"""

import ast
import logging
import shutil
import time

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import ComparisonFactory
from tests.processes import RedisServer, settings_of

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server not installed"),
]


@pytest.fixture
def redis_server():
    """A Redis of this test's own on a free port: (url, stop)."""
    server = RedisServer()
    server.start()

    def stop() -> None:
        server.stop()
        assert not server.answers()

    yield server.url, stop
    server.stop()


@pytest.fixture
def redis_cache(settings, redis_server):
    """The cache exactly as the project configures it for a REDIS_URL, on the test's own Redis
    (the broker too); calling the fixture's value stops that Redis."""
    url, stop = redis_server
    project = settings_of(
        "CACHES",
        "DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS",
        "DJANGO_REDIS_LOGGER",
        "SESSION_ENGINE",
        REDIS_URL=url,
    )
    settings.CACHES = ast.literal_eval(project["CACHES"])
    assert settings.CACHES["default"]["LOCATION"] == url
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = (
        project["DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS"] == "True"
    )
    settings.DJANGO_REDIS_LOGGER = project["DJANGO_REDIS_LOGGER"]
    settings.SESSION_ENGINE = project["SESSION_ENGINE"]
    settings.CELERY_BROKER_URL = url
    return stop


def test_it_answers_the_api_with_the_cache_stopped(redis_cache, alice, caplog):
    comparison = ComparisonFactory(owner=alice)
    owner = APIClient()
    owner.force_authenticate(alice)
    anonymous = APIClient()
    # With Redis up the throttles count in it.
    assert anonymous.get("/api/paths/").status_code == 200
    assert cache.get("throttle_anon_127.0.0.1") is not None

    redis_cache()  # Redis stops

    with caplog.at_level(logging.ERROR, logger="advisor.cache"):
        started = time.monotonic()
        responses = {
            "anonymous paths": anonymous.get("/api/paths/"),
            "anonymous criteria": anonymous.get("/api/criteria/"),
            "anonymous token": anonymous.post(
                "/api/auth/token/", {"username": "alice", "password": "wrong"}, format="json"
            ),
            "owner list": owner.get("/api/comparisons/"),
            "owner detail": owner.get(f"/api/comparisons/{comparison.pk}/"),
            "owner create": owner.post("/api/comparisons/", {"title": "While Redis is down"}),
        }
        elapsed = time.monotonic() - started

    statuses = {name: response.status_code for name, response in responses.items()}
    assert statuses == {
        "anonymous paths": 200,
        "anonymous criteria": 200,
        "anonymous token": 400,
        "owner list": 200,
        "owner detail": 200,
        "owner create": 201,
    }
    assert responses["owner detail"].json()["title"] == comparison.title
    assert any("Exception ignored" in r.getMessage() for r in caplog.records), "not logged"
    assert elapsed < 15, f"six requests took {elapsed:.1f} s with Redis down"


def test_it_reports_the_broker_down_on_healthz_while_the_apianswers(db, redis_cache, client):
    up = client.get("/healthz").json()
    assert up["broker"]["status"] == "ok", up

    redis_cache()

    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["broker"]["status"] == "down"
    assert APIClient().get("/api/paths/").status_code == 200


def test_it_keeps_a_signed_in_reader_signed_in_with_the_cache_stopped(redis_cache, alice):
    """Sessions are read from Redis first: with it down they come from the database."""
    reader = Client()
    reader.force_login(alice)
    assert reader.get("/dashboard/").context["user"] == alice

    redis_cache()

    response = reader.get("/dashboard/")
    assert response.status_code == 200
    assert response.context["user"] == alice
    reader.post("/accounts/logout/")
    assert reader.get("/dashboard/").status_code == 302
