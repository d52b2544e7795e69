"""Learning plan pages under ``plans/``, the pages behind email links under ``nudges/``, and
the plans API under ``api/``."""

from django.urls import path

from careers.plans import api, bend_views, views

app_name = "plans"

urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:plan_id>/delete/", views.plan_delete, name="plan_delete"),
    path("plans/<int:plan_id>/weeks/<str:week>/", views.checkin_edit, name="checkin_edit"),
    path("plans/<int:plan_id>/breaks/", bend_views.break_create, name="plan_breaks"),
    path(
        "plans/<int:plan_id>/breaks/<int:break_id>/delete/",
        bend_views.break_delete,
        name="plan_break_delete",
    ),
    path("plans/<int:plan_id>/pace/", bend_views.plan_pace, name="plan_pace"),
    path(
        "plans/<int:plan_id>/calendar/regenerate/",
        views.calendar_regenerate,
        name="plan_calendar_regenerate",
    ),
    path("plans/calendar/<token:token>.ics", views.plan_calendar_feed, name="plan_calendar_feed"),
    path("nudges/action/<token:token>/", views.nudge_action, name="nudge_action"),
    path("nudges/unsubscribe/<token:token>/", views.nudge_unsubscribe, name="nudge_unsubscribe"),
    path("nudges/helpful/<token:token>/", views.nudge_helpful, name="nudge_helpful"),
]

api_routes = [("plans", api.PlanViewSet, "plan")]
api_urlpatterns = [
    path(
        "plans/<int:pk>/progress/",
        api.PlanViewSet.as_view({"get": "progress"}),
        name="plan-progress",
    ),
    path(
        "plans/<int:id>/checkins/",
        api.CheckinViewSet.as_view({"get": "list", "post": "create"}),
        name="checkin-list",
    ),
    path(
        "plans/<int:id>/checkins/<str:week_start>/",
        api.CheckinViewSet.as_view({"get": "retrieve", "put": "update", "patch": "partial_update"}),
        name="checkin-detail",
    ),
    path(
        "plans/<int:id>/breaks/",
        api.BreakViewSet.as_view({"get": "list", "post": "create"}),
        name="break-list",
    ),
    path(
        "plans/<int:id>/breaks/<int:break_id>/",
        api.BreakViewSet.as_view({"delete": "destroy"}),
        name="break-detail",
    ),
]
