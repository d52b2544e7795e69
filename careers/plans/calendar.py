"""The iCalendar feed of a learning plan's study sessions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event

from careers.plans.models import LearningPlan
from careers.plans.schedule import week_start
from careers.plans.selectors import break_spans, plan_breaks, plan_week_schedule
from careers.plans.timeline import plan_timeline, week_days


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
    # The course weeks as breaks place them: none in a break, the rest moved back.
    timeline = plan_timeline(
        first_week=first_monday,
        schedule=plan_week_schedule(plan=plan),
        current_week=first_monday,
        breaks=break_spans(plan_breaks(plan=plan)),
    )
    for week in timeline.weeks:
        focus = week.focus
        if focus is None:
            continue
        days = week_days(study_days=plan.study_days, light_days=plan.light_days, focus=focus)
        for suggestion in days:
            day = week.monday + timedelta(days=suggestion.weekday)
            if day < plan.start_date:
                continue
            event = Event()
            event.add("uid", f"plan-{plan.pk}-{day:%Y%m%d}@{domain}")
            kind = "Light study" if suggestion.light else "Study"
            event.add("summary", f"{kind}: {focus.course} (week {focus.course_week})")
            event.add(
                "description",
                f"Week {week.number} of your plan. Today: {suggestion.text}. "
                f"Project: {focus.project_step}. Papers this week: {plan.papers_per_week}.",
            )
            event.add("dtstart", day)
            event.add("dtend", day + timedelta(days=1))
            event.add("dtstamp", plan.updated_at)
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
