import uuid

import pytest
from django.core.management import call_command

from tests.factories import UserFactory
from tests.smtp_sink import SmtpSink


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    """Each test gets a cache of its own (throttle counters, never shared between tests)
    and a fast password hasher."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{uuid.uuid4()}",
        }
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seeded(db):
    """The knowledge base as `make run` loads it from seeds/."""
    call_command("load_seeds", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


@pytest.fixture
def charlie(db):
    return UserFactory(username="charlie")


def _in_group(username: str, group: str | None, *, staff: bool = True):
    from django.contrib.auth.models import Group

    user = UserFactory(username=username, is_staff=staff)
    if group is not None:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db):
    """A staff user in the Editor group (the groups are created by migrate)."""
    return _in_group("edna", "Editor")


@pytest.fixture
def reviewer(db):
    return _in_group("rita", "Reviewer")


@pytest.fixture
def staff_without_role(db):
    return _in_group("stan", None)


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server the app's default mailer delivers to."""
    with SmtpSink() as sink:
        settings.MAILERS = sink.mailer_settings()
        yield sink
