"""The decision pages: the record with what happened since, and the form that records it.

Both load the comparison with the signed-in owner, so another user's is a 404. State
changes only on POST.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from careers.comparisons import decisions, selectors
from careers.comparisons.checkins import (
    checkin_emails_enabled,
    decision_checkins,
    decision_editable,
)
from careers.comparisons.decision_forms import DecisionForm
from careers.comparisons.decision_models import Decision, DecisionCheckin
from careers.comparisons.models import MIN_OPTIONS_TO_RANK, Comparison
from careers.content.models import WEEKDAYS
from careers.core.forms import form_write, posted


def _comparison(request: HttpRequest, comparison_id: int) -> Comparison:
    comparison = selectors.comparison_get(owner=request.user, comparison_id=comparison_id)
    if comparison is None:
        raise Http404("No such comparison.")
    return comparison


@dataclass(frozen=True)
class Unknown:
    key: str
    question: str


def _questions(decision: Decision) -> dict[str, str]:
    """The question of each criterion the frozen result names, as it was then."""
    found: dict[str, str] = {}
    for option in decision.basis.get("result", {}).get("options", []):
        for question in option.get("questions_to_ask", []):
            found.setdefault(question["criterion"], question["question"])
    return found


@login_required
@require_GET
def decision_detail(request: HttpRequest, comparison_id: int) -> HttpResponse:
    """The decision as recorded, beside what each check-in said since; the form when none
    is recorded yet."""
    comparison = _comparison(request, comparison_id)
    decision = decisions.decision_of(comparison=comparison)
    if decision is None:
        return redirect("comparisons:decision_edit", comparison_id=comparison.pk)
    questions = _questions(decision)
    checkins = decision_checkins(decision=decision)
    chosen = decision.basis.get("chosen") or {}
    return render(
        request,
        "comparisons/decision.html",
        {
            "comparison": comparison,
            "decision": decision,
            "chosen": chosen,
            "editable": decision_editable(decision=decision),
            "checkins": checkins,
            "accepted": [
                Unknown(key, questions.get(key, key)) for key in decision.accepted_unknowns
            ],
            "weekday": dict(WEEKDAYS)[decision.checkin_weekday],
            "comparison_changed": (
                decision.basis.get("inputs_version") != comparison.inputs_version
            ),
            "Status": DecisionCheckin.Status,
            "checkin_emails_enabled": checkin_emails_enabled(user=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision_edit(request: HttpRequest, comparison_id: int) -> HttpResponse:
    comparison = _comparison(request, comparison_id)
    if comparison.options.count() < MIN_OPTIONS_TO_RANK:
        messages.info(request, f"Add at least {MIN_OPTIONS_TO_RANK} options before deciding.")
        return redirect("comparisons:comparison_detail", comparison_id=comparison.pk)
    decision = decisions.decision_of(comparison=comparison)
    if decision is not None and not decision_editable(decision=decision):
        messages.info(request, "The first check-in has gone out: the decision stays as it was.")
        return redirect("comparisons:decision_detail", comparison_id=comparison.pk)
    start = decisions.decision_start(comparison=comparison)
    form = DecisionForm(
        posted(request),
        start=start,
        initial=DecisionForm.initial_for(start=start, decision=decision),
    )
    saved, _ = form_write(
        request,
        form,
        lambda: decisions.decision_save(comparison=comparison, **form.decision_fields()),
    )
    if saved:
        messages.success(request, "Decision recorded.")
        return redirect("comparisons:decision_detail", comparison_id=comparison.pk)
    return render(
        request,
        "comparisons/decision_form.html",
        {"comparison": comparison, "form": form, "decision": decision},
    )


@login_required
@require_POST
def decision_delete(request: HttpRequest, comparison_id: int) -> HttpResponse:
    comparison = _comparison(request, comparison_id)
    decision = decisions.decision_of(comparison=comparison)
    if decision is None:
        raise Http404("No decision recorded.")
    try:
        decisions.decision_delete(decision=decision)
    except decisions.DecisionLocked as error:
        messages.error(request, str(error))
        return redirect("comparisons:decision_detail", comparison_id=comparison.pk)
    messages.success(request, "Decision taken back.")
    return redirect("comparisons:comparison_results", comparison_id=comparison.pk)
