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


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server the app's default mailer delivers to."""
    with SmtpSink() as sink:
        settings.MAILERS = sink.mailer_settings()
        yield sink
