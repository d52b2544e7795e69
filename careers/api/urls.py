from django.conf import settings
from django.urls import include, path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from careers.api import views
from careers.api.comparisons import ComparisonViewSet, OptionAnswersViewSet, OptionViewSet
from careers.api.plans import CheckinViewSet, PlanViewSet

router = DefaultRouter(trailing_slash=True)
router.register("paths", views.CareerPathViewSet, basename="path")
router.register("criteria", views.CriterionViewSet, basename="criterion")
router.register("red-flags", views.RedFlagViewSet, basename="red-flag")
router.register("advice", views.AdviceViewSet, basename="advice")
router.register("comparisons", ComparisonViewSet, basename="comparison")
router.register("plans", PlanViewSet, basename="plan")

option_list = OptionViewSet.as_view({"get": "list", "post": "create"})
option_detail = OptionViewSet.as_view(
    {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
)
option_answers = OptionAnswersViewSet.as_view({"get": "answers", "put": "answers"})
comparison_result = ComparisonViewSet.as_view({"get": "result"})
plan_progress = PlanViewSet.as_view({"get": "progress"})
checkin_list = CheckinViewSet.as_view({"get": "list", "post": "create"})
checkin_detail = CheckinViewSet.as_view(
    {"get": "retrieve", "put": "update", "patch": "partial_update"}
)

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file, so the page runs no
    # inline script. Swagger UI's React components do set inline styles, so this page alone
    # allows them; scripts stay restricted to the app's own files.
    path(
        "docs/",
        csp_override({**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path("comparisons/<int:pk>/result/", comparison_result, name="comparison-result"),
    path("comparisons/<int:id>/options/", option_list, name="option-list"),
    path(
        "comparisons/<int:id>/options/<int:option_id>/",
        option_detail,
        name="option-detail",
    ),
    path(
        "comparisons/<int:id>/options/<int:option_id>/answers/",
        option_answers,
        name="option-answers",
    ),
    path("plans/<int:pk>/progress/", plan_progress, name="plan-progress"),
    path("plans/<int:id>/checkins/", checkin_list, name="checkin-list"),
    path("plans/<int:id>/checkins/<str:week_start>/", checkin_detail, name="checkin-detail"),
    path("", include(router.urls)),
]
