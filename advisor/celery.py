"""The Celery app: tasks come from each app's ``tasks`` module; the beat schedule lives here."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advisor.settings")

app = Celery("advisor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The schedule is code, reviewed like code; beat keeps only its last-run times on disk.
app.conf.beat_schedule = {
    "health-ping": {
        "task": "careers.tasks.health_ping",
        "schedule": 300.0,
        "options": {"expires": 240},
    },
}
