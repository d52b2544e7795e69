"""The advice library and the path pages keep what is the same for everyone in the cache,
keyed by the published content's stamp: a second view renders from it, a publication shows
at once, and nothing of one viewer reaches another. The content API lists and the stamp
itself read a fixed number of queries however much is published.

alice and charlie are two signed-in readers; a reviewer publishes.
"""

import pytest
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext

from careers.content.feedback import advice_feedback_set
from careers.content.models import AdviceItem, CareerPath, Criterion, Status, Tag
from careers.content.snapshots import item_snapshot
from careers.content.versions import content_stamps
from careers.content.workflow import item_archive, item_publish, item_submit, revision_save
from tests.factories import (
    AdviceItemFactory,
    CareerPathFactory,
    CriterionFactory,
    RedFlagRuleFactory,
    TagFactory,
)

# An anonymous reader's warm view: the content stamps, and nothing else.
ANONYMOUS_WARM = 1
# A signed-in reader adds the user with their profile (the session is in the cache), and
# their answers.
SIGNED_IN_WARM = 3


def publish_change(item, reviewer, **changes) -> None:
    revision_save(item=item, data={**item_snapshot(item), **changes}, user=reviewer)
    item_submit(item=item, user=reviewer)
    item_publish(item=item, user=reviewer)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", ["/", "/advice/", "/advice/?path=phd", "/paths/phd/"])
def test_it_renders_the_second_view_from_the_cache(
    seeded, client, alice, url, django_assert_num_queries
):
    with CaptureQueriesContext(connection) as cold:
        first = client.get(url)
    # Counted now: a context's queries are read from the connection's log, which the next
    # request starts afresh.
    cold_queries = len(cold)
    with django_assert_num_queries(ANONYMOUS_WARM):
        second = client.get(url)
    reader = login(alice)
    reader.get(url)
    with django_assert_num_queries(SIGNED_IN_WARM):
        signed_in = reader.get(url)

    assert cold_queries > ANONYMOUS_WARM + 2
    assert first.status_code == second.status_code == signed_in.status_code == 200
    assert second.content == first.content
    assert b"Log out" in signed_in.content


def test_it_shows_a_published_change_on_the_next_view(seeded, client, reviewer):
    item = AdviceItem.objects.published().filter(paths__slug="phd").first()
    criterion = Criterion.objects.get(key="phd_advisor_met")
    client.get("/advice/?path=phd")
    client.get("/paths/phd/")

    publish_change(item, reviewer, title="Choose the advisor before the school")
    publish_change(criterion, reviewer, question="Have you met the advisor in person?")

    library = client.get("/advice/?path=phd").content.decode()
    path_page = client.get("/paths/phd/").content.decode()
    assert "Choose the advisor before the school" in library
    assert "Choose the advisor before the school" in path_page
    assert "Have you met the advisor in person?" in path_page

    item_archive(item=item, user=reviewer)
    library = client.get("/advice/?path=phd").content.decode()
    assert "Choose the advisor before the school" not in library


def test_it_shows_new_advice_and_a_renamed_path_on_the_home_page_at_once(seeded, client, reviewer):
    client.get("/")
    path = CareerPath.objects.get(slug="phd")
    publish_change(path, reviewer, name="A doctorate")
    AdviceItemFactory(title="Read the lab's last three papers")

    home = client.get("/").content.decode()
    assert "A doctorate" in home
    assert "Read the lab&#x27;s last three papers" in home


def test_it_shows_a_renamed_tag_and_a_new_path_on_the_next_view(seeded, client):
    tag = Tag.objects.filter(advice_items__status=Status.PUBLISHED).first()
    client.get("/advice/")
    tag.name = "Renamed tag"
    tag.save()
    CareerPathFactory(slug="gap-year", name="A gap year")

    html = client.get("/advice/").content.decode()
    assert "Renamed tag" in html
    assert "A gap year" in html


def test_it_never_shows_one_readers_answers_to_another(db, client, alice, charlie):
    phd = CareerPathFactory(slug="phd", name="PhD program")
    item = AdviceItemFactory(title="Meet the lab", paths=[phd])
    advice_feedback_set(user=alice, item=item, helpful=True)
    for url in ("/advice/", "/paths/phd/"):
        alices = login(alice).get(url).content.decode()
        charlies = login(charlie).get(url).content.decode()
        anonymous = client.get(url).content.decode()

        assert "You answered yes" in alices
        assert "You answered" not in charlies
        assert "csrfmiddlewaretoken" not in anonymous
        assert "Log in to tell us" in anonymous
        assert "alice" not in charlies


def test_it_answers_an_unknown_path_with_404_without_caching_it(db, client):
    assert client.get("/paths/no-such-path/").status_code == 404
    CareerPathFactory(slug="no-such-path", name="Arrived later")
    assert client.get("/paths/no-such-path/").status_code == 200


def test_it_changes_the_stamp_with_every_published_change(seeded, reviewer):
    criterion = Criterion.objects.get(key="manager_known")
    seen = [content_stamps()]

    def changed() -> bool:
        seen.append(content_stamps())
        return seen[-1] != seen[-2]

    publish_change(criterion, reviewer, question="Has anyone named your manager?")
    assert changed()
    assert seen[-1].scoring != seen[-2].scoring
    # A publication whose transaction committed after a later one's: its updated_at is
    # not the latest, its version still counts.
    Criterion.objects.filter(pk=criterion.pk).update(version=F("version") + 1)
    assert changed()
    RedFlagRuleFactory(criterion=criterion)
    assert changed()
    assert seen[-1].scoring != seen[-2].scoring
    AdviceItemFactory()
    assert changed()
    assert seen[-1].scoring == seen[-2].scoring
    item_archive(item=AdviceItem.objects.published().first(), user=reviewer)
    assert changed()
    # A draft is nobody's business but its editors': the caches stay.
    CriterionFactory(status=Status.DRAFT)
    AdviceItemFactory(status=Status.DRAFT)
    assert not changed()


def test_it_reads_the_stamp_in_one_query(seeded, django_assert_num_queries):
    with django_assert_num_queries(1):
        content_stamps()


@pytest.mark.parametrize(
    ("url", "queries"),
    [("/api/advice/", 4), ("/api/criteria/", 3), ("/api/paths/", 3), ("/api/red-flags/", 2)],
)
def test_it_lists_the_content_api_in_as_many_queries_however_much_is_published(
    seeded, client, url, queries, django_assert_num_queries
):
    """The content stamp (1), the count (1), the page (1) and its prefetched links: advice's
    paths and tags, criteria's paths, paths' goals (1 each). Each view here follows a
    publication, so neither is answered from the cache."""
    queries += 1
    with django_assert_num_queries(queries):
        small = client.get(url)
    phd, startup = CareerPath.objects.filter(slug__in=["phd", "startup"])
    for n in range(30):
        tag = TagFactory()
        AdviceItemFactory(paths=[phd, startup], tags=[tag])
        criterion = CriterionFactory(paths=[phd, startup])
        RedFlagRuleFactory(criterion=criterion)
        CareerPathFactory(slug=f"more-{n}")
    with django_assert_num_queries(queries):
        large = client.get(url)
    assert small.status_code == large.status_code == 200
    assert large.json()["count"] > small.json()["count"]


@pytest.mark.parametrize(
    "url", ["/api/advice/", "/api/criteria/", "/api/paths/", "/api/red-flags/"]
)
def test_it_answers_a_repeated_content_list_from_the_cache_until_a_publication(
    seeded, client, url, django_assert_num_queries
):
    first = client.get(url).json()
    with django_assert_num_queries(1):  # the content stamp only
        assert client.get(url).json() == first

    CareerPathFactory(slug="another-path")
    CriterionFactory(paths=[CareerPath.objects.get(slug="phd")])
    RedFlagRuleFactory(criterion=CriterionFactory())
    AdviceItemFactory(paths=[CareerPath.objects.get(slug="phd")])
    assert client.get(url).json()["count"] > first["count"]


def test_it_keeps_only_lists_asked_for_by_page_number(seeded, client, django_assert_num_queries):
    """Any other parameter (a filter, a made-up one, a long page number) is answered
    afresh: a request cannot fill the cache with keys of its own making."""
    assert client.get("/api/advice/?page=1").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/api/advice/?page=1").status_code == 200
    for query in ["made=up", "path=phd", "page=1&page=1", "page=000001"]:
        for _view in range(2):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"/api/advice/?{query}").status_code == 200
            assert len(queries) > 1, f"?{query} was answered from the cache"
    assert client.get("/api/advice/?page=999").status_code == 404
