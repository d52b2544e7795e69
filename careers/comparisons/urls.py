"""The offer comparison pages under ``comparisons/`` and the comparison API under ``api/``."""

from django.urls import path

from careers.comparisons import (
    api,
    checkin_views,
    decision_api,
    decision_views,
    rater_views,
    views,
)

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
    path("<int:comparison_id>/decision/", decision_views.decision_detail, name="decision_detail"),
    path("<int:comparison_id>/decision/edit/", decision_views.decision_edit, name="decision_edit"),
    path(
        "<int:comparison_id>/decision/delete/",
        decision_views.decision_delete,
        name="decision_delete",
    ),
    # The public, read-only page behind a share link: no login.
    path("shared/<token:token>/", views.comparison_shared, name="comparison_shared"),
    # Second opinions: the owner's list of raters, and each rater's page behind their own
    # secret link (no login).
    path(
        "<int:comparison_id>/second-opinions/",
        rater_views.comparison_raters,
        name="comparison_raters",
    ),
    path(
        "<int:comparison_id>/second-opinions/<int:rater_id>/count/",
        rater_views.rater_count,
        name="rater_count",
    ),
    path(
        "<int:comparison_id>/second-opinions/<int:rater_id>/revoke/",
        rater_views.rater_revoke,
        name="rater_revoke",
    ),
    path("rate/<token:token>/", rater_views.rater_rate, name="rater_rate"),
    # Check-ins: the owner's answer page, and the pages behind the links in check-in
    # emails (no login: the signed token authorises them).
    path(
        "<int:comparison_id>/checkins/<int:months>/",
        checkin_views.checkin_answers,
        name="checkin_answers",
    ),
    path("checkins/answer/<token:token>/", checkin_views.checkin_answer, name="checkin_answer"),
    path(
        "checkins/page/<token:token>/",
        checkin_views.checkin_answers_link,
        name="checkin_answers_link",
    ),
    path(
        "checkins/unsubscribe/<token:token>/",
        checkin_views.checkin_unsubscribe,
        name="checkin_unsubscribe",
    ),
    path("checkins/emails/", checkin_views.checkin_emails_switch, name="checkin_emails_switch"),
]

api_routes = [("comparisons", api.ComparisonViewSet, "comparison")]
OPTION_API = "comparisons/<int:id>/options/<int:option_id>"
api_urlpatterns = [
    path(
        "comparisons/<int:pk>/decision/",
        decision_api.DecisionView.as_view(),
        name="comparison-decision",
    ),
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
