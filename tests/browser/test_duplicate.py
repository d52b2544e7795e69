"""On a phone, a person copies a comparison and then one of its options, to try "what if"
without retyping: two plain POST buttons on the comparison page, no JavaScript needed."""

import pytest

from careers.comparisons.models import Comparison
from careers.content.models import Criterion
from tests.browser.conftest import csp_violations
from tests.factories import PASSWORD, AnswerFactory, ComparisonFactory, OptionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def log_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/")


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_it_duplicates_a_comparison_and_an_option_on_a_phone(page, seeded_live, artifacts):
    user = UserFactory()
    original = ComparisonFactory(owner=user, title="Summer offers")
    option = OptionFactory(comparison=original, organisation="Megacorp", team="Search")
    AnswerFactory(option=option, criterion_key="manager_met", value="yes", source="Recruiter")
    OptionFactory(comparison=original, organisation="Small Startup", path_slug="startup")

    page.set_viewport_size(PHONE)
    log_in(page, user)
    page.goto(f"/comparisons/{original.pk}/")
    assert fits_the_width(page)

    page.get_by_role("button", name="Duplicate comparison").click()
    copy = Comparison.objects.get(title="Copy of Summer offers")
    page.wait_for_url(f"**/comparisons/{copy.pk}/")
    assert page.locator("h1").inner_text() == "Copy of Summer offers"
    assert "Summer offers" in page.locator(".message--success").inner_text()
    assert page.locator(".option-card__title, .card__title").all_inner_texts() == [
        "Megacorp (Search)",
        "Small Startup",
    ]
    assert fits_the_width(page)
    page.screenshot(path=str(artifacts / "duplicate-phone.png"), full_page=True)

    page.get_by_role("button", name="Duplicate Megacorp (Search)").click()
    page.wait_for_url("**/evaluate/")
    assert page.locator("h1").inner_text() == "Questions about Copy of Megacorp (Search)"
    assert page.locator(".message--success").count() == 1
    # The copied answer is there to change.
    question = Criterion.objects.get(key="manager_met").question
    group = page.get_by_role("group", name=question, exact=True)
    assert group.get_by_role("radio", name="Yes", exact=True).is_checked()
    assert fits_the_width(page)

    assert copy.options.count() == 3
    assert original.options.count() == 2
    assert csp_violations(page) == []
