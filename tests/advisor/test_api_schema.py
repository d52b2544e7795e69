"""Schemathesis over the whole OpenAPI schema, in-process, as a user who owns a comparison
and a learning plan.

The schema is loaded when this module is imported, from the WSGI app's own /api/schema/
(which reads no database), and each operation becomes a test of its own. Schemathesis's
fixture-based loader (``schemathesis.pytest.from_fixture``) cannot be used with pytest 9.2: it
writes ``request.node._nodeid``, which pytest 9.2 no longer has.

Checks: no server error; every status answered is documented for its operation; every
documented response matches its schema, error bodies included; and a request the schema calls
valid is never refused (a 404 for an id that names nothing, or a 429, is not a refusal).

What the schema names by a custom format (careers/core/schema.py says why) is generated here
from what exists: the keys of published criteria of each answer type asked on every path the
test's options are on, the slugs of published paths and tracks, and the Mondays of the test
plan's weeks. What no OpenAPI 3.0 schema lets a generator aim at is aimed here, as the ids in
the URL are: the keys of a comparison's weights (an object's keys take no format), a check-in's
project step (a number, not a string), the password of an existing account, a decision's option
and its start date beside its date, each criterion at most once in a list of answers (JSON
Schema can ask for distinct items, not for one field distinct across them), a plan's fields
against each other (light days among its study days, a second reminder after the weekly email,
a target after the start) and a break's end against its start and the plan's other break.
Schemathesis judges each request as finally sent.
"""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from careers.content.models import (
    AdviceItem,
    CareerPath,
    Criterion,
    LearningTrack,
    RedFlagRule,
    TrackProjectStep,
)
from careers.plans.schedule import local_week_start, week_start
from careers.plans.services import break_create
from careers.plans.timeline import BREAK_MAX_WEEKS, Break
from tests.factories import (
    PASSWORD,
    AnswerFactory,
    ComparisonFactory,
    LearningPlanFactory,
    OptionFactory,
    WeeklyCheckinFactory,
)

# Hypothesis sends hundreds of generated requests to every operation of the schema.
pytestmark = pytest.mark.slow

# What exists in the test's data, by format name: the `owned` fixture fills it before any
# example is drawn, and the strategies below read it as they draw.
EXISTING: dict[str, list[str]] = {}


def existing(name: str) -> st.SearchStrategy[str]:
    return st.integers(min_value=0, max_value=2**16).map(
        lambda index: EXISTING[name][index % len(EXISTING[name])]
    )


# The custom formats of the schema (careers/core/schema.py), and for criterion keys the
# answer type each stands for.
KEY_FORMATS = {
    "scale-criterion-key": Criterion.AnswerType.SCALE,
    "yes-no-criterion-key": Criterion.AnswerType.YES_NO,
    "count-criterion-key": Criterion.AnswerType.COUNT,
}
FORMATS = ["week-start", "career-path-slug", "learning-track-slug", *KEY_FORMATS]
for fmt in FORMATS:
    schemathesis.openapi.format(fmt, existing(fmt))

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
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    positive_data_acceptance,
]


@pytest.fixture
def owned(seeded, alice, monkeypatch):
    """Alice's token, a comparison of hers with two answered options, a plan of hers that
    started twenty weeks ago, and real content keys."""
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
    track = LearningTrack.objects.get()
    this_week = local_week_start(timezone.now(), alice.profile.timezone)
    plan = LearningPlanFactory(owner=alice, track=track, start_date=this_week - timedelta(weeks=20))
    checkin = WeeklyCheckinFactory(plan=plan, study_days_done=2, papers=[{"title": "Attention"}])
    # A break to come, for the break's own operations to find.
    planned = break_create(
        plan=plan, start=this_week + timedelta(weeks=3), end=this_week + timedelta(weeks=4)
    )
    # Asked on both options' paths, so an answer fits whichever option a request is sent to.
    asked = Criterion.objects.published().filter(paths=startup.path).filter(paths=phd.path)
    EXISTING.update(
        {
            "week-start": [(this_week - timedelta(weeks=n)).isoformat() for n in range(21)],
            "career-path-slug": list(CareerPath.objects.published().values_list("slug", flat=True)),
            "learning-track-slug": [track.slug],
            **{
                fmt: list(asked.filter(answer_type=answer_type).values_list("key", flat=True))
                for fmt, answer_type in KEY_FORMATS.items()
            },
        }
    )
    yield {
        "token": Token.objects.create(user=alice).key,
        "username": alice.username,
        "id": [comparison.pk],
        "option_id": [startup.pk, phd.pk],
        "/api/paths/": list(CareerPath.objects.values_list("slug", flat=True)),
        "/api/advice/": list(AdviceItem.objects.values_list("slug", flat=True)),
        "/api/criteria/": list(Criterion.objects.values_list("key", flat=True)),
        "/api/red-flags/": list(RedFlagRule.objects.values_list("key", flat=True)),
        "criteria": list(Criterion.objects.published().values_list("key", flat=True)),
        "project_steps": list(
            TrackProjectStep.objects.filter(track=track).values_list("position", flat=True)
        ),
        "plans": {
            "id": [plan.pk],
            "week_start": [checkin.week_start.isoformat()],
            "break_id": [planned.pk],
        },
        # What a plan's body is checked against when it leaves a field out: the plan's own
        # values, or for a new plan the track's and the model's defaults.
        "plan": plan,
        "new_plan": {
            "study_days": list(track.study_days),
            "nudge_weekday": plan._meta.get_field("nudge_weekday").default,
            # Today where it is latest: a new plan starts today in its zone at the latest.
            "start_date": timezone.now().date() + timedelta(days=1),
        },
        "breaks": [Break(planned.start, planned.end)],
    }
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def spread(value: object) -> int:
    """A number that the generated value alone decides, so runs stay deterministic."""
    return sum(map(ord, str(value)))


def pick(choices: list, value: object):
    return choices[spread(value) % len(choices)]


def aim_at_existing_objects(case, owned) -> None:
    """Point most generated path parameters at objects that exist, to get past the 404, and
    every reference in a body at one that exists (an unknown one there is a 400 by design).

    One path parameter in five is kept as generated, so unknown ids, keys and weeks are
    exercised too.
    """
    for name, value in list((case.path_parameters or {}).items()):
        if isinstance(value, bool) or spread(value) % 5 == 0:
            continue
        if case.path.startswith("/api/comparisons/"):
            choices = owned.get(name, [])
        elif case.path.startswith("/api/plans/"):
            choices = owned["plans"].get(name, [])
        else:  # a content key or slug: /api/<collection>/{slug}/
            choices = owned.get(case.path.split("{")[0], [])
        if choices:
            case.path_parameters[name] = pick(choices, value)
    body = case.body
    if isinstance(body, dict):
        if isinstance(body.get("weights"), dict):
            body["weights"] = {
                pick(owned["criteria"], key): weight for key, weight in body["weights"].items()
            }
        if isinstance(body.get("project_step"), int) and not isinstance(body["project_step"], bool):
            body["project_step"] = pick(owned["project_steps"], body["project_step"])
        if case.path == "/api/auth/token/":
            for name, real in (("username", owned["username"]), ("password", PASSWORD)):
                if isinstance(body.get(name), str):
                    body[name] = real
        if case.path.startswith("/api/comparisons/{id}/options/"):
            consistent_pay(body)
        if case.path == "/api/comparisons/{id}/decision/":
            consistent_decision(body, owned)
        if case.path == "/api/plans/":
            consistent_plan(body, owned["new_plan"])
        if case.path == "/api/plans/{id}/":
            stored = owned["plan"]
            consistent_plan(
                body,
                {
                    "study_days": stored.study_days,
                    "nudge_weekday": stored.nudge_weekday,
                    "start_date": stored.start_date,
                },
            )
        if case.path == "/api/plans/{id}/breaks/":
            consistent_break(body, owned["breaks"])
    elif isinstance(body, list) and all(isinstance(item, dict) for item in body):
        named = {}
        for item in body:
            named.setdefault(str(item.get("criterion")), item)
        body[:] = named.values()


# An option's pay fields that go together: each (low, expected, high) runs upwards, and of
# the fields that exclude each other only the first is kept (the service refuses both, on the
# field named in its message).
PAY_RANGES = [
    ("raise_low_percent", "raise_percent", "raise_high_percent"),
    ("bonus_low", "bonus", "bonus_high"),
    ("bonus_low", "bonus_percent", "bonus_high"),
    ("refresher_low", "refresher", "refresher_high"),
    ("private_worth_low_percent", "private_worth_percent", "private_worth_high_percent"),
]
PAY_EXCLUSIVE = [
    ("bonus", "bonus_percent"),
    ("equity_grant_value", "equity_per_year"),
    ("equity_grant_value", "private_shares"),
    ("equity_per_year", "private_shares"),
]


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def consistent_pay(body: dict) -> None:
    """Shape an option body's pay as the service takes it: what no schema can say of one
    field against another (a low figure above a high one, a bonus given both ways, a custom
    schedule that does not add up to 100)."""
    for first, second in PAY_EXCLUSIVE:
        if body.get(first) not in (None, "") and body.get(second) not in (None, ""):
            body.pop(second)
    for low, expected, high in PAY_RANGES:
        # The ends move to the middle figure, never the middle to an end: a bonus's share
        # of base takes fewer digits than its ends do.
        middle = _number(body.get(expected))
        if middle is None:
            low_value, high_value = _number(body.get(low)), _number(body.get(high))
            if low_value is not None and high_value is not None and low_value > high_value:
                body[low], body[high] = body[high], body[low]
            continue
        if _number(body.get(low)) is not None and _number(body[low]) > middle:
            body[low] = body[expected]
        if _number(body.get(high)) is not None and _number(body[high]) < middle:
            body[high] = body[expected]
    if body.get("vesting") == "custom" or body.get("vesting_custom") is not None:
        body["vesting_custom"] = [25, 25, 25, 25]


def consistent_decision(body: dict, owned) -> None:
    """Shape a decision as the service takes it: its option one of the comparison's (or
    none), a start date beside the decision's date for a chosen option, and no unknowns
    accepted (which ones a chosen option has depends on the frozen result)."""
    chosen = body.get("chosen_option")
    if isinstance(chosen, int) and not isinstance(chosen, bool):
        body["chosen_option"] = pick(owned["option_id"], chosen)
        if isinstance(body.get("decided_on"), str):
            body["start_date"] = body["decided_on"]
    if "accepted_unknowns" in body:
        body["accepted_unknowns"] = []


def _day(value) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _weekdays(value) -> list[int] | None:
    if isinstance(value, list) and all(
        isinstance(day, int) and not isinstance(day, bool) for day in value
    ):
        return value
    return None


def consistent_plan(body: dict, stored: dict) -> None:
    """Shape a plan as its model's clean() takes it, each field against the body's other
    fields or, where the body leaves one out, the plan's (``stored``): light days among the
    study days, a second reminder later in the week than the weekly email, a target date
    after the start."""
    study_days = _weekdays(body.get("study_days")) or stored["study_days"]
    light_days = _weekdays(body.get("light_days"))
    if light_days is not None:
        body["light_days"] = [day for day in light_days if day in study_days]
    nudge = body.get("nudge_weekday")
    if not isinstance(nudge, int) or isinstance(nudge, bool):
        nudge = stored["nudge_weekday"]
    reminder = body.get("reminder_weekday")
    if isinstance(reminder, int) and not isinstance(reminder, bool) and reminder <= nudge:
        body["reminder_weekday"] = nudge + 1 if nudge < 6 else None
    target = _day(body.get("target_date"))
    start = _day(body.get("start_date")) or stored["start_date"]
    if target is not None and target <= start:
        body["target_date"] = (start + timedelta(days=1)).isoformat()


def consistent_break(body: dict, breaks: list[Break]) -> None:
    """Shape a break as the service takes it: ending on or after its start, at most
    ``BREAK_MAX_WEEKS`` weeks long, and clear of the plan's other break (moved to the week
    after it, its length kept)."""
    start, end = _day(body.get("start")), _day(body.get("end"))
    if start is None or end is None:
        return
    start, end = min(start, end), max(start, end)
    if Break.of_days(start, end).weeks > BREAK_MAX_WEEKS:
        end = start
    for other in breaks:
        if Break.of_days(start, end).overlaps(other):
            length = end - week_start(start)
            start = other.end + timedelta(days=1)
            end = start + length
    body["start"], body["end"] = start.isoformat(), end.isoformat()


def call_and_validate(case, owned) -> None:
    aim_at_existing_objects(case, owned)
    # Each example starts from the same data: whatever it wrote (a deleted comparison, a
    # sixth option) is rolled back before the next one.
    with transaction.atomic():
        case.call_and_validate(headers={"Authorization": f"Token {owned['token']}"}, checks=CHECKS)
        transaction.set_rollback(True)


@schema.parametrize()
@HYPOTHESIS_SETTINGS
def test_it_serves_the_schema_without_server_errors_or_schema_mismatches(case, owned):
    call_and_validate(case, owned)


def formats_in(node) -> set[str]:
    if isinstance(node, dict):
        found = {node["format"]} if isinstance(node.get("format"), str) else set()
        return found.union(*(formats_in(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(formats_in(value) for value in node))
    return set()


def test_it_generates_every_format_of_the_schemas_own():
    """A format of the API's own that the run does not know would be drawn as any string."""
    standard = {"date", "date-time", "decimal", "double", "int64", "uri"}
    assert formats_in(schema.raw_schema) - standard == set(FORMATS)


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
