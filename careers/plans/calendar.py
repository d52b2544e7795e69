"""The iCalendar feed of a learning plan's study sessions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event

from careers.plans.models import LearningPlan
from careers.plans.schedule import week_start
from careers.plans.selectors import plan_week_schedule


def learning_calendar(*, plans: Iterable[LearningPlan]) -> bytes:
    """One all-day event per study day of every week of each of the user's plans.

    Each event's UID is derived from the plan and the date, and the feed is rebuilt from the
    plans on every request, so calendar apps that poll it follow every plan edit: moved
    study days disappear and new ones appear.
    """
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//Learning plan//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{settings.SITE_NAME}: study sessions")
    for plan in plans:
        _add_plan(calendar, plan)
    return calendar.to_ical()


def _add_plan(calendar: Calendar, plan: LearningPlan) -> None:
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    first_monday = week_start(plan.start_date)
    for focus in plan_week_schedule(plan=plan):
        monday = first_monday + timedelta(weeks=focus.week - 1)
        for weekday in sorted(plan.study_days):
            day = monday + timedelta(days=weekday)
            if day < plan.start_date:
                continue
            event = Event()
            event.add("uid", f"plan-{plan.pk}-{day:%Y%m%d}@{domain}")
            event.add("summary", f"Study: {focus.course} (week {focus.course_week})")
            event.add(
                "description",
                f"Week {focus.week} of your plan. Project: {focus.project_step}. "
                f"Papers this week: {plan.papers_per_week}.",
            )
            event.add("dtstart", day)
            event.add("dtend", day + timedelta(days=1))
            event.add("dtstamp", plan.updated_at)
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
