"""The check-in email. Templates come in threes under templates/comparisons/emails/, as the
nudges' do: ``checkin-subject.txt``, ``checkin-body-text.txt`` and ``checkin-body-html.html``.

It names the option chosen and how long ago the start was ("3 months at X"), shows what the
owner expected in their own words, and asks the check-in's questions, each answer a signed
link to a page where one click confirms it. Check-ins are a few a day, so each email is
rendered on its own (none of the nudges' shared renderings).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import Truncator

from careers.comparisons.checkin_links import absolute, checkin_links
from careers.comparisons.checkin_questions import QUESTIONS
from careers.comparisons.decision_models import Decision, DecisionCheckin
from careers.content.models import WEEKDAYS
from careers.core.sending import LongHeaderEmail

# What the email quotes of the owner's expectations: enough to recall them, short enough
# that the questions stay above the fold on a phone. The whole text is on the answer page.
EXPECTATIONS_SHOWN = 280
TEMPLATES = "comparisons/emails/checkin"


def checkin_message_id(checkin: DecisionCheckin) -> str:
    """Stable per check-in, so a resend carries the same id and receiving servers can drop
    the duplicate."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<checkin.{checkin.decision_id}.{checkin.months}@{domain}>"


def checkin_label(checkin: DecisionCheckin) -> str:
    """What the check-in asks about: the option as it was named when chosen."""
    return checkin.decision.chosen_label or "the place you chose"


def checkin_questions_shown(links: dict[str, Any]) -> list[dict[str, Any]]:
    """The questions as the templates show them, each answer with its link."""
    return [
        {
            "text": question.text,
            "hint": question.hint,
            "choices": [
                {"label": choice.label, "url": links["answers"][question.field][choice.value]}
                for choice in question.choices
            ],
        }
        for question in QUESTIONS
    ]


def decision_timezone(*, decision: Decision) -> str:
    """The owner's time zone, in which a decision's check-ins are due and shown."""
    try:
        return decision.comparison.owner.profile.timezone
    except ObjectDoesNotExist:
        # An account made outside sign-up may have no profile yet: UTC, as the profile's
        # default would be.
        return "UTC"


def checkin_email(*, checkin: DecisionCheckin) -> LongHeaderEmail:
    """The check-in email of ``checkin``, to the owner of its decision."""
    decision = checkin.decision
    owner = decision.comparison.owner
    links = checkin_links(checkin_id=checkin.pk, owner_id=owner.pk)
    context = {
        "user_name": owner.get_username(),
        "months": checkin.months,
        "label": checkin_label(checkin),
        "expectations": Truncator(decision.expectations.strip()).chars(EXPECTATIONS_SHOWN),
        "comparison_title": decision.comparison.title,
        "start_date": decision.start_date,
        "questions": checkin_questions_shown(links),
        "links": {
            "page": links["page"],
            "unsubscribe": links["unsubscribe"],
            "decision": absolute(
                reverse("comparisons:decision_detail", args=[decision.comparison_id])
            ),
        },
        "weekday": dict(WEEKDAYS)[decision.checkin_weekday],
        "hour": decision.checkin_hour,
        "timezone": decision_timezone(decision=decision),
        "site_name": settings.SITE_NAME,
    }
    subject = " ".join(render_to_string(f"{TEMPLATES}-subject.txt", context).split())
    text = render_to_string(f"{TEMPLATES}-body-text.txt", context)
    # The HTML part's <title>, which some clients show as its heading, is the subject.
    html = render_to_string(f"{TEMPLATES}-body-html.html", {**context, "subject": subject})
    message = LongHeaderEmail(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[owner.email],
        headers={
            "Message-ID": checkin_message_id(checkin),
            # RFC 8058: mail clients offer one-click unsubscribe with a POST to this URL.
            "List-Unsubscribe": f"<{links['unsubscribe']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
