"""The Celery app: tasks come from each app's ``tasks`` module; the beat schedule lives here."""

import os

from celery import Celery
from celery.schedules import crontab
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advisor.settings")

app = Celery("advisor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The schedule is code, reviewed like code; beat keeps only its last-run times on disk.
app.conf.beat_schedule = {
    # A plan is due when its next send time has passed; 15 minutes is the longest a nudge
    # waits behind its chosen hour.
    "nudges-dispatch": {
        "task": "careers.plans.tasks.nudges_dispatch",
        "schedule": crontab(minute=f"*/{settings.NUDGE_DISPATCH_MINUTES}"),
        "options": {"expires": settings.NUDGE_DISPATCH_MINUTES * 60 - 30},
    },
    # Enqueues again the pending deliveries whose tasks were lost (a broker restart, a
    # dispatch while the broker was down); the dispatcher runs the same sweep when it ends.
    "nudges-requeue": {
        "task": "careers.plans.tasks.nudges_requeue",
        "schedule": crontab(minute=f"*/{settings.NUDGE_REQUEUE_MINUTES}"),
        "options": {"expires": settings.NUDGE_REQUEUE_MINUTES * 60 - 30},
    },
    # Marks deliveries left in sending by a dead worker as stuck, for the admin.
    "nudges-report-stuck": {
        "task": "careers.plans.tasks.nudges_report_stuck",
        "schedule": crontab(minute="7,37"),
        "options": {"expires": 25 * 60},
    },
    # Check-in emails months after a decision: due on the owner's weekday and hour, sent
    # at most 15 minutes after it, through the same at-most-once steps as the nudges.
    "checkins-dispatch": {
        "task": "careers.comparisons.tasks.checkins_dispatch",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 15 * 60 - 30},
    },
    "checkins-requeue": {
        "task": "careers.comparisons.tasks.checkins_requeue",
        "schedule": crontab(minute=f"*/{settings.NUDGE_REQUEUE_MINUTES}"),
        "options": {"expires": settings.NUDGE_REQUEUE_MINUTES * 60 - 30},
    },
    # Marks check-ins left in sending by a dead worker as stuck, and logs them.
    "checkins-report-stuck": {
        "task": "careers.comparisons.tasks.checkins_report_stuck",
        "schedule": crontab(minute="9,39"),
        "options": {"expires": 25 * 60},
    },
    # Page views count the advice they show in the cache; this writes the counts in one
    # batch. Every minute: the admin flushes before it shows them, so editors never wait.
    "advice-shown-flush": {
        "task": "careers.content.tasks.advice_shown_flush_batch",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    "health-ping": {
        "task": "careers.core.tasks.health_ping",
        "schedule": 300.0,
        "options": {"expires": 240},
    },
}
