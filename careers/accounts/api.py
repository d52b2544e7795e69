"""The API's token endpoint: a username (or email address) and password in, a token for
``Authorization: Token <key>`` out, for accounts whose address is verified."""

from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle

from careers.accounts.selectors import user_email_verified
from careers.core.api import JSONRenderer

UNVERIFIED = (
    "Confirm your email address first: open the link we emailed you when you signed up "
    "(logging in on the website sends a new one)."
)


class LoginRateThrottle(SimpleRateThrottle):
    """Token requests per client address (read behind ``NUM_PROXIES`` proxies), counted in
    the default cache, so with Redis every process counts together. Unlike DRF's anonymous
    throttle it also counts requests that carry a session or a token: being signed in as
    one account buys no extra guesses at another's password."""

    scope = "login"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


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

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        # Only after the password was right: a wrong one says nothing about the address.
        if not user_email_verified(user=attrs["user"]):
            raise serializers.ValidationError(UNVERIFIED, code="unverified")
        return attrs


class TokenView(ObtainAuthToken):
    """Exchange a username (or email address) and password for an API token
    (``Authorization: Token <key>``); an account whose address is not verified gets none."""

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
