"""Entering two offers' pay in Chromium, as a person would, and reading the year-by-year chart
and the totals on the results page, at desktop width and on a 390 px phone.

A listed company's grant vests back-loaded (5/15/40/40); a startup's options are worth from
nothing to their paper value. Both are in USD, the comparison's currency.
"""

import pytest

from tests.browser.accounts import sign_up
from tests.browser.conftest import csp_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-and-unusual-passphrase"
PHONE = {"width": 390, "height": 844}


def open_section(page, title: str) -> None:
    """Open a group of the pay form (a <details>), as a click on its title does."""
    section = page.locator("details.pay-section", has=page.get_by_role("heading", name=title))
    if section.get_attribute("open") is None:
        section.locator("summary").click()
    assert section.get_attribute("open") is not None


def add_offer(page, comparison_url: str, path: str, organisation: str, fill) -> None:
    page.goto(comparison_url + "options/new/")
    page.get_by_label("Path", exact=True).select_option(label=path)
    page.get_by_label("Organisation").fill(organisation)
    fill()
    page.get_by_role("button", name="Add option").click()
    page.wait_for_url("**/evaluate/")


def new_comparison(page, currency: str = "") -> str:
    """Create a comparison from the dashboard; its page's address."""
    page.get_by_role("link", name="New comparison").first.click()
    page.get_by_label("Title").fill("After the offers")
    if currency:
        page.get_by_label("Compare pay in").fill(currency)
    page.get_by_role("button", name="Create comparison").click()
    page.wait_for_url("**/options/new/")
    return page.url.removesuffix("options/new/")


def pay_table(page, organisation: str) -> list[list[str]]:
    article = page.locator("article.pay-chart", has_text=f"{organisation}: pay by year")
    rows = article.locator("tbody tr")
    return [
        [cell.strip() for cell in rows.nth(i).locator("th, td").all_inner_texts()]
        for i in range(rows.count())
    ]


def test_it_enters_a_back_loaded_grant_and_startup_options_and_reads_the_chart(page, seeded_live):
    sign_up(page, "kim@example.com", PASSWORD)
    comparison_url = new_comparison(page, "usd")

    def big_company():
        page.get_by_label("Base salary per year").fill("150000")
        open_section(page, "Equity in a listed company")
        page.get_by_label("Equity grant, total value at grant").fill("200000")
        page.get_by_label("Vesting schedule").select_option(label="Back-loaded 5/15/40/40")

    def startup():
        page.get_by_label("Base salary per year").fill("90000")
        open_section(page, "Options or shares in a private company (a startup)")
        page.get_by_label("Number of options or shares").fill("40000")
        page.get_by_label("Strike price per share").fill("1")
        page.get_by_label("Latest price per share").fill("6")
        page.get_by_label("Days to exercise after leaving").fill("90")

    add_offer(
        page, comparison_url, "Machine-learning team at a large company", "Bigco", big_company
    )
    add_offer(page, comparison_url, "Startup", "Tiny", startup)

    page.goto(comparison_url + "results/")
    # Back-loaded 5/15/40/40 of 200,000 on 150,000 a year.
    assert pay_table(page, "Bigco") == [
        ["1", "150,000", "10,000", "160,000 USD"],
        ["2", "150,000", "30,000", "180,000 USD"],
        ["3", "150,000", "80,000", "230,000 USD"],
        ["4", "150,000", "80,000", "230,000 USD"],
    ]
    # 40,000 options at 1 priced at 6: 200,000 on paper, a quarter a year from the cliff,
    # counted from nothing to all of it, half expected.
    assert pay_table(page, "Tiny") == [
        [str(year), "90,000", "25,000", "115,000 USD (90,000 to 140,000)"] for year in (1, 2, 3, 4)
    ]
    totals = page.locator("#pay-title ~ .table-scroll table").first
    bigco = totals.locator("tr", has_text="Bigco").inner_text()
    assert "160,000 USD" in bigco
    assert "800,000 USD" in bigco
    tiny = totals.locator("tr", has_text="Tiny").inner_text()
    assert "115,000 USD" in tiny
    assert "460,000 USD (360,000 to 560,000)" in tiny

    # The charts: four bars each, equity hatched above the cash, the startup's range a band.
    charts = page.locator("article.pay-chart svg[role=img]")
    assert charts.count() == 2
    big_chart = page.locator("article.pay-chart", has_text="Bigco: pay by year").locator(
        "svg[role=img]"
    )
    equity = [
        float(h)
        for h in big_chart.locator("rect.pay-chart__equity").evaluate_all(
            "rs => rs.map(r => r.getAttribute('height'))"
        )
    ]
    assert len(equity) == 4
    assert equity[0] < equity[1] < equity[2] == equity[3]  # back-loaded, drawn so
    tiny_chart = page.locator("article.pay-chart", has_text="Tiny: pay by year").locator(
        "svg[role=img]"
    )
    assert tiny_chart.locator("rect.pay-chart__band").count() == 4
    assert big_chart.locator("rect.pay-chart__band").count() == 0
    page.get_by_text("Assumptions behind these figures").nth(1).click()
    assert page.get_by_text("Vested options must be bought within 90 days of leaving.").is_visible()
    assert "Pay over four years, worked out from what you entered, carries" in page.content()

    # On a phone the page fits its width and the chart and its table are still there.
    page.set_viewport_size(PHONE)
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert big_chart.is_visible()
    assert big_chart.bounding_box()["width"] <= PHONE["width"]
    assert pay_table(page, "Bigco")[0] == ["1", "150,000", "10,000", "160,000 USD"]
    assert csp_violations(page) == []


def test_it_opens_the_pay_groups_that_hold_values_when_an_option_is_edited(page, seeded_live):
    sign_up(page, "lee@example.com", PASSWORD)
    comparison_url = new_comparison(page)

    def startup():
        open_section(page, "Options or shares in a private company (a startup)")
        page.get_by_label("Number of options or shares").fill("1000")
        page.get_by_label("Worth, high (% of paper value)").fill("150")

    page.get_by_label("Path", exact=True).select_option(label="Startup")
    page.get_by_label("Organisation").fill("Tiny")
    startup()
    page.get_by_role("button", name="Add option").click()

    # Refused on its field, the group left open so the error is in sight.
    error = page.locator("#id_private_worth_high_percent_error")
    assert error.is_visible()
    assert "100" in error.inner_text()
    page.get_by_label("Worth, high (% of paper value)").fill("80")
    page.get_by_role("button", name="Add option").click()
    page.wait_for_url("**/evaluate/")

    page.goto(comparison_url)
    page.get_by_role("link", name="Edit Tiny").click()
    private = page.locator(
        "details.pay-section",
        has=page.get_by_role("heading", name="Options or shares in a private company (a startup)"),
    )
    assert private.get_attribute("open") is not None
    equity = page.locator(
        "details.pay-section", has=page.get_by_role("heading", name="Equity in a listed company")
    )
    assert equity.get_attribute("open") is None
