"""Previews of curated content as users will see it, before it is published.

A preview shows the version a reviewer would publish: the item's pending change when it has
one, otherwise the row itself. The change is written onto the row inside a transaction that
is always rolled back, so each place renders it with its links (paths, tags, the criterion)
resolved exactly as publishing would resolve them, and nothing is kept.

The knowledge base knows its own pages (the advice library, the path pages). Other apps show
content too (a comparison result shows red flags, the plan page and the weekly email show
tips and advice), and the knowledge base must not depend on them: each app registers its
places here from its ``AppConfig.ready``, as apps register their models with the admin.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.db.models import Prefetch
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from careers.content.models import AdviceItem, CareerPath, ContentRevision, RedFlagRule, Status
from careers.content.snapshots import snapshot_apply


@dataclass(frozen=True)
class PreviewPlace:
    """One place users see an item: a heading and the place as users get it (HTML)."""

    slug: str
    heading: str
    # Rendered from a template, so escaped as every template is.
    html: SafeString


@dataclass(frozen=True)
class PreviewEmail:
    """An email users get the item in: how to build it, and what to say when it cannot be
    built (no learning track to build a nudge around, say)."""

    heading: str
    note: str
    unavailable: str
    build: Callable[[models.Model, AbstractBaseUser], EmailMultiAlternatives | None]


# Renders the place for an item (freshly read inside the preview's transaction), or ``None``
# when the item does not appear there.
PlaceRenderer = Callable[[models.Model, HttpRequest], PreviewPlace | None]

_places: dict[type[models.Model], list[PlaceRenderer]] = {}
_emails: dict[type[models.Model], PreviewEmail] = {}


def preview_place_register(model: type[models.Model], renderer: PlaceRenderer) -> None:
    """Show items of ``model`` in one more place in their previews."""
    renderers = _places.setdefault(model, [])
    if renderer not in renderers:
        renderers.append(renderer)


def preview_email_register(model: type[models.Model], email: PreviewEmail) -> None:
    """Show items of ``model`` inside an email in their previews (one email per model)."""
    _emails[model] = email


def preview_email_for(model: type[models.Model]) -> PreviewEmail | None:
    return _emails.get(model)


@dataclass
class ContentPreview:
    """What users would see of one item: each place, and the email it is sent in."""

    item: models.Model
    places: list[PreviewPlace] = field(default_factory=list)
    email: EmailMultiAlternatives | None = None


def content_preview(
    *, item: models.Model, revision: ContentRevision | None, request: HttpRequest
) -> ContentPreview:
    """Render ``item`` as users would see it once ``revision`` (if any) is published, and
    store nothing. Raises ``SnapshotError`` when the revision no longer applies (say, a tag it
    names was deleted)."""
    model = type(item)
    with transaction.atomic():
        try:
            if revision is not None:
                snapshot_apply(
                    item, revision.data, status=Status.PUBLISHED, version=item.version + 1
                )
            # Rendered to strings here: querysets evaluated after the rollback would read the
            # live rows instead of the change.
            fresh = model._default_manager.get(pk=item.pk)
            places = [place for r in _places.get(model, []) if (place := r(fresh, request))]
            email = _emails.get(model)
            return ContentPreview(
                item=fresh,
                places=places,
                email=email.build(fresh, request.user) if email is not None else None,
            )
        finally:
            transaction.set_rollback(True)


def live_links(item: models.Model) -> list[tuple[str, str]]:
    """Where users see the live version of ``item`` now, as (label, URL)."""
    if item.status != Status.PUBLISHED:
        return []
    if isinstance(item, AdviceItem):
        return [("Advice library", f"{reverse('content:advice_list')}#{item.slug}")]
    if isinstance(item, RedFlagRule) and item.criterion.status == Status.PUBLISHED:
        return [
            (p.name, reverse("content:path_detail", args=[p.slug]) + "#red-flags")
            for p in item.criterion.paths.published()
        ]
    return []


def _advice_library(item: models.Model, request: HttpRequest) -> PreviewPlace:
    # Loaded as the library loads it: only published paths are listed.
    advice = AdviceItem.objects.prefetch_related(
        Prefetch("paths", queryset=CareerPath.objects.published()), "tags"
    ).get(pk=item.pk)
    return PreviewPlace(
        "advice",
        "In the advice library",
        render_to_string("admin/content/places/advice_library.html", {"item": advice}, request),
    )


def _path_page(item: models.Model, request: HttpRequest) -> PreviewPlace:
    rule = RedFlagRule.objects.select_related("criterion").get(pk=item.pk)
    context = {
        "flag": rule,
        "criterion": rule.criterion,
        "paths": list(rule.criterion.paths.published()),
    }
    return PreviewPlace(
        "path",
        "On a career path page",
        render_to_string("admin/content/places/path_page.html", context, request),
    )


preview_place_register(AdviceItem, _advice_library)
preview_place_register(RedFlagRule, _path_page)
