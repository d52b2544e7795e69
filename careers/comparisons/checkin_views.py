"""The pages behind the links in check-in emails, the owner's own answer page, and the
switch for check-in emails.

A GET never changes anything: mail scanners and link previews follow links. It shows what
the link would do and a button; the POST does it. The signed token in the URL is what
authorises the change, so these pages work without a session. The owner's answer page (from
their decision's page) loads the check-in with the signed-in owner, so another user's is a
404 like one that does not exist.

What the POST would refuse, or find already done, the GET checks first and says at once. A
link that cannot be used (changed, expired, for a check-in that asks nothing now) is a 400
and one whose check-in is gone a 404; a link whose work is already done is a 200 with the
outcome, because nothing went wrong.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from careers.comparisons.checkin_emails import checkin_label
from careers.comparisons.checkin_forms import CheckinAnswersForm
from careers.comparisons.checkin_links import (
    CheckinLinkError,
    answer_read,
    page_read,
    page_token,
    unsubscribe_read,
)
from careers.comparisons.checkin_questions import QUESTIONS_BY_FIELD
from careers.comparisons.checkins import (
    checkin_answerable,
    checkin_answers_save,
    checkin_emails_enabled,
    checkin_emails_set,
    checkin_for_link,
    checkin_of_owner,
)
from careers.comparisons.decision_models import DecisionCheckin
from careers.core.forms import form_write, posted

GET_POST = ["GET", "POST"]
GONE = "This check-in no longer exists: its decision was deleted after the email was sent."
CLOSED = (
    "This check-in takes no answers: the decision it asks about has changed to none of the options."
)


def _link_error(request: HttpRequest, message: str, *, status: int = 400) -> HttpResponse:
    return render(
        request, "comparisons/checkins/link_error.html", {"message": message}, status=status
    )


def _linked_checkin(checkin_id: int) -> tuple[DecisionCheckin | None, str, int]:
    """The check-in a link names, or why it cannot be used (the message and status)."""
    checkin = checkin_for_link(checkin_id=checkin_id)
    if checkin is None:
        return None, GONE, 404
    if not checkin_answerable(checkin=checkin):
        return None, CLOSED, 400
    return checkin, "", 200


def _about(checkin: DecisionCheckin) -> dict:
    return {"checkin": checkin, "label": checkin_label(checkin), "months": checkin.months}


@never_cache
@require_http_methods(GET_POST)
def checkin_answer(request: HttpRequest, token: str) -> HttpResponse:
    """One answer from the email, one click: confirmed on this page, recorded by its POST."""
    try:
        link = answer_read(token)
    except CheckinLinkError as error:
        return _link_error(request, str(error))
    checkin, problem, status = _linked_checkin(link.checkin_id)
    if checkin is None:
        return _link_error(request, problem, status=status)
    question = QUESTIONS_BY_FIELD[link.field]
    context = {
        **_about(checkin),
        "question": question,
        "answer": question.label_of(link.value),
        "page_url": reverse(
            "comparisons:checkin_answers_link", args=[page_token(checkin_id=checkin.pk)]
        ),
    }
    if question.shown(getattr(checkin, question.field)) == link.value:
        return render(
            request, "comparisons/checkins/answer_done.html", {**context, "already": True}
        )
    if request.method == "POST":
        checkin_answers_save(checkin=checkin, answers={link.field: link.value})
        return render(request, "comparisons/checkins/answer_done.html", context)
    return render(request, "comparisons/checkins/answer_confirm.html", context)


def _answers_page(
    request: HttpRequest, checkin: DecisionCheckin, *, done_url: str, signed: bool
) -> HttpResponse:
    form = CheckinAnswersForm(posted(request), checkin=checkin)
    saved, _ = form_write(
        request, form, lambda: checkin_answers_save(checkin=checkin, **form.answers())
    )
    if saved:
        messages.success(request, "Your answers are saved. Thank you.")
        return redirect(done_url)
    return render(
        request,
        "comparisons/checkins/answers.html",
        {
            **_about(checkin),
            "form": form,
            "decision": checkin.decision,
            "comparison": checkin.decision.comparison,
            "signed": signed,
        },
    )


@never_cache
@require_http_methods(GET_POST)
def checkin_answers_link(request: HttpRequest, token: str) -> HttpResponse:
    """All of a check-in's questions and the note, from the email's signed link, signed in
    or not; saving it comes back to it, showing what was saved."""
    try:
        checkin_id = page_read(token)
    except CheckinLinkError as error:
        return _link_error(request, str(error))
    checkin, problem, status = _linked_checkin(checkin_id)
    if checkin is None:
        return _link_error(request, problem, status=status)
    return _answers_page(request, checkin, done_url=request.path, signed=True)


@login_required
@require_http_methods(GET_POST)
def checkin_answers(request: HttpRequest, comparison_id: int, months: int) -> HttpResponse:
    """The same page for the signed-in owner, from their decision's page."""
    checkin = checkin_of_owner(owner=request.user, comparison_id=comparison_id, months=months)
    if checkin is None:
        raise Http404("No such check-in.")
    if not checkin_answerable(checkin=checkin):
        # Not due yet, or about none of the options: the page says which, and asks nothing.
        return render(
            request,
            "comparisons/checkins/answers.html",
            {**_about(checkin), "form": None, "comparison": checkin.decision.comparison},
        )
    done = reverse("comparisons:decision_detail", args=[comparison_id])
    return _answers_page(request, checkin, done_url=done, signed=False)


@never_cache
@csrf_exempt  # RFC 8058 one-click: mail clients POST without cookies or a CSRF token.
@require_http_methods(GET_POST)
def checkin_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user_id = unsubscribe_read(token)
    except CheckinLinkError as error:
        return _link_error(request, str(error))
    owner = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    context = {"owner": owner, "is_owner": owner is not None and request.user == owner}
    if owner is None:
        # Nothing left to unsubscribe from: say so, successfully.
        return render(request, "comparisons/checkins/unsubscribed.html", context)
    if not checkin_emails_enabled(user=owner):
        return render(
            request, "comparisons/checkins/unsubscribed.html", {**context, "already": True}
        )
    if request.method == "POST":
        checkin_emails_set(user=owner, enabled=False)
        return render(request, "comparisons/checkins/unsubscribed.html", context)
    return render(request, "comparisons/checkins/unsubscribe_confirm.html", context)


@login_required
@require_POST
def checkin_emails_switch(request: HttpRequest) -> HttpResponse:
    """The signed-in user turns their check-in emails on (``enabled=on``) or off, then goes
    back where they came from (``next``, on this site)."""
    answer = request.POST.get("enabled")
    if answer not in ("on", "off"):
        return HttpResponseBadRequest("Say enabled=on or enabled=off.")
    enabled = answer == "on"
    checkin_emails_set(user=request.user, enabled=enabled)
    messages.success(
        request,
        "Check-in emails are on: the next one comes when it is due."
        if enabled
        else "Check-in emails are off. Your decisions and answers stay as they are.",
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("comparisons:comparison_list")
    return redirect(target)
