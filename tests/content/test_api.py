import pytest
from rest_framework.test import APIClient

from careers.content.models import AdviceItem, Criterion, RedFlagRule
from tests.factories import (
    AdviceItemFactory,
    CareerPathFactory,
    CriterionFactory,
    RedFlagRuleFactory,
    TagFactory,
)


@pytest.fixture
def api():
    return APIClient()


def test_it_lists_the_four_paths_to_anyone(api, seeded):
    response = api.get("/api/paths/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    assert {p["slug"] for p in body["results"]} == {
        "industry-team",
        "research-lab",
        "phd",
        "startup",
    }
    phd = api.get("/api/paths/phd/").json()
    assert any(goal["requires_path"] == "phd" for goal in phd["goals"])


def test_it_describes_criteria_with_keys_and_path_slugs(api, seeded):
    body = api.get("/api/criteria/", {"page_size": 100}).json()
    assert body["count"] == Criterion.objects.count()
    manager_met = api.get("/api/criteria/manager_met/").json()
    assert manager_met["answer_type"] == "yes_no"
    assert manager_met["category"] == "people"
    assert set(manager_met["paths"]) == {"industry-team", "startup"}
    assert isinstance(manager_met["default_weight"], int)
    assert manager_met["question"]


def test_it_describes_red_flags_with_condition_and_citation(api, seeded):
    flag = api.get("/api/red-flags/team_undisclosed/").json()
    assert flag["criterion"] == "team_disclosed"
    assert flag["condition"] == {"operator": "equals", "value": "no", "text": "answer is no"}
    assert flag["citation"]["span"] == "24:31-24:46"
    assert flag["explanation"]
    assert api.get("/api/red-flags/").json()["count"] == RedFlagRule.objects.count()


def test_it_serves_advice_with_its_citation_span_or_url(api, seeded):
    body = api.get("/api/advice/").json()
    assert body["count"] == AdviceItem.objects.count()
    # The interview's span, or for a fact it does not hold, the public page it comes from.
    assert all(
        item["citation"]["span"] or item["citation"]["url"].startswith("https://")
        for item in body["results"]
    )


def test_it_filters_advice_by_path_and_tag(api, db):
    phd = CareerPathFactory(slug="phd")
    habits = TagFactory(slug="habits")
    wanted = AdviceItemFactory(paths=[phd], tags=[habits])
    AdviceItemFactory(paths=[phd])
    AdviceItemFactory(tags=[habits])
    body = api.get("/api/advice/", {"path": "phd", "tag": "habits"}).json()
    assert [item["slug"] for item in body["results"]] == [wanted.slug]


@pytest.mark.parametrize(
    ("url", "factory"),
    [
        ("/api/paths/", lambda: CareerPathFactory(status="draft")),
        ("/api/criteria/", lambda: CriterionFactory(status="draft")),
        ("/api/red-flags/", lambda: RedFlagRuleFactory(status="draft")),
        ("/api/advice/", lambda: AdviceItemFactory(status="draft")),
    ],
)
def test_it_serves_published_items_only(api, db, url, factory):
    hidden = factory()
    key = getattr(hidden, "slug", None) or hidden.key
    body = api.get(url).json()
    assert key not in [item.get("slug") or item.get("key") for item in body["results"]]
    assert api.get(f"{url}{key}/").status_code == 404


def test_it_hides_a_red_flag_on_an_unpublished_criterion(api, db):
    rule = RedFlagRuleFactory(criterion=CriterionFactory(status="draft"))
    assert api.get(f"/api/red-flags/{rule.key}/").status_code == 404


def test_it_serves_content_read_only(api, alice):
    api.force_authenticate(alice)
    assert api.post("/api/advice/", {"slug": "x"}).status_code == 405


def test_it_serves_the_schema_and_docs_without_a_cdn(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/criteria/" in schema.content
    assert b"/api/auth/token/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "<script>" not in html, "Swagger UI must start from a script file (CSP)"
    directives = dict(
        d.strip().split(" ", 1) for d in docs["Content-Security-Policy"].split(";") if d.strip()
    )
    assert directives["script-src"] == "'self'"


@pytest.fixture
def low_rates(monkeypatch):
    # DRF copies the rates onto the throttle class when it is imported.
    monkeypatch.setattr(
        "rest_framework.throttling.SimpleRateThrottle.THROTTLE_RATES",
        {"anon": "3/minute", "user": "5/minute", "login": "2/minute"},
    )


def test_it_throttles_anonymous_requests(api, db, low_rates):
    statuses = [api.get("/api/paths/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_it_throttles_authenticated_requests(api, alice, low_rates):
    api.force_authenticate(alice)
    statuses = [api.get("/api/paths/").status_code for _ in range(6)]
    assert statuses[:5] == [200] * 5
    assert statuses[5] == 429
