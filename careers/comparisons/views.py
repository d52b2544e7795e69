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
from careers.comparisons.models import MAX_OPTIONS, MIN_OPTIONS_TO_RANK, Comparison, Option
from careers.comparisons.results import ComparisonResultView
from careers.comparisons.rows import flip_row, result_grid, result_rows
from careers.content.feedback import advice_shown, advice_votes
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
        initial={
            "title": comparison.title,
            "notes": comparison.notes,
            "decision_deadline": comparison.decision_deadline,
        },
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
        },
    )


@login_required
@require_http_methods(GET_POST)
def option_edit(request: HttpRequest, comparison_id: int, option_id: int) -> HttpResponse:
    comparison = _comparison(request, comparison_id)
    option = _option(comparison, option_id)
    initial = {name: getattr(option, name) for name in OptionForm.base_fields}
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
        {"comparison": comparison, "option": option, "form": form},
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


def _decision_advice(request: HttpRequest, view: ComparisonResultView) -> dict:
    """The advice section under the results, counted as shown each time it is rendered."""
    items = (
        selectors.comparison_advice(
            path_ids={o.path_id for o in view.options},
            flag_keys={flag.key for o in view.score.options for flag in o.red_flags},
        )
        if view.options
        else []
    )
    advice_shown(item_ids=[item.pk for item in items], where="results")
    return {
        "decision_advice": items,
        "advice_votes": advice_votes(user=request.user, item_ids=[item.pk for item in items]),
    }


def _result_context(view: ComparisonResultView, *, include_private: bool) -> dict:
    rows = result_rows(view)
    return {
        "comparison": view.comparison,
        "view": view,
        "rows": rows,
        "grid": result_grid(rows),
        "flip": flip_row(view),
        "people_percent": round(view.people_share * 100),
        "brand_percent": round(view.brand_share * 100),
        "can_rank": len(rows) >= MIN_OPTIONS_TO_RANK,
        "include_private": include_private,
    }


@login_required
@require_GET
def comparison_results(request: HttpRequest, comparison_id: int) -> HttpResponse:
    comparison = _comparison(request, comparison_id)
    # The one GET that writes (besides the advice counters): it keeps the stored result
    # current, and only rewrites it when the inputs changed since the last view.
    view = services.comparison_result_store(comparison=comparison)
    context = _result_context(view, include_private=True)
    advice = _decision_advice(request, view)
    return render(request, "comparisons/results.html", {**context, **advice, "shared": False})


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
    view = results.comparison_result(comparison=comparison)
    context = _result_context(view, include_private=comparison.share_includes_private)
    advice = _decision_advice(request, view)
    response = render(request, "comparisons/shared.html", {**context, **advice, "shared": True})
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
    view = results.comparison_result(comparison=comparison)
    if layout == "grid":
        body, name = comparison_export_csv_grid(view), f"comparison-{comparison.pk}-grid.csv"
    else:
        body, name = comparison_export_csv(view), f"comparison-{comparison.pk}.csv"
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
    view = results.comparison_result(comparison=comparison)
    response = JsonResponse(
        comparison_export_json(comparison=comparison, view=view), json_dumps_params={"indent": 2}
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
