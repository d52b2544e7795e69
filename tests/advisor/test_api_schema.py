"""Schemathesis over the whole OpenAPI schema, in-process, as a user who owns a comparison
and a learning plan.

The schema is loaded when this module is imported, from the WSGI app's own /api/schema/
(which reads no database), and each operation becomes a test of its own. Schemathesis's
fixture-based loader (``schemathesis.pytest.from_fixture``) cannot be used with pytest 9.2: it
writes ``request.node._nodeid``, which pytest 9.2 no longer has.

Checks: no server error, and every documented response matches its schema. Status codes are
not checked: drf-spectacular documents only the success code of each operation, so every
400, 403 and 404 would count as a failure.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from careers.content.models import AdviceItem, CareerPath, Criterion, LearningTrack, RedFlagRule
from tests.factories import (
    AnswerFactory,
    ComparisonFactory,
    LearningPlanFactory,
    OptionFactory,
    WeeklyCheckinFactory,
)

# Hypothesis sends hundreds of generated requests to every operation of the schema.
pytestmark = pytest.mark.slow

schema = schemathesis.openapi.from_wsgi(
    "/api/schema/",
    get_wsgi_application(),
    config=schemathesis.Config.from_dict(
        {
            "generation": {"deterministic": True, "with-security-parameters": False},
            # The coverage phase sends some 300 requests per write operation, more than the
            # time budget allows; the explicit bounds (lengths, ranges) are tested one by one
            # in test_comparisons_api.py. Examples and fuzzing (valid and invalid data) run.
            "phases": {"coverage": {"enabled": False}},
        }
    ),
)

HYPOTHESIS_SETTINGS = settings(
    max_examples=25,
    derandomize=True,
    database=None,
    deadline=None,
    # `owned` is set up once per operation, not per example: each example rolls back what it
    # wrote instead.
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)


@pytest.fixture
def owned(seeded, alice, monkeypatch):
    """Alice's token, a comparison of hers with two answered options, and real content keys."""
    # Every generated request hits the same cache: lift the throttles for this test only.
    monkeypatch.setattr(
        "rest_framework.throttling.SimpleRateThrottle.THROTTLE_RATES",
        {"anon": "100000/minute", "user": "100000/minute", "login": "100000/minute"},
    )
    # The WSGI app runs in this thread on the test's connection, inside the test's
    # transaction. Django closes "old" connections around each request, which would end that
    # transaction; its own test client disconnects the handler the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    comparison = ComparisonFactory(owner=alice)
    startup = OptionFactory(comparison=comparison, path_slug="startup")
    AnswerFactory(option=startup, criterion_key="manager_met", value="yes")
    AnswerFactory(option=startup, criterion_key="peers_met", value="4")
    phd = OptionFactory(comparison=comparison, path_slug="phd")
    AnswerFactory(option=phd, criterion_key="people_feel_right", value="unknown")
    plan = LearningPlanFactory(owner=alice, track=LearningTrack.objects.get())
    checkin = WeeklyCheckinFactory(plan=plan, study_days_done=2, papers=[{"title": "Attention"}])
    yield {
        "token": Token.objects.create(user=alice).key,
        "id": [comparison.pk],
        "option_id": [startup.pk, phd.pk],
        "/api/paths/": list(CareerPath.objects.values_list("slug", flat=True)),
        "/api/advice/": list(AdviceItem.objects.values_list("slug", flat=True)),
        "/api/criteria/": list(Criterion.objects.values_list("key", flat=True)),
        "/api/red-flags/": list(RedFlagRule.objects.values_list("key", flat=True)),
        "plans": {"id": [plan.pk], "week_start": [checkin.week_start.isoformat()]},
    }
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def aim_at_existing_objects(case, owned) -> None:
    """Point most generated path parameters at objects that exist, to get past the 404.

    The choice depends only on the generated value, so runs stay deterministic; one value in
    five is kept as generated, so unknown ids and keys are exercised too.
    """
    for name, value in list((case.path_parameters or {}).items()):
        if isinstance(value, bool) or len(str(value)) % 5 == 0:
            continue
        if case.path.startswith("/api/comparisons/"):
            choices = owned.get(name, [])
        elif case.path.startswith("/api/plans/"):
            choices = owned["plans"].get(name, [])
        else:  # a content key or slug: /api/<collection>/{slug}/
            choices = owned.get(case.path.split("{")[0], [])
        if choices:
            case.path_parameters[name] = choices[len(str(value)) % len(choices)]


def call_and_validate(case, owned) -> None:
    aim_at_existing_objects(case, owned)
    # Each example starts from the same data: whatever it wrote (a deleted comparison, a
    # sixth option) is rolled back before the next one.
    with transaction.atomic():
        case.call_and_validate(
            headers={"Authorization": f"Token {owned['token']}"},
            checks=[not_a_server_error, response_schema_conformance],
        )
        transaction.set_rollback(True)


@schema.parametrize()
@HYPOTHESIS_SETTINGS
def test_it_serves_the_schema_without_server_errors_or_schema_mismatches(case, owned):
    call_and_validate(case, owned)


# Server errors the schema run found on PostgreSQL, and their follow-ups, pinned. -----------


def test_it_rejects_an_overlong_username_at_the_token_endpoint(db):
    """It was a 500 on PostgreSQL: django-axes logged the failed login into a varchar(255)."""
    client = APIClient()
    client.raise_request_exception = False
    response = client.post("/api/auth/token/", {"username": "u" * 256, "password": "secret"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/paths/phd%00/", None),
        ("/api/criteria/manager_met%00/", None),
        ("/api/red-flags/team_undisclosed%00/", None),
        ("/api/advice/some-advice%00/", None),
        ("/api/advice/", {"path": "phd\x00"}),
    ],
)
def test_it_answers_content_lookups_with_nul_characters_without_a_server_error(seeded, url, params):
    """They were 500s on PostgreSQL, whose text columns cannot hold a NUL character."""
    client = APIClient()
    client.raise_request_exception = False
    response = client.get(url, params)
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert response.json()["count"] == 0
