"""No parameter answers 500: every operation in the OpenAPI schema, each of its path and query
parameters replaced in turn by a hostile value (a lone surrogate, a NUL, thousands of digits,
negative numbers, dates at the ends of the calendar, a 10 KB string), is answered with a 4xx
that says why, or, for a query parameter a list ignores, with the list; and a refused write
stores nothing.

The bodies of the operations that take one are in ``test_hostile_input.py``; here every
operation, bodies or not, is sent the hostile addresses.
"""

import json

import pytest
from django.apps import apps
from django.core import serializers
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from careers.content.models import AdviceItem, LearningTrack, RedFlagRule
from tests.drf import server_error_or_unreadable
from tests.factories import (
    AnswerFactory,
    ComparisonFactory,
    LearningPlanFactory,
    OptionFactory,
    WeeklyCheckinFactory,
)

# As they appear in the address: percent-encoded where a raw character cannot be sent.
HOSTILE = {
    "a lone surrogate": "x%ED%A0%80",
    "a NUL": "x%00",
    "an invalid UTF-8 byte": "%FF",
    "5,000 digits": "7" * 5_000,
    "a negative number": "-1",
    "zero": "0",
    "a float": "1.5",
    "the last day of the calendar": "9999-12-31",
    "the first day of the calendar": "0001-01-01",
    "a year past 9999": "10000-01-03",
    "a Monday that overflows a week on": "9999-12-27",
    "a 10 KB string": "x" * 10_000,
    "a quote and a semicolon": "%27%3B--",
    "an encoded slash": "..%2F..%2Fetc",
}
WRITES = {"post", "put", "patch", "delete"}


def _operations() -> list[tuple[str, str, list[dict]]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (method, path, operation.get("parameters", []))
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    ]


OPERATIONS = _operations()
CASES = [
    (method, path, parameter["name"], parameter["in"])
    for method, path, parameters in OPERATIONS
    for parameter in parameters
    if parameter["in"] == "path" or (parameter["in"] == "query" and method == "get")
]


def test_it_sends_hostile_values_to_every_parameter_of_every_operation():
    """Every operation's parameters are in CASES, and every operation is in the schema."""
    with_parameters = {(m, p) for m, p, parameters in OPERATIONS if parameters}
    assert {(method, path) for method, path, _, _ in CASES} == {
        (m, p) for m, p in with_parameters if m == "get" or "{" in p
    }
    assert len(OPERATIONS) >= 38


@pytest.fixture
def owner(seeded, alice):
    """Alice's token client and real values for every path parameter."""
    comparison = ComparisonFactory(owner=alice)
    startup = OptionFactory(comparison=comparison, path_slug="startup")
    AnswerFactory(option=startup, criterion_key="peers_met", value="2")
    plan = LearningPlanFactory(owner=alice, track=LearningTrack.objects.get())
    checkin = WeeklyCheckinFactory(plan=plan)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=alice).key}")
    values = {
        "comparisons": {"id": comparison.pk, "option_id": startup.pk},
        "plans": {"id": plan.pk, "week_start": checkin.week_start.isoformat()},
        "advice": {"slug": AdviceItem.objects.published().first().slug},
        "criteria": {"key": "peers_met"},
        "paths": {"slug": "startup"},
        "red-flags": {"key": RedFlagRule.objects.first().key},
    }
    return client, values


def stored() -> str:
    """Everything a user can write through the API, serialized: equal means nothing changed."""
    models = [
        model
        for label in ("comparisons", "plans")
        for model in apps.get_app_config(label).get_models()
    ]
    return serializers.serialize("json", [row for m in models for row in m.objects.order_by("pk")])


@pytest.mark.parametrize(
    ("method", "path", "name", "where"),
    CASES,
    ids=[f"{method.upper()} {path} {name}" for method, path, name, _ in CASES],
)
def test_it_refuses_every_hostile_parameter_with_a_readable_client_error(
    owner, method, path, name, where
):
    client, values = owner
    client.raise_request_exception = False  # every value is sent, whatever one does
    known = values[path.split("/")[2]]
    problems = {}
    for label, value in HOSTILE.items():
        url = path
        for parameter, real in known.items():
            url = url.replace("{" + parameter + "}", value if parameter == name else str(real))
        if where == "query":
            url = f"{url}?{name}={value}"
        before = stored() if method in WRITES else None
        response = client.generic(
            method.upper(), url, json.dumps({}).encode(), content_type="application/json"
        )
        problem = server_error_or_unreadable(response)
        if where == "path" and response.status_code < 400:
            problem = f"{response.status_code}: a hostile {name} was taken as an address"
        if before is not None and stored() != before:
            problem = f"{response.status_code}: it stored something"
        problems[label] = problem

    assert {label: problem for label, problem in problems.items() if problem} == {}
