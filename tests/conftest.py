import copy
import os
import uuid

import pytest
from django.core.management import call_command

from tests.factories import UserFactory
from tests.smtp_sink import SmtpSink


def pytest_collection_modifyitems(items):
    """Browser and integration tests start processes of their own: they are slow by nature."""
    for item in items:
        if item.get_closest_marker("browser") or item.get_closest_marker("integration"):
            item.add_marker(pytest.mark.slow)


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
    # Sessions as a deployment with Redis keeps them, so pinned query counts hold with or
    # without REDIS_URL.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    # A process's own flush of advice counts comes round once a minute, so within a long
    # run it would land inside any test's pinned query count; the tests of it turn it on.
    settings.ADVICE_SHOWN_FLUSH_SECONDS = None


@pytest.fixture(scope="session")
def _seed_rows(django_db_setup, django_db_blocker):
    """Every row ``load_seeds`` writes into an empty knowledge base (items, links, a track's
    rows and their history), read once per test session in a transaction rolled back."""
    from django.apps import apps
    from django.db import transaction

    models = apps.get_app_config("content").get_models(include_auto_created=True)
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_seeds", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        rows = [(model, list(model._base_manager.all())) for model in models]
        transaction.set_rollback(True)
    return [(model, objects) for model, objects in rows if objects]


@pytest.fixture
def seeded(db, _seed_rows):
    """The knowledge base as `make run` loads it from seeds/: the rows ``load_seeds`` wrote
    once this session, inserted again (a few bulk inserts instead of a thousand queries)."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    # In one transaction, so links may go in before the rows they link (the database checks
    # the deferred foreign keys at the end), also in tests that run without a test transaction.
    with transaction.atomic():
        for model, objects in _seed_rows:
            model._base_manager.bulk_create([copy.copy(obj) for obj in objects])
    statements = connection.ops.sequence_reset_sql(no_style(), [m for m, _ in _seed_rows])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


@pytest.fixture
def charlie(db):
    return UserFactory(username="charlie")


def _in_group(username: str, group: str | None):
    return UserFactory(username=username, is_staff=True, roles=[group] if group else [])


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
