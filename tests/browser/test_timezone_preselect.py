"""Choosing a time zone in one step: in a browser set to Tokyo, sign-up already shows
Asia/Tokyo and stores it; a zone the user chose is left alone; without JavaScript the form
keeps UTC and still works."""

import pytest

from careers.accounts.models import Profile
from tests.browser import accounts
from tests.browser.conftest import csp_violations
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TOKYO = "Asia/Tokyo"


@pytest.fixture
def new_page(browser, live_server):
    """A page in a context of its own (``timezone_id``, ``java_script_enabled``...), with the
    console collected as the shared ``page`` fixture does."""
    contexts = []

    def make(**options):
        context = browser.new_context(base_url=live_server.url, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.console_messages = []
        page.on("console", lambda message: page.console_messages.append(message))
        return page

    yield make
    for context in contexts:
        context.close()


def fill_sign_up(page, username: str) -> None:
    accounts.fill_sign_up(page, f"{username}@example.com", PASSWORD)


def submit_sign_up(page, username: str) -> None:
    accounts.submit_sign_up(page, f"{username}@example.com")


def log_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/")


def stored_zone(username: str) -> str:
    return Profile.objects.get(user__email=f"{username}@example.com").timezone


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_it_signs_up_in_the_browsers_time_zone(new_page, viewport):
    page = new_page(timezone_id=TOKYO, viewport=viewport)
    fill_sign_up(page, "kenji")

    select = page.get_by_label("Timezone", exact=True)
    assert select.input_value() == TOKYO
    # The change is said under the field, and the field points at it.
    note = page.locator("#id_timezone_detected")
    assert note.inner_text().startswith("Asia/Tokyo is your browser's time zone")
    assert "id_timezone_detected" in select.get_attribute("aria-describedby").split()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    submit_sign_up(page, "kenji")
    assert stored_zone("kenji") == TOKYO
    assert csp_violations(page) == []


def test_it_leaves_a_zone_the_user_chose_alone(new_page):
    UserFactory(username="amelie", profile__timezone="Europe/Paris")
    page = new_page(timezone_id=TOKYO, viewport=DESKTOP)
    log_in(page, Profile.objects.get(user__username="amelie").user)

    page.goto("/accounts/profile/")
    select = page.get_by_label("Timezone", exact=True)
    assert select.input_value() == "Europe/Paris"
    assert page.locator("#id_timezone_detected").count() == 0

    page.get_by_role("button", name="Save settings").click()
    page.wait_for_url("**/accounts/profile/")
    assert page.locator(".message--success").count() == 1
    assert stored_zone("amelie") == "Europe/Paris"
    assert csp_violations(page) == []


def test_it_offers_the_browsers_zone_on_a_profile_still_on_utc(new_page):
    user = UserFactory(username="kenji", profile__timezone="UTC")
    page = new_page(timezone_id=TOKYO, viewport=PHONE)
    log_in(page, user)

    page.goto("/accounts/profile/")
    assert page.get_by_label("Timezone", exact=True).input_value() == TOKYO
    # Only saving changes what is stored.
    assert stored_zone("kenji") == "UTC"
    page.get_by_role("button", name="Save settings").click()
    page.wait_for_url("**/accounts/profile/")
    assert stored_zone("kenji") == TOKYO


def test_it_keeps_utc_and_signs_up_without_javascript(new_page):
    page = new_page(timezone_id=TOKYO, viewport=PHONE, java_script_enabled=False)
    fill_sign_up(page, "nojs")

    assert page.get_by_label("Timezone", exact=True).input_value() == "UTC"
    assert page.locator("#id_timezone_detected").count() == 0
    submit_sign_up(page, "nojs")
    assert stored_zone("nojs") == "UTC"


def test_it_finds_a_zone_by_its_city_name(new_page):
    page = new_page(timezone_id="UTC", viewport=DESKTOP)
    fill_sign_up(page, "sofia")
    select = page.get_by_label("Timezone", exact=True)
    # The browser is on UTC: nothing is chosen for the user.
    assert select.input_value() == "UTC"
    assert page.locator("#id_timezone_detected").count() == 0

    # Typing the first letters of a city on the focused select jumps to it.
    select.focus()
    page.keyboard.type("Tokyo", delay=50)
    assert select.input_value() == TOKYO
    select.select_option(label="Buenos Aires (Argentina)")
    assert select.input_value() == "America/Argentina/Buenos_Aires"
    select.select_option(label="Paris")

    submit_sign_up(page, "sofia")
    assert stored_zone("sofia") == "Europe/Paris"
    assert csp_violations(page) == []
