"""Recording a decision in Chromium as a person does, from the results page, on a 390 px
phone and at desktop width: the form as the browser submits it, the record, and the edit
form saved unchanged."""

from datetime import timedelta

import pytest
from django.utils import timezone

from careers.comparisons.decision_models import Decision
from tests.browser.accounts import log_in
from tests.factories import AnswerFactory, ComparisonFactory, OptionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def fits(page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1280, PHONE["width"]], ids=["desktop", "phone"])
def test_it_records_a_decision_and_saves_the_edit_form_unchanged(page, seeded_live, width):
    page.set_viewport_size({"width": width, "height": 900})
    user = UserFactory()
    comparison = ComparisonFactory(owner=user, title="Spring offers")
    team = OptionFactory(comparison=comparison, organisation="Alpha Labs")
    AnswerFactory(option=team, criterion_key="manager_met", value="no")
    OptionFactory(comparison=comparison, path_slug="startup", organisation="Beta")
    log_in(page, user)
    page.goto(f"/comparisons/{comparison.pk}/results/")
    page.get_by_role("link", name="Record the decision").click()
    page.wait_for_url("**/decision/edit/")
    assert fits(page, width)
    page.get_by_label("Alpha Labs").check()
    start = timezone.localdate() + timedelta(days=45)
    page.get_by_label("Expected start date").fill(start.isoformat())
    page.get_by_label("How sure I am (0-100 %)").fill("72")
    page.get_by_label("What I expect the first months to be like").fill(
        "A manager who reviews my code every week"
    )
    page.get_by_label("Premortem").fill("The team gets split up")
    page.get_by_label("Check-in day").select_option(label="Wednesday")
    page.get_by_role("button", name="Save the decision").click()
    page.wait_for_url(f"**/comparisons/{comparison.pk}/decision/")
    assert page.get_by_role("heading", name="I chose Alpha Labs").is_visible()
    assert page.get_by_text("A manager who reviews my code every week").first.is_visible()
    assert page.get_by_role("table").get_by_text("12 months").is_visible()
    assert fits(page, width)
    decision = Decision.objects.get(comparison=comparison)
    assert (decision.chosen_option, decision.start_date) == (team.pk, start)
    assert (decision.confidence, decision.checkin_weekday) == (72, 2)
    saved = Decision.objects.values().get(pk=decision.pk)

    page.get_by_role("link", name="Edit the decision").click()
    page.wait_for_url("**/decision/edit/")
    page.get_by_role("button", name="Save the decision").click()
    page.wait_for_url(f"**/comparisons/{comparison.pk}/decision/")
    again = Decision.objects.values().get(pk=decision.pk)
    assert {k: v for k, v in again.items() if k != "updated_at"} == {
        k: v for k, v in saved.items() if k != "updated_at"
    }
