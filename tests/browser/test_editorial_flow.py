"""An editor writes and submits an advice item; a reviewer publishes it; visitors see it.

Each person uses a browser context of their own (their own cookies), as on separate machines.
"""

import pytest

from careers.content.models import AdviceItem, Status
from tests.browser.conftest import csp_violations
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-and-unusual-passphrase"
TITLE = "Ask who you would sit next to"
BODY = "Before you accept, find out **which people** you would work beside every day."


def staff(username: str, group: str):
    return UserFactory(username=username, is_staff=True, password=PASSWORD, roles=[group])


def log_in_to_admin(browser, live_server, username: str):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.console_messages = []
    page.on("console", lambda message: page.console_messages.append(message))
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    return context, page


def test_it_lets_an_editor_submit_and_a_reviewer_publish_advice(browser, live_server, page):
    staff("edna", "Editor")
    staff("rita", "Reviewer")

    # The editor writes a new item: it starts as a draft nobody else sees.
    context, editor = log_in_to_admin(browser, live_server, "edna")
    editor.goto("/admin/content/adviceitem/add/")
    editor.get_by_label("Title").fill(TITLE)
    editor.get_by_label("Body").fill(BODY)
    editor.get_by_label("Interview span").fill("25:31-26:02")
    editor.get_by_role("button", name="Save and continue editing").first.click()
    editor.get_by_text("Status: Draft").wait_for()
    assert AdviceItem.objects.get(title=TITLE).status == Status.DRAFT
    # Editors are not offered the reviewer's step.
    assert editor.get_by_role("button", name="Publish").count() == 0
    editor.get_by_role("button", name="Submit for review").click()
    editor.get_by_text("submitted for review").first.wait_for()
    assert AdviceItem.objects.get(title=TITLE).status == Status.IN_REVIEW
    assert csp_violations(editor) == []
    context.close()

    page.goto("/advice/")
    assert TITLE not in page.content()

    # The reviewer finds it on the dashboard and publishes it.
    context, reviewer = log_in_to_admin(browser, live_server, "rita")
    reviewer.get_by_role("link", name="1 awaiting review").click()
    awaiting = reviewer.get_by_role("region", name="Awaiting review (1)")
    awaiting.get_by_role("link", name=TITLE).click()
    reviewer.get_by_role("button", name="Publish").click()
    reviewer.get_by_text("published as version 1").first.wait_for()
    assert csp_violations(reviewer) == []
    context.close()

    item = AdviceItem.objects.get(title=TITLE)
    assert (item.status, item.version) == (Status.PUBLISHED, 1)

    page.goto("/advice/")
    card = page.get_by_role("article").filter(has_text=TITLE)
    card.wait_for()
    assert card.locator("strong").inner_text() == "which people"
