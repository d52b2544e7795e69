"""The advice under a comparison's results is counted as shown on every view, without a
database write per view: the counts wait in the cache and are written in batches (beat
every minute, the admin before it shows them). With the cache down each view writes its
count at once: none is lost either way.

alice looks at her results page again and again; an admin reads the counts.
"""

import ast
import shutil

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from advisor.celery import app
from careers.comparisons import services
from careers.content.feedback import advice_shown_flush, advice_with_signals
from careers.content.models import AdviceItem, AdviceStats, CareerPath
from careers.content.tasks import advice_shown_flush_batch
from tests.factories import ComparisonFactory
from tests.processes import RedisServer, settings_of

VIEWS = 100


@pytest.fixture
def results_url(seeded, alice) -> str:
    comparison = ComparisonFactory(owner=alice)
    for slug in ("phd", "startup"):
        services.option_create(
            comparison=comparison, path=CareerPath.objects.get(slug=slug), organisation=slug
        )
    return reverse("comparisons:comparison_results", args=[comparison.pk])


def shown_items(client, url: str) -> list[AdviceItem]:
    html = client.get(url).content.decode()
    items = [
        item for item in AdviceItem.objects.published() if f"decision-advice-{item.slug}" in html
    ]
    assert items, "the results page shows no advice"
    return items


def stats_writes(queries) -> int:
    return sum(
        1
        for query in queries
        if "advicestats" in query["sql"] and query["sql"].lstrip().startswith(("INSERT", "UPDATE"))
    )


def stored_counts(items) -> list[int]:
    rows = dict(AdviceStats.objects.values_list("advice_item_id", "shown_in_results"))
    return [rows.get(item.pk, 0) for item in items]


def test_it_counts_a_hundred_views_in_far_fewer_writes(results_url, alice, client):
    client.force_login(alice)
    items = shown_items(client, results_url)
    advice_shown_flush()
    with CaptureQueriesContext(connection) as queries:
        for _ in range(VIEWS):
            assert client.get(results_url).status_code == 200

    assert stats_writes(queries) <= 4  # at most a flush of the process's own, once a minute
    moved = advice_shown_flush()
    assert stored_counts(items) == [VIEWS + 1] * len(items)
    assert moved >= len(items)
    assert advice_shown_flush() == 0


def test_it_flushes_before_the_admin_shows_the_counts(results_url, alice, client, admin_client):
    client.force_login(alice)
    items = shown_items(client, results_url)
    for _ in range(2):
        client.get(results_url)

    page = admin_client.get(reverse("admin:content_adviceitem_changelist"))

    assert page.status_code == 200
    assert '<td class="field-shown_in_results">3</td>' in page.content.decode()
    annotated = advice_with_signals(AdviceItem.objects.filter(pk__in=[i.pk for i in items]))
    assert {item.shown_in_results for item in annotated} == {3}


def test_it_flushes_from_beat_every_minute(results_url, alice, client):
    client.force_login(alice)
    items = shown_items(client, results_url)
    client.get(results_url)
    entry = app.conf.beat_schedule["advice-shown-flush"]

    assert entry["task"] == "careers.content.tasks.advice_shown_flush_batch"
    assert entry["task"] in app.tasks
    assert entry["schedule"] == 60.0
    assert stored_counts(items) == [0] * len(items)
    assert advice_shown_flush_batch() == 2 * len(items)
    assert stored_counts(items) == [2] * len(items)


def test_it_flushes_from_the_process_itself_when_its_cache_is_its_own(
    results_url, alice, client, settings
):
    """Without Redis each process has a cache of its own, which beat cannot read: a view
    made once the interval has passed writes the counts waiting, its own included."""
    client.force_login(alice)
    items = shown_items(client, results_url)
    assert stored_counts(items) == [0] * len(items)

    settings.ADVICE_SHOWN_FLUSH_SECONDS = 0
    client.get(results_url)
    assert stored_counts(items) == [2] * len(items)

    settings.ADVICE_SHOWN_FLUSH_SECONDS = 3600
    client.get(results_url)
    assert stored_counts(items) == [2] * len(items), "flushed again within the interval"


def test_it_leaves_a_shared_cache_to_beat():
    assert settings_of("ADVICE_SHOWN_FLUSH_SECONDS", REDIS_URL="redis://127.0.0.1:1/0") == {
        "ADVICE_SHOWN_FLUSH_SECONDS": "None"
    }
    assert settings_of("ADVICE_SHOWN_FLUSH_SECONDS", REDIS_URL="") == {
        "ADVICE_SHOWN_FLUSH_SECONDS": "60"
    }


@pytest.fixture
def redis_cache(settings):
    """The cache exactly as the project configures it for a REDIS_URL, on a Redis of the
    test's own; calling the fixture's value stops that Redis."""
    server = RedisServer()
    server.start()
    project = settings_of("CACHES", REDIS_URL=server.url)
    settings.CACHES = ast.literal_eval(project["CACHES"])
    settings.CELERY_BROKER_URL = server.url

    def stop() -> None:
        server.stop()
        assert not server.answers()

    yield stop
    server.stop()


@pytest.mark.integration
@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server not installed")
def test_it_counts_in_redis_and_writes_at_once_while_redis_is_down(
    results_url, alice, client, redis_cache
):
    client.force_login(alice)
    items = shown_items(client, results_url)
    with CaptureQueriesContext(connection) as up:
        for _ in range(10):
            client.get(results_url)
    assert stats_writes(up) <= 2
    advice_shown_flush()
    assert stored_counts(items) == [11] * len(items)

    redis_cache()  # Redis stops
    with CaptureQueriesContext(connection) as down:
        for _ in range(3):
            assert client.get(results_url).status_code == 200

    # Each view wrote its own count (an insert of missing rows and an update): slower, exact.
    assert stats_writes(down) == 3 * 2
    assert stored_counts(items) == [14] * len(items)
    assert advice_shown_flush() == 0
