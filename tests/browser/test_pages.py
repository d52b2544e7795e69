import pytest

from tests.browser.conftest import csp_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/advice/",
        "/paths/phd/",
        "/paths/startup/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ],
)
def test_it_renders_pages_without_csp_violations(page, seeded_live, url):
    response = page.goto(url)
    assert response.status == 200
    assert page.locator("h1").count() == 1
    page.wait_for_load_state("networkidle")
    assert csp_violations(page) == []


def test_it_runs_swagger_ui_under_the_csp(page, seeded_live):
    page.goto("/api/docs/")
    page.wait_for_selector("text=/api/criteria/", timeout=15000)
    assert csp_violations(page) == []


def test_it_runs_the_admin_under_the_csp(page, seeded_live, django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.com", "a-long-passphrase")
    page.goto("/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "a-long-passphrase")
    page.click("input[type=submit]")
    page.goto("/admin/content/criterion/")
    assert page.locator("#result_list tbody tr").count() >= 12
    page.goto("/admin/content/learningtrack/")
    page.click("#result_list tbody tr a")
    page.wait_for_load_state("networkidle")
    assert page.locator("input[name=study_days][value='5']").is_checked()
    assert csp_violations(page) == []


def test_it_lets_keyboard_users_skip_to_the_content(page, seeded_live):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_it_labels_every_form_field(page, seeded_live):
    for url in ("/accounts/signup/", "/accounts/login/", "/advice/", "/accounts/password/reset/"):
        page.goto(url)
        unlabeled = page.evaluate(
            """() => [...document.querySelectorAll('main input, main select, main textarea')]
                .filter(el => el.type !== 'hidden' && el.type !== 'submit')
                .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
                .map(el => el.name)"""
        )
        assert unlabeled == [], url


def test_it_fits_the_home_page_on_a_phone(page, seeded_live, artifacts):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375
    page.screenshot(path=str(artifacts / "home-phone.png"), full_page=True)
