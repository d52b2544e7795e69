"""Pages of the second opinions: the owner's list of raters (invite, count, revoke) and the
rater's own page behind their secret link, which needs no account.

The owner's pages load the comparison with the signed-in owner, so another user's
comparison, and its raters, are a 404. State changes only on POST.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from careers.comparisons import raters, selectors
from careers.comparisons.models import Comparison, Rater
from careers.comparisons.rater_forms import RaterAnswersForm, RaterInviteForm
from careers.core.forms import form_write, posted

GET_POST = ["GET", "POST"]


def _owned(request: HttpRequest, comparison_id: int) -> Comparison:
    comparison = selectors.comparison_get(owner=request.user, comparison_id=comparison_id)
    if comparison is None:
        raise Http404("No such comparison.")
    return comparison


def _owned_rater(request: HttpRequest, comparison_id: int, rater_id: int) -> Rater:
    rater = raters.rater_get(comparison=_owned(request, comparison_id), rater_id=rater_id)
    if rater is None:
        raise Http404("No such rater.")
    return rater


def _raters_page(rater: Rater) -> str:
    return reverse("comparisons:comparison_raters", args=[rater.comparison_id]) + (
        f"#rater-{rater.pk}"
    )


@dataclass(frozen=True)
class RaterRow:
    rater: Rater
    # The link on the address the owner is using (as the share link is); none once revoked.
    link: str | None


@login_required
@require_http_methods(GET_POST)
def comparison_raters(request: HttpRequest, comparison_id: int) -> HttpResponse:
    comparison = _owned(request, comparison_id)
    form = RaterInviteForm(posted(request))
    saved, rater = form_write(
        request, form, lambda: raters.rater_invite(comparison=comparison, **form.cleaned_data)
    )
    if saved:
        messages.success(
            request, f"The link for “{rater.name}” is ready: copy it and send it to them."
        )
        return redirect(_raters_page(rater))
    rows = [
        RaterRow(
            rater=rater,
            link=request.build_absolute_uri(
                reverse("comparisons:rater_rate", kwargs={"token": rater.token})
            )
            if rater.active
            else None,
        )
        for rater in raters.rater_list(comparison=comparison)
    ]
    active = sum(row.link is not None for row in rows)
    return render(
        request,
        "comparisons/raters.html",
        {
            "comparison": comparison,
            "form": form,
            "rows": rows,
            "can_invite": active < raters.MAX_ACTIVE_RATERS,
            "max_raters": raters.MAX_ACTIVE_RATERS,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def rater_count(request: HttpRequest, comparison_id: int, rater_id: int) -> HttpResponse:
    """``counts_in_score=1`` counts the rater's answers in the score, ``0`` stops it."""
    rater = _owned_rater(request, comparison_id, rater_id)
    choice = request.POST.get("counts_in_score")
    if choice not in ("0", "1"):
        return HttpResponseBadRequest("Send counts_in_score as 1 (count) or 0 (do not count).")
    try:
        raters.rater_count_set(rater=rater, counts_in_score=choice == "1")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if rater.counts_in_score:
            messages.success(request, f"“{rater.name}” now counts in the score.")
        else:
            messages.success(request, f"“{rater.name}” no longer counts in the score.")
    return redirect(_raters_page(rater))


@login_required
@require_POST
def rater_revoke(request: HttpRequest, comparison_id: int, rater_id: int) -> HttpResponse:
    rater = _owned_rater(request, comparison_id, rater_id)
    raters.rater_revoke(rater=rater)
    messages.success(
        request,
        f"The link for “{rater.name}” is revoked: it stopped working, and their answers no "
        "longer show in your results or count in the score.",
    )
    return redirect(_raters_page(rater))


def _private(response: HttpResponse) -> HttpResponse:
    # The address is the rater's key: kept out of search engines, and out of the Referer of
    # any link to another site. Not "no-referrer": under it browsers send "Origin: null"
    # with the form's POST, which Django's CSRF check refuses.
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response


def _link_dead(request: HttpRequest, *, revoked: bool) -> HttpResponse:
    """Rendered here rather than raised, so the page says why, with DEBUG on as well: 410
    for a link its owner revoked, 404 for one that never was."""
    message = (
        "The person who sent you this link has withdrawn it, so it no longer takes answers. "
        "If you think that is a mistake, ask them for a new one."
        if revoked
        else "There is no second opinion at this address: check that the link is complete, "
        "or ask the person who sent it for a new one."
    )
    response = render(
        request,
        "404.html",
        {"not_found_title": "This link no longer works", "not_found_message": message},
        status=410 if revoked else 404,
    )
    return _private(response)


@never_cache
@require_http_methods(GET_POST)
def rater_rate(request: HttpRequest, token: str) -> HttpResponse:
    """The rater's page: each option's place and its people questions, nothing of the
    owner's answers, notes, weights or pay. No login; the token is the key."""
    rater = raters.rater_get_by_token(token=token)
    if rater is None or not rater.active:
        return _link_dead(request, revoked=rater is not None)
    form = RaterAnswersForm(posted(request), questions=raters.rater_questions(rater=rater))
    try:
        saved, _ = form_write(
            request, form, lambda: raters.rater_answers_save(rater=rater, answers=form.answers())
        )
    except raters.RaterRevoked:
        return _link_dead(request, revoked=True)
    if saved:
        return _private(redirect(f"{request.path}?saved=1"))
    response = render(
        request,
        "comparisons/rate.html",
        {
            "rater": rater,
            "options": form.options(),
            "form": form,
            "thanks": request.GET.get("saved") == "1" and rater.submitted_at is not None,
        },
        status=400 if request.method == "POST" else 200,
    )
    return _private(response)
