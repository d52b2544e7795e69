"""The public pages of the knowledge base, the editors' dashboard, and the content API."""

from django.contrib import admin
from django.urls import path

from careers.content import api, views
from careers.content.admin.dashboard import editorial_dashboard

app_name = "content"

urlpatterns = [
    path("", views.home, name="home"),
    path("advice/", views.advice_list, name="advice_list"),
    path("advice/<slug:slug>/helpful/", views.advice_helpful, name="advice_helpful"),
    path("paths/<slug:slug>/", views.path_detail, name="path_detail"),
    # Beside the admin's own pages, behind its login and permission checks.
    path("admin/review/", admin.site.admin_view(editorial_dashboard), name="editorial_dashboard"),
]

api_routes = [
    ("paths", api.CareerPathViewSet, "path"),
    ("criteria", api.CriterionViewSet, "criterion"),
    ("red-flags", api.RedFlagViewSet, "red-flag"),
    ("advice", api.AdviceViewSet, "advice"),
]
api_urlpatterns: list = []
