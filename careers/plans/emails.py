"""Building the emails the advisor sends. Templates come in threes under templates/plans/emails/:
``<name>-subject.txt``, ``<name>-body-text.txt`` and ``<name>-body-html.html``."""

from __future__ import annotations

import email.policy
from datetime import date
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from careers.accounts.models import Profile
from careers.content.models import WEEKDAYS, AdviceItem, LearningTrack, Tip
from careers.plans.links import absolute, nudge_links
from careers.plans.models import LearningPlan, NudgeDelivery
from careers.plans.schedule import WEEK, local_week_start
from careers.plans.selectors import PlanProgress, plan_progress

# The week a preview's sample plan is in: a few weeks along, so the email shows a focus, a
# project step and progress, as most learners' emails do.
PREVIEW_PLAN_WEEK = 3
WEEKDAY_NAMES = dict(WEEKDAYS)


class LongHeaderEmail(EmailMultiAlternatives):
    """An email whose long unbreakable headers stay as written.

    With the standard 78-character line policy, Python's email package rewrites a header
    such as ``List-Unsubscribe: <https://...long signed URL...>`` as RFC 2047 encoded words,
    which mail clients then fail to read as a URL. RFC 5322 allows lines up to 998
    characters, so the message is serialised with that limit.
    """

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=998))


def _render(name: str, context: dict[str, Any]) -> tuple[str, str, str]:
    subject = " ".join(render_to_string(f"plans/emails/{name}-subject.txt", context).split())
    text = render_to_string(f"plans/emails/{name}-body-text.txt", context)
    # The HTML part's <title>, which some clients show as its heading, is the subject.
    html = render_to_string(f"plans/emails/{name}-body-html.html", {**context, "subject": subject})
    return subject, text, html


def nudge_message_id(delivery: NudgeDelivery) -> str:
    """Stable per delivery, so a resend after a lost acknowledgement carries the same id and
    receiving servers can drop the duplicate."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<nudge.{delivery.plan_id}.{delivery.week_start:%Y%m%d}@{domain}>"


def advice_plain_text(markdown: str) -> str:
    """An advice body for a text/plain part: its Markdown, which reads as plain text, with
    any raw HTML typed into it removed (as pages remove it)."""
    return unescape(nh3.clean(markdown, tags=set())).strip()


def nudge_email(
    *,
    delivery: NudgeDelivery,
    progress: PlanProgress,
    tip: Tip | None,
    advice: AdviceItem | None = None,
) -> EmailMultiAlternatives:
    """The weekly nudge: this week's focus, progress, streak, one tip, the advice of the week
    and one-click links."""
    plan = delivery.plan
    links = nudge_links(
        plan_id=plan.pk,
        week=delivery.week_start,
        owner_id=plan.owner_id,
        advice_id=advice.pk if advice is not None else None,
    )
    return _nudge_message(
        plan=plan,
        week=delivery.week_start,
        progress=progress,
        tip=tip,
        advice=advice,
        links=links,
        message_id=nudge_message_id(delivery),
    )


def nudge_preview(
    *, user: AbstractBaseUser, tip: Tip | None = None, advice: AdviceItem | None = None
) -> EmailMultiAlternatives:
    """The weekly nudge as ``user`` would get it this week, with this tip and advice item
    (published or not), for editors to see them in place before they go out.

    It is built from a sample plan on the curated track that is never saved: nothing is
    written. Its links all lead to ordinary pages (the learner's plans, the advice library),
    never to a signed link, so clicking one in a preview changes nobody's data.
    """
    track = (
        LearningTrack.objects.published().order_by("name").first()
        or LearningTrack.objects.order_by("name").first()
    )
    if track is None:
        raise LearningTrack.DoesNotExist("A nudge preview needs a learning track.")
    zone = Profile.objects.filter(user=user).values_list("timezone", flat=True).first() or "UTC"
    now = timezone.now()
    this_week = local_week_start(now, zone)
    plan = LearningPlan(
        owner=user,
        track=track,
        start_date=this_week - (PREVIEW_PLAN_WEEK - 1) * WEEK,
        weeks=track.default_weeks,
        papers_per_week=track.papers_per_week,
        study_days=list(track.study_days),
        timezone=zone,
    )
    plans_page = absolute(reverse("plans:plan_list"))
    advice_page = absolute(reverse("content:advice_list"))
    links = {
        **dict.fromkeys(
            ("studied", "papers_0", "papers_1", "papers_2", "skip", "settings", "plan"),
            plans_page,
        ),
        "unsubscribe": plans_page,
        "helpful_yes": advice_page,
        "helpful_no": advice_page,
    }
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return _nudge_message(
        plan=plan,
        week=this_week,
        progress=plan_progress(plan=plan, now=now, checkins=[]),
        tip=tip,
        advice=advice,
        links=links,
        message_id=f"<nudge-preview.{this_week:%Y%m%d}@{domain}>",
    )


def _nudge_message(
    *,
    plan: LearningPlan,
    week: date,
    progress: PlanProgress,
    tip: Tip | None,
    advice: AdviceItem | None,
    links: dict[str, str],
    message_id: str,
) -> EmailMultiAlternatives:
    context = {
        "user": plan.owner,
        "plan": plan,
        "progress": progress,
        "focus": progress.focus,
        "tip": tip,
        "advice": advice,
        "advice_text": advice_plain_text(advice.body) if advice is not None else "",
        "links": links,
        # The share of the papers planned so far that were read, for the HTML part's bar.
        "papers_percent": (
            min(100, round(100 * progress.papers_read / progress.papers_target))
            if progress.papers_target
            else 0
        ),
        "nudge_day": WEEKDAY_NAMES[plan.nudge_weekday],
        "week_start": week,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    subject, text, html_body = _render("nudge", context)
    message = LongHeaderEmail(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[plan.owner.email],
        headers={
            "Message-ID": message_id,
            # RFC 8058: mail clients offer one-click unsubscribe with a POST to this URL.
            "List-Unsubscribe": f"<{links['unsubscribe']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html_body, "text/html")
    return message
