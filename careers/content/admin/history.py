"""Version history of curated content: diffs between any two versions, and revert.

django-simple-history records every write to a content row, and ``HistoryRequestMiddleware``
puts the request's user on the record, so each version says who saved it and when. These
views read those records as snapshots (the seed-file form ``careers.content.workflow``
compares), so any two versions, the live row and the pending change diff field by field, and
a reviewer can take an item back to an earlier version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.admin import SimpleHistoryAdmin

from careers.content.models import ContentRevision, Status
from careers.content.snapshots import FieldChange, item_snapshot, record_snapshot, snapshot_diff
from careers.content.workflow import WorkflowError, can_publish, item_revert, open_revision

LIVE = "live"
PENDING = "pending"


@dataclass(frozen=True)
class Version:
    """One side of a comparison: a historical record, the live row or the pending change."""

    value: str
    label: str
    record: Any = None

    @property
    def history_id(self) -> int | None:
        return self.record.history_id if self.record is not None else None


@dataclass(frozen=True)
class ChangeRow:
    field: str
    before: str
    after: str
    inline_diff: str


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def _status_label(obj: Any) -> str:
    status = getattr(obj, "status", None)
    if status is None:
        return ""
    return f"{Status(status).label}, v{obj.version}"


def record_label(record: Any) -> str:
    """A historical record as one line: id, date, user, action, status and version."""
    user = record.history_user.get_username() if record.history_user else "system"
    parts = [
        f"#{record.history_id}",
        _when(record.history_date),
        user,
        record.get_history_type_display(),
        _status_label(record),
    ]
    return " · ".join(part for part in parts if part)


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " | ".join(_display(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_display(item)}" for key, item in value.items())
    return str(value)


def _change_rows(changes: list[FieldChange]) -> list[ChangeRow]:
    return [
        ChangeRow(
            field=change.field.replace("_", " "),
            before=_display(change.before),
            after=_display(change.after),
            inline_diff=change.inline_diff,
        )
        for change in changes
    ]


def has_workflow(model: type[models.Model]) -> bool:
    """Whether the model goes through the editorial workflow (tags, for one, do not)."""
    return any(field.name == "status" for field in model._meta.get_fields())


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's admin with its per-version page read-only.

    That page's form saves an old version straight onto the live row, past the review
    workflow (hiding its button is all ``SIMPLE_HISTORY_REVERT_DISABLED`` does). Versions are
    viewed there and reverted through ``HistoryMixin.revert_view`` instead.
    """

    # Each row of the history list diffs its links against the previous row's: keep it short.
    history_list_per_page = 25

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return super().history_form_view(request, object_id, version_id, extra_context)


class HistoryMixin:
    """Mixed into the content ModelAdmins (``knowledge_base``), before
    ``ReadOnlyHistoryAdmin`` so its history templates take precedence."""

    object_history_template = "admin/content/content_history.html"
    object_history_list_template = "admin/content/content_history_list.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        urls = [
            path(
                "<path:object_id>/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="{}_{}_compare".format(*info),
            ),
            path(
                "<path:object_id>/revert/<int:history_id>/",
                self.admin_site.admin_view(self.revert_view),
                name="{}_{}_revert".format(*info),
            ),
        ]
        return urls + super().get_urls()

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        context = {"revert_allowed": self._history_revert_allowed(request), **(extra_context or {})}
        return super().history_view(request, object_id, extra_context=context)

    # -- Reads shared by both views --------------------------------------------------------

    def _history_revert_allowed(self, request: HttpRequest) -> bool:
        return has_workflow(self.model) and can_publish(request.user)

    def _history_object(self, request: HttpRequest, object_id: str) -> models.Model:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No {self.opts.verbose_name} with the id {object_id!r}.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def _history_url(self, action: str, *args: Any) -> str:
        info = self.opts.app_label, self.opts.model_name, action
        return reverse(
            "{}:{}_{}_{}".format(self.admin_site.name, *info),
            args=[quote(arg) for arg in args],
            current_app=self.admin_site.name,
        )

    def _history_context(
        self, request: HttpRequest, obj: models.Model, title: str
    ) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "module_name": self.opts.verbose_name_plural,
            "has_view_permission": True,
            "history_url": self._history_url("history", obj.pk),
            "change_url": self._history_url("change", obj.pk),
            "compare_url": self._history_url("compare", obj.pk),
        }

    # -- Compare ----------------------------------------------------------------------------

    def compare_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Two versions side by side: any historical record, the live row or the pending
        change. Without a choice: live against the pending change, or else the latest
        version against the one before it."""
        obj = self._history_object(request, object_id)
        records = list(
            obj.history.select_related("history_user").order_by("-history_date", "-history_id")
        )
        revision = open_revision(obj) if has_workflow(self.model) else None
        choices = self._history_choices(obj, records, revision)
        default_a, default_b = self._history_compare_defaults(records, revision)
        a = self._history_pick(choices, request.GET.get("a") or default_a)
        b = self._history_pick(choices, request.GET.get("b") or default_b)
        changes = snapshot_diff(
            self._history_snapshot(obj, a, revision), self._history_snapshot(obj, b, revision)
        )
        context = {
            **self._history_context(request, obj, f"Compare versions: {obj}"),
            "choices": choices,
            "a": a,
            "b": b,
            "changes": _change_rows(changes),
            "revert_allowed": self._history_revert_allowed(request),
        }
        return TemplateResponse(request, "admin/content/compare.html", context)

    def _history_choices(
        self, obj: models.Model, records: list[Any], revision: ContentRevision | None
    ) -> list[Version]:
        live = "live"
        if has_workflow(self.model):
            live += f" ({_status_label(obj)})"
        choices = [Version(LIVE, live)]
        if revision is not None:
            by = revision.updated_by.get_username() if revision.updated_by else "unknown"
            choices.append(
                Version(
                    PENDING,
                    f"pending change ({revision.get_status_display().lower()}, "
                    f"{_when(revision.updated_at)}, {by})",
                )
            )
        choices.extend(Version(str(r.history_id), record_label(r), r) for r in records)
        return choices

    @staticmethod
    def _history_compare_defaults(
        records: list[Any], revision: ContentRevision | None
    ) -> tuple[str, str]:
        if revision is not None:
            return LIVE, PENDING
        if len(records) >= 2:
            return str(records[1].history_id), str(records[0].history_id)
        return LIVE, LIVE

    @staticmethod
    def _history_pick(choices: list[Version], value: str) -> Version:
        for choice in choices:
            if choice.value == value:
                return choice
        if value == PENDING:
            raise Http404("This item has no pending change.")
        raise Http404(f"This item has no version {value!r}.")

    @staticmethod
    def _history_snapshot(
        obj: models.Model, version: Version, revision: ContentRevision | None
    ) -> dict[str, Any]:
        if version.value == LIVE:
            return item_snapshot(obj)
        if version.value == PENDING:
            return revision.data
        return record_snapshot(version.record)

    # -- Revert -----------------------------------------------------------------------------

    def revert_view(self, request: HttpRequest, object_id: str, history_id: int) -> HttpResponse:
        """GET: what reverting to that version would change. POST (reviewers): revert."""
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        obj = self._history_object(request, object_id)
        if not has_workflow(self.model):
            raise Http404(f"{self.opts.verbose_name_plural.capitalize()} are not reverted.")
        record = obj.history.select_related("history_user").filter(history_id=history_id).first()
        if record is None:
            raise Http404(f"This item has no version #{history_id}.")
        if request.method == "POST":
            if not can_publish(request.user):
                return self._history_revert_page(request, obj, record, status=403)
            try:
                outcome = item_revert(item=obj, record=record, user=request.user)
            except PermissionDenied:
                return self._history_revert_page(request, obj, record, status=403)
            except WorkflowError as error:
                messages.error(request, " ".join(error.messages))
                return redirect(self._history_url("revert", obj.pk, history_id))
            message = f"Revert of “{obj}” to version #{history_id}: {outcome}."
            self.log_change(request, obj, message)
            messages.success(request, message)
            return redirect(self._history_url("change", obj.pk))
        return self._history_revert_page(request, obj, record)

    def _history_revert_page(
        self, request: HttpRequest, obj: models.Model, record: Any, *, status: int = 200
    ) -> TemplateResponse:
        revision = open_revision(obj)
        changes = snapshot_diff(item_snapshot(obj), record_snapshot(record))
        context = {
            **self._history_context(request, obj, f"Revert to version #{record.history_id}: {obj}"),
            "record": record,
            "record_label": record_label(record),
            "changes": _change_rows(changes),
            "revision": revision,
            "is_published": obj.status == Status.PUBLISHED,
            "can_revert": can_publish(request.user),
            "refused": status == 403,
            "compare_with_live_url": (
                f"{self._history_url('compare', obj.pk)}?a={LIVE}&b={record.history_id}"
            ),
        }
        return TemplateResponse(
            request, "admin/content/revert_confirm.html", context, status=status
        )
