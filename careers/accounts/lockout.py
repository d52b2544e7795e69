"""What django-axes records of a failed login: the username, bounded to its column."""

from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest

# Axes stores the username as typed in a 255-character column; a longer one (no account can
# have it: usernames stop at 150, addresses at 254) would fail the insert on PostgreSQL.
USERNAME_MAX_LENGTH = AccessAttempt._meta.get_field("username").max_length
# Where each login names its account: the site's form ("login", a username or an address;
# allauth hands it on as "username" and, for an address, "email"), the admin and the API.
LOGIN_FIELDS = ("username", "email")


def lockout_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username axes counts failures against (``AXES_USERNAME_CALLABLE``): the one the
    login sent, whichever form sent it, cut to what its tables hold."""
    fields = (settings.AXES_USERNAME_FORM_FIELD, *LOGIN_FIELDS)
    source = credentials or getattr(request, "data", request.POST)
    if not hasattr(source, "get"):
        return None  # a JSON body that is not an object names no account
    username = next((source.get(field) for field in fields if source.get(field)), None)
    return username[:USERNAME_MAX_LENGTH] if isinstance(username, str) else username
