"""The public pages of the knowledge base (home, the advice library, path pages) and the
"was this helpful?" answer under each piece of advice."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from careers.content import selectors
from careers.content.feedback import advice_feedback_set, advice_votes
from careers.content.forms import AdviceFilterForm
from careers.content.models import AdviceItem

ADVICE_PAGE_SIZE = 20


def home(request: HttpRequest) -> HttpResponse:
    featured = list(selectors.advice_list()[:3])
    return render(
        request,
        "content/home.html",
        {
            "paths": selectors.path_list(),
            "featured_advice": featured,
            "advice_votes": advice_votes(user=request.user, item_ids=[i.pk for i in featured]),
        },
    )


def advice_list(request: HttpRequest) -> HttpResponse:
    form = AdviceFilterForm(request.GET or None)
    path_slug = tag_slug = ""
    if form.is_bound and form.is_valid():
        path_slug, tag_slug = form.cleaned_data["path"], form.cleaned_data["tag"]
    items = selectors.advice_list(path_slug=path_slug, tag_slug=tag_slug)
    page = Paginator(items, ADVICE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "content/advice_list.html",
        {
            "form": form,
            "page": page,
            "items": page.object_list,
            "filter_query": query.urlencode(),
            "advice_votes": advice_votes(
                user=request.user, item_ids=[item.pk for item in page.object_list]
            ),
        },
    )


def path_detail(request: HttpRequest, slug: str) -> HttpResponse:
    path = selectors.path_detail(slug=slug)
    if path is None:
        raise Http404("No such career path.")
    advice_items = list(selectors.advice_list(path_slug=path.slug))
    return render(
        request,
        "content/path_detail.html",
        {
            "path": path,
            "criterion_groups": selectors.criteria_by_category(
                criteria=list(selectors.criterion_list(path=path))
            ),
            "red_flags": selectors.red_flag_list(path=path),
            "advice_items": advice_items,
            "advice_votes": advice_votes(
                user=request.user, item_ids=[item.pk for item in advice_items]
            ),
        },
    )


ANSWERS = {"yes": True, "no": False}


def _next_url(request: HttpRequest) -> str:
    """Where to go back to: the page the form was on, if it is one of ours. ``next`` is only
    ever a path of this site (``/paths/phd/``); anything else (``-1``, a URL name, another
    host) falls back to the advice page."""
    candidate = request.POST.get("next", "")
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("content:advice_list")


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
    # A URL, never a view name: redirect() would try to reverse it.
    return HttpResponseRedirect(next_url)
