"""The "was this helpful?" answer under each piece of advice."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from careers.models import AdviceItem
from careers.services.advice_signals import advice_feedback_set

ANSWERS = {"yes": True, "no": False}


def _next_url(request: HttpRequest) -> str:
    """Where to go back to: the page the form was on, if it is one of ours."""
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("advice_list")


@require_POST
def advice_helpful(request: HttpRequest, slug: str) -> HttpResponse:
    next_url = _next_url(request)
    if not request.user.is_authenticated:
        # Back to the page the form was on, not to this URL: after logging in the browser
        # follows the redirect with a GET, which this view refuses.
        return redirect_to_login(next_url)
    item = AdviceItem.objects.published().filter(slug=slug).first()
    if item is None:
        raise Http404("No such advice.")
    answer = request.POST.get("helpful", "")
    if answer not in ANSWERS:
        return HttpResponseBadRequest(
            "Answer “yes” or “no” to say whether this advice was helpful.",
            content_type="text/plain; charset=utf-8",
        )
    advice_feedback_set(user=request.user, item=item, helpful=ANSWERS[answer])
    if ANSWERS[answer]:
        messages.success(request, f"Thank you: you found “{item.title}” helpful.")
    else:
        messages.success(request, f"Thank you: you told us “{item.title}” did not help.")
    if "#" not in next_url:
        next_url = f"{next_url}#helpful-{item.slug}"
    return redirect(next_url)
