"""The weekly nudge's HTML part, as the sender builds it, opened in Chromium on a desktop and a
phone: it fits, loads nothing, styles itself inline and offers buttons big enough to tap."""

import os
import re
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from careers.content.models import LearningTrack
from careers.plans import nudges
from tests.factories import LearningPlanFactory, WeeklyCheckinFactory

pytestmark = pytest.mark.browser

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SITE_URL = "https://advisor.example.org"
# A plan started on Monday 16 November 2026 with two weeks logged; its email for the third
# week goes out on Saturday 5 December at 09:00 London time.
START = date(2026, 11, 16)
CREATED = datetime(2026, 11, 11, 12, tzinfo=UTC)
SENT = datetime(2026, 12, 5, 9, tzinfo=UTC)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
BUTTON_LABELS = [
    "I studied this week",
    "0 papers",
    "1 paper",
    "2 or more",
    "Skip this week",
    "Pause for two weeks",
    "Helpful",
    "Not helpful",
]

# Every visible element that holds text of its own, with its font size.
TEXT_ELEMENTS = """() => [...document.body.querySelectorAll("*")]
  .filter(el => [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
  .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
  .map(el => ({
    text: el.textContent.trim().slice(0, 40),
    size: parseFloat(getComputedStyle(el).fontSize),
  }))"""
# Every element's computed style, to compare with and without the <style> block.
COMPUTED_STYLES = """() => [...document.querySelectorAll("body, body *")].map(el => {
  const style = getComputedStyle(el);
  return [...style].map(name => name + ":" + style.getPropertyValue(name)).join(";");
})"""
STYLE_RULES = """() => [...document.styleSheets].map(sheet => ({
  owner: sheet.ownerNode.tagName,
  rules: [...sheet.cssRules].map(rule => rule.constructor.name + " " + (rule.conditionText || "")),
}))"""


@pytest.fixture
def nudge_message(seeded, alice, settings):
    """The email the sender delivers for the plan's third week (real dispatch and delivery,
    to Django's in-memory outbox)."""
    settings.SITE_URL = SITE_URL
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    plan = LearningPlanFactory(
        owner=alice,
        track=LearningTrack.objects.get(slug="deep-learning-foundations"),
        start_date=START,
        nudge_weekday=5,
        nudge_hour=9,
        timezone="Europe/London",
        now=CREATED,
    )
    WeeklyCheckinFactory(
        plan=plan,
        week_start=START,
        study_days_done=2,
        papers=[{"title": "ImageNet Classification with Deep CNNs"}, {"title": "Dropout"}],
    )
    WeeklyCheckinFactory(plan=plan, week_start=date(2026, 11, 23), study_days_done=1)
    with time_machine.travel(SENT, tick=False):
        [chunk] = nudges.nudges_dispatch(now=SENT).chunks
        assert nudges.nudges_deliver(delivery_ids=chunk) == ({"sent": 1}, [])
    [message] = mail.outbox
    return message


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


@pytest.fixture
def email_page(browser, nudge_message):
    """A page with nothing around it and no network: every request it makes is recorded and
    refused."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.requests_made = []

    def refuse(route):
        page.requests_made.append(route.request.url)
        route.abort()

    context.route("**/*", refuse)
    page.on("request", lambda request: page.requests_made.append(request.url))
    page.set_content(html_of(nudge_message), wait_until="load")
    yield page
    context.close()


def save_screenshot(page, artifacts: Path, name: str) -> None:
    path = artifacts / name
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    if os.environ.get("UPDATE_SCREENSHOTS"):
        # `make screenshots` refreshes the README's pictures; ordinary runs leave them alone.
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_SCREENSHOTS / name)


def test_it_references_no_remote_resource_and_no_stylesheet(nudge_message):
    html = html_of(nudge_message)
    for pattern in (r"<img\b", r"<link\b", r"@import", r"url\(", r"@font-face", r"\bsrc="):
        assert not re.search(pattern, html, re.IGNORECASE), pattern
    # The only links are ordinary <a href>s, which the reader clicks: nothing is fetched.
    assert all(url.startswith(SITE_URL) for url in re.findall(r'href="([^"]+)"', html))


def test_it_shows_the_email_on_a_desktop_and_a_phone(email_page, nudge_message, artifacts):
    page = email_page
    text_part = nudge_message.body
    text_urls = set(re.findall(r"https?://\S+", text_part))
    signed_urls = {url for url in text_urls if "/nudges/" in url}
    # studied, papers 0, 1 and 2+, skip, pause, unsubscribe, helpful x2
    assert len(signed_urls) == 9

    for viewport, screenshot in (
        (DESKTOP, "nudge-email-desktop.png"),
        (PHONE, "nudge-email-phone.png"),
    ):
        page.set_viewport_size(viewport)
        width = viewport["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width, width

        # The product's name heads the email.
        name = page.get_by_role("link", name=settings.SITE_NAME, exact=True)
        assert name.is_visible()
        assert name.bounding_box()["y"] < 100

        # The one-click actions are buttons to tap, each one of the signed links the text
        # part carries too.
        buttons = page.locator("a.email-button")
        assert buttons.all_inner_texts() == BUTTON_LABELS
        for button in buttons.all():
            box = button.bounding_box()
            label = button.inner_text()
            assert box["height"] >= 44, (width, label, box)
            assert box["x"] >= 0, (width, label, box)
            assert box["x"] + box["width"] <= width, (width, label, box)
            assert button.get_attribute("href") in signed_urls, label

        # Body text is readable: nothing visible below 14 px.
        small = [el for el in page.evaluate(TEXT_ELEMENTS) if el["size"] < 14]
        assert small == [], (width, small)

        save_screenshot(page, artifacts, screenshot)

    # On the phone the card's margins narrow, so the text gets most of the width.
    card = page.locator(".email-card").bounding_box()
    assert card["width"] >= 390 - 2 * 16

    assert page.requests_made == []


def test_it_styles_every_element_inline_but_the_phone_margins(email_page):
    page = email_page
    # One <style> element, holding nothing but a media query for narrow screens.
    assert page.evaluate(STYLE_RULES) == [
        {"owner": "STYLE", "rules": ["CSSMediaRule (max-width: 480px)"]}
    ]
    # On a desktop, dropping it (as many mail clients do) changes no element's style at all:
    # every style seen there comes from the elements' own style attributes.
    page.set_viewport_size(DESKTOP)
    with_block = page.evaluate(COMPUTED_STYLES)
    page.evaluate("document.querySelectorAll('style').forEach(el => el.remove())")
    assert page.evaluate(COMPUTED_STYLES) == with_block
    # And without it the phone still fits.
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.requests_made == []
