"""Building the emails the advisor sends. Templates come in threes under templates/emails/:
``<name>-subject.txt``, ``<name>-body-text.txt`` and ``<name>-body-html.html``."""

from __future__ import annotations

import email.policy
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from careers.models import NudgeDelivery, Tip
from careers.selectors.plans import PlanProgress
from careers.services.nudge_links import nudge_links


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
    subject = render_to_string(f"emails/{name}-subject.txt", context)
    text = render_to_string(f"emails/{name}-body-text.txt", context)
    html = render_to_string(f"emails/{name}-body-html.html", context)
    return " ".join(subject.split()), text, html


def nudge_message_id(delivery: NudgeDelivery) -> str:
    """Stable per delivery, so a resend after a lost acknowledgement carries the same id and
    receiving servers can drop the duplicate."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<nudge.{delivery.plan_id}.{delivery.week_start:%Y%m%d}@{domain}>"


def nudge_email(
    *, delivery: NudgeDelivery, progress: PlanProgress, tip: Tip | None
) -> EmailMultiAlternatives:
    """The weekly nudge: this week's focus, progress, streak, one tip and one-click links."""
    plan = delivery.plan
    links = nudge_links(plan_id=plan.pk, week=delivery.week_start)
    context = {
        "user": plan.owner,
        "plan": plan,
        "progress": progress,
        "focus": progress.focus,
        "tip": tip,
        "links": links,
        "week_start": delivery.week_start,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    subject, text, html = _render("nudge", context)
    message = LongHeaderEmail(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[plan.owner.email],
        headers={
            "Message-ID": nudge_message_id(delivery),
            # RFC 8058: mail clients offer one-click unsubscribe with a POST to this URL.
            "List-Unsubscribe": f"<{links['unsubscribe']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
