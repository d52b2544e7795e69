import re

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers as drf_serializers
from rest_framework import status, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from careers import selectors
from careers.api import serializers
from careers.models import AdviceItem, Goal

SLUG = re.compile(r"[-a-zA-Z0-9_]+")


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


class LoginRateThrottle(AnonRateThrottle):
    scope = "login"


class TokenRequestSerializer(AuthTokenSerializer):
    # Bounded like the user model's field: a longer name cannot exist, and an unbounded one
    # would reach the login-failure log's varchar column.
    username = drf_serializers.CharField(label="Username", max_length=150, write_only=True)
    password = drf_serializers.CharField(
        label="Password",
        max_length=4096,
        style={"input_type": "password"},
        write_only=True,
        trim_whitespace=False,
    )


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (``Authorization: Token <key>``)."""

    serializer_class = TokenRequestSerializer
    throttle_classes = [LoginRateThrottle, UserRateThrottle]

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            # django-axes refuses a locked-out username inside authenticate() and marks the
            # request; say so instead of "wrong password", as the login page does.
            if getattr(request, "axes_locked_out", False) or getattr(
                request._request, "axes_locked_out", False
            ):
                return Response(
                    {"detail": "Too many failed logins: try again later or reset your password."},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                )
            raise
