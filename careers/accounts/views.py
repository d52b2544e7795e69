"""The profile page, the account's export and its deletion, and the addresses of Django's
auth views from before the accounts moved to django-allauth (its own views serve every other
accounts page)."""

import json

from allauth.decorators import rate_limit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from careers.accounts.forms import AccountDeleteForm, ProfileForm
from careers.accounts.services import account_delete, profile_get_or_create, profile_update
from careers.core.account_data import (
    account_data_describe,
    account_data_export,
    account_data_sections,
)

# The reset page says that the link that led there has expired.
EXPIRED_LINK = "link=expired"


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user_profile = profile_get_or_create(user=request.user)
    form = ProfileForm(request.POST or None, initial={"timezone": user_profile.timezone})
    if request.method == "POST" and form.is_valid():
        profile_update(profile=user_profile, timezone=form.cleaned_data["timezone"])
        messages.success(request, "Your settings are saved.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form, "profile": user_profile})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_export(request: HttpRequest) -> HttpResponse:
    """GET: what the file holds. POST: the file (a POST, so no prefetching browser, proxy
    or link scanner ever builds one, and a cross-site page cannot make the browser fetch it)."""
    if request.method == "GET":
        return render(request, "accounts/export.html", {"sections": account_data_sections()})
    data = account_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    # The user's own date: the middleware has activated their time zone.
    filename = f"advisor-export-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
@sensitive_post_parameters("password", "confirmation")
@require_http_methods(["GET", "POST"])
# Guesses at the password per account, as allauth limits its own "confirm it's you" page;
# each wrong one also counts as a failed login (AccountDeleteForm.clean_password).
@rate_limit(action="reauthenticate")
def account_delete_view(request: HttpRequest) -> HttpResponse:
    """GET: exactly what deleting the account removes. POST: delete it, once confirmed."""
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=request.user)
    if form.is_bound and form.is_valid():
        account_delete(user=request.user)
        logout(request)
        # After the logout, which empties the session: the message rides in a cookie.
        messages.success(request, "Your account and everything in it are deleted.")
        return redirect("content:home")
    context = {
        "form": form,
        "sections": account_data_describe(user=request.user),
        "staff": request.user.is_staff,
    }
    return render(request, "accounts/delete.html", context)


def old_reset_link(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """A reset link emailed before the move (``/accounts/reset/<uid>/<token>/``). Its token
    is of Django's own form, which allauth does not read, and it was valid for a day: send
    the reader to ask for a new link, saying why. The notice rides in the address, not in
    the session, so the redirect can be permanent and still say it."""
    return HttpResponsePermanentRedirect(f"{reverse('account_reset_password')}?{EXPIRED_LINK}")
