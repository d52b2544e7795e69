from django.urls import path

from careers.views import nudges, plans

urlpatterns = [
    path("", plans.plan_list, name="plan_list"),
    path("new/", plans.plan_create, name="plan_create"),
    path("<int:plan_id>/", plans.plan_detail, name="plan_detail"),
    path("<int:plan_id>/edit/", plans.plan_edit, name="plan_edit"),
    path("<int:plan_id>/delete/", plans.plan_delete, name="plan_delete"),
    path(
        "<int:plan_id>/weeks/<str:week>/",
        plans.checkin_edit,
        name="checkin_edit",
    ),
    path(
        "<int:plan_id>/calendar/regenerate/",
        plans.calendar_regenerate,
        name="plan_calendar_regenerate",
    ),
    path("calendar/<token:token>.ics", nudges.plan_calendar_feed, name="plan_calendar_feed"),
]
