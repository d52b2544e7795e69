"""Previews of advice, red flags and tips as users will see them, before publication.

A preview shows the version a reviewer would publish: the item's pending change when it has
one, otherwise the row itself. The change is written onto the row inside a transaction that
is always rolled back, so the public templates render it with its links (paths, tags, the
criterion) resolved exactly as publishing would resolve them, and nothing is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override

from careers.emails import nudge_preview
from careers.models import (
    AdviceItem,
    CareerPath,
    ContentRevision,
    LearningTrack,
    RedFlagRule,
    Status,
    Tip,
)
from careers.scoring import RedFlag
from careers.services.seeds import SeedError, seed_item_apply
from careers.services.workflow import open_revision
from careers.views.plans import FINANCIAL_AID_TIP, HANDWRITTEN_NOTES_TIP

# The cards of the plan page that show a curated tip, by the tip's key.
PLAN_PAGE_TIP_TITLES = {
    FINANCIAL_AID_TIP: "If the fee is a hardship",
    HANDWRITTEN_NOTES_TIP: "Take notes by hand",
}

# The email's HTML part is a whole document of its own, with the inline styles mail clients
# need, which the admin's policy forbids. It is served on its own and shown in a sandboxed
# frame: no script at all, styles only from the email itself, framed only by the admin.
EMAIL_CSP = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.SELF],
    "sandbox": True,
}


@dataclass
class ContentPreview:
    """What users would see of one item: public markup by place, and the nudge email."""

    item: models.Model
    fragments: dict[str, Any] = field(default_factory=dict)
    email: EmailMultiAlternatives | None = None


def _advice_preview(*, pk: int, request: HttpRequest) -> ContentPreview:
    # Loaded as selectors.advice_list loads the library: only published paths are listed.
    item = AdviceItem.objects.prefetch_related(
        Prefetch("paths", queryset=CareerPath.objects.published()), "tags"
    ).get(pk=pk)
    fragments = {
        "advice_card": render_to_string("careers/_advice_card.html", {"item": item}, request)
    }
    return ContentPreview(
        item=item, fragments=fragments, email=_nudge_preview(user=request.user, advice=item)
    )


def _red_flag_preview(*, pk: int, request: HttpRequest) -> ContentPreview:
    rule = RedFlagRule.objects.select_related("criterion").get(pk=pk)
    # A comparison result shows the flag as scoring raised it (careers.scoring.RedFlag).
    raised = RedFlag(
        key=rule.key,
        title=rule.title,
        criterion=rule.criterion.key,
        explanation=rule.explanation,
        severity=rule.severity,
        citation=rule.citation,
    )
    fragments = {
        "path_red_flag": render_to_string("careers/_red_flag.html", {"flag": rule}, request),
        "comparison_red_flag": render_to_string(
            "comparisons/_red_flag.html", {"flag": raised}, request
        ),
        "criterion": rule.criterion,
        "paths": list(rule.criterion.paths.published()),
    }
    return ContentPreview(item=rule, fragments=fragments)


def _tip_preview(*, pk: int, request: HttpRequest) -> ContentPreview:
    tip = Tip.objects.select_related("track").get(pk=pk)
    fragments: dict[str, Any] = {}
    # The plan page shows these tips of the plan's own track only (selectors.plans.plan_tips).
    if tip.key in PLAN_PAGE_TIP_TITLES and tip.track is not None:
        fragments["plan_tip_title"] = PLAN_PAGE_TIP_TITLES[tip.key]
        fragments["plan_tip_track"] = tip.track
        fragments["plan_tip"] = render_to_string("plans/_tip.html", {"tip": tip}, request)
    return ContentPreview(
        item=tip, fragments=fragments, email=_nudge_preview(user=request.user, tip=tip)
    )


def _nudge_preview(**kwargs: Any) -> EmailMultiAlternatives | None:
    try:
        return nudge_preview(**kwargs)
    except LearningTrack.DoesNotExist:
        # The email is built around a plan on a track; with none there is nothing to show.
        return None


PREVIEWS = {AdviceItem: _advice_preview, RedFlagRule: _red_flag_preview, Tip: _tip_preview}
IN_EMAILS = (AdviceItem, Tip)


def content_preview(
    *,
    item: models.Model,
    revision: ContentRevision | None,
    request: HttpRequest,
) -> ContentPreview:
    """Render ``item`` as users would see it once ``revision`` (if any) is published, and
    store nothing. Raises ``SeedError`` when the revision no longer applies (say, a tag it
    names was deleted)."""
    with transaction.atomic():
        try:
            if revision is not None:
                seed_item_apply(
                    item, revision.data, status=Status.PUBLISHED, version=item.version + 1
                )
            # Rendered to strings here: querysets evaluated after the rollback would read the
            # live rows instead of the change.
            return PREVIEWS[type(item)](pk=item.pk, request=request)
        finally:
            transaction.set_rollback(True)


def _html_part(message: EmailMultiAlternatives) -> str:
    for content, mimetype in message.alternatives:
        if mimetype == "text/html":
            return str(content)
    return ""


def live_links(item: models.Model) -> list[tuple[str, str]]:
    """Where users see the live version of ``item`` now, as (label, URL)."""
    if item.status != Status.PUBLISHED:
        return []
    if isinstance(item, AdviceItem):
        return [("Advice library", f"{reverse('advice_list')}#{item.slug}")]
    if isinstance(item, RedFlagRule) and item.criterion.status == Status.PUBLISHED:
        return [
            (p.name, reverse("path_detail", args=[p.slug]) + "#red-flags")
            for p in item.criterion.paths.published()
        ]
    return []


class PreviewMixin:
    """Mixed into the content ModelAdmins (see careers/admin/content.py): adds
    ``<pk>/preview/`` (``admin:careers_<model>_preview``) and the nudge email's HTML part at
    ``<pk>/preview/email.html`` (``admin:careers_<model>_preview_email``)."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        # Before the ModelAdmin's own URLs: its "<path:object_id>/" would take these.
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="{}_{}_preview".format(*info),
            ),
            path(
                "<path:object_id>/preview/email.html",
                self.admin_site.admin_view(csp_override(EMAIL_CSP)(self.preview_email_view)),
                name="{}_{}_preview_email".format(*info),
            ),
            *super().get_urls(),
        ]

    def _preview_object(self, request: HttpRequest, object_id: str) -> models.Model:
        # Refused before looking the object up, so a missing id tells nothing to outsiders.
        if not self.has_view_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No {self.opts.verbose_name} with the id {object_id!r}.")
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        return obj

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self._preview_object(request, object_id)
        revision = open_revision(obj)
        preview, error = None, ""
        try:
            preview = content_preview(item=obj, revision=revision, request=request)
        except SeedError as failure:
            error = failure.detail
        email = preview.email if preview is not None else None
        info = self.opts.app_label, self.opts.model_name
        context = {
            **self.admin_site.each_context(request),
            "title": f"Preview of {obj}",
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "object": obj,
            "revision": revision,
            "preview": preview,
            "fragments": preview.fragments if preview is not None else {},
            "error": error,
            "in_emails": isinstance(obj, IN_EMAILS),
            "email": email,
            "email_html_url": (
                reverse(
                    f"admin:{info[0]}_{info[1]}_preview_email",
                    args=[quote(obj.pk)],
                    current_app=self.admin_site.name,
                )
                if email is not None
                else ""
            ),
            "live_links": live_links(obj),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/careers/preview.html", context)

    def preview_email_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self._preview_object(request, object_id)
        if not isinstance(obj, IN_EMAILS):
            raise Http404(f"A {self.opts.verbose_name} is not sent in emails.")
        try:
            preview = content_preview(item=obj, revision=open_revision(obj), request=request)
        except SeedError:
            raise Http404("The pending change cannot be applied.") from None
        if preview.email is None:
            raise Http404("There is no learning track to build a nudge email on.")
        response = HttpResponse(_html_part(preview.email), content_type="text/html; charset=utf-8")
        # Framed by the preview page only; XFrameOptionsMiddleware keeps a header set here.
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response
