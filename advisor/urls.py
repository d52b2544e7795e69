from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from careers.admin.dashboard import editorial_dashboard
from careers.converters import TokenConverter
from careers.views import advice, pages

register_converter(TokenConverter, "token")

urlpatterns = [
    path("", pages.home, name="home"),
    path("advice/", pages.advice_list, name="advice_list"),
    path("advice/<slug:slug>/helpful/", advice.advice_helpful, name="advice-helpful"),
    path("paths/<slug:slug>/", pages.path_detail, name="path_detail"),
    path("dashboard/", pages.dashboard, name="dashboard"),
    path("comparisons/", include("careers.urls_comparisons")),
    path("plans/", include("careers.urls_plans")),
    path("nudges/", include("careers.urls_nudges")),
    path("accounts/signup/", pages.signup, name="signup"),
    path("accounts/profile/", pages.profile, name="profile"),
    path(
        "accounts/password_reset/",
        # Links in emails use SITE_URL, not whatever Host header the request carried.
        auth_views.PasswordResetView.as_view(
            email_template_name="registration/password_reset_email.txt",
            extra_email_context={"site_url": settings.SITE_URL, "site_title": settings.SITE_NAME},
        ),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("healthz", pages.healthz, name="healthz"),
    path("api/", include("careers.api.urls")),
    path(
        "admin/review/",
        admin.site.admin_view(editorial_dashboard),
        name="editorial-dashboard",
    ),
    path("admin/", admin.site.urls),
]
