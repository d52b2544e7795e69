from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from careers.api import views

router = DefaultRouter(trailing_slash=True)
router.register("paths", views.CareerPathViewSet, basename="path")
router.register("criteria", views.CriterionViewSet, basename="criterion")
router.register("red-flags", views.RedFlagViewSet, basename="red-flag")
router.register("advice", views.AdviceViewSet, basename="advice")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file, so the page needs no
    # inline script and passes the Content Security Policy.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
