"""The review workflow in the admin: status at a glance, pending changes, workflow buttons,
bulk actions, and filters for what awaits review or re-verification.

Saving the change form of a *published* item must not touch the live row. The admin still
does all of its usual work (form and inline validation, many-to-many and inline saving) so
the change is exactly what the editor typed; it just happens inside a transaction that is
rolled back once the result has been read as a snapshot, and the snapshot is kept as the
item's pending revision. Opening the form of an item with a pending change shows the change
the same way: applied inside a transaction, rendered, rolled back.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone

from careers.content import workflow
from careers.content.models import ContentRevision, Status
from careers.content.snapshots import SnapshotError, snapshot_apply, spec_for


def review_due_q(*, today=None, days: int | None = None) -> Q:
    """Items whose citation nobody verified within the review period (archived ones aside)."""
    today = today or timezone.localdate()
    days = settings.CITATION_REVIEW_DAYS if days is None else days
    due = Q(last_verified_on__isnull=True) | Q(last_verified_on__lte=today - timedelta(days=days))
    return due & ~Q(status=Status.ARCHIVED)


def open_revisions(model: type[models.Model]):
    return ContentRevision.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id=OuterRef("pk"),
        status__in=ContentRevision.OPEN,
    )


class PendingChangeFilter(admin.SimpleListFilter):
    title = "pending change"
    parameter_name = "pending"

    def lookups(self, request, model_admin):
        return [
            ("in_review", "Change in review"),
            ("draft", "Change being drafted"),
            ("none", "No pending change"),
        ]

    def queryset(self, request, queryset):
        revisions = open_revisions(queryset.model)
        if self.value() == "none":
            return queryset.filter(~Exists(revisions))
        if self.value() in ("in_review", "draft"):
            return queryset.filter(Exists(revisions.filter(status=self.value())))
        return queryset


class AwaitingReviewFilter(admin.SimpleListFilter):
    """Everything a reviewer should look at: items in review and changes in review."""

    title = "awaiting review"
    parameter_name = "awaiting"

    def lookups(self, request, model_admin):
        return [("yes", "Awaiting review")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            in_review = open_revisions(queryset.model).filter(status="in_review")
            return queryset.filter(Q(status=Status.IN_REVIEW) | Exists(in_review))
        return queryset


class ReviewDueFilter(admin.SimpleListFilter):
    title = "citation review"
    parameter_name = "review_due"

    def lookups(self, request, model_admin):
        days = settings.CITATION_REVIEW_DAYS
        return [("yes", f"Due (not verified in {days} days)"), ("no", "Verified recently")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(review_due_q())
        if self.value() == "no":
            return queryset.exclude(review_due_q())
        return queryset


class WorkflowMixin:
    """Mixed into every curated-content ModelAdmin."""

    change_form_template = "admin/content/content_change_form.html"
    workflow_list_filter = ["status", AwaitingReviewFilter, PendingChangeFilter, ReviewDueFilter]
    actions = ["submit_selected", "publish_selected", "archive_selected", "verify_selected"]

    # -- Lists ---------------------------------------------------------------------------------

    def get_queryset(self, request):
        revisions = open_revisions(self.model)
        return (
            super()
            .get_queryset(request)
            .annotate(pending_change=Subquery(revisions.values("status")[:1]))
        )

    def get_list_filter(self, request):
        own = [f for f in super().get_list_filter(request) if f != "status"]
        return [*self.workflow_list_filter, *own]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "status", "version"]

    @admin.display(description="Status", ordering="status")
    def status_badge(self, obj) -> str:
        pending = getattr(obj, "pending_change", None)
        label = obj.get_status_display()
        if pending:
            state = "in review" if pending == "in_review" else "being drafted"
            label += f" (change {state})"
        return label

    @admin.display(description="Verified", ordering="last_verified_on")
    def verified(self, obj) -> str:
        if obj.last_verified_on is None:
            return "never (due)"
        due = obj.verification_due(
            today=timezone.localdate(), period_days=settings.CITATION_REVIEW_DAYS
        )
        return f"{obj.last_verified_on:%Y-%m-%d}{' (due)' if due else ''}"

    # -- Bulk actions --------------------------------------------------------------------------

    def has_publish_permission(self, request) -> bool:
        return workflow.can_publish(request.user)

    def _bulk(self, request, queryset, step: str, done_label: str) -> None:
        function = workflow.WORKFLOW_STEPS[step]
        done, refused = 0, []
        for item in queryset:
            try:
                message = function(item=item, user=request.user)
            except workflow.WorkflowError as error:
                refused.append(f"“{item}”: {' '.join(error.messages)}")
            else:
                done += 1
                self.log_change(request, item, message)
        if done:
            self.message_user(request, f"{done} item(s) {done_label}.", messages.SUCCESS)
        for reason in refused[:10]:
            self.message_user(request, reason, messages.WARNING)
        if len(refused) > 10:
            self.message_user(
                request, f"{len(refused) - 10} more item(s) skipped.", messages.WARNING
            )

    @admin.action(description="Submit selected for review", permissions=["change"])
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, "submit", "submitted for review")

    @admin.action(description="Publish selected", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, "publish", "published")

    @admin.action(description="Archive selected", permissions=["publish"])
    def archive_selected(self, request, queryset):
        self._bulk(request, queryset, "archive", "archived")

    @admin.action(description="Mark citations verified today", permissions=["change"])
    def verify_selected(self, request, queryset):
        self._bulk(request, queryset, "verify", "marked verified today")

    # -- One item --------------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/workflow/<slug:step>/",
                self.admin_site.admin_view(self.workflow_view),
                name="{}_{}_workflow".format(*info),
            ),
            *super().get_urls(),
        ]

    def _change_url(self, obj) -> str:
        info = self.opts.app_label, self.opts.model_name
        return reverse(
            "admin:{}_{}_change".format(*info),
            args=[quote(obj.pk)],
            current_app=self.admin_site.name,
        )

    def workflow_view(self, request: HttpRequest, object_id: str, step: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        function = workflow.WORKFLOW_STEPS.get(step)
        obj = self.get_object(request, unquote(object_id))
        if function is None or obj is None:
            raise Http404("No such item or step.")
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        options = {}
        if step == "publish" and request.POST.get("seen"):
            options["seen"] = request.POST["seen"]
        try:
            message = function(item=obj, user=request.user, **options)
        except workflow.WorkflowError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.log_change(request, obj, message)
            self.message_user(request, f"“{obj}”: {message}.", messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(obj))

    def _workflow_context(self, request, obj) -> dict:
        revision = workflow.open_revision(obj)
        user = request.user
        can_edit = workflow.can_edit(user, type(obj))
        can_publish = workflow.can_publish(user)
        steps = []
        if can_edit and (obj.status == Status.DRAFT or (revision and revision.status == "draft")):
            steps.append(("submit", "Submit for review"))
        if can_publish and (
            obj.status == Status.IN_REVIEW or (revision and revision.status == "in_review")
        ):
            steps.append(("publish", "Publish"))
        if can_edit and revision is not None:
            steps.append(("withdraw", "Withdraw the pending change"))
        if can_edit and obj.status == Status.ARCHIVED:
            steps.append(("restore", "Restore as a draft"))
        if can_publish and obj.status != Status.ARCHIVED:
            steps.append(("archive", "Archive"))
        if can_edit:
            steps.append(("verify", "Mark citation verified today"))
        return {
            "workflow": {
                "item": obj,
                "revision": revision,
                "steps": steps,
                "token": workflow.edit_token(obj, revision),
                "seen": workflow.review_fingerprint(obj, revision),
                "step_href": self._admin_href("workflow", obj, "step").removesuffix("step/"),
                "preview_href": self._admin_href("preview", obj),
                "compare_href": self._admin_href("compare", obj, query="?a=live&b=pending")
                if revision
                else "",
                "review_due": obj.verification_due(
                    today=timezone.localdate(), period_days=settings.CITATION_REVIEW_DAYS
                ),
                "review_days": settings.CITATION_REVIEW_DAYS,
            }
        }

    def _admin_href(self, name: str, obj, *args, query: str = "") -> str:
        """The URL of one of this admin's own views for ``obj``, or "" if it has none."""
        info = self.opts.app_label, self.opts.model_name
        try:
            url = reverse(
                f"admin:{info[0]}_{info[1]}_{name}",
                args=[quote(obj.pk), *args],
                current_app=self.admin_site.name,
            )
        except NoReverseMatch:
            return ""
        return url + query

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        extra_context = {**(extra_context or {}), **self._workflow_context(request, obj)}
        if obj.status != Status.PUBLISHED:
            return super().changeform_view(request, object_id, form_url, extra_context)

        revision = extra_context["workflow"]["revision"]
        if request.method == "POST":
            return self._save_as_revision(request, obj, object_id, form_url, extra_context)
        if revision is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        if self._children_differ(obj, revision):
            # Inline rows the change adds or removes cannot be shown by rolling them back
            # (their ids would not exist when the form comes back): show the live version.
            self.message_user(
                request,
                "This pending change adds, removes or reorders rows below. The form shows "
                "the live version: see the change with “Compare with live”; saving the form "
                "replaces the pending change (the one replaced is kept, withdrawn).",
                messages.WARNING,
            )
            return self._live_form(request, obj, object_id, form_url, extra_context)
        # Show the pending change in the form: apply it, render, and roll it back.
        with transaction.atomic():
            try:
                snapshot_apply(obj, revision.data, status=obj.status, version=obj.version)
            except SnapshotError as error:
                transaction.set_rollback(True)
                problem = error.detail
            else:
                response = super().changeform_view(request, object_id, form_url, extra_context)
                if hasattr(response, "render"):
                    response.render()
                transaction.set_rollback(True)
                return response
        # Content it names has gone since (a path renamed, say): show the live version.
        self.message_user(
            request,
            f"The pending change no longer applies ({problem}). The form shows the live "
            "version; saving it replaces the pending change (the one replaced is kept, "
            "withdrawn).",
            messages.WARNING,
        )
        return self._live_form(request, obj, object_id, form_url, extra_context)

    def _live_form(self, request, obj, object_id, form_url, extra_context):
        """The form with the live version while a pending change exists: saving it must
        not silently overwrite that change, so its token says no change was seen."""
        extra_context["workflow"]["token"] = workflow.edit_token(obj, None)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _children_differ(self, obj, revision) -> bool:
        if not self.inlines:
            return False
        live = workflow.item_snapshot(obj)
        spec = spec_for(type(obj))
        return any(
            [_row_identity(row) for row in revision.data.get(child.related_name, [])]
            != [_row_identity(row) for row in live.get(child.related_name, [])]
            for child in spec.children
        )

    def save_model(self, request, obj, form, change):
        if change and not getattr(request, "_workflow_divert", False):
            # Edited in place (not published). Read the state under a lock, so the form's
            # full-row save never writes back a status or version a reviewer just changed.
            live = type(obj).objects.select_for_update().get(pk=obj.pk)
            if live.status == Status.PUBLISHED:
                raise PermissionDenied("This item was published while you edited it.")
            obj.version = live.version
            obj.status = live.status
            if live.status == Status.IN_REVIEW:
                obj.status = Status.DRAFT
                self.message_user(
                    request,
                    f"Editing “{obj}” took it out of review: submit it again when it is ready.",
                    messages.WARNING,
                )
        super().save_model(request, obj, form, change)

    def _save_as_revision(self, request, obj, object_id, form_url, extra_context):
        request._workflow_divert = True
        with transaction.atomic():
            response = super().changeform_view(request, object_id, form_url, extra_context)
            snapshot = getattr(request, "_workflow_snapshot", None)
            if snapshot is None and hasattr(response, "render"):
                response.render()  # the form with its errors, while the data is still there
            transaction.set_rollback(True)
        if snapshot is None:
            return response
        revision = workflow.revision_save(
            item=obj, data=snapshot, user=request.user, token=request.POST.get("_workflow_token")
        )
        if revision is None:
            self.message_user(
                request, f"“{obj}” is unchanged: no pending change is kept.", messages.INFO
            )
        else:
            self.log_change(
                request, obj, f"Saved a pending change ({revision.get_status_display()})"
            )
            self.message_user(
                request,
                f"Your change to “{obj}” is saved as a pending change. The published version "
                "stays live until a reviewer publishes it"
                + (
                    " — submit it for review when it is ready."
                    if revision.status == "draft"
                    else "."
                ),
                messages.SUCCESS,
            )
        if "_continue" in request.POST or revision is None:
            return HttpResponseRedirect(self._change_url(obj))
        return self.response_post_save_change(request, obj)

    def response_change(self, request, obj):
        if getattr(request, "_workflow_divert", False):
            # Read back what the admin saved (fresh, so no stale prefetched links).
            request._workflow_snapshot = workflow.item_snapshot(type(obj).objects.get(pk=obj.pk))
            return HttpResponseRedirect(self._change_url(obj))
        return super().response_change(request, obj)


def _row_identity(row: dict) -> tuple:
    """A child row's identity: its key where it has one, else its position in the list."""
    return (row.get("key"),)
