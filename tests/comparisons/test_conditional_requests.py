"""The result endpoint and the results page answer conditional requests: an ETag from
everything the response depends on, 304 Not Modified with no body while it still matches,
a new ETag when anything changes, and never a 304 for a page that differs from the copy the
client holds (a flash message, a new login's CSRF token, the viewer's own answers).

alice owns the comparison; charlie must learn nothing of it.
"""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from careers.comparisons import services
from careers.comparisons.selectors import comparison_advice
from careers.content.models import CareerPath, Criterion
from careers.content.snapshots import item_snapshot
from careers.content.workflow import item_publish, item_submit, revision_save
from tests.factories import AdviceItemFactory, ComparisonFactory


@pytest.fixture
def comparison(seeded, alice):
    comparison = ComparisonFactory(owner=alice, title="Two offers")
    globex = services.option_create(
        comparison=comparison,
        path=CareerPath.objects.get(slug="industry-team"),
        organisation="Globex",
    )
    services.option_create(
        comparison=comparison, path=CareerPath.objects.get(slug="startup"), organisation="Tiny"
    )
    services.answers_upsert(option=globex, answers=[{"criterion": "manager_known", "value": "no"}])
    return comparison


@pytest.fixture
def api(alice) -> APIClient:
    client = APIClient()
    client.force_authenticate(alice)
    return client


@pytest.fixture
def browser(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


def result_url(comparison) -> str:
    return f"/api/comparisons/{comparison.pk}/result/"


def results_url(comparison) -> str:
    return reverse("comparisons:comparison_results", args=[comparison.pk])


def settled_etag(client, url: str) -> str:
    """The page's ETag once the first view's one-offs are behind it (the result scored, the
    CSRF cookie set)."""
    client.get(url)
    client.get(url)
    response = client.get(url)
    assert response.status_code == 200
    return response["ETag"]


def test_it_answers_the_result_api_with_304_while_nothing_changed(comparison, api):
    first = api.get(result_url(comparison))
    assert first.status_code == 200
    assert first["ETag"].startswith('"')
    assert "private" in first["Cache-Control"]
    assert "no-cache" in first["Cache-Control"]

    again = api.get(result_url(comparison), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert "private" in again["Cache-Control"]
    # A list of tags, or a weak validator of the same tag, matches too (RFC 9110).
    assert (
        api.get(
            result_url(comparison), HTTP_IF_NONE_MATCH=f'"other", W/{first["ETag"]}'
        ).status_code
        == 304
    )


def test_it_sends_a_new_etag_and_the_new_result_after_a_change(comparison, api):
    first = api.get(result_url(comparison))
    globex = comparison.options.get(organisation="Globex")
    services.answers_upsert(option=globex, answers=[{"criterion": "manager_known", "value": "yes"}])

    after = api.get(result_url(comparison), HTTP_IF_NONE_MATCH=first["ETag"])

    assert after.status_code == 200
    assert after["ETag"] != first["ETag"]
    assert after.json() != first.json()
    assert api.get(result_url(comparison), HTTP_IF_NONE_MATCH=after["ETag"]).status_code == 304


def test_it_gives_the_json_and_the_browsable_api_apart(comparison, api):
    json_etag = api.get(result_url(comparison))["ETag"]
    indented = api.get(result_url(comparison), HTTP_ACCEPT="application/json; indent=4")
    browsable = api.get(result_url(comparison), HTTP_ACCEPT="text/html")

    assert indented.status_code == 200
    assert indented["ETag"] != json_etag
    assert browsable.status_code == 200
    assert "ETag" not in browsable  # a page with the viewer and forms is never revalidated
    assert (
        api.get(result_url(comparison), HTTP_ACCEPT="text/html", HTTP_IF_NONE_MATCH=json_etag)
    ).status_code == 200


def test_it_answers_charlie_with_404_even_with_alices_etag(comparison, api, charlie):
    etag = api.get(result_url(comparison))["ETag"]
    other = APIClient()
    other.force_authenticate(charlie)

    assert other.get(result_url(comparison), HTTP_IF_NONE_MATCH=etag).status_code == 404
    page = Client()
    page.force_login(charlie)
    assert page.get(results_url(comparison), HTTP_IF_NONE_MATCH=etag).status_code == 404


def test_it_answers_the_results_page_with_304_while_nothing_changed(comparison, browser):
    etag = settled_etag(browser, results_url(comparison))

    again = browser.get(results_url(comparison), HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert "private" in again["Cache-Control"]
    assert "no-cache" in again["Cache-Control"]


@pytest.mark.parametrize(
    "change",
    [
        "answer",
        "weight",
        "title",
        "criterion published",
        "advice published",
    ],
)
def test_it_sends_the_changed_results_page_for_the_old_etag(comparison, browser, reviewer, change):
    etag = settled_etag(browser, results_url(comparison))
    globex = comparison.options.get(organisation="Globex")
    if change == "answer":
        services.answers_upsert(
            option=globex, answers=[{"criterion": "manager_known", "value": "yes"}]
        )
        shown = "Yes"
    elif change == "weight":
        services.weights_set(comparison=comparison, weights={"brand_prestige": 77})
        shown = "<td>77</td>"
    elif change == "title":
        services.comparison_update(comparison=comparison, title="Three offers, really")
        shown = "Three offers, really"
    elif change == "criterion published":
        criterion = Criterion.objects.get(key="manager_known")
        shown = "Has anyone named your manager yet?"
        revision_save(
            item=criterion, data={**item_snapshot(criterion), "question": shown}, user=reviewer
        )
        item_submit(item=criterion, user=reviewer)
        item_publish(item=criterion, user=reviewer)
    else:
        shown = "A brand-new piece of advice"
        AdviceItemFactory(title=shown, paths=[CareerPath.objects.get(slug="startup")])

    response = browser.get(results_url(comparison), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert shown in response.content.decode()
    assert response.get("ETag") != etag


def test_it_never_answers_304_for_a_page_with_a_message(comparison, browser):
    url = reverse("comparisons:comparison_weights", args=[comparison.pk])
    etag = settled_etag(browser, results_url(comparison))
    form = browser.get(url).context["form"]
    data = {name: field.initial for name, field in form.fields.items()}

    saved = browser.post(url, data, HTTP_IF_NONE_MATCH=etag, follow=True)

    # Nothing changed (the same weights), but the page carries "Weights saved.".
    assert saved.status_code == 200
    assert "Weights saved." in saved.content.decode()
    assert "ETag" not in saved
    # The message was read; the next view is the plain page again, the old ETag matching.
    assert browser.get(results_url(comparison), HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_it_sends_the_page_again_after_a_new_login(comparison, alice, browser):
    etag = settled_etag(browser, results_url(comparison))

    browser.logout()
    browser.force_login(alice)
    response = browser.get(results_url(comparison), HTTP_IF_NONE_MATCH=etag)

    # A login rotates the CSRF secret: the kept copy's forms would be refused.
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_it_sends_the_page_again_when_alice_answers_was_this_helpful(comparison, browser):
    url = results_url(comparison)
    etag = settled_etag(browser, url)
    [item, *_] = comparison_advice(
        path_ids=set(comparison.options.values_list("path_id", flat=True)),
        flag_keys={"manager_unknown"},
    )

    browser.post(
        reverse("content:advice_helpful", args=[item.slug]), {"helpful": "yes", "next": url}
    )
    with_message = browser.get(url, HTTP_IF_NONE_MATCH=etag)
    later = browser.get(url, HTTP_IF_NONE_MATCH=etag)

    assert with_message.status_code == 200
    assert "Thank you" in with_message.content.decode()
    assert later.status_code == 200
    assert "You answered yes" in later.content.decode()
    assert later["ETag"] != etag
