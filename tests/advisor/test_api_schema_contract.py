"""The OpenAPI schema at /api/schema/ says what the API refuses: each operation's error
statuses, with the body the API really sends, and the rules of its request bodies and
parameters (a week that starts on a Monday, the windows of a plan's dates and of a break's,
criterion keys and answer values by answer type), and it is served whatever the database
holds."""

import re
from datetime import timedelta

import jsonschema
import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from careers.accounts.models import timezone_names
from careers.comparisons.models import MAX_OPTIONS
from careers.plans.models import EARLIEST_START, latest_start, latest_target
from careers.plans.schedule import local_week_start
from careers.plans.serializers import earliest_break_day
from careers.plans.services import break_create
from tests.factories import (
    ComparisonFactory,
    LearningPlanFactory,
    LearningTrackFactory,
    OptionFactory,
    WeeklyCheckinFactory,
)

OPERATIONS = ("get", "put", "patch", "post", "delete")
BODY_METHODS = ("put", "patch", "post")


def served_schema() -> dict:
    response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    # No database access at all: the schema is built from code alone.
    with django_db_blocker.block():
        return served_schema()


def operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [
        (method, path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in OPERATIONS
    ]


def component(schema: dict, ref: str) -> dict:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def request_schema(schema: dict, path: str, method: str) -> dict:
    body = schema["paths"][path][method]["requestBody"]["content"]["application/json"]
    return body["schema"]


def request_component(schema: dict, path: str, method: str) -> dict:
    return component(schema, request_schema(schema, path, method)["$ref"])


def parameter(schema: dict, path: str, method: str, name: str) -> dict:
    return next(p for p in schema["paths"][path][method]["parameters"] if p["name"] == name)


def test_it_serves_the_schema_without_reading_the_database(schema):
    assert schema["openapi"].startswith("3.0")
    assert "/api/plans/{id}/checkins/{week_start}/" in schema["paths"]


def test_it_lists_the_refusals_every_operation_can_answer(schema):
    missing = []
    for method, path, operation in operations(schema):
        expected = {"403", "406", "429"}
        if "{" in path or any(p["name"] == "page" for p in operation.get("parameters", [])):
            expected.add("404")
        if "requestBody" in operation:
            expected |= {"400", "413", "415"}
        if not expected <= operation["responses"].keys():
            missing.append((method.upper(), path, sorted(expected - operation["responses"].keys())))
        # The session comes first, and names no challenge: DRF answers 403, never 401.
        assert "401" not in operation["responses"], (method, path)
    assert not missing


def test_it_documents_the_error_bodies_the_exception_handler_sends(schema):
    for _method, path, operation in operations(schema):
        for code, response in operation["responses"].items():
            if not code.startswith("4"):
                continue
            ref = response["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/ValidationError" if code == "400" else "/Error"), (path, code)
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["detail"]
    assert error["additionalProperties"] is False
    assert "Retry-After" in schema["paths"]["/api/criteria/"]["get"]["responses"]["429"]["headers"]


def test_it_documents_a_full_comparison_refusing_a_copied_option(schema, alice):
    comparison = ComparisonFactory(owner=alice)
    options = OptionFactory.create_batch(MAX_OPTIONS, comparison=comparison)
    client = APIClient()
    client.force_authenticate(alice)

    response = client.post(f"/api/comparisons/{comparison.pk}/options/{options[0].pk}/duplicate/")

    assert response.status_code == 400
    path = "/api/comparisons/{id}/options/{option_id}/duplicate/"
    assert not refusal_mismatch(schema, path, "post", response)


def test_it_describes_the_plan_week_as_a_monday(schema):
    for method in ("get", "put", "patch"):
        week = parameter(schema, "/api/plans/{id}/checkins/{week_start}/", method, "week_start")
        assert week["schema"]["format"] == "week-start"
        assert "Monday" in week["description"]
        assert "current week" in week["description"]
    body = request_component(schema, "/api/plans/{id}/checkins/", "post")
    assert body["properties"]["week_start"]["format"] == "week-start"
    assert "Monday" in body["properties"]["week_start"]["description"]


def test_it_bounds_a_plans_start_date_to_its_window(schema):
    start = request_component(schema, "/api/plans/", "post")["properties"]["start_date"]
    window = re.compile(start["pattern"])
    earliest, latest = EARLIEST_START, latest_start()
    assert window.search(earliest.isoformat())
    assert window.search(latest.isoformat())
    assert not window.search((earliest - timedelta(days=1)).isoformat())
    assert not window.search((latest + timedelta(days=1)).isoformat())
    assert earliest.isoformat() in start["description"]
    assert latest.isoformat() in start["description"]


def test_it_bounds_a_plans_target_date_to_its_window_or_none(schema):
    for method, path in (("post", "/api/plans/"), ("patch", "/api/plans/{id}/")):
        target = request_component(schema, path, method)["properties"]["target_date"]
        window = re.compile(target["pattern"])
        earliest, latest = EARLIEST_START, latest_target()
        assert window.search(earliest.isoformat())
        assert window.search(latest.isoformat())
        assert not window.search((earliest - timedelta(days=1)).isoformat())
        assert not window.search((latest + timedelta(days=1)).isoformat())
        assert target["nullable"] is True
        assert latest.isoformat() in target["description"]
        assert "after the plan's start_date" in target["description"]


def test_it_states_light_days_and_the_second_reminder_as_far_as_a_schema_can(schema):
    plan = request_component(schema, "/api/plans/", "post")["properties"]
    light = plan["light_days"]
    assert light["uniqueItems"] is True
    assert (light["items"]["minimum"], light["items"]["maximum"]) == (0, 6)
    assert "study_days" in light["description"]  # a rule between fields, said in words
    reminder = plan["reminder_weekday"]
    assert (reminder["minimum"], reminder["maximum"], reminder["nullable"]) == (0, 6, True)
    assert "later in the week than nudge_weekday" in reminder["description"]
    shown = component(schema, "#/components/schemas/Plan")["properties"]
    assert shown["next_reminder_at"]["readOnly"] is True
    assert "next_reminder_at" not in plan


def test_it_bounds_a_breaks_days_from_the_week_under_way_everywhere(schema):
    body = request_component(schema, "/api/plans/{id}/breaks/", "post")
    assert set(body["required"]) == {"start", "end"}
    earliest, latest = earliest_break_day(), latest_target()
    # The Monday of the week under way in the zone furthest ahead, so a day the pattern takes
    # is this week or later for a plan in any zone.
    assert earliest.weekday() == 0
    assert earliest >= local_week_start(timezone.now(), "Pacific/Kiritimati")
    for name in ("start", "end"):
        day = body["properties"][name]
        window = re.compile(day["pattern"])
        assert window.search(earliest.isoformat())
        assert window.search(latest.isoformat())
        assert not window.search((earliest - timedelta(days=1)).isoformat())
        assert not window.search((latest + timedelta(days=1)).isoformat())
        assert not window.search("9999-12-31")
    assert body["properties"]["reason"]["maxLength"] == 200
    assert "26 weeks" in body["properties"]["end"]["description"]


def test_it_documents_every_outcome_of_calling_a_break_off(schema):
    responses = schema["paths"]["/api/plans/{id}/breaks/{break_id}/"]["delete"]["responses"]
    assert {"200", "204", "404", "409"} <= responses.keys()
    shown = responses["200"]["content"]["application/json"]["schema"]["$ref"]
    assert shown.endswith("/PlanBreak")
    assert "content" not in responses["204"]
    assert responses["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


def test_it_names_time_zones_and_distinct_study_days(schema):
    plan = request_component(schema, "/api/plans/", "post")["properties"]
    assert component(schema, plan["timezone"]["allOf"][0]["$ref"])["enum"] == timezone_names()
    assert plan["study_days"]["uniqueItems"] is True


def test_it_ties_each_answer_value_to_its_criterions_answer_type(schema):
    answers = request_schema(schema, "/api/comparisons/{id}/options/{option_id}/answers/", "put")
    answer = component(schema, answers["items"]["$ref"])
    assert re.fullmatch(answer["properties"]["criterion"]["pattern"], "manager_met")
    branches = {
        branch["properties"]["criterion"]["format"]: branch["properties"]["value"]
        for branch in answer["anyOf"]
    }
    assert set(branches) == {"scale-criterion-key", "yes-no-criterion-key", "count-criterion-key"}
    assert {"type": "integer", "minimum": 1, "maximum": 5} in branches["scale-criterion-key"][
        "anyOf"
    ]
    assert {"enum": ["unknown"]} in branches["count-criterion-key"]["anyOf"]
    comparison = request_component(schema, "/api/comparisons/", "post")
    assert "/api/criteria/" in comparison["properties"]["weights"]["description"]


def test_it_states_what_drfs_fields_refuse_in_a_string(schema):
    option = request_component(schema, "/api/comparisons/{id}/options/", "post")
    organisation = re.compile(option["properties"]["organisation"]["pattern"])
    assert organisation.search("Acme")
    assert not organisation.search("   ")
    assert not organisation.search("Ac\x00me")
    salary = re.compile(option["properties"]["base_salary"]["pattern"])
    assert [bool(salary.search(v)) for v in ("0", "99999999.99", "100000000", "100000001", "")] == [
        True,
        True,
        True,
        False,
        False,
    ]
    assert option["properties"]["path"]["format"] == "career-path-slug"


def test_it_offers_forms_only_for_bodies_a_form_can_carry(schema):
    def media_types(path, method):
        return set(schema["paths"][path][method]["requestBody"]["content"])

    assert "application/x-www-form-urlencoded" in media_types("/api/auth/token/", "post")
    # An option has fields that may be null; a form cannot say null.
    assert media_types("/api/comparisons/{id}/options/", "post") == {"application/json"}
    assert media_types("/api/comparisons/{id}/options/{option_id}/answers/", "put") == {
        "application/json"
    }


# The statuses the API really answers are the documented ones. ----------------------------


@pytest.fixture
def objects(alice):
    """An object of each kind, so a path of the schema names things that exist."""
    comparison = ComparisonFactory(owner=alice)
    option = OptionFactory(comparison=comparison)
    plan = LearningPlanFactory(owner=alice, track=LearningTrackFactory())
    checkin = WeeklyCheckinFactory(plan=plan)
    next_week = local_week_start(timezone.now(), plan.timezone) + timedelta(weeks=1)
    item = break_create(plan=plan, start=next_week, end=next_week)
    return {
        "id": {"comparisons": comparison.pk, "plans": plan.pk},
        "option_id": option.pk,
        "week_start": checkin.week_start.isoformat(),
        "break_id": item.pk,
    }


def filled(path: str, objects: dict | None) -> str:
    """The path with each parameter naming an object of ``objects``, or, without them, an
    id, key or week that names nothing."""
    if objects is None:
        values = {"id": 987654, "option_id": 987654, "week_start": "1999-01-04", "break_id": 987654}
    else:
        values = {
            "id": objects["id"].get(path.split("/")[2], 1),
            "option_id": objects["option_id"],
            "week_start": objects["week_start"],
            "break_id": objects["break_id"],
        }
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), "no-such-thing")), path)


def refusal_mismatch(schema: dict, path: str, method: str, response) -> str | None:
    """What is wrong with a refusal against the schema: an undocumented status, or a body
    that is not the documented one; ``None`` when it is as documented."""
    documented = schema["paths"][path][method]["responses"].get(str(response.status_code))
    if documented is None:
        return f"answers {response.status_code}, which is not documented"
    body_schema = documented["content"]["application/json"]["schema"]
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(
            {**body_schema, "components": schema["components"]}
        ).iter_errors(response.json())
    )
    if error is None:
        return None
    return f"answers {response.status_code} with {response.json()}: {error.message}"


def answered(client: APIClient, method: str, url: str, **kwargs):
    client.raise_request_exception = False
    return getattr(client, method)(url, **kwargs)


def test_it_documents_the_status_of_every_refused_request(schema, objects, alice):
    authenticated = APIClient(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=alice).key}")
    undocumented = []
    too_large = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    for method, path, operation in operations(schema):
        url = filled(path, objects)
        refusals = {
            "a token that is not valid": answered(
                APIClient(HTTP_AUTHORIZATION="Token not-a-token"), method, url
            ),
            "an Accept header it cannot meet": answered(
                authenticated, method, url, HTTP_ACCEPT="image/png"
            ),
        }
        if "{" in path:
            refusals["an id that names nothing"] = answered(
                authenticated, method, filled(path, None)
            )
        if method in BODY_METHODS and "requestBody" in operation:
            refusals["a body that is not JSON"] = answered(
                authenticated, method, url, data="{", content_type="application/json"
            )
            refusals["a text body"] = answered(
                authenticated, method, url, data="x", content_type="text/plain"
            )
            refusals["a body over the upload limit"] = answered(
                authenticated, method, url, data=too_large, content_type="application/json"
            )
        undocumented += [
            f"{method.upper()} {path}: {what} {mismatch}"
            for what, response in refusals.items()
            if (mismatch := refusal_mismatch(schema, path, method, response))
        ]
    assert not undocumented


def test_it_documents_the_throttle_on_every_operation(schema, objects, alice, monkeypatch):
    monkeypatch.setattr(
        "rest_framework.throttling.SimpleRateThrottle.THROTTLE_RATES",
        {"anon": "1/day", "user": "1/day", "login": "1/day"},
    )
    client = APIClient(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=alice).key}")
    client.raise_request_exception = False
    client.get("/api/criteria/")  # the day's one request
    for method, path, _operation in operations(schema):
        response = getattr(client, method)(filled(path, objects))
        assert response.status_code == 429, (method, path)
        assert not refusal_mismatch(schema, path, method, response)
        assert response.headers["Retry-After"].isdigit()
