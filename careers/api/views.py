from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from careers import selectors
from careers.api import serializers
from careers.models import Goal


class ContentViewSet(viewsets.ReadOnlyModelViewSet):
    """Published advice content: open to everyone, read-only."""

    permission_classes = [AllowAny]


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
        params = self.request.query_params
        return selectors.advice_list(
            path_slug=params.get("path", ""), tag_slug=params.get("tag", "")
        )


class LoginRateThrottle(AnonRateThrottle):
    scope = "login"


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (``Authorization: Token <key>``)."""

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
