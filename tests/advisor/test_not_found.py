"""Our own "not found" page for every 404 Django answers, with DEBUG on too, and what must not
change with it: the redirect to the address with a slash, the API's JSON 404s, static files.
"""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from careers.plans.links import nudge_action_token
from tests.factories import ComparisonFactory

DJANGO_DEBUG_404 = "Using the URLconf defined in"


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def our_not_found_page(response) -> str:
    assert response.status_code == 404
    html = response.content.decode()
    assert '<h1 id="not-found-title">Page not found</h1>' in html
    assert DJANGO_DEBUG_404 not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
    return html


@pytest.mark.parametrize("path", ["/no-such-page/", "/comparisons/shared/", "/static/core/no.js"])
def test_it_shows_our_page_for_an_unknown_address_with_debug_on(debug, client, path):
    html = our_not_found_page(client.get(path))
    assert "advisor.urls" not in html
    assert "Go to the home page" in html


def test_it_shows_our_page_for_an_unknown_address_to_a_signed_in_user(debug, client, alice):
    client.force_login(alice)

    html = our_not_found_page(client.get("/no-such-page/"))

    assert "Log out" in html  # the page is the site's own, header and all


def test_it_shows_our_page_when_a_view_finds_nothing_with_debug_on(debug, client, alice, charlie):
    theirs = ComparisonFactory(owner=alice)
    client.force_login(charlie)

    our_not_found_page(client.get(reverse("comparisons:comparison_detail", args=[theirs.pk])))


def test_it_says_why_a_nudge_link_to_a_deleted_plan_is_dead_with_debug_on(debug, db, client):
    token = nudge_action_token(plan_id=987654, week=date(2026, 11, 23), action="studied")

    response = client.get(reverse("plans:nudge_action", args=[token]))

    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>This link can't be used</h1>" in html
    assert "This plan no longer exists" in html
    assert DJANGO_DEBUG_404 not in html


def test_it_still_adds_the_missing_slash_with_debug_on(debug, client, alice):
    client.force_login(alice)

    response = client.get("/comparisons/new")

    assert response.status_code == 301
    assert response["Location"] == "/comparisons/new/"


def test_it_keeps_the_apis_json_404_with_debug_on(debug, alice):
    api = Client()
    api.force_login(alice)

    response = api.get("/api/comparisons/987654/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_it_still_serves_static_files_with_debug_on(debug, client):
    response = client.get("/static/core/copy.js")

    assert response.status_code == 200
    assert b"data-copy" in b"".join(response.streaming_content)


@pytest.mark.parametrize("debug_on", [False, True], ids=["debug off", "debug on"])
@pytest.mark.parametrize(
    "path", ["/api/no-such-collection/", "/api/comparisons/1/nothing/", "/api/x%00/"]
)
def test_it_answers_an_api_address_no_view_takes_in_json(settings, client, alice, debug_on, path):
    settings.DEBUG = debug_on
    client.force_login(alice)

    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found: no such address in the API."}


def test_it_answers_an_api_request_django_refuses_before_any_view_in_json(client):
    # A Host header the site does not serve is refused by Django itself, before any view.
    response = client.get("/api/paths/", HTTP_HOST="evil.example")
    page = client.get("/advice/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert response.json() == {"detail": "Bad request: it could not be read."}
    assert page.status_code == 400
    assert page["Content-Type"].startswith("text/html")


def test_it_answers_an_api_server_error_in_json_and_a_page_error_with_the_page(client, alice):
    from careers.core import errors

    request = client.get("/api/").wsgi_request
    api = errors.server_error(request)
    page = errors.server_error(client.get("/").wsgi_request)

    assert api.status_code == 500
    assert b"try again later" in api.content
    assert page.status_code == 500
    assert page["Content-Type"].startswith("text/html")
