"""The read-only content API: published paths, criteria, red flags and advice, open to all.

A list is the same for every reader, so its serialised data is kept in the cache under the
published content's stamp (``careers.content.versions``): a publication changes the key,
and nothing published is answered late. Only lists asked for with the parameters below are
kept, so a request cannot fill the cache with keys of its own making.
"""

import hashlib
import re

from django.core.cache import cache
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from careers.content import selectors, serializers
from careers.content.models import AdviceItem, Goal
from careers.content.versions import content_stamps, release_stamp
from careers.core.api import SLUG

# The one parameter a kept list may have: a page number of a few digits. Pages past the last
# answer 404 and are not kept, so at most a few pages per list and format are.
CACHED_PAGE = re.compile(r"[1-9][0-9]{0,3}")
# Keys change with every publication; the timeout only frees what nobody asks for.
LIST_TIMEOUT = 24 * 60 * 60


class ContentViewSet(viewsets.ReadOnlyModelViewSet):
    """Published advice content: open to everyone, read-only."""

    permission_classes = [AllowAny]
    # Slugs and keys only: anything else (a NUL byte, which PostgreSQL refuses) is a 404.
    lookup_value_regex = SLUG.pattern

    def list(self, request, *args, **kwargs):
        params = request.query_params
        page = params.get("page", "1")
        if (
            set(params) - {"page"}
            or len(params.getlist("page")) > 1
            or not CACHED_PAGE.fullmatch(page)
        ):
            return super().list(request, *args, **kwargs)
        # The page's links to the next and previous pages are absolute: the address the
        # reader used is part of the key.
        parts = [release_stamp(), content_stamps().published, self.basename, page]
        parts.append(request.build_absolute_uri("/"))
        digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
        key = f"content-api:list:{digest}"
        data = cache.get(key)
        if data is None:
            data = super().list(request, *args, **kwargs).data
            cache.set(key, data, LIST_TIMEOUT)
        return Response(data)


class CareerPathViewSet(ContentViewSet):
    serializer_class = serializers.CareerPathSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.path_list().prefetch_related(
            Prefetch("goals", queryset=Goal.objects.published().select_related("requires_path"))
        )


class CriterionViewSet(ContentViewSet):
    serializer_class = serializers.CriterionSerializer
    lookup_field = "key"

    def get_queryset(self):
        return selectors.criterion_list()


class RedFlagViewSet(ContentViewSet):
    serializer_class = serializers.RedFlagSerializer
    lookup_field = "key"

    def get_queryset(self):
        return selectors.red_flag_list()


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("path", str, description="Only advice for this career path slug."),
            OpenApiParameter("tag", str, description="Only advice with this tag slug."),
        ]
    )
)
class AdviceViewSet(ContentViewSet):
    serializer_class = serializers.AdviceItemSerializer
    lookup_field = "slug"

    def get_queryset(self):
        path, tag = (self.request.query_params.get(name, "") for name in ("path", "tag"))
        if any(value and not SLUG.fullmatch(value) for value in (path, tag)):
            return AdviceItem.objects.none()
        return selectors.advice_list(path_slug=path, tag_slug=tag)
