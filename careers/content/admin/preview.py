"""The admin page that previews an item as users will see it (``careers.content.preview``),
and the HTML part of the email it is sent in, served on its own for a sandboxed frame."""

from __future__ import annotations

from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override

from careers.content.preview import content_preview, live_links, preview_email_for
from careers.content.snapshots import SnapshotError
from careers.content.workflow import open_revision

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


def _html_part(message: EmailMultiAlternatives) -> str:
    for content, mimetype in message.alternatives:
        if mimetype == "text/html":
            return str(content)
    return ""


class PreviewMixin:
    """Mixed into the content ModelAdmins (``knowledge_base``): adds ``<pk>/preview/``
    (``admin:content_<model>_preview``) and the HTML part of the email the item is sent in at
    ``<pk>/preview/email.html`` (``admin:content_<model>_preview_email``)."""

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
        except SnapshotError as failure:
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
            "error": error,
            "email": email,
            "email_place": preview_email_for(type(obj)),
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
        return TemplateResponse(request, "admin/content/preview.html", context)

    def preview_email_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self._preview_object(request, object_id)
        email_place = preview_email_for(type(obj))
        if email_place is None:
            raise Http404(f"A {self.opts.verbose_name} is not sent in emails.")
        try:
            preview = content_preview(item=obj, revision=open_revision(obj), request=request)
        except SnapshotError:
            raise Http404("The pending change cannot be applied.") from None
        if preview.email is None:
            raise Http404(email_place.unavailable)
        response = HttpResponse(_html_part(preview.email), content_type="text/html; charset=utf-8")
        # Framed by the preview page only; XFrameOptionsMiddleware keeps a header set here.
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response
