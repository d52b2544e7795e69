"""Taking one's data and leaving, in Chromium at desktop width and on a 390 px phone: from the
profile page the export downloads a JSON file that parses and holds the user's comparison;
the delete page says what goes, takes the password and ends the account, and logging in with
it fails afterwards."""

import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from tests.browser.conftest import csp_violations
from tests.factories import PASSWORD, ComparisonFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def log_in(page, login: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill(login)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def fits(page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


def axe_violations(page) -> list[str]:
    if not AXE.exists():
        return []
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .map(v => v.id + ' on ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_it_downloads_the_data_then_deletes_the_account(browser, live_server, viewport):
    user = UserFactory(username="alice")
    ComparisonFactory(owner=user, title="Offers to weigh")
    context = browser.new_context(
        base_url=live_server.url, viewport=viewport, accept_downloads=True
    )
    if AXE.exists():
        # Outside the page's Content Security Policy, as the every-page sweep loads it.
        context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.console_messages = []
    page.on("console", lambda message: page.console_messages.append(message))
    try:
        log_in(page, "alice")
        page.wait_for_url("**/dashboard/")

        page.goto("/accounts/profile/")
        page.get_by_role("link", name="Download your data").click()
        page.wait_for_url("**/accounts/export/")
        assert fits(page, viewport["width"])
        assert axe_violations(page) == []
        with page.expect_download() as download_info:
            page.get_by_role("button", name="Download my data").click()
        download = download_info.value
        assert download.suggested_filename.startswith("advisor-export-")
        assert download.suggested_filename.endswith(".json")
        data = json.loads(Path(download.path()).read_text())
        assert data["account"]["username"] == "alice"
        titles = [c["title"] for c in data["comparisons"]["comparisons"]]
        assert titles == ["Offers to weigh"]

        page.goto("/accounts/profile/")
        page.get_by_role("link", name="Delete your account").click()
        page.wait_for_url("**/accounts/delete/")
        assert page.get_by_text("1 comparison", exact=True).is_visible()
        assert fits(page, viewport["width"])
        assert axe_violations(page) == []
        page.get_by_label("Your password").fill("not my password")
        page.get_by_role("button", name="Delete my account").click()
        assert page.get_by_text("That is not your password.").is_visible()
        assert get_user_model().objects.filter(username="alice").exists()

        page.get_by_label("Your password").fill(PASSWORD)
        page.get_by_role("button", name="Delete my account").click()
        page.wait_for_url(live_server.url + "/")
        assert page.get_by_text("Your account and everything in it are deleted.").is_visible()
        assert not get_user_model().objects.filter(username="alice").exists()

        log_in(page, "alice")
        page.wait_for_load_state()
        assert page.url.endswith("/accounts/login/")
        assert page.locator(".form-errors").is_visible()
        assert csp_violations(page) == []
    finally:
        context.close()
