"""The profile page, and the addresses of Django's auth views from before the accounts moved
to django-allauth (its own views serve every other accounts page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.urls import reverse

from careers.accounts.forms import ProfileForm
from careers.accounts.services import profile_get_or_create, profile_update

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


def old_reset_link(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """A reset link emailed before the move (``/accounts/reset/<uid>/<token>/``). Its token
    is of Django's own form, which allauth does not read, and it was valid for a day: send
    the reader to ask for a new link, saying why. The notice rides in the address, not in
    the session, so the redirect can be permanent and still say it."""
    return HttpResponsePermanentRedirect(f"{reverse('account_reset_password')}?{EXPIRED_LINK}")
