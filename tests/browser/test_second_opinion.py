"""A second opinion in Chromium, at desktop width and on a 390 px phone: alice invites her
mentor, who opens the link in a browser of their own (no login, no JavaScript) and rates her
offers; alice sees where they disagree, counts the mentor in the score, then revokes the
link, which stops working at once."""

import re
from pathlib import Path

import pytest

from careers.comparisons import services
from tests.browser.accounts import log_in
from tests.browser.conftest import csp_violations
from tests.factories import ComparisonFactory, OptionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# The second-opinions page, where every action there returns, to the rater's card.
RATERS_PAGE = re.compile(r".*/second-opinions/(#rater-\d+)?$")
QUESTION = "How much would you expect to learn from the person you would report to?"
# What alice typed that the mentor must never see.
SECRETS = ("Zebra-note-4711", "Pangolin-comparison-notes", "Axolotl offers", "Ms Okapi")


def problems(page, width: int) -> list[str]:
    """Sideways scrolling, axe-core's violations (where it is installed) and CSP refusals."""
    found = []
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        found.append(f"scrollWidth {scroll_width} > {width}")
    if AXE.exists():
        found += page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                .map(v => v.id + ' on ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""
        )
    return found + csp_violations(page)


def bigco_score(page) -> float:
    label = page.locator(".ranking__item", has_text="Bigco").locator(".score__label strong").first
    return float(re.fullmatch(r"Score ([\d.]+)", label.inner_text()).group(1))


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_it_asks_a_mentor_counts_their_opinion_and_revokes_the_link(
    browser, live_server, seeded_live, artifacts, viewport
):
    alice = UserFactory(username="alice")
    comparison = ComparisonFactory(
        owner=alice, title="Axolotl offers", notes="Pangolin-comparison-notes"
    )
    bigco = OptionFactory(
        comparison=comparison, organisation="Bigco", team="Search", manager_name="Ms Okapi"
    )
    OptionFactory(comparison=comparison, organisation="Tiny", path_slug="startup")
    services.answers_upsert(
        option=bigco,
        answers=[{"criterion": "manager_quality", "value": "1", "note": "Zebra-note-4711"}],
    )
    width = viewport["width"]
    owner_context = browser.new_context(base_url=live_server.url, viewport=viewport)
    # The mentor's browser: no session of alice's, and no JavaScript (the page is plain HTML
    # forms). A second fresh context, with scripts, checks the same page's layout and axe.
    rater_context = browser.new_context(viewport=viewport, java_script_enabled=False)
    checker_context = browser.new_context(viewport=viewport)
    for context in (owner_context, checker_context):
        if AXE.exists():
            context.add_init_script(path=str(AXE))
    owner = owner_context.new_page()
    rater = rater_context.new_page()
    checker = checker_context.new_page()
    for page in (owner, checker):
        page.console_messages = []
        page.on("console", lambda message, page=page: page.console_messages.append(message))
    try:
        # alice invites her mentor from the results page.
        log_in(owner, alice)
        owner.goto(f"/comparisons/{comparison.pk}/results/")
        owner.get_by_role("link", name="Second opinions").click()
        owner.wait_for_url(RATERS_PAGE)
        owner.get_by_label("Their name").fill("Sam, my mentor")
        with owner.expect_navigation(url=RATERS_PAGE):
            owner.get_by_role("button", name="Make a link").click()
        link = owner.get_by_label("Their link").input_value()
        assert "/comparisons/rate/" in link
        assert owner.get_by_text("Not answered yet").is_visible()
        assert problems(owner, width) == []

        # The mentor, in a browser of their own: no session, no JavaScript.
        assert rater.goto(link).status == 200
        assert rater.get_by_role("heading", name="Bigco").is_visible()
        text = rater.locator("main").inner_text()
        for secret in SECRETS:
            assert secret not in text
        assert checker.goto(link).status == 200
        assert problems(checker, width) == []
        rater.screenshot(path=str(artifacts / f"second-opinion-{width}.png"), full_page=True)
        question = rater.get_by_role("group", name=f"{QUESTION} (Bigco)", exact=True)
        # alice's "1 of 5" is not shown: the mentor starts from "I don't know yet".
        assert question.get_by_role("radio", name="I don't know yet").is_checked()
        question.get_by_role("radio", name="5 (excellent)").check()
        with rater.expect_navigation(url="**/?saved=1"):
            rater.get_by_role("button", name="Save my answers").click()
        assert rater.get_by_text("Thank you: your answers are saved.").is_visible()
        assert question.get_by_role("radio", name="5 (excellent)").is_checked()

        # alice sees the disagreement: her 1 of 5 against the mentor's 5.
        owner.goto(f"/comparisons/{comparison.pk}/results/")
        opinions = owner.locator("section.second-opinions")
        row = opinions.locator("tr.second-opinions__row--disagree", has_text=QUESTION)
        assert row.count() == 1
        assert row.get_by_text("Disagree", exact=True).is_visible()
        assert "5 of 5" in row.inner_text()
        assert "None of them counts in the score" in opinions.inner_text()
        before = bigco_score(owner)
        box = opinions.bounding_box()
        assert box["x"] + box["width"] <= width

        # She counts the mentor in the score: 1 and 5 make 3, and Bigco's score rises.
        owner.goto(f"/comparisons/{comparison.pk}/second-opinions/")
        assert owner.get_by_text("Answered", exact=True).is_visible()
        with owner.expect_navigation(url=RATERS_PAGE):
            owner.get_by_role("button", name="Count in the score").click()
        assert owner.get_by_text("Counts in the score", exact=True).is_visible()
        owner.goto(f"/comparisons/{comparison.pk}/results/")
        assert bigco_score(owner) > before
        assert "Counting in the score: Sam, my mentor." in opinions.inner_text()

        # She revokes the link: it stops working at once, and the score is hers alone again.
        owner.goto(f"/comparisons/{comparison.pk}/second-opinions/")
        with owner.expect_navigation(url=RATERS_PAGE):
            owner.get_by_role("button", name="Revoke the link").click()
        assert owner.get_by_text("Link revoked").is_visible()
        assert owner.get_by_label("Their link").count() == 0
        response = rater.goto(link)
        assert response.status == 410
        assert rater.get_by_role("heading", name="This link no longer works").is_visible()
        assert rater.get_by_role("button", name="Save my answers").count() == 0
        owner.goto(f"/comparisons/{comparison.pk}/results/")
        assert bigco_score(owner) == before
        assert owner.locator("section.second-opinions").count() == 0
    finally:
        for context in (owner_context, rater_context, checker_context):
            context.close()
