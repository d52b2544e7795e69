"""Admin import and export of curated content (YAML, CSV, JSON) with a preview.

Importing is two requests. The upload shows a preview of what would change and writes
nothing; its "Confirm import" form carries the file's content back, signed so it cannot be
altered in between, together with the fingerprint of the preview. On confirm the file is
parsed and validated again, and applied only if the preview still holds.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR, ActionLocation
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode

from careers.content.models import Status
from careers.content.snapshots import spec_for, value_text
from careers.content.transfer import (
    FORMATS,
    MAX_IMPORT_BYTES,
    MEDIA_TYPES,
    ImportFileError,
    ImportPreview,
    ImportRefused,
    ImportRow,
    ImportStale,
    RowAction,
    content_export,
    content_export_filename,
    content_format_from_filename,
    content_import_apply,
    content_import_preview,
    content_parse,
)

IMPORT_SALT = "careers.admin.content_import"
# Long enough to read a large preview, short enough that a forgotten tab is not confirmed
# days later (the fingerprint check would catch changed content anyway).
IMPORT_CONFIRM_MAX_AGE = 60 * 60
FORMAT_LABELS = {"yaml": "YAML", "csv": "CSV", "json": "JSON"}


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        help_text=f"YAML, CSV or JSON, in the form the export gives; at most "
        f"{MAX_IMPORT_BYTES // 1024 // 1024} MB."
    )
    format = forms.ChoiceField(
        choices=[("", "From the file name"), *FORMAT_LABELS.items()],
        required=False,
        help_text="Leave it to the file name's extension (.yaml, .yml, .csv, .json) or choose.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload = data.get("file")
        if upload is None:
            return data
        if upload.size > MAX_IMPORT_BYTES:
            self.add_error(
                "file",
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is "
                f"{MAX_IMPORT_BYTES // 1024 // 1024} MB.",
            )
        fmt = data.get("format") or content_format_from_filename(upload.name)
        if fmt is None:
            self.add_error(
                "format",
                "The file name does not say the format (.yaml, .csv or .json): choose it.",
            )
        data["format"] = fmt
        return data


def _shown_changes(row: ImportRow) -> list[tuple[str, str]]:
    """Each changed field with what to show: the value of a new item, or the word-level diff
    (removed words in <del>, added ones in <ins>) of a changed one."""
    if row.action == RowAction.CREATE:
        return [(change.field, value_text(change.after)) for change in row.changes]
    return [(change.field, change.inline_diff) for change in row.changes]


def _export_response(model, queryset, fmt: str) -> HttpResponse:
    filename = content_export_filename(model=model, fmt=fmt, on=timezone.localdate())
    response = HttpResponse(
        content_export(model=model, queryset=queryset, fmt=fmt), content_type=MEDIA_TYPES[fmt]
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class ImportExportMixin:
    """Mixed into the content ModelAdmins (``knowledge_base``): import with a preview, export
    of the whole list or of the selected items."""

    change_list_template = "admin/content/content_change_list.html"
    import_template = "admin/content/import.html"
    import_preview_template = "admin/content/import_preview.html"

    # -- URLs and permissions ----------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="{}_{}_export".format(*info),
            ),
            *super().get_urls(),
        ]

    def _url(self, name: str) -> str:
        info = self.opts.app_label, self.opts.model_name, name
        return reverse("admin:{}_{}_{}".format(*info), current_app=self.admin_site.name)

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    # -- Export ------------------------------------------------------------------------------

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        fmt = request.GET.get("format", "yaml")
        if fmt not in FORMATS:
            return HttpResponseBadRequest(f"Unknown format; choose one of {', '.join(FORMATS)}.")
        queryset = self.get_queryset(request)
        status = request.GET.get("status", "")
        if status:
            if not spec_for(self.model).cited or status not in Status.values:
                return HttpResponseBadRequest(f"Unknown status '{status}'.")
            queryset = queryset.filter(status=status)
        return _export_response(self.model, queryset, fmt)

    def get_actions(self, request: HttpRequest, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions
        if self.has_view_permission(request):
            for fmt in FORMATS:
                action = self.get_action(f"export_selected_{fmt}", action_location)
                if action is not None:
                    actions[action.name] = action
        return actions

    @admin.action(description="Export selected as YAML")
    def export_selected_yaml(self, request, queryset):
        return _export_response(self.model, queryset, "yaml")

    @admin.action(description="Export selected as CSV")
    def export_selected_csv(self, request, queryset):
        return _export_response(self.model, queryset, "csv")

    @admin.action(description="Export selected as JSON")
    def export_selected_json(self, request, queryset):
        return _export_response(self.model, queryset, "json")

    def changelist_view(self, request: HttpRequest, extra_context=None):
        # Exports follow the list's status filter, so "drafts as CSV" is two clicks.
        status = request.GET.get("status__exact", "")
        query = {"status": status} if status in Status.values else {}
        export_url = self._url("export")
        context = {
            "content_import_url": self._url("import")
            if self.has_import_permission(request)
            else "",
            "content_export_links": [
                (FORMAT_LABELS[fmt], f"{export_url}?{urlencode({'format': fmt, **query})}")
                for fmt in FORMATS
            ]
            if self.has_view_permission(request)
            else [],
        }
        return super().changelist_view(request, {**context, **(extra_context or {})})

    # -- Import ------------------------------------------------------------------------------

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method == "POST" and "payload" in request.POST:
            return self._import_confirm(request)
        form = ImportUploadForm(
            request.POST if request.method == "POST" else None,
            request.FILES if request.method == "POST" else None,
        )
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            fmt = form.cleaned_data["format"]
            data = upload.read(MAX_IMPORT_BYTES + 1)
            try:
                rows = content_parse(model=self.model, fmt=fmt, data=data)
            except ImportFileError as error:
                form.add_error("file", str(error))
            else:
                preview = content_import_preview(model=self.model, rows=rows, user=request.user)
                # The text decoded, since content_parse accepted it as UTF-8.
                text = data.decode("utf-8-sig")
                return self._import_preview_response(request, preview, fmt, upload.name, text)
        return self._import_upload_response(request, form)

    def _import_confirm(self, request: HttpRequest) -> HttpResponse:
        refused = (
            "The confirmation does not match a preview of yours (it was altered or is more "
            "than an hour old). Nothing was imported: upload the file again."
        )
        try:
            payload = signing.loads(
                request.POST["payload"], salt=IMPORT_SALT, max_age=IMPORT_CONFIRM_MAX_AGE
            )
        except signing.BadSignature:
            return self._import_upload_response(request, ImportUploadForm(), refused, 400)
        if payload.get("model") != self.opts.label_lower or payload.get("user") != request.user.pk:
            return self._import_upload_response(request, ImportUploadForm(), refused, 400)
        fmt, filename, text = payload["format"], payload["filename"], payload["text"]
        try:
            rows = content_parse(model=self.model, fmt=fmt, data=text.encode("utf-8"))
            result = content_import_apply(
                model=self.model,
                rows=rows,
                user=request.user,
                expected_fingerprint=payload["preview"],
            )
        except ImportFileError as error:
            return self._import_upload_response(request, ImportUploadForm(), str(error), 400)
        except ImportStale as stale:
            self.message_user(
                request,
                "The content changed since your preview. Nothing was imported yet: check this "
                "new preview and confirm again.",
                messages.WARNING,
            )
            return self._import_preview_response(request, stale.preview, fmt, filename, text)
        except ImportRefused as error:
            return self._import_preview_response(request, error.preview, fmt, filename, text)
        self.message_user(request, f"Imported “{filename}”: {result.summary()}.", messages.SUCCESS)
        return HttpResponseRedirect(self._url("changelist"))

    def _import_context(self, request: HttpRequest, title: str) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "changelist_url": self._url("changelist"),
            "import_url": self._url("import"),
        }

    def _import_upload_response(
        self,
        request: HttpRequest,
        form: ImportUploadForm,
        error: str = "",
        status: int = 200,
    ) -> HttpResponse:
        spec = spec_for(self.model)
        context = {
            **self._import_context(request, f"Import {self.opts.verbose_name_plural}"),
            "form": form,
            "error": error,
            "section": spec.section,
            "key_field": spec.key_field,
            "cited": spec.cited,
        }
        return TemplateResponse(request, self.import_template, context, status=status)

    def _import_preview_response(
        self,
        request: HttpRequest,
        preview: ImportPreview,
        fmt: str,
        filename: str,
        text: str,
    ) -> HttpResponse:
        payload = signing.dumps(
            {
                "model": self.opts.label_lower,
                "user": request.user.pk,
                "format": fmt,
                "filename": filename,
                "text": text,
                "preview": preview.fingerprint,
            },
            salt=IMPORT_SALT,
            compress=True,
        )
        # The confirmation posts the payload back as a form field, which Django caps.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        too_large = limit is not None and len(payload) > limit - 64 * 1024
        counts = preview.counts
        context = {
            **self._import_context(request, f"Import {self.opts.verbose_name_plural}: preview"),
            "preview": preview,
            "filename": filename,
            "format_label": FORMAT_LABELS[fmt],
            "summary": [
                (counts[RowAction.CREATE], "to create as drafts"),
                (counts[RowAction.CHANGE], "to change in place (not published yet)"),
                (counts[RowAction.PENDING], "to change as pending revisions of published items"),
                (counts[RowAction.UNCHANGED], "unchanged"),
                (counts[RowAction.ERROR], "with errors"),
            ],
            "listed_rows": [
                (row, _shown_changes(row))
                for row in preview.rows
                if row.action != RowAction.UNCHANGED
            ],
            "unchanged_rows": [row for row in preview.rows if row.action == RowAction.UNCHANGED],
            "too_large": too_large,
            "can_confirm": preview.has_work and not preview.has_errors and not too_large,
            "payload": payload,
        }
        return TemplateResponse(request, self.import_preview_template, context)
