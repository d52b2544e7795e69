"""A plan that bends, in Chromium as a learner uses it, at desktop width and on a 390 px
phone: a break planned through the form's date inputs shows in the schedule and the heatmap,
a light day in this week's days, and a target date set in the edit form offers a pace that
one button applies. No page scrolls sideways."""

from datetime import timedelta

import pytest
from django.utils import timezone

from careers.content.models import LearningTrack
from careers.plans.models import LearningPlan, PlanBreak
from careers.plans.schedule import week_start
from tests.browser.accounts import log_in
from tests.factories import LearningPlanFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def fits(page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1280, PHONE["width"]], ids=["desktop", "phone"])
def test_it_plans_a_break_and_takes_the_pace_toward_a_target_date(page, seeded_live, width):
    page.set_viewport_size({"width": width, "height": 900})
    user = UserFactory()
    today = timezone.localdate()
    # In its third week; its 16 weeks end about three months from now.
    plan = LearningPlanFactory(
        owner=user,
        track=LearningTrack.objects.published().first(),
        start_date=today - timedelta(days=15),
        weeks=16,
        timezone="UTC",
    )
    log_in(page, user)
    page.goto(f"/plans/{plan.pk}/")
    assert fits(page, width)

    # A break of two whole weeks, three weeks from now, typed as the date inputs take it.
    first = week_start(today) + timedelta(weeks=3)
    page.get_by_label("First day of the break").fill((first + timedelta(days=2)).isoformat())
    page.get_by_label("Last day of the break").fill((first + timedelta(days=9)).isoformat())
    page.get_by_label("Reason").fill("Conference")
    page.get_by_role("button", name="Plan the break").click()
    page.wait_for_url(f"**/plans/{plan.pk}/#breaks")
    assert page.locator(".message--success").get_by_text("Break planned from").is_visible()
    item = PlanBreak.objects.get(plan=plan)
    assert (item.start, item.end) == (first, first + timedelta(days=13))
    schedule = page.get_by_role("region", name="Your schedule, week by week")
    assert schedule.get_by_role("rowheader", name="Break").count() == 2
    cells = page.locator(".habit-map__svg .habit-cell--break")
    assert cells.count() == 2
    assert cells.first.locator("title").text_content().endswith(": Break")
    assert page.get_by_role("img", name="Your plan week by week").is_visible()
    breaks = page.get_by_role("region", name="Your planned breaks")
    assert breaks.get_by_text("Conference").is_visible()
    assert breaks.get_by_role("button", name="Call it off").is_visible()
    assert fits(page, width)

    # A light day and a target date the present pace misses, in the edit form.
    page.get_by_role("link", name="Edit the plan").click()
    page.wait_for_url(f"**/plans/{plan.pk}/edit/")
    assert fits(page, width)
    page.get_by_role("group", name="Light days").get_by_label("Sunday").check()
    target = today + timedelta(weeks=10)
    page.get_by_label("Finish the specialization by").fill(target.isoformat())
    page.get_by_role("button", name="Save plan").click()
    page.wait_for_url(f"**/plans/{plan.pk}/")
    plan.refresh_from_db()
    assert (plan.target_date, plan.light_days) == (target, [6])
    assert page.locator(".week-days").get_by_text("Light day").is_visible()

    card = page.locator("#target")
    assert card.get_by_text("Not on track").is_visible()
    assert fits(page, width)
    plan.refresh_from_db()
    assert plan.weeks == 16  # nothing changes before the button
    card.get_by_role("button", name="Use this pace").click()
    page.wait_for_url(f"**/plans/{plan.pk}/#target")
    assert page.locator(".message--success").get_by_text("New pace").is_visible()
    assert page.locator("#target").get_by_text("On track").is_visible()
    plan.refresh_from_db()
    assert plan.weeks < 16
    assert fits(page, width)
    assert LearningPlan.objects.get(pk=plan.pk).target_date == target
