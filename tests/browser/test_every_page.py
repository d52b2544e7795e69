"""Every page of the site, opened in Chromium at a desktop width and at a phone's (390 px):
no page scrolls sideways, and axe-core finds no accessibility violation on any of them.

The sweep builds its own data: a comparison of three offers with every answer, note and
source filled in and a share link, a learning plan under way with a logged week, a break to
come and a target date it misses, and the signed links of a nudge email. A page missing from
``build_pages`` is a page nobody measured: add yours there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from careers.comparisons.checkin_links import checkin_links
from careers.comparisons.decision_models import DecisionCheckin
from careers.comparisons.decisions import decision_save
from careers.comparisons.raters import rater_answers_save, rater_invite
from careers.comparisons.sharing import share_enable
from careers.content.models import AdviceItem
from careers.plans.links import helpful_token, nudge_action_token, unsubscribe_token
from careers.plans.models import LearningPlan
from careers.plans.schedule import WEEK, week_start
from careers.plans.services import break_create
from tests.browser.conftest import csp_violations
from tests.factories import PASSWORD, AnswerFactory, OptionFactory, UserFactory
from tests.filled import filled_answers, filled_checkin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP, PHONE = 1280, 390


@dataclass(frozen=True)
class Visit:
    """A page to open; with ``confirm``, the button to press on it, and the page the button
    leads to is checked as well."""

    name: str
    url: str
    status: int = 200
    confirm: str | None = None


def build_pages() -> tuple[list[Visit], list[Visit], object]:
    """The pages a visitor opens and those the signed-in owner opens, with their data: a
    comparison of three offers (every answer and its provenance filled in, a stipend, a share
    link that shows the private parts), a plan under way with a logged week, and the signed
    links of a nudge email."""
    user = UserFactory(username="alice")
    first = filled_answers(user)
    comparison = first.comparison
    phd = OptionFactory(
        comparison=comparison,
        path_slug="phd",
        organisation="Technical University of Northern Switzerland",
        team="Robotics and Machine Perception Laboratory",
        base_salary=None,
        stipend=Decimal("52000"),
        currency="CHF",
    )
    startup = OptionFactory(
        comparison=comparison,
        path_slug="startup",
        organisation="Small Startup",
        base_salary=Decimal("120000"),
        bonus=Decimal("5000"),
        equity_per_year=Decimal("20000"),
    )
    AnswerFactory(option=phd, criterion_key="manager_known", value="no")
    AnswerFactory(option=startup, criterion_key="manager_known", value="yes")
    share_enable(comparison=comparison, include_private=True)
    today = timezone.localdate()
    decision = decision_save(
        comparison=comparison,
        chosen_option=first.pk,
        decided_on=today,
        start_date=today + timedelta(days=30),
        confidence=70,
        expectations="A manager who reviews my work every week, and peers who read papers.",
        change_my_mind="Hearing that the team is about to be reorganised.",
        premortem="The manager leaves; the project is cancelled.",
        backup_plan="Ask the startup whether its offer still stands.",
    )
    # A second comparison whose decision is still editable, for its edit form.
    undecided = OptionFactory(comparison__owner=user, organisation="Still Editable Labs")
    OptionFactory(comparison=undecided.comparison, organisation="Other Labs")
    decision_save(
        comparison=undecided.comparison,
        chosen_option=undecided.pk,
        decided_on=today,
        start_date=today + timedelta(days=30),
        confidence=55,
    )
    # The first check-in, as the dispatcher leaves it once its email went out.
    checkin = DecisionCheckin.objects.get(decision=decision, months=1)
    DecisionCheckin.objects.filter(pk=checkin.pk).update(
        status=DecisionCheckin.Status.SENT, enqueued_at=timezone.now(), sent_at=timezone.now()
    )
    emailed = checkin_links(checkin_id=checkin.pk, owner_id=user.pk)
    rater = rater_invite(comparison=comparison, name="Sam, a mentor of many years")
    rater_answers_save(
        rater=rater, answers=[{"option": first.pk, "criterion": "manager_quality", "value": "1"}]
    )

    checkin = filled_checkin(user)
    plan = checkin.plan
    this_week = week_start(timezone.localdate())
    # A break to come, and a target date the plan's pace misses: the plan page shows the
    # breaks, the heatmap with a break in it and the pace it offers.
    upcoming = break_create(
        plan=plan, start=this_week + 3 * WEEK, end=this_week + 4 * WEEK, reason="Conference"
    )
    LearningPlan.objects.filter(pk=plan.pk).update(target_date=today + timedelta(weeks=12))
    advice = AdviceItem.objects.published().first()
    c, o, p = comparison.pk, first.pk, plan.pk
    uid = user_pk_to_url_str(user)
    # A newcomer's confirmation link, as the sign-up email carries it.
    newcomer = UserFactory(username="newcomer", verified_email=False)
    address = EmailAddress.objects.create(user=newcomer, email=newcomer.email, primary=True)
    confirmation_key = EmailConfirmationHMAC(address).key

    def action(name: str, papers: int | None = None) -> str:
        token = nudge_action_token(plan_id=p, week=this_week, action=name, papers=papers)
        return reverse("plans:nudge_action", args=[token])

    helpful = helpful_token(user_id=user.pk, item_id=advice.pk, helpful=True)
    public = [
        Visit("home", "/"),
        Visit("advice library", "/advice/"),
        Visit("path: PhD", "/paths/phd/"),
        Visit("path: industry team", "/paths/industry-team/"),
        Visit("log in", "/accounts/login/"),
        Visit("sign up", "/accounts/signup/"),
        Visit("check your email", "/accounts/confirm-email/"),
        Visit("confirm email address", f"/accounts/confirm-email/{confirmation_key}/"),
        Visit("confirmation link not valid", "/accounts/confirm-email/cut-off/"),
        Visit("password reset", "/accounts/password/reset/"),
        Visit("password reset: old link expired", "/accounts/reset/MTI/old-token/"),
        Visit("password reset sent", "/accounts/password/reset/done/"),
        Visit(
            "password reset: new password",
            f"/accounts/password/reset/key/{uid}-{default_token_generator.make_token(user)}/",
        ),
        Visit("password reset: link not valid", f"/accounts/password/reset/key/{uid}-cut-off/"),
        Visit("password reset done", "/accounts/password/reset/key/done/"),
        Visit(
            "shared comparison",
            reverse("comparisons:comparison_shared", args=[comparison.share_token]),
        ),
        Visit("second opinion", reverse("comparisons:rater_rate", args=[rater.token])),
        Visit(
            "check-in: one-click answer",
            emailed["answers"]["same_again"]["yes"].removeprefix(settings.SITE_URL),
            confirm="Confirm",
        ),
        Visit("check-in: all questions", emailed["page"].removeprefix(settings.SITE_URL)),
        Visit(
            "check-in: unsubscribe",
            emailed["unsubscribe"].removeprefix(settings.SITE_URL),
            confirm="Unsubscribe",
        ),
        Visit("nudge: studied", action("studied"), confirm="Confirm"),
        Visit("nudge: papers read", action("papers", 2)),
        Visit("nudge: skip the week", action("skip")),
        Visit("nudge: helpful", reverse("plans:nudge_helpful", args=[helpful]), confirm="Confirm"),
        Visit(
            "nudge: unsubscribe",
            reverse("plans:nudge_unsubscribe", args=[unsubscribe_token(plan_id=p)]),
            confirm="Unsubscribe",
        ),
        Visit("nudge: broken link", reverse("plans:nudge_action", args=["cut-off"]), status=400),
        Visit("not found", "/no-such-page/", status=404),
    ]
    signed_in = [
        Visit("dashboard", "/dashboard/"),
        Visit("comparisons", "/comparisons/"),
        Visit("new comparison", "/comparisons/new/"),
        Visit("comparison", f"/comparisons/{c}/"),
        Visit("edit comparison", f"/comparisons/{c}/edit/"),
        Visit("delete comparison", f"/comparisons/{c}/delete/"),
        Visit("new option", f"/comparisons/{c}/options/new/"),
        Visit("edit option", f"/comparisons/{c}/options/{o}/edit/"),
        Visit("delete option", f"/comparisons/{c}/options/{o}/delete/"),
        Visit("evaluate option", f"/comparisons/{c}/options/{o}/evaluate/"),
        Visit("weights", f"/comparisons/{c}/weights/"),
        Visit("results", f"/comparisons/{c}/results/"),
        Visit("share", f"/comparisons/{c}/share/"),
        Visit("decision", f"/comparisons/{c}/decision/"),
        Visit("edit decision", f"/comparisons/{undecided.comparison_id}/decision/edit/"),
        Visit("second opinions", f"/comparisons/{c}/second-opinions/"),
        Visit("check-in answers", f"/comparisons/{c}/checkins/1/"),
        Visit("plans", "/plans/"),
        Visit("new plan", "/plans/new/"),
        Visit("plan", f"/plans/{p}/"),
        Visit("edit plan", f"/plans/{p}/edit/"),
        Visit("delete plan", f"/plans/{p}/delete/"),
        Visit("plan breaks", f"/plans/{p}/breaks/"),
        Visit("call off a break", f"/plans/{p}/breaks/{upcoming.pk}/delete/"),
        Visit("pace toward the target date", f"/plans/{p}/pace/"),
        Visit("check-in: logged week", f"/plans/{p}/weeks/{checkin.week_start.isoformat()}/"),
        Visit(
            "check-in: back-fill",
            f"/plans/{p}/weeks/{(checkin.week_start + timedelta(days=7)).isoformat()}/",
        ),
        Visit("profile", "/accounts/profile/"),
        Visit("export my data", "/accounts/export/"),
        Visit("delete my account", "/accounts/delete/"),
        Visit("password change", "/accounts/password/change/"),
        Visit("email address", "/accounts/email/"),
        Visit("log out", "/accounts/logout/"),
    ]
    return public, signed_in, user


def problems_here(page) -> tuple[int, list[str]]:
    """The open page's width, and what is wrong with it: sideways scrolling (naming the
    elements that stick out), axe-core's violations and anything the CSP refused."""
    found = []
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    inner_width = page.evaluate("window.innerWidth")
    if scroll_width > inner_width:
        # The innermost elements past the edge, leaving out those a scroll region clips.
        wide = page.evaluate(
            """(limit) => {
                const clipped = (el) => {
                    for (let up = el.parentElement; up !== document.body; up = up.parentElement)
                        if (getComputedStyle(up).overflowX !== 'visible') return true;
                    return false;
                };
                return [...document.querySelectorAll('body *')]
                    .filter(el => el.getBoundingClientRect().right > limit + 0.5)
                    .filter(el => !el.querySelector('*'))
                    .filter(el => getComputedStyle(el).position === 'absolute' || !clipped(el))
                    .slice(0, 5)
                    .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
            }""",
            inner_width,
        )
        found.append(f"scrollWidth {scroll_width} > {inner_width} ({', '.join(wide)})")
    if AXE.exists():
        found.extend(
            page.evaluate(
                """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                    .map(v => v.id + ' on ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""
            )
        )
    found.extend(csp_violations(page))
    page.console_messages.clear()
    return scroll_width, found


def open_every_page(browser, live_server, width: int) -> tuple[dict, dict]:
    """Every page at one width: the widths measured and the problems found, by page name."""
    public, signed_in, user = build_pages()
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    if AXE.exists():
        # An init script runs before the page's own scripts and outside its Content Security
        # Policy, so the pages are checked under the policy they are served with.
        context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.console_messages = []
    page.on("console", lambda message: page.console_messages.append(message))
    widths, problems = {}, {}

    def check(name: str, status: int, expected: int) -> None:
        widths[name], found = problems_here(page)
        if status != expected:
            found.insert(0, f"status {status}, expected {expected}")
        if found:
            problems[name] = found

    def visit(pages: list[Visit]) -> None:
        for visit in pages:
            check(visit.name, page.goto(visit.url).status, visit.status)
            if visit.confirm:
                with page.expect_navigation() as done:
                    page.get_by_role("button", name=visit.confirm, exact=True).click()
                check(f"{visit.name}: done", done.value.status, 200)

    try:
        visit(public)
        page.goto("/accounts/login/")
        page.get_by_label("Username or email").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/dashboard/")
        visit(signed_in)
    finally:
        context.close()
    return widths, problems


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_it_fits_every_page_in_the_viewport_without_axe_violations(
    browser, live_server, seeded_live, artifacts, width
):
    widths, problems = open_every_page(browser, live_server, width)
    (artifacts / f"page-widths-{width}.json").write_text(json.dumps(widths, indent=2))
    assert len(widths) >= 40, sorted(widths)
    assert problems == {}, "\n".join(f"{name}: {'; '.join(p)}" for name, p in problems.items())
    if not AXE.exists():
        pytest.skip(f"widths checked, axe-core skipped: no {AXE} (`npm ci` installs it)")


def test_it_opens_the_menu_on_a_phone_without_javascript(browser, live_server, seeded_live):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": PHONE, "height": 800},
        java_script_enabled=False,
    )
    page = context.new_page()
    page.goto("/")
    menu = page.get_by_role("navigation", name="Main")
    sign_up = menu.get_by_role("link", name="Sign up")
    assert not sign_up.is_visible()
    header = page.locator(".site-header").bounding_box()["height"]
    assert header < 90, f"the closed menu is one row, not {header} px"

    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the site's name
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Menu"
    page.keyboard.press("Enter")
    assert sign_up.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Home"
    sign_up.click()
    page.wait_for_url("**/accounts/signup/")
    context.close()


def test_it_shows_the_whole_navigation_in_one_row_on_a_desktop(page, seeded_live):
    page.goto("/")
    assert not page.get_by_text("Menu", exact=True).is_visible()
    links = page.get_by_role("navigation", name="Main").get_by_role("link")
    assert links.count() == 6
    tops = {round(box["y"]) for box in (link.bounding_box() for link in links.all())}
    assert len(tops) == 1, f"the links sit on {len(tops)} rows"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Home"
