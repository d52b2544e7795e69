"""Accounts pages under ``accounts/``, and the API token endpoint under ``api/``.

``urlpatterns`` are this app's own pages (``accounts:signup``, ``accounts:profile``, and
``accounts:account_export`` and ``accounts:account_delete``, the account's file and its end).
``auth_urlpatterns`` are django-allauth's pages (login, logout, sign-up, email verification,
password reset and change, the address), with the site-wide names other templates use
(``login``, ``logout``, ``password_change``) and the paths of Django's auth views from before
allauth, each a permanent redirect to the page that replaced it.
"""

from collections.abc import Callable

from allauth.account import views as allauth_views
from django.http import HttpResponse
from django.urls import include, path
from django.views.generic import RedirectView

from careers.accounts import api, views

app_name = "accounts"

urlpatterns = [
    path("signup/", allauth_views.signup, name="signup"),
    path("profile/", views.profile, name="profile"),
    path("export/", views.account_export, name="account_export"),
    path("delete/", views.account_delete_view, name="account_delete"),
]


def moved(pattern_name: str) -> Callable[..., HttpResponse]:
    """A permanent redirect to the page that replaced an old one, its query kept."""
    return RedirectView.as_view(pattern_name=pattern_name, permanent=True, query_string=True)


auth_urlpatterns = [
    path("login/", allauth_views.login, name="login"),
    path("logout/", allauth_views.logout, name="logout"),
    path("password/change/", allauth_views.password_change, name="password_change"),
    # Django's auth views, before allauth: bookmarks and links in sent emails.
    path("password_change/", moved("account_change_password")),
    path("password_change/done/", moved("account_change_password")),
    path("password_reset/", moved("account_reset_password")),
    path("password_reset/done/", moved("account_reset_password_done")),
    path("reset/<uidb64>/<token>/", views.old_reset_link),
    path("reset/done/", moved("account_reset_password_from_key_done")),
    path("", include("allauth.account.urls")),
]

api_routes: list = []
api_urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="token"),
]
