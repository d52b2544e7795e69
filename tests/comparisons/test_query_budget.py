"""The comparison pages and the result endpoint read a fixed number of queries, the same for
a small comparison in an empty database and for the largest one among many others: more
options, answers, red flags or rows never cost more queries.

alice owns the comparisons measured; bob's many comparisons fill the database around them.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from careers.comparisons import services
from careers.content.models import CareerPath, Criterion
from tests.factories import ComparisonFactory, UserFactory

PATHS = ["industry-team", "research-lab", "phd", "startup", "startup", "industry-team"]
# The result endpoint (authenticated without a session): the comparison with its stored
# result (1) and the content stamps (1); scoring adds options, answers, criteria and their
# paths, the second opinions' answers with their raters (combined into the score when they
# count), overrides and rules (7) and storing the result, update_or_create in two
# savepoints (6).
API_READ_BACK = 2
API_SCORED = 15
# The results page adds the user with their profile (1; the session is in the cache) and the
# viewer's answers to the advice (1); the first view after a change renders the body and picks the
# advice (1).
PAGE_READ_BACK = 4
PAGE_SCORED = 18
# The comparison's own page: the user with their profile, the comparison, its options with
# paths.
DETAIL = 3


def comparison_of(owner, *, options: int, answered: bool):
    """A comparison of ``options`` offers; ``answered`` answers every question, "no" and the
    lowest counts and scales where it can (so the red flags rise)."""
    comparison = ComparisonFactory(owner=owner, notes="Notes.")
    for index, slug in enumerate(PATHS[:options]):
        option = services.option_create(
            comparison=comparison,
            path=CareerPath.objects.get(slug=slug),
            organisation=f"Org {index}",
        )
        criteria = (
            Criterion.objects.published()
            .filter(paths__slug=slug)
            .exclude(answer_type=Criterion.AnswerType.COMPUTED)
        )
        if not answered:
            criteria = criteria[:1]
        value = {"yes_no": "no", "scale": "1", "count": "0"}
        services.answers_upsert(
            option=option,
            answers=[{"criterion": c.key, "value": value[c.answer_type]} for c in criteria],
        )
    return comparison


@pytest.fixture
def sizes(seeded, alice):
    """(small, large): two offers with one answer each in an otherwise empty database, and
    six fully answered offers raising many red flags among thirty other comparisons."""
    small = comparison_of(alice, options=2, answered=False)
    bob = UserFactory(username="bob")
    for _ in range(30):
        comparison_of(bob, options=2, answered=False)
    large = comparison_of(alice, options=6, answered=True)
    return small, large


def test_it_builds_the_sizes_it_says(sizes):
    small, large = sizes
    flags = [
        len(option.red_flags)
        for option in services.comparison_result_store(comparison=large).score.options
    ]
    assert (small.options.count(), large.options.count()) == (2, 6)
    assert sum(flags) >= 12
    assert large.options.filter(answers__isnull=True).count() == 0


def test_it_answers_the_result_in_as_many_queries_at_both_sizes(
    sizes, alice, django_assert_num_queries
):
    api = APIClient()
    api.force_authenticate(alice)
    for comparison in sizes:
        url = f"/api/comparisons/{comparison.pk}/result/"
        with django_assert_num_queries(API_SCORED):
            assert api.get(url).status_code == 200
        with django_assert_num_queries(API_READ_BACK):
            assert api.get(url).status_code == 200


def test_it_renders_the_results_page_in_as_many_queries_at_both_sizes(
    sizes, alice, client, django_assert_num_queries
):
    client.force_login(alice)
    for comparison in sizes:
        url = reverse("comparisons:comparison_results", args=[comparison.pk])
        with django_assert_num_queries(PAGE_SCORED):
            first = client.get(url)
        with django_assert_num_queries(PAGE_READ_BACK):
            again = client.get(url)
        # The cached body is the same page.
        assert first.content.count(b'class="card option-result"') == comparison.options.count()
        assert again.content.count(b'class="card option-result"') == comparison.options.count()


def test_it_renders_the_comparison_page_in_as_many_queries_at_both_sizes(
    sizes, alice, client, django_assert_num_queries
):
    client.force_login(alice)
    for comparison in sizes:
        with django_assert_num_queries(DETAIL):
            response = client.get(reverse("comparisons:comparison_detail", args=[comparison.pk]))
        assert response.content.count(b"Answer the questions") == comparison.options.count()
