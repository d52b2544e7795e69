"""The editors' dashboard: what awaits review and what is due for re-verification."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from careers.content.admin.workflow import review_due_q
from careers.content.models import ContentRevision, Status
from careers.content.snapshots import CONTENT_SPECS

ROWS_PER_LIST = 50


@dataclass
class Entry:
    label: str
    kind: str
    url: str
    detail: str = ""


@dataclass
class Section:
    title: str
    explanation: str
    entries: list[Entry] = field(default_factory=list)
    total: int = 0


def _content_models(user) -> list:
    return [
        spec.model
        for spec in CONTENT_SPECS
        if spec.cited
        and user.has_perm(f"{spec.model._meta.app_label}.view_{spec.model._meta.model_name}")
    ]


def _entry(obj, detail: str = "") -> Entry:
    opts = obj._meta
    return Entry(
        label=str(obj),
        kind=opts.verbose_name,
        url=reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
        detail=detail,
    )


def editorial_summary(user) -> dict[str, int]:
    """Counts for the admin index: items and changes in review, citations due."""
    models = _content_models(user)
    if not models:
        return {}
    types = [ContentType.objects.get_for_model(model) for model in models]
    in_review = sum(model.objects.filter(status=Status.IN_REVIEW).count() for model in models)
    in_review += ContentRevision.objects.filter(
        content_type__in=types, status=ContentRevision.Status.IN_REVIEW
    ).count()
    due = sum(model.objects.filter(review_due_q()).count() for model in models)
    return {"awaiting_review": in_review, "review_due": due}


def editorial_dashboard(request: HttpRequest) -> HttpResponse:
    models = _content_models(request.user)
    if not models:
        raise PermissionDenied
    awaiting = Section(
        "Awaiting review",
        "New items and changes to published items that an editor submitted for review.",
    )
    drafting = Section(
        "Being drafted",
        "Drafts and pending changes not yet submitted for review.",
    )
    due = Section(
        "Due for re-verification",
        f"Citations nobody has verified in the last {settings.CITATION_REVIEW_DAYS} days. "
        "Check the advice against its source, then use “Mark citation verified today”.",
    )
    revisions = ContentRevision.objects.filter(
        content_type__in=[ContentType.objects.get_for_model(model) for model in models],
        status__in=ContentRevision.OPEN,
    ).select_related("content_type", "updated_by")
    by_type: dict[int, list[ContentRevision]] = {}
    for revision in revisions:
        by_type.setdefault(revision.content_type_id, []).append(revision)

    for model in models:
        content_type = ContentType.objects.get_for_model(model)
        pending = {r.object_id: r for r in by_type.get(content_type.pk, [])}
        items = model.objects.filter(
            Q(status__in=[Status.DRAFT, Status.IN_REVIEW]) | Q(pk__in=list(pending))
        ).order_by("-updated_at")
        for obj in items:
            revision = pending.get(obj.pk)
            if revision is not None:
                section = awaiting if revision.status == "in_review" else drafting
                who = f" by {revision.updated_by}" if revision.updated_by else ""
                detail = f"change to published version {obj.version}{who}"
            else:
                section = awaiting if obj.status == Status.IN_REVIEW else drafting
                detail = f"new item, {obj.get_status_display().lower()}"
            section.total += 1
            if len(section.entries) < ROWS_PER_LIST:
                section.entries.append(_entry(obj, detail))
        due_items = model.objects.filter(review_due_q()).order_by("last_verified_on")
        due.total += due_items.count()
        for obj in due_items[: max(0, ROWS_PER_LIST - len(due.entries))]:
            verified = (
                f"last verified {obj.last_verified_on:%Y-%m-%d}"
                if obj.last_verified_on
                else "never verified"
            )
            due.entries.append(_entry(obj, verified))

    context = {
        **admin.site.each_context(request),
        "title": "Editorial dashboard",
        "sections": [awaiting, drafting, due],
        "rows_per_list": ROWS_PER_LIST,
    }
    return render(request, "admin/content/dashboard.html", context)
