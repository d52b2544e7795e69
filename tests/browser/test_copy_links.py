"""The copy buttons beside the share link and the calendar address: one press puts the link
on the clipboard; without JavaScript there is no button and the link is still there to select.
"""

import pytest
from django.test import Client

from careers.comparisons import sharing
from tests.browser.conftest import csp_violations
from tests.factories import ComparisonFactory, LearningPlanFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


@pytest.fixture
def share_page(alice) -> str:
    comparison = sharing.share_enable(comparison=ComparisonFactory(owner=alice))
    return f"/comparisons/{comparison.pk}/share/"


@pytest.fixture
def plan_page(alice) -> str:
    return f"/plans/{LearningPlanFactory(owner=alice).pk}/"


def signed_in_context(browser, live_server, user, **options):
    """A browser context with the user's session cookie, as if they had logged in."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, **options)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


@pytest.mark.parametrize(
    ("page_fixture", "field", "button", "path_start"),
    [
        ("share_page", "#share-url", "Copy the link", "/comparisons/shared/"),
        ("plan_page", "#calendar-url", "Copy the address", "/plans/calendar/"),
    ],
    ids=["share-link", "calendar-address"],
)
def test_it_copies_the_link_to_the_clipboard(
    browser, live_server, alice, request, page_fixture, field, button, path_start
):
    url = request.getfixturevalue(page_fixture)
    context = signed_in_context(
        browser, live_server, alice, permissions=["clipboard-read", "clipboard-write"]
    )
    page = context.new_page()
    page.console_messages = []
    page.on("console", lambda message: page.console_messages.append(message))
    try:
        page.goto(url)
        link = page.locator(field).input_value()
        # On the address the browser is using, live server's port and all.
        assert link.startswith(f"{live_server.url}{path_start}")

        page.get_by_role("button", name=button).click()

        status = page.get_by_role("status").filter(has_text="Copied")
        assert status.inner_text() == "Copied to the clipboard."
        assert status.get_attribute("aria-live") == "polite"
        assert page.evaluate("navigator.clipboard.readText()") == link
        assert csp_violations(page) == []
    finally:
        context.close()


def test_it_leaves_the_link_selectable_and_shows_no_button_without_javascript(
    browser, live_server, alice, share_page
):
    context = signed_in_context(browser, live_server, alice, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(share_page)
        link = page.locator("#share-url")
        assert link.input_value().startswith(f"{live_server.url}/comparisons/shared/")
        assert link.is_editable() is False  # read-only, yet focusable and selectable
        assert link.is_enabled()
        assert page.get_by_role("button", name="Copy the link").count() == 0
        assert page.locator(".copy-link").count() == 0
    finally:
        context.close()


def test_it_fits_the_share_page_and_its_copy_button_on_a_phone(
    browser, live_server, alice, share_page
):
    context = signed_in_context(browser, live_server, alice, viewport={"width": 390, "height": 800})
    page = context.new_page()
    try:
        page.goto(share_page)
        assert page.get_by_role("button", name="Copy the link").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
