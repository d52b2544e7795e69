"""Accounts pages under ``accounts/``, and the API token endpoint under ``api/``.

Django's own auth views (login, logout, password change and reset) keep their own URL names;
``advisor/urls.py`` includes them beside these.
"""

from django.urls import path

from careers.accounts import api, views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("profile/", views.profile, name="profile"),
]

api_routes: list = []
api_urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="token"),
]
