"""The public pages of the knowledge base (home, the advice library, path pages) and the
"was this helpful?" answer under each piece of advice.

The advice library and the path pages are the same for everyone but for the "was this
helpful?" forms (the viewer's answers, their CSRF token) and the navigation. What is the
same is rendered without a request and cached, keyed by the published content's stamp
(``careers.content.versions``): a publication changes the key, so nothing published is
ever shown late, and nothing of a viewer is ever in a cached part. The forms and the page
around are rendered on every view.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from careers.content import selectors
from careers.content.feedback import advice_feedback_set, advice_votes
from careers.content.forms import AdviceFilterForm
from careers.content.models import AdviceItem
from careers.content.versions import ContentStamps, content_stamps, release_stamp

ADVICE_PAGE_SIZE = 20
# Keys change with every publication; the timeout only frees what nobody asks for.
FRAGMENT_TIMEOUT = 24 * 60 * 60


def _cached(name: str, stamps: ContentStamps, *parts: object, build):
    """``build()``, kept in the cache under the published content's stamp and the release
    (unless it is ``None``); with the cache down, built on every view."""
    digest = hashlib.sha256(
        "\x1f".join(map(str, [release_stamp(), stamps.published, *parts])).encode()
    ).hexdigest()
    key = f"content:{name}:{digest}"
    value = cache.get(key)
    if value is None:
        value = build()
        if value is not None:
            cache.set(key, value, FRAGMENT_TIMEOUT)
    return value


CARD_TEMPLATE = "content/_advice_card.html"


@dataclass(frozen=True)
class AdviceCard:
    """One advice item of the library as the page shows it: its card, rendered once."""

    pk: int
    slug: str
    html: str


def _filter_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    paths = [(path.slug, path.name) for path in selectors.path_list()]
    return paths, [(tag.slug, tag.name) for tag in selectors.tag_list()]


def _advice_cards(path_slug: str, tag_slug: str) -> list[AdviceCard]:
    return [
        AdviceCard(
            item.pk, item.slug, render_to_string("content/_advice_card.html", {"item": item})
        )
        for item in selectors.advice_list(path_slug=path_slug, tag_slug=tag_slug)
    ]


# The newest advice the home page features.
FEATURED_ADVICE = 3


@dataclass(frozen=True)
class HomeParts:
    """The home page's cached parts: the grid of paths and the featured advice cards."""

    paths_html: str
    featured: list[AdviceCard]


def _home_parts() -> HomeParts:
    return HomeParts(
        paths_html=render_to_string("content/_home_paths.html", {"paths": selectors.path_list()}),
        featured=[
            AdviceCard(
                item.pk,
                item.slug,
                render_to_string("content/_featured_advice.html", {"item": item}),
            )
            for item in selectors.advice_list()[:FEATURED_ADVICE]
        ],
    )


def home(request: HttpRequest) -> HttpResponse:
    parts = _cached("home", content_stamps(), build=_home_parts)
    return render(
        request,
        "content/home.html",
        {
            "paths_html": parts.paths_html,
            "featured_advice": parts.featured,
            "advice_votes": advice_votes(
                user=request.user, item_ids=[card.pk for card in parts.featured]
            ),
        },
    )


def advice_list(request: HttpRequest) -> HttpResponse:
    stamps = content_stamps()
    path_choices, tag_choices = _cached("advice-filters", stamps, build=_filter_choices)
    form = AdviceFilterForm(request.GET or None, path_choices=path_choices, tag_choices=tag_choices)
    path_slug = tag_slug = ""
    if form.is_bound and form.is_valid():
        path_slug, tag_slug = form.cleaned_data["path"], form.cleaned_data["tag"]
    # Keyed by valid filters only (the form checked them against the choices): a request
    # cannot fill the cache with keys of its own making.
    cards = _cached(
        "advice-cards",
        stamps,
        path_slug,
        tag_slug,
        build=lambda: _advice_cards(path_slug, tag_slug),
    )
    page = Paginator(cards, ADVICE_PAGE_SIZE).get_page(request.GET.get("page"))
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


@dataclass(frozen=True)
class PathPage:
    """A path page's cached part: everything above the related advice, and that advice."""

    slug: str
    name: str
    summary: str
    main: str
    advice_items: list[AdviceItem]


def _path_page(slug: str) -> PathPage | None:
    path = selectors.path_detail(slug=slug)
    if path is None:
        return None
    context = {
        "path": path,
        "criterion_groups": selectors.criteria_by_category(
            criteria=list(selectors.criterion_list(path=path))
        ),
        "red_flags": selectors.red_flag_list(path=path),
    }
    return PathPage(
        slug=path.slug,
        name=path.name,
        summary=path.summary,
        main=render_to_string("content/_path_main.html", context),
        advice_items=list(selectors.advice_list(path_slug=path.slug)),
    )


def path_detail(request: HttpRequest, slug: str) -> HttpResponse:
    stamps = content_stamps()
    # Only published paths are kept: a mistyped slug costs its query, never a cache entry.
    page = _cached("path-page", stamps, slug, build=lambda: _path_page(slug))
    if page is None:
        raise Http404("No such career path.")
    return render(
        request,
        "content/path_detail.html",
        {
            "path": page,
            "advice_items": page.advice_items,
            "advice_votes": advice_votes(
                user=request.user, item_ids=[item.pk for item in page.advice_items]
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
