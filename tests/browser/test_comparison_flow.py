"""A new user compares three offers through the pages, as a person would, in Chromium.

The pages need no JavaScript: every step is a link, a form field or a submit button.
"""

import os
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from careers.comparisons.money import rate_table
from careers.content.models import Criterion
from tests.browser.accounts import sign_up
from tests.browser.conftest import csp_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "a-long-and-unusual-passphrase"

BIG_COMPANY = "Megacorp"
STARTUP = "Small Startup"
PHD = "State University (Robotics lab)"


def add_option(page, path: str, fields: dict[str, str]) -> None:
    """Fill the option form (path by its visible name, other fields by label) and submit."""
    page.get_by_label("Path", exact=True).select_option(label=path)
    # The pay groups a person opens to type in them (the salary group is open already).
    sections = page.locator("details.pay-section")
    for index in range(sections.count()):
        if sections.nth(index).get_attribute("open") is None:
            sections.nth(index).locator("summary").click()
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Add option").click()
    page.wait_for_url("**/evaluate/")


def answer(page, answers: dict[str, str | int]) -> None:
    """Answer questions on the evaluation page: click the radio's label, or type a count."""
    for key, value in answers.items():
        question = Criterion.objects.get(key=key).question
        group = page.get_by_role("group", name=question, exact=True)
        if isinstance(value, int):
            group.get_by_label("Your answer (a number)").fill(str(value))
        else:
            group.get_by_text(value, exact=True).click()
            assert group.get_by_role("radio", name=value, exact=True).is_checked(), key


def test_it_compares_three_offers_from_sign_up_to_results(page, seeded_live, artifacts):
    sign_up(page, "dana@example.com", PASSWORD)
    page.get_by_role("link", name="New comparison").first.click()
    page.get_by_label("Title").fill("After the interviews")
    page.get_by_role("button", name="Create comparison").click()

    # A famous company that will not say which team you would join.
    add_option(
        page,
        "Machine-learning team at a large company",
        {
            "Organisation": BIG_COMPANY,
            "Base salary per year": "210000",
            "Bonus per year": "30000",
            "Equity per year": "60000",
        },
    )
    groups = page.locator("form.evaluation-form h2").all_inner_texts()
    assert groups[0].startswith("People")
    answer(
        page,
        {
            "team_disclosed": "No",
            "manager_known": "I don't know yet",
            "brand_prestige": "5 (excellent)",
            "compensation": "5 (excellent)",
            "work_excitement": "4",
        },
    )
    page.get_by_role("button", name="Save answers").click()
    page.wait_for_url(re.compile(r"/comparisons/\d+/$"))

    # A startup whose founders you met, with a manager and peers you rate well.
    page.get_by_role("link", name="Add an option").click()
    add_option(
        page,
        "Startup",
        {
            "Organisation": STARTUP,
            "Base salary per year": "120000",
            "Equity per year": "20000",
            "Manager or advisor": "Sam Founder",
        },
    )
    answer(
        page,
        {
            "startup_founders_met": "Yes",
            "startup_founders_quality": "5 (excellent)",
            "manager_known": "Yes",
            "manager_met": "Yes",
            "manager_quality": "5 (excellent)",
            "peers_met": 4,
            "peers_quality": "5 (excellent)",
            "people_feel_right": "Yes",
            "questions_answered_openly": "Yes",
            "work_excitement": "4",
            "brand_prestige": "2",
        },
    )
    page.get_by_role("button", name="Save answers").click()
    page.wait_for_url(re.compile(r"/comparisons/\d+/$"))

    # A PhD lab.
    page.get_by_role("link", name="Add an option").click()
    add_option(
        page,
        "PhD program",
        {
            "Organisation": "State University",
            "Team, lab or role": "Robotics lab",
            "Currency": "GBP",
            "PhD stipend per year": "24000",
        },
    )
    answer(
        page,
        {
            "manager_known": "Yes",
            "phd_advisor_met": "Yes",
            "phd_advisor_mentoring": "4",
            "phd_lab_members_met": 2,
            "work_excitement": "3",
        },
    )
    page.get_by_role("button", name="Save and see the results").click()
    page.wait_for_url("**/results/")

    assert page.locator("h1").inner_text() == "After the interviews"
    ranking = page.locator("ol.ranking > li").all_inner_texts()
    assert len(ranking) == 3
    position = {
        name: next(index for index, item in enumerate(ranking) if name in item)
        for name in (BIG_COMPANY, STARTUP, PHD)
    }
    assert position[STARTUP] == 0
    assert position[STARTUP] < position[BIG_COMPANY]

    big = page.locator("article.option-result", has_text=BIG_COMPANY)
    flags = big.locator(".red-flag").all_inner_texts()
    assert any("The team is not decided before you sign" in flag for flag in flags)
    assert any("24:31-24:46" in flag for flag in flags)
    questions = big.locator(".checklist__item").all_inner_texts()
    assert any("Who would my manager be" in question for question in questions)
    assert any("Could I meet a few of the people" in question for question in questions)
    startup = page.locator("article.option-result", has_text=STARTUP)
    assert "None from the answers so far." in startup.inner_text()
    pay = page.locator("section", has=page.locator("#pay-title"))
    assert "300,000 USD" in pay.inner_text()
    # The stipend in GBP, converted into the first option's USD at the rate shown beside it.
    pounds = rate_table().rate("GBP", "USD")
    assert f"{pounds.convert(Decimal(24_000)):,.0f} USD" in pay.inner_text()
    assert f"from GBP at {pounds.label}" in pay.inner_text()
    assert f"{PHD}: stipend by year, in USD" in pay.inner_text()

    page.wait_for_load_state("networkidle")
    assert csp_violations(page) == []
    assert page.viewport_size["width"] == 1280
    screenshot = artifacts / "comparison-results.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000
    if os.environ.get("UPDATE_SCREENSHOTS"):
        # `make screenshots` refreshes the README's picture; ordinary runs leave it alone.
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(screenshot, DOCS_SCREENSHOTS / "comparison-results.png")

    # The same results on a phone: the ranking's cards stack and nothing scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    ranking = page.get_by_role("heading", name="Ranking", exact=True)
    page.evaluate("y => window.scrollTo(0, y - 16)", ranking.bounding_box()["y"])
    phone = artifacts / "comparison-results-phone.png"
    page.screenshot(path=str(phone))
    assert phone.stat().st_size > 10_000
    if os.environ.get("UPDATE_SCREENSHOTS"):
        shutil.copyfile(phone, DOCS_SCREENSHOTS / "comparison-results-phone.png")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The printed page is the checklist to take along: no buttons, every question kept.
    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="Results actions").is_visible()
    assert big.locator(".checklist__item").first.is_visible()
