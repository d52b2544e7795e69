"""No input answers 500: what a hostile or careless client sends is refused with a 4xx that
says why, and nothing is stored.

Every payload is sent as a client sends it, as raw bytes with a content type, through Django's
test client or DRF's APIClient (which run the real parsers, middleware and renderers).
"""

import json
from datetime import timedelta
from urllib.parse import quote

import pytest
from allauth.account.forms import default_token_generator as reset_tokens
from allauth.account.utils import user_pk_to_url_str
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from careers.comparisons.checkin_links import page_token
from careers.comparisons.decision_models import DecisionCheckin
from careers.comparisons.decisions import decision_save
from careers.comparisons.models import Answer, Comparison, Option
from careers.comparisons.raters import rater_invite
from careers.content.models import LearningTrack
from careers.core.api import JSONRenderer
from careers.plans.models import WeeklyCheckin
from careers.plans.schedule import week_start
from tests.drf import error_messages, server_error_or_unreadable
from tests.factories import (
    AdviceItemFactory,
    AnswerFactory,
    ComparisonFactory,
    LearningPlanFactory,
    OptionFactory,
)

DEEP = 2_000


@pytest.fixture
def api(alice):
    client = APIClient()
    client.force_authenticate(alice)
    return client


@pytest.fixture
def option(seeded, alice):
    comparison = ComparisonFactory(owner=alice, title="Where to go next")
    startup = OptionFactory(comparison=comparison, path_slug="startup")
    AnswerFactory(option=startup, criterion_key="peers_met", value="2")
    return startup


def send_json(client, method: str, url: str, body: str):
    """A raw JSON body, as a client writes it (escapes and all), not as Python would dump it."""
    return getattr(client, method)(url, data=body.encode(), content_type="application/json")


def refused(response, status: int = 400) -> list[str]:
    """The response is the given 4xx with a JSON body holding at least one message."""
    assert response.status_code == status, response.content[:500]
    messages = error_messages(response.json())
    assert messages, response.json()
    assert all(messages), response.json()
    return messages


# The six inputs that answered 500 ---------------------------------------------------------------


def test_it_refuses_a_json_body_nested_two_thousand_deep_at_the_anonymous_token_endpoint(db):
    body = "[" * DEEP + "]" * DEEP

    response = send_json(APIClient(), "post", "/api/auth/token/", body)

    assert any("nested" in message for message in refused(response))
    assert not Token.objects.exists()


def test_it_refuses_a_json_body_nested_two_thousand_deep_in_a_comparison(api, seeded):
    body = '{"title": "Deep", "notes": ' + '{"a": ' * DEEP + "1" + "}" * DEEP + "}"

    response = send_json(api, "post", "/api/comparisons/", body)

    assert any("nested" in message for message in refused(response))
    assert not Comparison.objects.exists()


def test_it_refuses_a_lone_surrogate_in_an_options_path_slug(api, option):
    url = f"/api/comparisons/{option.comparison_id}/options/"
    body = '{"path": "\\ud800", "organisation": "Lab"}'

    response = send_json(api, "post", url, body)

    assert any("surrogate" in message for message in refused(response))
    assert response.content.decode("utf-8")  # the body is text a client can read
    assert Option.objects.count() == 1


def test_it_refuses_a_lone_surrogate_in_an_answers_criterion_key(api, option):
    url = f"/api/comparisons/{option.comparison_id}/options/{option.pk}/answers/"
    body = '[{"criterion": "peers_met\\udfff", "value": 3}]'

    response = send_json(api, "put", url, body)

    assert any("surrogate" in message for message in refused(response))
    assert response.content.decode("utf-8")
    assert list(Answer.objects.values_list("criterion__key", "value")) == [("peers_met", "2")]


def test_it_renders_a_lone_surrogate_that_reaches_a_message_as_a_replacement_character():
    body = JSONRenderer().render({"path": ['Object with slug="x\ud800" does not exist.']})

    assert json.loads(body.decode("utf-8")) == {
        "path": ['Object with slug="x\ufffd" does not exist.']
    }


@pytest.mark.parametrize("digits", [4_301, 5_000])
def test_it_refuses_an_answer_of_thousands_of_digits_as_out_of_range(api, option, digits):
    url = f"/api/comparisons/{option.comparison_id}/options/{option.pk}/answers/"
    body = json.dumps([{"criterion": "peers_met", "value": "7" * digits}])

    response = send_json(api, "put", url, body)

    assert any("from 0 to" in message for message in refused(response))
    assert list(Answer.objects.values_list("value", flat=True)) == ["2"]


def test_it_refuses_an_answer_of_thousands_of_digits_on_the_evaluation_page(client, option):
    client.force_login(option.comparison.owner)
    url = f"/comparisons/{option.comparison_id}/options/{option.pk}/evaluate/"
    page = client.get(url)
    assert page.status_code == 200
    fields = {
        name: "7" * 5_000
        for name in page.context["form"].fields
        if page.context["form"].fields[name].__class__.__name__ != "BooleanField"
    }

    response = client.post(url, fields)

    assert response.status_code in (200, 400)
    assert list(Answer.objects.values_list("value", flat=True)) == ["2"]


@pytest.mark.parametrize("week", ["9999-12-26", "9999-12-27", "9999-12-31", "0001-01-01"])
def test_it_answers_a_week_at_the_edge_of_the_calendar_without_overflowing(
    client, seeded, alice, week
):
    plan = LearningPlanFactory(owner=alice, track=LearningTrack.objects.get())
    client.force_login(alice)

    page = client.get(f"/plans/{plan.pk}/weeks/{week}/")
    posted = client.post(f"/plans/{plan.pk}/weeks/{week}/", {"study_days_done": "1"})

    assert page.status_code in (400, 404)
    assert posted.status_code in (400, 404)
    assert not WeeklyCheckin.objects.exists()


@pytest.mark.parametrize("week", ["9999-12-26", "9999-12-27", "9999-12-31", "0001-01-01"])
def test_it_answers_a_check_in_by_week_at_the_edge_of_the_calendar_without_overflowing(
    api, seeded, alice, week
):
    plan = LearningPlanFactory(owner=alice, track=LearningTrack.objects.get())
    url = f"/api/plans/{plan.pk}/checkins/{week}/"

    assert api.get(url).status_code == 404
    for method in ("put", "patch"):
        response = send_json(api, method, url, '{"study_days_done": 1}')
        assert response.status_code in (400, 404), response.content
        assert error_messages(response.json())
    created = send_json(
        api, "post", f"/api/plans/{plan.pk}/checkins/", json.dumps({"week_start": week})
    )
    refused(created)
    assert not WeeklyCheckin.objects.exists()


@pytest.mark.parametrize("next_url", ["-1", "dashboard", "content:home", "javascript:x", "//evil"])
def test_it_sends_a_helpful_vote_with_an_odd_next_back_to_the_advice_page(client, alice, next_url):
    item = AdviceItemFactory()
    client.force_login(alice)

    response = client.post(f"/advice/{item.slug}/helpful/", {"helpful": "yes", "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == f"/advice/#helpful-{item.slug}"


def test_it_keeps_a_helpful_vote_going_back_to_the_page_it_came_from(client, alice):
    item = AdviceItemFactory()
    client.force_login(alice)

    response = client.post(
        f"/advice/{item.slug}/helpful/", {"helpful": "no", "next": "/paths/phd/"}
    )

    assert response["Location"] == f"/paths/phd/#helpful-{item.slug}"


def axes_usernames() -> list[str]:
    return [
        *AccessAttempt.objects.values_list("username", flat=True),
        *AccessFailureLog.objects.values_list("username", flat=True),
    ]


@pytest.mark.parametrize("length", [151, 256, 5_000])
def test_it_refuses_a_web_login_with_an_overlong_username(client, alice, length):
    response = client.post("/accounts/login/", {"login": "a" * length, "password": "x"})

    assert response.status_code == 200
    assert "at most 150 characters" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Refused before authentication: axes (whose column holds 255) never sees it.
    assert axes_usernames() == []


@pytest.mark.parametrize("length", [255, 5_000])
def test_it_refuses_a_web_login_with_an_overlong_email_address(client, alice, length):
    address = "a" * (length - len("@example.com")) + "@example.com"

    response = client.post("/accounts/login/", {"login": address, "password": "x"})

    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()
    assert axes_usernames() == []


def test_it_still_counts_a_failed_web_login_of_an_ordinary_username(client, alice):
    client.post("/accounts/login/", {"login": "alice", "password": "wrong"})

    assert axes_usernames() == ["alice", "alice"]


def test_it_counts_a_failed_web_login_by_email_address_too(client, alice):
    client.post("/accounts/login/", {"login": "alice@example.com", "password": "wrong"})

    assert axes_usernames() == ["alice@example.com", "alice@example.com"]


def test_it_refuses_an_overlong_admin_login_before_it_reaches_axes(client, alice):
    response = client.post("/admin/login/", {"username": "a" * 5_000, "password": "x"})

    assert response.status_code == 200
    assert "at most 150 characters" in response.content.decode()
    assert axes_usernames() == []


def test_it_still_counts_a_failed_admin_login_of_an_ordinary_username(client, alice):
    client.post("/admin/login/", {"username": "alice", "password": "wrong"})

    assert axes_usernames() == ["alice", "alice"]


@pytest.mark.parametrize("length", [151, 256, 5_000])
def test_it_refuses_a_token_for_an_overlong_username(db, length):
    body = json.dumps({"username": "a" * length, "password": "x"})

    response = send_json(APIClient(), "post", "/api/auth/token/", body)

    assert any("150" in message for message in refused(response))
    assert not Token.objects.exists()
    assert get_user_model().objects.count() == 0


# Every API operation that takes a body, sent every class of hostile payload -------------------


def _api_schema() -> dict:
    # drf-spectacular's own generator, in-process; it reads no database.
    return SchemaGenerator().get_schema(request=None, public=True)


SCHEMA = _api_schema()
BODY_OPERATIONS = [
    (method.upper(), path, operation["requestBody"]["content"]["application/json"]["schema"])
    for path, operations in SCHEMA["paths"].items()
    for method, operation in operations.items()
    if "application/json" in operation.get("requestBody", {}).get("content", {})
]


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    for combined in ("oneOf", "anyOf", "allOf"):
        if combined in schema:
            return _resolve(schema[combined][0])
    return schema


def raw_body(schema: dict, leaf) -> str:
    """A JSON text shaped as the schema says, each scalar written by ``leaf(schema)``: raw
    text, so escapes and numbers reach the server exactly as written."""
    schema = _resolve(schema)
    if schema.get("type") == "array":
        return "[" + raw_body(schema.get("items", {}), leaf) + "]"
    if schema.get("type") == "object" or "properties" in schema:
        fields = schema.get("properties", {}).items()
        return "{" + ",".join(f"{json.dumps(k)}:{raw_body(v, leaf)}" for k, v in fields) + "}"
    return leaf(schema)


def _scalar(schema: dict, *, text: str | None = None, number: str | None = None) -> str:
    kind = schema.get("type")
    if kind == "string" and text is not None:
        return text
    if kind in ("integer", "number") and number is not None:
        return number
    return {"integer": "1", "number": "1", "boolean": "true", "string": '"x"'}.get(kind, "null")


NESTED = "[" * DEEP + "]" * DEEP
JSON_PAYLOADS = {
    "deep nesting": lambda schema: raw_body(schema, lambda leaf: NESTED),
    "a lone surrogate in every string": lambda schema: raw_body(
        schema, lambda leaf: _scalar(leaf, text='"x\\ud800"')
    ),
    "a NUL in every string": lambda schema: raw_body(
        schema, lambda leaf: _scalar(leaf, text='"x\\u0000"')
    ),
    "a 5,000-digit number in every number": lambda schema: raw_body(
        schema, lambda leaf: _scalar(leaf, number="7" * 5_000)
    ),
    "5,000 digits in every string": lambda schema: raw_body(
        schema, lambda leaf: _scalar(leaf, text='"' + "7" * 5_000 + '"')
    ),
    "a 1 MB string in every string": lambda schema: raw_body(
        schema, lambda leaf: _scalar(leaf, text='"' + "x" * 1_000_000 + '"')
    ),
    # Past DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) once there are three strings: 413.
    "a 200 KB string in every string": lambda schema: raw_body(
        schema, lambda leaf: _scalar(leaf, text='"' + "x" * 200_000 + '"')
    ),
    "a list where an object goes": lambda schema: (
        "{}" if _resolve(schema).get("type") == "array" else "[" + raw_body(schema, _scalar) + "]"
    ),
    "an object where each value goes": lambda schema: raw_body(schema, lambda leaf: '{"a": []}'),
}
CONTENT_TYPES = {
    "text/plain": lambda schema: raw_body(schema, _scalar),
    "application/x-www-form-urlencoded": lambda schema: (
        "title=x&path=%ED%A0%80&value=" + "7" * 5_000
    ),
}


@pytest.fixture
def owner_api(seeded, alice):
    """Alice's token client, and the ids of a comparison, an option and a plan of hers."""
    comparison = ComparisonFactory(owner=alice)
    startup = OptionFactory(comparison=comparison, path_slug="startup")
    AnswerFactory(option=startup, criterion_key="peers_met", value="2")
    plan = LearningPlanFactory(owner=alice, track=LearningTrack.objects.get())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=alice).key}")
    ids = {"comparisons": {"id": comparison.pk, "option_id": startup.pk}}
    ids["plans"] = {"id": plan.pk, "week_start": plan.start_date.isoformat()}
    return client, ids


def _url(path: str, ids: dict) -> str:
    for name, value in ids.get(path.split("/")[2], {}).items():
        path = path.replace("{" + name + "}", str(value))
    return path


@pytest.mark.parametrize(
    ("method", "path", "schema"),
    BODY_OPERATIONS,
    ids=[f"{method} {path}" for method, path, _ in BODY_OPERATIONS],
)
def test_it_answers_every_hostile_api_body_with_a_client_error_at_worst(
    owner_api, method, path, schema
):
    client, ids = owner_api
    client.raise_request_exception = False  # every payload is sent, whatever one does
    bodies = {name: (make(schema), "application/json") for name, make in JSON_PAYLOADS.items()}
    bodies |= {name: (make(schema), name) for name, make in CONTENT_TYPES.items()}

    problems = {}
    for name, (body, content_type) in bodies.items():
        response = client.generic(method, _url(path, ids), body.encode(), content_type=content_type)
        problems[name] = server_error_or_unreadable(response)

    assert {name: problem for name, problem in problems.items() if problem} == {}


# Every web form, sent the same classes as form fields -------------------------------------------

WEB_FORMS = {
    "comparison": "/comparisons/new/",
    "comparison edit": "/comparisons/{comparison}/edit/",
    "option": "/comparisons/{comparison}/options/new/",
    "option edit": "/comparisons/{comparison}/options/{option}/edit/",
    "evaluation": "/comparisons/{comparison}/options/{option}/evaluate/",
    "weights": "/comparisons/{comparison}/weights/",
    "plan": "/plans/new/",
    "plan edit": "/plans/{plan}/edit/",
    "check-in": "/plans/{plan}/weeks/{week}/",
    "plan a break": "/plans/{plan}/breaks/",
    "pace toward the target date": "/plans/{plan}/pace/",
    "profile": "/accounts/profile/",
    "sign-up": "/accounts/signup/",
    "login": "/accounts/login/",
    "password reset": "/accounts/password/reset/",
    "password reset from key": "/accounts/password/reset/key/{reset_uid}-set-password/",
    "password change": "/accounts/password/change/",
    "email address": "/accounts/email/",
    "decision": "/comparisons/{comparison}/decision/edit/",
    "second opinions": "/comparisons/{comparison}/second-opinions/",
    "second opinion": "/comparisons/rate/{rater}/",
    "check-in answers": "/comparisons/{comparison}/checkins/1/",
    "check-in answers from the email": "/comparisons/checkins/page/{checkin_page}/",
    "delete my account": "/accounts/delete/",
}
ANONYMOUS_FORMS = {
    "sign-up",
    "login",
    "password reset",
    "password reset from key",
    "second opinion",
    "check-in answers from the email",
}
FORM_CONTENT = "application/x-www-form-urlencoded"


def _percent(text: str) -> str:
    # A lone surrogate as a browser-less client would send it: its (invalid) UTF-8 bytes.
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


FORM_VALUES = {
    "deep nesting": NESTED,
    "a lone surrogate": "x\ud800",
    "a NUL": "x\x00",
    "a 5,000-digit number": "7" * 5_000,
    "a 1 MB string": "x" * 1_000_000,
    "a 100 KB string": "x" * 100_000,
}


@pytest.fixture
def owner_pages(seeded, alice, client):
    comparison = ComparisonFactory(owner=alice)
    startup = OptionFactory(comparison=comparison, path_slug="startup")
    AnswerFactory(option=startup, criterion_key="peers_met", value="2")
    OptionFactory(comparison=comparison, path_slug="phd")
    # Started three weeks ago, so its first week can be logged.
    start = timezone.localdate() - timedelta(days=21)
    # Its target date is behind the plan's pace, so its pace page offers a pace to apply.
    plan = LearningPlanFactory(
        owner=alice,
        track=LearningTrack.objects.get(),
        start_date=start,
        target_date=start + timedelta(weeks=14),
    )
    ids = {"comparison": comparison.pk, "option": startup.pk, "plan": plan.pk}
    ids["week"] = week_start(start).isoformat()
    ids["rater"] = rater_invite(comparison=comparison, name="Sam").token
    decision = decision_save(
        comparison=comparison,
        chosen_option=startup.pk,
        decided_on=timezone.localdate(),
        start_date=timezone.localdate(),
        confidence=50,
    )
    # Its first check-in, claimed by the dispatcher: it takes answers. (The decision's form
    # is still open: a claimed check-in, not a sent one, is what locks it, so the claim is
    # only recorded, never the status.)
    checkin = decision.checkins.get(months=1)
    DecisionCheckin.objects.filter(pk=checkin.pk).update(enqueued_at=timezone.now())
    ids["checkin_page"] = page_token(checkin_id=checkin.pk)
    # The link of a reset email, opened: allauth keeps its key in the session and shows the
    # form at a URL without it.
    ids["reset_uid"] = user_pk_to_url_str(alice)
    key = f"{ids['reset_uid']}-{reset_tokens.make_token(alice)}"
    opened = client.get(f"/accounts/password/reset/key/{key}/")
    assert opened["Location"] == WEB_FORMS["password reset from key"].format(**ids)
    return client, alice, ids


def _form_bodies(names: list[str]) -> dict[str, tuple[str, str]]:
    bodies = {}
    for payload, value in FORM_VALUES.items():
        fields = "&".join(f"{name}={_percent(value)}" for name in names)
        bodies[payload] = (fields, FORM_CONTENT)
    bodies["repeated fields"] = ("&".join(f"{name}=1&{name}=x" for name in names), FORM_CONTENT)
    bodies["a JSON body"] = (json.dumps({name: [] for name in names}), "application/json")
    bodies["a text/plain body"] = ("\n".join(f"{name}=x" for name in names), "text/plain")
    return bodies


@pytest.mark.parametrize("form", list(WEB_FORMS))
def test_it_answers_every_hostile_web_form_post_with_a_client_error_at_worst(owner_pages, form):
    client, alice, ids = owner_pages
    client.raise_request_exception = False  # every payload is sent, whatever one does
    if form not in ANONYMOUS_FORMS:
        client.force_login(alice)
    url = WEB_FORMS[form].format(**ids)
    page = client.get(url)
    assert page.status_code == 200
    bodies = _form_bodies([bound.html_name for bound in page.context["form"]])

    statuses = {}
    for payload, (body, content_type) in bodies.items():
        response = client.generic("POST", url, body.encode(), content_type=content_type)
        statuses[payload] = response.status_code

    assert {payload: status for payload, status in statuses.items() if status >= 500} == {}
