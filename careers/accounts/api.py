"""The API's token endpoint: a username and password in, a token for
``Authorization: Token <key>`` out."""

from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from careers.core.api import JSONRenderer


class LoginRateThrottle(AnonRateThrottle):
    scope = "login"


class TokenRequestSerializer(AuthTokenSerializer):
    # Bounded like the user model's field: a longer name cannot exist, and an unbounded one
    # would reach the login-failure log's varchar column.
    username = serializers.CharField(label="Username", max_length=150, write_only=True)
    password = serializers.CharField(
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
    # DRF's view names its own parsers and renderer: use the API's (careers/core/api.py).
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES
    renderer_classes = [JSONRenderer]

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
