"""The result endpoint runs a fixed number of SQL queries, however many options are compared."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from careers.comparisons.models import ComparisonResult
from careers.content.models import Criterion
from tests.factories import AnswerFactory, ComparisonFactory, OptionFactory

PATHS = ["industry-team", "research-lab", "phd", "startup", "startup", "industry-team"]
# The first GET scores and stores the result: the comparison with its stored result (1),
# the content stamps (1), options (1), answers with criteria (1), criteria and their paths
# (2), the second opinions' answers with their raters (1: those who count are combined into
# the score), weight overrides (1), red-flag rules (1), then update_or_create: its locked
# read and insert, wrapped in two savepoints (6). A second GET with the same inputs reads
# the first two only: the stored result is the answer, nothing is read to score or scored.
QUERIES_FIRST_VIEW = 15
QUERIES_REPEAT_VIEW = 2


def build_comparison(owner, option_count: int):
    comparison = ComparisonFactory(owner=owner)
    for index, slug in enumerate(PATHS[:option_count]):
        option = OptionFactory(comparison=comparison, path_slug=slug)
        # About half the criteria of the path answered, the rest left unknown.
        criteria = (
            Criterion.objects.filter(paths__slug=slug)
            .exclude(key="people_feel_right")
            .exclude(answer_type=Criterion.AnswerType.COMPUTED)
        )
        for criterion in criteria[index % 2 :: 2]:
            value = {"yes_no": "yes", "scale": "4", "count": "2"}[criterion.answer_type]
            AnswerFactory(option=option, criterion=criterion, value=value)
        AnswerFactory(option=option, criterion_key="people_feel_right", value="unknown")
    return comparison


def count_queries(client, comparison) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/comparisons/{comparison.pk}/result/")
    assert response.status_code == 200
    assert len(response.json()["options"]) == comparison.options.count()
    return len(queries)


@pytest.fixture
def api(alice):
    client = APIClient()
    client.force_authenticate(alice)
    return client


def test_it_scores_two_options_in_a_pinned_number_of_queries(api, seeded, alice):
    comparison = build_comparison(alice, 2)
    assert count_queries(api, comparison) == QUERIES_FIRST_VIEW
    assert ComparisonResult.objects.filter(comparison=comparison).exists()
    assert count_queries(api, comparison) == QUERIES_REPEAT_VIEW


@pytest.mark.parametrize("option_count", [3, 6])
def test_it_scores_more_options_in_as_many_queries_as_two(api, seeded, alice, option_count):
    comparison = build_comparison(alice, option_count)
    assert comparison.options.count() == option_count
    assert comparison.options.filter(answers__isnull=False).distinct().count() == option_count
    assert count_queries(api, comparison) == QUERIES_FIRST_VIEW
    assert count_queries(api, comparison) == QUERIES_REPEAT_VIEW


def test_it_needs_no_more_queries_for_more_weight_overrides(api, seeded, alice):
    comparison = build_comparison(alice, 6)
    weights = dict.fromkeys(Criterion.objects.values_list("key", flat=True), 1)
    assert api.patch(f"/api/comparisons/{comparison.pk}/", {"weights": weights}).status_code == 200
    assert count_queries(api, comparison) == QUERIES_FIRST_VIEW
    assert count_queries(api, comparison) == QUERIES_REPEAT_VIEW
