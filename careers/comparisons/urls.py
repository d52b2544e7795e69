"""The offer comparison pages under ``comparisons/`` and the comparison API under ``api/``."""

from django.urls import path

from careers.comparisons import api, views

app_name = "comparisons"
OPTION = "<int:comparison_id>/options/<int:option_id>"

urlpatterns = [
    path("", views.comparison_list, name="comparison_list"),
    path("new/", views.comparison_create, name="comparison_create"),
    path("<int:comparison_id>/", views.comparison_detail, name="comparison_detail"),
    path("<int:comparison_id>/edit/", views.comparison_edit, name="comparison_edit"),
    path("<int:comparison_id>/delete/", views.comparison_delete, name="comparison_delete"),
    path(
        "<int:comparison_id>/duplicate/",
        views.comparison_duplicate,
        name="comparison_duplicate",
    ),
    path("<int:comparison_id>/options/new/", views.option_create, name="option_create"),
    path(f"{OPTION}/edit/", views.option_edit, name="option_edit"),
    path(f"{OPTION}/delete/", views.option_delete, name="option_delete"),
    path(f"{OPTION}/evaluate/", views.option_evaluate, name="option_evaluate"),
    path(f"{OPTION}/duplicate/", views.option_duplicate, name="option_duplicate"),
    path("<int:comparison_id>/weights/", views.comparison_weights, name="comparison_weights"),
    path("<int:comparison_id>/results/", views.comparison_results, name="comparison_results"),
    path(
        "<int:comparison_id>/export.csv",
        views.comparison_export_csv_download,
        name="comparison_export_csv",
    ),
    path(
        "<int:comparison_id>/export.json",
        views.comparison_export_json_download,
        name="comparison_export_json",
    ),
    path("<int:comparison_id>/share/", views.comparison_share, name="comparison_share"),
    # The public, read-only page behind a share link: no login.
    path("shared/<token:token>/", views.comparison_shared, name="comparison_shared"),
]

api_routes = [("comparisons", api.ComparisonViewSet, "comparison")]
OPTION_API = "comparisons/<int:id>/options/<int:option_id>"
api_urlpatterns = [
    path(
        "comparisons/<int:pk>/result/",
        api.ComparisonViewSet.as_view({"get": "result"}),
        name="comparison-result",
    ),
    path(
        "comparisons/<int:id>/options/",
        api.OptionViewSet.as_view({"get": "list", "post": "create"}),
        name="option-list",
    ),
    path(
        f"{OPTION_API}/",
        api.OptionViewSet.as_view(
            {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
        ),
        name="option-detail",
    ),
    path(
        f"{OPTION_API}/duplicate/",
        api.OptionViewSet.as_view({"post": "duplicate"}),
        name="option-duplicate",
    ),
    path(
        f"{OPTION_API}/answers/",
        api.OptionAnswersViewSet.as_view({"get": "answers", "put": "answers"}),
        name="option-answers",
    ),
]
