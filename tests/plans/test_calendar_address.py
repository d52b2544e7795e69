"""The calendar feed's address on the plan page, on the address the learner is using, and the
page an old (renewed) or mistyped feed address shows."""

import pytest
from django.test import Client
from django.urls import reverse

from careers.accounts.models import Profile
from careers.plans.models import LearningPlan
from tests.factories import LearningPlanFactory

DJANGO_DEBUG_404 = "Using the URLconf defined in"


@pytest.fixture
def plan(alice) -> LearningPlan:
    return LearningPlanFactory(owner=alice)


@pytest.fixture
def alice_client(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


def feed_path(token: str) -> str:
    return reverse("plans:plan_calendar_feed", args=[token])


def test_it_shows_the_calendar_address_on_the_host_and_port_of_the_request(
    plan, alice_client, settings
):
    settings.SITE_URL = "https://mail-links.example.org"

    response = alice_client.get(
        reverse("plans:plan_detail", args=[plan.pk]), HTTP_HOST="localhost:8101"
    )

    assert response.status_code == 200
    html = response.content.decode()
    address = f"http://localhost:8101{feed_path(plan.owner.profile.calendar_token)}"
    assert f'value="{address}"' in html
    assert 'data-copy="Copy the address"' in html
    assert "mail-links.example.org" not in html
    # The address shown is one the feed answers on.
    assert alice_client.get(address).status_code == 200


@pytest.mark.parametrize("debug", [False, True], ids=["production", "development"])
def test_it_shows_our_not_found_page_for_a_renewed_calendar_address(
    plan, alice_client, client, settings, debug
):
    settings.DEBUG = debug
    old = plan.owner.profile.calendar_token
    alice_client.post(reverse("plans:plan_calendar_regenerate", args=[plan.pk]))
    assert Profile.objects.get(user=plan.owner).calendar_token != old

    response = client.get(feed_path(old))

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "This calendar address no longer works" in html
    assert "copy the new address from your plan" in html
    assert DJANGO_DEBUG_404 not in html
    assert "BEGIN:VCALENDAR" not in html
