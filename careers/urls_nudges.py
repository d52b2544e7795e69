from django.urls import path

from careers.views import nudges

urlpatterns = [
    path("action/<token:token>/", nudges.nudge_action, name="nudge_action"),
    path("unsubscribe/<token:token>/", nudges.nudge_unsubscribe, name="nudge_unsubscribe"),
    path("helpful/<token:token>/", nudges.nudge_helpful, name="nudge_helpful"),
]
