import os
import re
import subprocess

import pytest

from tests.processes import ROOT, child_env, run_manage, settings_of

# Each test starts Django in a process of its own, with the environment it checks.
pytestmark = pytest.mark.slow


def test_it_runs_embedded_with_no_environment(tmp_path):
    values = settings_of(
        "DATABASES['default']['ENGINE']",
        "DATABASES['default']['NAME']",
        "CELERY_BROKER_URL",
        "CELERY_BROKER_TRANSPORT_OPTIONS['data_folder_in']",
        "MAILERS['default']['BACKEND']",
        "MAILERS['default']['OPTIONS']['file_path']",
        "CACHES['default']['BACKEND']",
        "SESSION_ENGINE",
        "DEBUG",
        "TIME_ZONE",
        "USE_TZ",
        VAR_DIR=str(tmp_path),
    )
    assert values["DATABASES['default']['ENGINE']"] == "django.db.backends.sqlite3"
    assert values["DATABASES['default']['NAME']"] == str(tmp_path / "db.sqlite3")
    assert values["CELERY_BROKER_URL"] == "filesystem://"
    assert values["CELERY_BROKER_TRANSPORT_OPTIONS['data_folder_in']"].startswith(str(tmp_path))
    assert values["MAILERS['default']['BACKEND']"] == (
        "django.core.mail.backends.filebased.EmailBackend"
    )
    assert values["MAILERS['default']['OPTIONS']['file_path']"] == str(tmp_path / "mail")
    assert values["CACHES['default']['BACKEND']"].endswith("LocMemCache")
    # A cache of each process's own would keep a session another process signed out.
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert values["TIME_ZONE"] == "UTC"
    assert values["USE_TZ"] == "True"
    assert (tmp_path / "broker" / "queue").is_dir()


def test_it_switches_to_postgresql_and_redis_with_database_and_redis_urls(tmp_path):
    values = settings_of(
        "DATABASES['default']['ENGINE']",
        "DATABASES['default']['HOST']",
        "DATABASES['default']['NAME']",
        "CELERY_BROKER_URL",
        "CELERY_RESULT_BACKEND",
        "CACHES['default']['BACKEND']",
        "SESSION_ENGINE",
        DATABASE_URL="postgres://advisor:secret@db.internal:5433/advisor",
        REDIS_URL="redis://cache.internal:6380/2",
        VAR_DIR=str(tmp_path),
    )
    assert values["DATABASES['default']['ENGINE']"] == "django.db.backends.postgresql"
    assert values["DATABASES['default']['HOST']"] == "db.internal"
    assert values["DATABASES['default']['NAME']"] == "advisor"
    assert values["CELERY_BROKER_URL"] == "redis://cache.internal:6380/2"
    assert values["CELERY_RESULT_BACKEND"] == "redis://cache.internal:6380/2"
    assert values["CACHES['default']['BACKEND']"] == "django_redis.cache.RedisCache"
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


def test_it_selects_smtp_with_an_email_url(tmp_path):
    values = settings_of(
        "MAILERS['default']['BACKEND']",
        "MAILERS['default']['OPTIONS']['host']",
        "MAILERS['default']['OPTIONS']['port']",
        "MAILERS['default']['OPTIONS']['username']",
        "SITE_URL",
        EMAIL_URL="smtp://robot:s3cret@mailer.internal:2525",
        SITE_URL="https://advisor.example.org/",
        VAR_DIR=str(tmp_path),
    )
    assert values["MAILERS['default']['BACKEND']"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["MAILERS['default']['OPTIONS']['host']"] == "mailer.internal"
    assert values["MAILERS['default']['OPTIONS']['port']"] == "2525"
    assert values["MAILERS['default']['OPTIONS']['username']"] == "robot"
    assert values["SITE_URL"] == "https://advisor.example.org"


def test_it_refuses_to_start_with_debug_off_and_no_secret_key(tmp_path):
    result = run_manage(["check"], check=False, DEBUG="0", VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_it_passes_the_deploy_check_with_debug_off(tmp_path):
    result = run_manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        check=False,
        DEBUG="0",
        SECRET_KEY="x9!" + "k" * 60 + "Q7#zLm",
        ALLOWED_HOSTS="advisor.example.org",
        EMAIL_URL="smtp+tls://advisor:secret@smtp.example.org:587",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_it_still_passes_the_deploy_check_behind_a_tls_proxy(tmp_path):
    result = run_manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        check=False,
        DEBUG="0",
        SECRET_KEY="x9!" + "k" * 60 + "Q7#zLm",
        ALLOWED_HOSTS="advisor.example.org",
        SECURE_SSL_REDIRECT="0",
        BEHIND_TLS_PROXY="1",
        EMAIL_URL="smtp+tls://advisor:secret@smtp.example.org:587",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr


def test_it_sends_security_headers_and_a_strict_content_security_policy(client, db):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "http" not in policy, "no third-party origins"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_it_links_no_external_assets_from_pages(client, db):
    html = client.get("/").content.decode()
    assert "<script>" not in html
    for attribute in ('src="http', 'href="http', 'src="//', 'href="//'):
        assert attribute not in html


def test_it_serves_compressed_hashed_static_files_with_debug_off(tmp_path):
    values = settings_of(
        "STORAGES['staticfiles']['BACKEND']",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE",
        DEBUG="0",
        SECRET_KEY="s" * 60,
        VAR_DIR=str(tmp_path),
    )
    assert values["STORAGES['staticfiles']['BACKEND']"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert int(values["SECURE_HSTS_SECONDS"]) >= 31536000
    assert values["SESSION_COOKIE_SECURE"] == "True"


def test_it_loads_the_app_in_gunicorn(tmp_path):
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "--check-config", "advisor.wsgi"],
        cwd=ROOT,
        env=child_env(VAR_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_it_documents_every_environment_variable():
    settings_source = (ROOT / "advisor" / "settings.py").read_text()
    read = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', settings_source))
    read |= set(re.findall(r'Env\(\)\.\w+\("([A-Z_]+)"', settings_source))
    # The accounts' rate limits, each read through one helper.
    read |= set(re.findall(r'account_rates\(\s*"([A-Z_]+)"', settings_source))
    documented = set(re.findall(r"^#? ?([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read, "the pattern found no variables"
    assert sorted(read - documented) == []


def test_it_runs_the_suite_on_the_database_in_database_url(db):
    from django.db import connection

    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else None
    assert connection.vendor == (expected or "sqlite")
