"""Pages of the offer comparison: forms in, services for writes, selectors for reads.

Every page that names a comparison loads it with the signed-in owner, so another user's
comparison is a 404 like one that does not exist. State changes only on POST.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from careers.comparisons import results, selectors, services, sharing
from careers.comparisons.compensation import PRIVATE_EQUITY_NOTE
from careers.comparisons.conditional import (
    etag_of,
    messages_waiting,
    not_modified,
    privately_cached,
    viewer_parts,
)
from careers.comparisons.decisions import decision_of
from careers.comparisons.exports import (
    CSV_LAYOUTS,
    comparison_export_csv,
    comparison_export_csv_grid,
    comparison_export_json,
)
from careers.comparisons.forms import (
    ComparisonForm,
    EvaluationForm,
    OptionForm,
    ShareForm,
    WeightsForm,
)
from careers.comparisons.freshness import (
    PAGE_DEFERS,
    comparison_result_read,
    comparison_result_state,
    comparison_with_result,
    result_state,
)
from careers.comparisons.models import (
    MAX_OPTIONS,
    MIN_OPTIONS_TO_RANK,
    OPTION_FIELDS,
    Comparison,
    Option,
)
from careers.comparisons.result_page import ResultBody, result_body
from careers.comparisons.results import ComparisonResultView
from careers.content.feedback import advice_shown_later, advice_votes
from careers.content.versions import release_stamp
from careers.core.forms import form_write, posted

GET_POST = ["GET", "POST"]


def _comparison(request: HttpRequest, comparison_id: int) -> Comparison:
    comparison = selectors.comparison_get(owner=request.user, comparison_id=comparison_id)
    if comparison is None:
        raise Http404("No such comparison.")
    return comparison


def _option(comparison: Comparison, option_id: int) -> Option:
    option = selectors.option_get(comparison=comparison, option_id=option_id)
    if option is None:
        raise Http404("No such option.")
    return option


@login_required
@require_GET
def comparison_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "comparisons/list.html",
        {"comparisons": selectors.comparison_list(owner=request.user)},
    )


@login_required
@require_http_methods(GET_POST)
def comparison_create(request: HttpRequest) -> HttpResponse:
    form = ComparisonForm(posted(request))
    saved, comparison = form_write(
        request, form, lambda: services.comparison_create(owner=request.user, **form.cleaned_data)
    )
    if saved:
        messages.success(request, "Comparison created. Now add the offers you are weighing.")
        return redirect("comparisons:option_create", comparison_id=comparison.pk)
    return render(request, "comparisons/comparison_form.html", {"form": form, "comparison": None})


@login_required
@require_GET
def comparison_detail(request: HttpRequest, comparison_id: int) -> HttpResponse:
    comparison = _comparison(request, comparison_id)
    options = list(selectors.option_list(comparison=comparison))
    return render(
        request,
        "comparisons/detail.html",
        {
            "comparison": comparison,
            "options": options,
            "can_add": len(options) < MAX_OPTIONS,
            "can_rank": len(options) >= MIN_OPTIONS_TO_RANK,
            "max_options": MAX_OPTIONS,
        },
    )


@login_required
@require_http_methods(GET_POST)
def comparison_edit(request: HttpRequest, comparison_id: int) -> HttpResponse:
    comparison = _comparison(request, comparison_id)
    form = ComparisonForm(
        posted(request),
        initial={name: getattr(comparison, name) for name in services.COMPARISON_FIELDS},
    )
    saved, _ = form_write(
        request,
        form,
        lambda: services.comparison_update(comparison=comparison, **form.cleaned_data),
    )
    if saved:
        messages.success(request, "Comparison saved.")
        return redirect("comparisons:comparison_detail", comparison_id=comparison.pk)
    return render(
        request, "comparisons/comparison_form.html", {"form": form, "comparison": comparison}
    )


@login_required
@require_http_methods(GET_POST)
def comparison_delete(request: HttpRequest, comparison_id: int) -> HttpResponse:
    comparison = _comparison(request, comparison_id)
    if request.method == "POST":
        services.comparison_delete(comparison=comparison)
        messages.success(request, f"“{comparison.title}” was deleted.")
        return redirect("comparisons:comparison_list")
    return render(
        request,
        "comparisons/confirm_delete.html",
        {"comparison": comparison, "option": None},
    )


@login_required
@require_http_methods(GET_POST)
def option_create(request: HttpRequest, comparison_id: int) -> HttpResponse:
    comparison = _comparison(request, comparison_id)
    form = OptionForm(posted(request))
    saved, option = form_write(
        request, form, lambda: services.option_create(comparison=comparison, **form.cleaned_data)
    )
    if saved:
        messages.success(request, f"“{option.label}” added. Now answer its questions.")
        return redirect(
            "comparisons:option_evaluate", comparison_id=comparison.pk, option_id=option.pk
        )
    return render(
        request,
        "comparisons/option_form.html",
        {
            "comparison": comparison,
            "option": None,
            "form": form,
            "option_count": comparison.options.count(),
            "max_options": MAX_OPTIONS,
            "private_equity_note": PRIVATE_EQUITY_NOTE,
        },
    )


@login_required
@require_http_methods(GET_POST)
def option_edit(request: HttpRequest, comparison_id: int, option_id: int) -> HttpResponse:
    comparison = _comparison(request, comparison_id)
    option = _option(comparison, option_id)
    initial = {name: getattr(option, name) for name in OPTION_FIELDS}
    form = OptionForm(posted(request), initial=initial)
    saved, _ = form_write(
        request, form, lambda: services.option_update(option=option, **form.cleaned_data)
    )
    if saved:
        messages.success(request, f"“{option.label}” saved.")
        return redirect("comparisons:comparison_detail", comparison_id=comparison.pk)
    return render(
        request,
        "comparisons/option_form.html",
        {
            "comparison": comparison,
            "option": option,
            "form": form,
            "private_equity_note": PRIVATE_EQUITY_NOTE,
        },
    )


@login_required
@require_http_methods(GET_POST)
def option_delete(request: HttpRequest, comparison_id: int, option_id: int) -> HttpResponse:
    comparison = _comparison(request, comparison_id)
    option = _option(comparison, option_id)
    if request.method == "POST":
        services.option_delete(option=option)
        messages.success(request, f"“{option.label}” was removed.")
        return redirect("comparisons:comparison_detail", comparison_id=comparison.pk)
    return render(
        request, "comparisons/confirm_delete.html", {"comparison": comparison, "option": option}
    )


@login_required
@require_POST
def comparison_duplicate(request: HttpRequest, comparison_id: int) -> HttpResponse:
    comparison = _comparison(request, comparison_id)
    try:
        copy = services.comparison_duplicate(comparison=comparison, owner=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("comparisons:comparison_detail", comparison_id=comparison.pk)
    messages.success(
        request,
        f"This is “{copy.title}”, with the same options, answers and weights: change what you "
        f"like, “{comparison.title}” stays as it was.",
    )
    return redirect("comparisons:comparison_detail", comparison_id=copy.pk)


@login_required
@require_POST
def option_duplicate(request: HttpRequest, comparison_id: int, option_id: int) -> HttpResponse:
    comparison = _comparison(request, comparison_id)
    option = _option(comparison, option_id)
    try:
        copy = services.option_duplicate(option=option)
    except ValidationError as error:
        # A full comparison: the page says why, and nothing was written.
        messages.error(request, " ".join(error.messages))
        return redirect("comparisons:comparison_detail", comparison_id=comparison.pk)
    messages.success(
        request,
        f"“{copy.label}” added with the same answers as “{option.label}”: change the ones "
        "you want to try.",
    )
    return redirect("comparisons:option_evaluate", comparison_id=comparison.pk, option_id=copy.pk)


@login_required
@require_http_methods(GET_POST)
def option_evaluate(request: HttpRequest, comparison_id: int, option_id: int) -> HttpResponse:
    comparison = _comparison(request, comparison_id)
    option = _option(comparison, option_id)
    form = EvaluationForm(
        posted(request),
        criteria=selectors.criteria_for_option(option=option),
        answers=selectors.answers_by_criterion(option=option),
    )
    saved, _ = form_write(
        request, form, lambda: services.answers_upsert(option=option, answers=form.answers())
    )
    if saved:
        messages.success(request, f"Answers for “{option.label}” saved.")
        if "save_next" in request.POST:
            return redirect("comparisons:comparison_results", comparison_id=comparison.pk)
        return redirect("comparisons:comparison_detail", comparison_id=comparison.pk)
    return render(
        request,
        "comparisons/evaluate.html",
        {"comparison": comparison, "option": option, "form": form},
    )


@login_required
@require_http_methods(GET_POST)
def comparison_weights(request: HttpRequest, comparison_id: int) -> HttpResponse:
    comparison = _comparison(request, comparison_id)
    if request.method == "POST" and "reset" in request.POST:
        services.weights_reset(comparison=comparison)
        messages.success(request, "Weights reset to the advisor's defaults.")
        return redirect("comparisons:comparison_weights", comparison_id=comparison.pk)
    by_path = selectors.criteria_for_paths()
    path_ids = set(comparison.options.values_list("path_id", flat=True)) or set(by_path)
    criteria = {c.key: c for path_id in path_ids for c in by_path.get(path_id, [])}
    form = WeightsForm(
        posted(request),
        criteria=sorted(criteria.values(), key=lambda c: (c.position, c.key)),
        weights=selectors.comparison_weights(comparison=comparison),
        path_ids=path_ids,
    )
    saved, _ = form_write(
        request,
        form,
        lambda: services.weights_set(comparison=comparison, weights=form.cleaned_data),
    )
    if saved:
        messages.success(request, "Weights saved.")
        return redirect("comparisons:comparison_results", comparison_id=comparison.pk)
    return render(request, "comparisons/weights.html", {"comparison": comparison, "form": form})


def _results_page(
    request: HttpRequest,
    template: str,
    *,
    body: ResultBody,
    context: dict,
    etag: str | None,
) -> HttpResponse:
    """A results page around its body: the advice rendered for this viewer (counted as
    shown, in the cache), and a 304 instead when the client's copy still matches ``etag``."""
    item_ids = [item.pk for item in body.advice]
    votes = advice_votes(user=request.user, item_ids=item_ids)
    if etag is not None:
        etag = etag_of([etag, sorted(votes.items())])
    # A 304 counts too: the viewer has the advice in front of them again.
    advice_shown_later(item_ids=item_ids, where="results")
    response = not_modified(request, etag)
    if response is None:
        context = {**context, "body": body, "decision_advice": body.advice, "advice_votes": votes}
        response = render(request, template, context)
    return privately_cached(response, etag)


@login_required
@require_GET
def comparison_results(request: HttpRequest, comparison_id: int) -> HttpResponse:
    comparison = comparison_with_result(
        owner=request.user, comparison_id=comparison_id, defer=PAGE_DEFERS
    )
    if comparison is None:
        raise Http404("No such comparison.")
    state = result_state(comparison=comparison)

    def build_view() -> ComparisonResultView:
        # The one GET that writes (besides the advice counters): it keeps the stored result
        # current, and rewrites it only when something it depends on changed.
        return services.comparison_result_store(comparison=comparison, state=state)

    etag = None
    if state.fresh:
        note = results.content_versions_unchanged(state.stored)
        body = result_body(state=state, include_private=True, shared=False, build_view=build_view)
        if not messages_waiting(request):
            parts = [release_stamp(), state.key, state.content.published, note.published_on]
            etag = etag_of(["results", *parts, *viewer_parts(request)])
    else:
        # Rescored now: the note says what changed once, so this page is never revalidated.
        view = build_view()
        note = view.content_versions_note
        body = result_body(state=state, include_private=True, shared=False, build_view=lambda: view)
    context = {
        "comparison": comparison,
        "content_note": note,
        "include_private": True,
        "shared": False,
    }
    return _results_page(request, "comparisons/results.html", body=body, context=context, etag=etag)


@never_cache
@require_GET
def comparison_shared(request: HttpRequest, token: str) -> HttpResponse:
    """The read-only page behind a share link: no login, no owner, private parts opt-in."""
    comparison = sharing.comparison_get_shared(token=token)
    if comparison is None:
        # Rendered here rather than raised, so the page says why, with DEBUG on as well.
        response = render(
            request,
            "404.html",
            {
                "not_found_title": "This link no longer works",
                "not_found_message": (
                    "The comparison behind this link is not shared any more, or the address "
                    "is mistyped. Its owner can turn sharing on again and send you the new link."
                ),
            },
            status=404,
        )
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
    state = result_state(comparison=comparison)
    include_private = comparison.share_includes_private
    body = result_body(
        state=state,
        include_private=include_private,
        shared=True,
        build_view=lambda: comparison_result_read(state=state),
    )
    context = {"comparison": comparison, "include_private": include_private, "shared": True}
    response = _results_page(
        request, "comparisons/shared.html", body=body, context=context, etag=None
    )
    # Keep unlisted links out of search engines.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_required
@require_GET
def comparison_export_csv_download(request: HttpRequest, comparison_id: int) -> HttpResponse:
    """One row per option and criterion, or with ``?layout=grid`` the results page's grid."""
    comparison = _comparison(request, comparison_id)
    layout = request.GET.get("layout") or "rows"
    if layout not in CSV_LAYOUTS:
        return HttpResponseBadRequest(f"Unknown layout; choose one of {', '.join(CSV_LAYOUTS)}.")
    view = comparison_result_read(state=comparison_result_state(comparison_id=comparison.pk))
    if layout == "grid":
        body, name = comparison_export_csv_grid(view), f"comparison-{comparison.pk}-grid.csv"
    else:
        decision = decision_of(comparison=comparison)
        body = comparison_export_csv(view, decision=decision)
        name = f"comparison-{comparison.pk}.csv"
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def comparison_export_json_download(request: HttpRequest, comparison_id: int) -> JsonResponse:
    comparison = (
        selectors.comparison_detail_list(owner=request.user).filter(pk=comparison_id).first()
    )
    if comparison is None:
        raise Http404("No such comparison.")
    view = comparison_result_read(state=comparison_result_state(comparison_id=comparison.pk))
    response = JsonResponse(
        comparison_export_json(
            comparison=comparison, view=view, decision=decision_of(comparison=comparison)
        ),
        json_dumps_params={"indent": 2},
    )
    response["Content-Disposition"] = f'attachment; filename="comparison-{comparison.pk}.json"'
    return response


@login_required
@require_http_methods(GET_POST)
def comparison_share(request: HttpRequest, comparison_id: int) -> HttpResponse:
    comparison = _comparison(request, comparison_id)
    form = ShareForm(
        posted(request), initial={"include_private": comparison.share_includes_private}
    )
    if request.method == "POST":
        if "revoke" in request.POST:
            sharing.share_revoke(comparison=comparison)
            messages.success(request, "The share link is turned off. The old link no longer works.")
            return redirect("comparisons:comparison_share", comparison_id=comparison.pk)
        if form.is_valid():
            sharing.share_enable(
                comparison=comparison, include_private=form.cleaned_data["include_private"]
            )
            messages.success(request, "The read-only link is on.")
            return redirect("comparisons:comparison_share", comparison_id=comparison.pk)
    share_url = None
    if comparison.share_token:
        # On the address the owner is using: Django answers a Host outside ALLOWED_HOSTS with
        # a 400 before any view runs, so the link cannot point at a forged host.
        share_url = request.build_absolute_uri(
            reverse("comparisons:comparison_shared", kwargs={"token": comparison.share_token})
        )
    return render(
        request,
        "comparisons/share.html",
        {"comparison": comparison, "form": form, "share_url": share_url},
    )
