"""Where the knowledge base's previews show tips and advice in this app: the plan page's tip
cards and the weekly nudge email (registered from ``PlansConfig.ready``)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.http import HttpRequest
from django.template.loader import render_to_string

from careers.content.models import AdviceItem, LearningTrack, Tip
from careers.content.preview import (
    PreviewEmail,
    PreviewPlace,
    preview_email_register,
    preview_place_register,
)
from careers.plans.emails import nudge_preview
from careers.plans.selectors import PLAN_PAGE_TIPS


def _plan_page(item: models.Model, request: HttpRequest) -> PreviewPlace | None:
    tip = Tip.objects.select_related("track").get(pk=item.pk)
    # The plan page shows these tips of the plan's own track only (selectors.plan_tips).
    if tip.key not in PLAN_PAGE_TIPS or tip.track is None:
        return None
    context = {"tip": tip, "track": tip.track, "title": PLAN_PAGE_TIPS[tip.key]}
    return PreviewPlace(
        "plan",
        "On the learning plan page",
        render_to_string("plans/places/plan_page.html", context, request),
    )


def _email(kind: str) -> PreviewEmail:
    def build(item: models.Model, user: AbstractBaseUser) -> EmailMultiAlternatives | None:
        try:
            return nudge_preview(user=user, **{kind: item})
        except LearningTrack.DoesNotExist:
            # The email is built around a plan on a track; with none there is nothing to show.
            return None

    return PreviewEmail(
        heading="In the weekly nudge email",
        note="As you would get it this week, built from a sample plan that is not stored.",
        unavailable="The nudge email is built around a learning plan, and there is no "
        "learning track yet: add one to preview the email.",
        build=build,
    )


def previews_register() -> None:
    preview_place_register(Tip, _plan_page)
    preview_email_register(Tip, _email("tip"))
    preview_email_register(AdviceItem, _email("advice"))
