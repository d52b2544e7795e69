"""Sign-up, the profile page, and the password reset that names the site from settings."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from careers.accounts.forms import LoginForm, ProfileForm, SignupForm
from careers.accounts.services import profile_get_or_create, profile_update, user_create


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
    return render(request, "accounts/signup.html", {"form": form})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user_profile = profile_get_or_create(user=request.user)
    form = ProfileForm(request.POST or None, initial={"timezone": user_profile.timezone})
    if request.method == "POST" and form.is_valid():
        profile_update(profile=user_profile, timezone=form.cleaned_data["timezone"])
        messages.success(request, "Your settings are saved.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form, "profile": user_profile})


# Links in emails use SITE_URL, not whatever Host header the request carried.
password_reset = auth_views.PasswordResetView.as_view(
    email_template_name="registration/password_reset_email.txt",
    extra_email_context={"site_url": settings.SITE_URL, "site_title": settings.SITE_NAME},
)


log_in = auth_views.LoginView.as_view(authentication_form=LoginForm)
