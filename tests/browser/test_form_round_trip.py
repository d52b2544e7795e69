"""Every edit form, opened in Chromium and saved unchanged, changes nothing it stores.

Each case fills its object completely (every optional field too), opens the edit page,
submits the form as the browser builds it (a typed input whose value the browser rejects,
such as a date in a local format, goes out empty) and compares every stored column with
what was there before. A form class of the project without a case here fails the sweep.
"""

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django import forms

import careers
from careers.accounts.forms import (
    AccountDeleteForm,
    EmailChangeForm,
    LoginForm,
    ProfileForm,
    SignupForm,
)
from careers.accounts.models import Profile
from careers.comparisons.checkin_forms import CheckinAnswersForm
from careers.comparisons.decision_forms import DecisionForm
from careers.comparisons.decision_models import Decision, DecisionCheckin, Rater, RaterAnswer
from careers.comparisons.forms import (
    ComparisonForm,
    EvaluationForm,
    OptionForm,
    ShareForm,
    WeightsForm,
)
from careers.comparisons.models import Answer, Comparison, Option, WeightOverride
from careers.comparisons.rater_forms import RaterAnswersForm, RaterInviteForm
from careers.comparisons.sharing import share_enable
from careers.content.forms import AdviceFilterForm
from careers.core.forms import ServiceForm
from careers.plans.forms import BreakForm, CheckinForm, PaceForm, PlanForm
from careers.plans.models import LearningPlan, PaperNote, WeeklyCheckin
from tests.browser.accounts import log_in
from tests.factories import ComparisonFactory, UserFactory
from tests.filled import (
    filled_answers,
    filled_checkin,
    filled_checkin_answers,
    filled_comparison,
    filled_decision,
    filled_option,
    filled_plan,
    filled_private_option,
    filled_rater,
    filled_weights,
    stored,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Forms that never show stored data to save back, and why.
NOT_EDIT_FORMS = {
    SignupForm: "creates an account; it has nothing stored to show",
    LoginForm: "logs in; it stores nothing",
    EmailChangeForm: "takes a new address to confirm; the stored one is shown, not edited",
    AdviceFilterForm: "filters a list (GET); it stores nothing",
    ServiceForm: "the base class of the project's edit forms",
    RaterInviteForm: "invites someone new; it has nothing stored to show",
    AccountDeleteForm: "confirms a deletion with the password; it stores nothing",
    BreakForm: "plans a new break; a break is called off, never edited",
    PaceForm: "sends back the pace the plan page offers; it shows nothing stored to edit",
}


@dataclass(frozen=True)
class Edit:
    url: str
    button: str
    rows: Callable[[], list]
    # What the page shows once saved.
    saved: str = ".message--success"


def comparison_edit(user) -> Edit:
    comparison = filled_comparison(user)
    return Edit(
        f"/comparisons/{comparison.pk}/edit/",
        "Save",
        lambda: stored(Comparison.objects.filter(pk=comparison.pk)),
    )


def option_edit(user) -> Edit:
    option = filled_option(user)
    return Edit(
        f"/comparisons/{option.comparison_id}/options/{option.pk}/edit/",
        "Save option",
        lambda: stored(Option.objects.filter(pk=option.pk)),
    )


def private_option_edit(user) -> Edit:
    option = filled_private_option(user)
    return Edit(
        f"/comparisons/{option.comparison_id}/options/{option.pk}/edit/",
        "Save option",
        lambda: stored(Option.objects.filter(pk=option.pk)),
    )


def evaluation_edit(user) -> Edit:
    option = filled_answers(user)
    return Edit(
        f"/comparisons/{option.comparison_id}/options/{option.pk}/evaluate/",
        "Save answers",
        lambda: stored(Answer.objects.filter(option=option)),
    )


def weights_edit(user) -> Edit:
    comparison = filled_weights(user)
    return Edit(
        f"/comparisons/{comparison.pk}/weights/",
        "Save weights",
        lambda: stored(WeightOverride.objects.filter(comparison=comparison)),
    )


def share_edit(user) -> Edit:
    comparison = share_enable(comparison=ComparisonFactory(owner=user), include_private=True)
    return Edit(
        f"/comparisons/{comparison.pk}/share/",
        "Update the link",
        lambda: stored(Comparison.objects.filter(pk=comparison.pk)),
    )


def plan_edit(user) -> Edit:
    plan = filled_plan(user)
    return Edit(
        f"/plans/{plan.pk}/edit/",
        "Save plan",
        lambda: stored(LearningPlan.objects.filter(pk=plan.pk)),
    )


def checkin_edit(user) -> Edit:
    checkin = filled_checkin(user)
    return Edit(
        f"/plans/{checkin.plan_id}/weeks/{checkin.week_start.isoformat()}/",
        "Save the week",
        lambda: [
            *stored(WeeklyCheckin.objects.filter(pk=checkin.pk)),
            *stored(PaperNote.objects.filter(checkin=checkin)),
        ],
    )


def profile_edit(user) -> Edit:
    Profile.objects.filter(user=user).update(timezone="Asia/Kolkata")
    return Edit(
        "/accounts/profile/", "Save settings", lambda: stored(Profile.objects.filter(user=user))
    )


def decision_edit(user) -> Edit:
    decision = filled_decision(user)
    return Edit(
        f"/comparisons/{decision.comparison_id}/decision/edit/",
        "Save the decision",
        lambda: [
            *stored(Decision.objects.filter(pk=decision.pk)),
            *stored(DecisionCheckin.objects.filter(decision=decision)),
        ],
    )


def checkin_answers_edit(user) -> Edit:
    checkin = filled_checkin_answers(user)
    return Edit(
        f"/comparisons/{checkin.decision.comparison_id}/checkins/{checkin.months}/",
        "Save my answers",
        lambda: stored(DecisionCheckin.objects.filter(pk=checkin.pk)),
    )


def rater_answers_edit(user) -> Edit:
    rater = filled_rater(user)

    def rows() -> list:
        # When the rater last saved is the one column a save is meant to change.
        [row] = stored(Rater.objects.filter(pk=rater.pk))
        del row["submitted_at"]
        return [row, *stored(RaterAnswer.objects.filter(rater=rater))]

    return Edit(f"/comparisons/rate/{rater.token}/", "Save my answers", rows, saved="[role=status]")


CASES = {
    ComparisonForm: comparison_edit,
    OptionForm: option_edit,
    EvaluationForm: evaluation_edit,
    WeightsForm: weights_edit,
    ShareForm: share_edit,
    PlanForm: plan_edit,
    CheckinForm: checkin_edit,
    ProfileForm: profile_edit,
    DecisionForm: decision_edit,
    CheckinAnswersForm: checkin_answers_edit,
    RaterAnswersForm: rater_answers_edit,
}
# Every case by name, with a second option: the parts of pay one option cannot hold at once.
ROUND_TRIPS = {form.__name__: case for form, case in CASES.items()} | {
    "OptionForm, a private company's": private_option_edit
}


def project_forms() -> set[type[forms.BaseForm]]:
    """Every form class defined in the project's apps (admin forms aside)."""
    found = set()
    for module_info in pkgutil.walk_packages(careers.__path__, "careers."):
        if ".migrations" in module_info.name or ".admin" in module_info.name:
            continue
        module = importlib.import_module(module_info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                found.add(value)
    return found


def test_it_has_a_round_trip_for_every_form_that_edits_stored_data():
    missing = project_forms() - set(CASES) - set(NOT_EDIT_FORMS)
    assert not missing, f"add a round-trip case for {sorted(f.__name__ for f in missing)}"


@pytest.mark.parametrize("name", list(ROUND_TRIPS))
def test_it_saves_an_unchanged_edit_form_without_changing_anything(page, seeded_live, name):
    user = UserFactory()
    edit = ROUND_TRIPS[name](user)
    before = edit.rows()
    assert before, "the case stored nothing to compare"

    log_in(page, user)
    page.goto(edit.url)
    page.get_by_role("button", name=edit.button, exact=True).click()
    page.wait_for_load_state()

    errors = page.locator(".form-errors, .field__error, [aria-invalid=true]")
    assert errors.count() == 0, errors.all_inner_texts()
    assert page.locator(edit.saved).count() == 1, page.locator("main").inner_text()
    assert edit.rows() == before
