"""The two long comparison forms in Chromium, on a desktop and on a phone: the evaluation page
counts the answered questions as you answer, the weights page shows each category's share of
the total weight as you type, and both keep their save button on screen however far down you
are. Without JavaScript the weights page still saves and shows the shares after saving."""

import pytest

from careers.comparisons import selectors
from careers.comparisons.forms import weight_percent
from careers.comparisons.models import Answer
from careers.content.models import Criterion
from tests.browser.conftest import csp_violations
from tests.factories import PASSWORD, AnswerFactory, ComparisonFactory, OptionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])


@pytest.fixture
def page_without_js(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    page.console_messages = []
    page.on("console", lambda message: page.console_messages.append(message))
    yield page
    context.close()


def log_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/")


def question(key: str):
    return Criterion.objects.get(key=key).question


def answered_counts(page) -> dict[str, list[str]]:
    """Every "N answered" count on the page, by category ("all" for the total)."""
    counts: dict[str, list[str]] = {}
    pairs = page.eval_on_selector_all(
        "[data-answered]", "els => els.map(e => [e.dataset.answered, e.textContent.trim()])"
    )
    for key, text in pairs:
        counts.setdefault(key, []).append(text)
    return counts


def weight_shares(page) -> dict[str, list[str]]:
    """Every share of the total weight on the page, by category."""
    shares: dict[str, list[str]] = {}
    pairs = page.eval_on_selector_all(
        "[data-weight-share]", "els => els.map(e => [e.dataset.weightShare, e.textContent.trim()])"
    )
    for key, text in pairs:
        shares.setdefault(key, []).append(text)
    return shares


def summary_shares(page) -> dict[str, int]:
    """The shares in the summary under the header, as whole percentages."""
    shares = weight_shares(page)
    return {category: int(texts[0].rstrip("%")) for category, texts in shares.items()}


def expected_shares(criteria: list[Criterion], weights: dict[str, int]) -> dict[str, int]:
    sums: dict[str, int] = {}
    for criterion in criteria:
        weight = weights.get(criterion.key, criterion.default_weight)
        sums[criterion.category] = sums.get(criterion.category, 0) + weight
    total = sum(sums.values())
    return {category: weight_percent(part, total) for category, part in sums.items()}


def scroll_form_to(page, form, where: str) -> None:
    """Scroll so the middle of the form is mid-screen, or its end is at the screen's bottom."""
    # At once: the site scrolls smoothly, which would leave the page mid-way when measured.
    form.evaluate(
        """(f, where) => {
            const r = f.getBoundingClientRect();
            const end = where === "middle" ? r.top + r.height / 2 + innerHeight / 2 : r.bottom;
            window.scrollTo({top: scrollY + end - innerHeight, behavior: "instant"});
        }""",
        where,
    )


def assert_on_screen(page, button, viewport) -> None:
    """The button lies within the viewport and nothing covers its centre."""
    box = button.bounding_box()
    assert box is not None
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= viewport["height"]
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= viewport["width"]
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    on_top = button.evaluate("(b, [x, y]) => b.contains(document.elementFromPoint(x, y))", [x, y])
    assert on_top, "something covers the button"


# --- The evaluation page --------------------------------------------------------------------


@VIEWPORTS
def test_it_counts_the_answers_as_you_give_them(page, seeded_live, viewport):
    user = UserFactory()
    option = OptionFactory(comparison__owner=user, path_slug="industry-team")
    AnswerFactory(option=option, criterion_key="manager_known", value="yes")
    page.set_viewport_size(viewport)
    log_in(page, user)
    page.goto(f"/comparisons/{option.comparison_id}/options/{option.pk}/evaluate/")

    # The summary, the heading and the save bar each say it: the saved answer counts.
    before = answered_counts(page)
    assert before["all"] == ["1", "1"]
    assert before["people"] == ["1", "1"]
    assert before["work"] == ["0", "0"]
    page.evaluate("window.notReloaded = true")

    page.get_by_role("group", name=question("people_feel_right"), exact=True).get_by_text(
        "Yes", exact=True
    ).click()
    # None met is an answer too.
    page.get_by_role("group", name=question("peers_met"), exact=True).get_by_label(
        "Your answer (a number)"
    ).fill("0")
    page.get_by_role("group", name=question("work_excitement"), exact=True).get_by_text(
        "4", exact=True
    ).click()
    counts = answered_counts(page)
    assert counts["all"] == ["4", "4"]
    assert counts["people"] == ["3", "3"]
    assert counts["work"] == ["1", "1"]
    assert counts["growth"] == ["0", "0"]

    # "I don't know yet" is not an answer: the count goes back down.
    page.get_by_role("group", name=question("manager_known"), exact=True).get_by_text(
        "I don't know yet", exact=True
    ).click()
    page.get_by_role("group", name=question("peers_met"), exact=True).get_by_label(
        "Your answer (a number)"
    ).fill("")
    counts = answered_counts(page)
    assert counts["all"] == ["2", "2"]
    assert counts["people"] == ["1", "1"]
    assert page.evaluate("window.notReloaded") is True

    page.get_by_role("button", name="Save answers").click()
    page.wait_for_url(f"**/comparisons/{option.comparison_id}/")
    answered = Answer.objects.filter(option=option).exclude(value="unknown")
    assert sorted(a.criterion.key for a in answered) == ["people_feel_right", "work_excitement"]
    # After the save the server counts the same.
    page.goto(f"/comparisons/{option.comparison_id}/options/{option.pk}/evaluate/")
    assert answered_counts(page) == counts
    assert csp_violations(page) == []


@VIEWPORTS
def test_it_keeps_the_save_buttons_on_screen_down_the_questions(page, seeded_live, viewport):
    user = UserFactory()
    option = OptionFactory(comparison__owner=user, path_slug="phd")
    page.set_viewport_size(viewport)
    log_in(page, user)
    page.goto(f"/comparisons/{option.comparison_id}/options/{option.pk}/evaluate/")
    form = page.locator("form.evaluation-form")
    # The form is far longer than the screen, so only a sticky bar keeps the buttons in view.
    assert form.bounding_box()["height"] > 3 * viewport["height"]

    for where in ("middle", "bottom"):
        scroll_form_to(page, form, where)
        assert page.evaluate("scrollY") > viewport["height"], where
        assert_on_screen(page, page.get_by_role("button", name="Save answers"), viewport)
        assert_on_screen(
            page, page.get_by_role("button", name="Save and see the results"), viewport
        )
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    page.get_by_role("group", name=question("phd_advisor_met"), exact=True).get_by_text(
        "Yes", exact=True
    ).click()
    page.get_by_role("button", name="Save answers").click()
    page.wait_for_url(f"**/comparisons/{option.comparison_id}/")
    assert Answer.objects.get(option=option, criterion__key="phd_advisor_met").value == "yes"
    assert csp_violations(page) == []


# --- The weights page -----------------------------------------------------------------------


@VIEWPORTS
def test_it_shows_the_category_shares_as_you_type_and_saves_the_weights(
    page, seeded_live, viewport
):
    user = UserFactory()
    comparison = ComparisonFactory(owner=user)
    OptionFactory(comparison=comparison, path_slug="startup")
    criteria = list(Criterion.objects.published().filter(paths__slug="startup"))
    page.set_viewport_size(viewport)
    log_in(page, user)
    page.goto(f"/comparisons/{comparison.pk}/weights/")

    assert summary_shares(page) == expected_shares(criteria, {})
    page.evaluate("window.notReloaded = true")

    typed = {"compensation": 100, "brand_prestige": 0, "work_excitement": 40}
    for key, weight in typed.items():
        page.get_by_label(question(key), exact=True).fill(str(weight))
    live = summary_shares(page)
    assert live == expected_shares(criteria, typed)
    assert live != expected_shares(criteria, {})
    assert abs(sum(live.values()) - 100) <= len(live) // 2  # whole percentages, rounded
    # The heading of each category and the save bar say the same as the summary.
    for category, texts in weight_shares(page).items():
        assert set(texts) == {f"{live[category]}%"}, category
    assert page.evaluate("window.notReloaded") is True

    form = page.locator("form[data-weight-shares]")
    scroll_form_to(page, form, "middle")
    save = page.get_by_role("button", name="Save weights")
    assert_on_screen(page, save, viewport)
    save.click()
    page.wait_for_url(f"**/comparisons/{comparison.pk}/results/")

    stored = selectors.comparison_weights(comparison=comparison)
    for criterion in criteria:
        assert stored[criterion.key] == typed.get(criterion.key, criterion.default_weight)
    # After the save the server shows the shares the page showed while typing.
    page.goto(f"/comparisons/{comparison.pk}/weights/")
    assert summary_shares(page) == live
    assert csp_violations(page) == []


def test_it_saves_the_weights_and_shows_their_shares_without_javascript(
    page_without_js, seeded_live
):
    page = page_without_js
    user = UserFactory()
    comparison = ComparisonFactory(owner=user)
    OptionFactory(comparison=comparison, path_slug="research-lab")
    criteria = list(Criterion.objects.published().filter(paths__slug="research-lab"))
    log_in(page, user)
    page.goto(f"/comparisons/{comparison.pk}/weights/")
    defaults = expected_shares(criteria, {})
    assert summary_shares(page) == defaults

    typed = {"compensation": 100, "people_feel_right": 0}
    for key, weight in typed.items():
        page.get_by_label(question(key), exact=True).fill(str(weight))
    # Without the script the shares wait for the save.
    assert summary_shares(page) == defaults
    page.get_by_role("button", name="Save weights").click()
    page.wait_for_url(f"**/comparisons/{comparison.pk}/results/")

    stored = selectors.comparison_weights(comparison=comparison)
    for criterion in criteria:
        assert stored[criterion.key] == typed.get(criterion.key, criterion.default_weight)
    page.goto(f"/comparisons/{comparison.pk}/weights/")
    after = summary_shares(page)
    assert after == expected_shares(criteria, typed)
    assert after["practical"] > defaults["practical"]
    assert csp_violations(page) == []


def test_it_counts_a_weight_the_server_refuses_as_zero_while_typing_as_the_server_does(
    page, seeded_live
):
    user = UserFactory()
    comparison = ComparisonFactory(owner=user)
    OptionFactory(comparison=comparison, path_slug="startup")
    criteria = list(Criterion.objects.published().filter(paths__slug="startup"))
    log_in(page, user)
    page.goto(f"/comparisons/{comparison.pk}/weights/")

    # A number box takes both; the server's whole-number field takes neither.
    page.get_by_label(question("compensation"), exact=True).fill("1e1")
    page.get_by_label(question("work_excitement"), exact=True).fill("10.5")
    live = summary_shares(page)
    assert live == expected_shares(criteria, {"compensation": 0, "work_excitement": 0})

    page.get_by_role("button", name="Save weights").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/comparisons/{comparison.pk}/weights/")
    assert page.get_by_text("Enter a whole number.").count() == 2
    assert summary_shares(page) == live
    stored = selectors.comparison_weights(comparison=comparison)
    assert stored["compensation"] == Criterion.objects.get(key="compensation").default_weight
