"""A user's profile: their time zone and the secret of their calendar feed."""

import secrets
import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


@cache
def timezone_names() -> list[str]:
    return sorted(zoneinfo.available_timezones() - {"localtime"})


def validate_timezone(value: str) -> None:
    if value not in timezone_names():
        raise ValidationError(
            "%(value)s is not an IANA time zone (e.g. Europe/London, America/New_York).",
            code="timezone",
            params={"value": repr(value)},
        )


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class Profile(models.Model):
    """What we know about a user beyond Django's account: their time zone, and the secret
    of their calendar feed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    timezone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text="IANA time zone used for schedules and the times we show you.",
    )
    # The study sessions of all the user's plans are published at a URL holding this
    # secret; regenerating it kills the old URL at once.
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)

    class Meta:
        indexes = [
            # The admin's filter by time zone lists the zones in use by walking this index,
            # one probe per zone, instead of reading every profile.
            models.Index(fields=["timezone"], name="profile_timezone_idx"),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user}"
