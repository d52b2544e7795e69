"""What every template is given: the site's name and address."""

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, str]:
    # Django's login views set their own ``site_name`` (the domain); ``site_title`` is ours.
    return {
        "site_name": settings.SITE_NAME,
        "site_title": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
