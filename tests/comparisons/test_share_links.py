"""The share link on the address its owner is using, and the page a dead share link shows.

alice owns the comparison; anyone with the link may read it until she turns sharing off.
"""

import pytest
from django.test import Client
from django.urls import reverse

from careers.comparisons import sharing
from careers.comparisons.models import Comparison
from tests.factories import ComparisonFactory

DJANGO_DEBUG_404 = "Using the URLconf defined in"


@pytest.fixture
def comparison(alice) -> Comparison:
    return sharing.share_enable(comparison=ComparisonFactory(owner=alice, title="Two offers"))


@pytest.fixture
def owner(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


def share_page(owner: Client, comparison: Comparison, **request) -> str:
    response = owner.get(reverse("comparisons:comparison_share", args=[comparison.pk]), **request)
    assert response.status_code == 200
    return response.content.decode()


def shared_path(comparison: Comparison) -> str:
    return reverse("comparisons:comparison_shared", args=[comparison.share_token])


def test_it_builds_the_share_link_on_the_host_and_port_of_the_request(comparison, owner, settings):
    settings.SITE_URL = "https://mail-links.example.org"

    html = share_page(owner, comparison, HTTP_HOST="127.0.0.1:8101")

    link = f"http://127.0.0.1:8101{shared_path(comparison)}"
    assert f'value="{link}"' in html
    assert f'href="{link}"' in html
    assert "mail-links.example.org" not in html


def test_it_builds_an_https_share_link_behind_a_tls_proxy(comparison, owner, settings):
    settings.ALLOWED_HOSTS = ["advisor.example.org"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    html = share_page(
        owner, comparison, HTTP_HOST="advisor.example.org", HTTP_X_FORWARDED_PROTO="https"
    )

    assert f'value="https://advisor.example.org{shared_path(comparison)}"' in html


def test_it_refuses_a_share_page_asked_for_on_a_host_outside_allowed_hosts(comparison, owner):
    response = owner.get(
        reverse("comparisons:comparison_share", args=[comparison.pk]), HTTP_HOST="evil.example"
    )

    assert response.status_code == 400
    assert b"evil.example" not in response.content
    assert comparison.share_token.encode() not in response.content


def test_it_marks_the_share_link_for_the_copy_button(comparison, owner):
    html = share_page(owner, comparison)

    assert 'id="share-url"' in html
    assert 'readonly data-copy="Copy the link"' in html
    assert "core/copy.js" in html


@pytest.mark.parametrize("debug", [False, True], ids=["production", "development"])
def test_it_shows_our_not_found_page_for_a_revoked_share_link(comparison, client, settings, debug):
    settings.DEBUG = debug
    dead = shared_path(comparison)
    sharing.share_revoke(comparison=comparison)

    response = client.get(dead)

    assert response.status_code == 404
    html = response.content.decode()
    assert "This link no longer works" in html
    assert "Its owner can turn sharing on again" in html
    assert f'href="{reverse("content:advice_list")}"' in html
    assert DJANGO_DEBUG_404 not in html
    assert "Two offers" not in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "script-src 'self'" in response["Content-Security-Policy"]
