"""The read-only content API: published paths, criteria, red flags and advice, open to all."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from careers.content import selectors, serializers
from careers.content.models import AdviceItem, Goal
from careers.core.api import SLUG


class ContentViewSet(viewsets.ReadOnlyModelViewSet):
    """Published advice content: open to everyone, read-only."""

    permission_classes = [AllowAny]
    # Slugs and keys only: anything else (a NUL byte, which PostgreSQL refuses) is a 404.
    lookup_value_regex = SLUG.pattern


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
