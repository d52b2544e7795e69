"""Every URL of the service: each app's pages under its own namespace, one REST API under
``api/`` built from each app's routes, the accounts pages and the admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from advisor import views
from careers.accounts import urls as accounts_urls
from careers.comparisons import urls as comparisons_urls
from careers.content import urls as content_urls
from careers.core import views as core_views
from careers.plans import urls as plans_urls

APPS = (content_urls, comparisons_urls, plans_urls, accounts_urls)

# One router for the whole API, so /api/ lists every app's collections.
router = DefaultRouter(trailing_slash=True)
for app_urls in APPS:
    for prefix, viewset, basename in app_urls.api_routes:
        router.register(prefix, viewset, basename=basename)

api_urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file, so the page runs no
    # inline script. Swagger UI's React components do set inline styles, so this page alone
    # allows them; scripts stay restricted to the app's own files.
    path(
        "docs/",
        csp_override({**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api:schema")
        ),
        name="docs",
    ),
    *(pattern for app_urls in APPS for pattern in app_urls.api_urlpatterns),
    path("", include(router.urls)),
]

urlpatterns = [
    path("", include(content_urls)),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("comparisons/", include(comparisons_urls)),
    path("", include(plans_urls)),
    path("accounts/", include(accounts_urls)),
    # django-allauth's pages, and the old paths of Django's auth views redirecting to them.
    path("accounts/", include(accounts_urls.auth_urlpatterns)),
    path("healthz", core_views.healthz, name="healthz"),
    path("api/", include((api_urlpatterns, "api"))),
    re_path(r"^admin/careers/(?P<model_name>[a-z]+)/(?P<rest>.*)$", views.admin_moved),
    # The old app index: its models now sit in three apps, which the admin index lists.
    path("admin/careers/", RedirectView.as_view(url="/admin/", permanent=True)),
    path("admin/", admin.site.urls),
]

handler400 = "careers.core.errors.bad_request"
handler403 = "careers.core.errors.permission_denied"
handler404 = "careers.core.errors.not_found"
handler500 = "careers.core.errors.server_error"
