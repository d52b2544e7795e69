"""What a signed-in request costs before its view runs: the session from the cache, the user
and their profile in one query."""

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory

OLD_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def test_it_reads_the_user_and_their_profile_in_one_query(alice):
    client = Client()
    client.force_login(alice)
    client.get("/dashboard/")  # the session is now in the cache too

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/dashboard/")
        sql = [q["sql"] for q in queries.captured_queries]

    assert response.status_code == 200
    assert response.context["user"] == alice
    assert not [s for s in sql if "django_session" in s], "the session came from the database"
    users = [s for s in sql if 'FROM "auth_user"' in s]
    assert len(users) == 1, sql
    assert "accounts_profile" in users[0], sql
    assert not [s for s in sql if s.startswith('SELECT "accounts_profile"')], sql


def test_it_shows_times_in_the_zone_read_with_the_user(client, db):
    learner = UserFactory(username="kyoko")
    learner.profile.timezone = "Asia/Tokyo"
    learner.profile.save()
    client.force_login(learner)

    response = client.get("/accounts/profile/")

    assert response.status_code == 200
    assert b"Asia/Tokyo" in response.content
    assert response.wsgi_request.user.profile.timezone == "Asia/Tokyo"


def test_it_keeps_a_session_signed_in_by_the_backend_used_before(alice):
    # A session made before the backend that joins the profile: it names allauth's backend.
    client = Client()
    session = client.session
    session[SESSION_KEY] = str(alice.pk)
    session[BACKEND_SESSION_KEY] = OLD_BACKEND
    session[HASH_SESSION_KEY] = alice.get_session_auth_hash()
    session.save()
    client.cookies["sessionid"] = session.session_key

    response = client.get("/dashboard/")

    assert response.status_code == 200
    assert response.context["user"] == alice


def test_it_signs_in_a_user_without_a_profile(client, db):
    staff = UserFactory(username="made-by-createsuperuser")
    staff.profile.delete()
    client.force_login(staff)

    response = client.get("/dashboard/")

    assert response.status_code == 200
    assert response.context["user"].username == "made-by-createsuperuser"
