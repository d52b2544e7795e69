from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from careers import selectors
from careers.forms import AdviceFilterForm, ProfileForm, SignupForm
from careers.selectors.comparisons import comparison_list, evaluation_groups
from careers.selectors.plans import plan_list, plan_progress
from careers.services.accounts import profile_get_or_create, profile_update, user_create
from careers.services.advice_signals import advice_votes
from careers.services.health import broker_status, database_status

ADVICE_PAGE_SIZE = 20


def home(request: HttpRequest) -> HttpResponse:
    featured = list(selectors.advice_list()[:3])
    return render(
        request,
        "careers/home.html",
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
        "careers/advice_list.html",
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
        "careers/path_detail.html",
        {
            "path": path,
            "criterion_groups": evaluation_groups(
                criteria=list(selectors.criterion_list(path=path))
            ),
            "red_flags": selectors.red_flag_list(path=path),
            "advice_items": advice_items,
            "advice_votes": advice_votes(
                user=request.user, item_ids=[item.pk for item in advice_items]
            ),
        },
    )


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_create(
            username=form.cleaned_data["username"],
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            timezone=form.cleaned_data["timezone"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome! Your account is ready.")
        return redirect("dashboard")
    return render(request, "registration/signup.html", {"form": form})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "careers/dashboard.html",
        {
            "paths": selectors.path_list(),
            "comparisons": comparison_list(owner=request.user),
            "plan_progresses": [plan_progress(plan=plan) for plan in plan_list(owner=request.user)],
        },
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user_profile = profile_get_or_create(user=request.user)
    form = ProfileForm(request.POST or None, initial={"timezone": user_profile.timezone})
    if request.method == "POST" and form.is_valid():
        profile_update(profile=user_profile, timezone=form.cleaned_data["timezone"])
        messages.success(request, "Your settings are saved.")
        return redirect("profile")
    return render(request, "careers/profile.html", {"form": form, "profile": user_profile})


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker status for load balancers and monitors; 503 when either is down."""
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = all(check["status"] == "ok" for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", **checks}, status=200 if healthy else 503
    )
