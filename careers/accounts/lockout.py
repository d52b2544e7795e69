"""What django-axes records of a failed login: the username, bounded to its column."""

from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest

# Axes stores the username as typed in a 255-character column; a longer one (no account can
# have it: usernames stop at 150) would fail the insert on PostgreSQL.
USERNAME_MAX_LENGTH = AccessAttempt._meta.get_field("username").max_length


def lockout_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username axes counts failures against (``AXES_USERNAME_CALLABLE``): the one the
    login sent, as axes reads it by default, cut to what its tables hold."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    return username[:USERNAME_MAX_LENGTH] if isinstance(username, str) else username
