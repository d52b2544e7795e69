import json

import pytest

from tests.processes import run_manage


def test_it_reports_database_and_broker_up(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["broker"]["status"] == "ok"


def test_it_answers_503_when_the_broker_is_down(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["broker"]["status"] == "down"
    assert body["database"]["status"] == "ok"


def test_it_answers_503_when_the_embedded_broker_folder_is_unwritable(
    client, db, settings, tmp_path
):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_out": str(tmp_path / "missing")}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["status"] == "down"


@pytest.mark.slow  # a Django process of its own, pointed at a database that is not there
def test_it_answers_503_when_the_database_is_down(tmp_path):
    # A real process whose database is a PostgreSQL port where nothing listens.
    code = (
        "from django.test import Client; r = Client().get('/healthz'); "
        "print(r.status_code); print(r.content.decode())"
    )
    result = run_manage(
        ["shell", "-c", code],
        DATABASE_URL="postgres://postgres@127.0.0.1:1/none",
        ALLOWED_HOSTS="testserver",
        VAR_DIR=str(tmp_path),
    )
    status, body = result.stdout.strip().splitlines()[-2:]
    assert status == "503"
    payload = json.loads(body)
    assert payload["database"]["status"] == "down"
    assert payload["broker"]["status"] == "ok"


def test_it_answers_head_for_load_balancers(client, db):
    assert client.head("/healthz").status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_only_answers_get(client, db, method):
    assert getattr(client, method)("/healthz").status_code == 405
