"""A stored comparison result records which versions of the criteria and red-flag rules it
used, so it still explains itself after a reviewer publishes new wording."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from careers.comparisons.models import ComparisonResult
from careers.comparisons.results import content_as_used
from careers.comparisons.services import answers_upsert, comparison_result_store
from careers.content.models import Criterion, RedFlagRule
from careers.content.snapshots import item_snapshot
from careers.content.workflow import item_publish, item_submit, revision_save
from tests.factories import ComparisonFactory, OptionFactory

NEW_QUESTION = "Have you been told who your manager would be?"


@pytest.fixture
def comparison(seeded, alice):
    comparison = ComparisonFactory(owner=alice)
    industry = OptionFactory(comparison=comparison, path_slug="industry-team")
    OptionFactory(comparison=comparison, path_slug="research-lab")
    answers_upsert(option=industry, answers=[{"criterion": "manager_known", "value": "no"}])
    return comparison


def publish_change(item, reviewer, **changes) -> None:
    """A reviewer's new version of a published item, through the editorial workflow."""
    revision_save(item=item, data={**item_snapshot(item), **changes}, user=reviewer)
    item_submit(item=item, user=reviewer)
    item_publish(item=item, user=reviewer)


def stored(comparison) -> ComparisonResult:
    return ComparisonResult.objects.get(comparison=comparison)


def test_it_records_the_versions_of_the_criteria_and_rules_it_used(comparison):
    comparison_result_store(comparison=comparison)

    versions = stored(comparison).content_versions
    asked = Criterion.objects.published().filter(paths__slug__in=["industry-team", "research-lab"])
    assert versions["criteria"] == {c.key: c.version for c in asked.distinct()}
    assert versions["red_flags"] == {
        rule.key: rule.version
        for rule in RedFlagRule.objects.published().filter(criterion__in=asked).distinct()
    }
    # Only what the options are asked: a PhD-only criterion was not used.
    assert "phd_advisor_met" not in versions["criteria"]
    assert "phd_advisor_not_met" not in versions["red_flags"]
    assert versions["criteria"]["manager_known"] == 1


def test_it_still_reads_an_old_result_with_the_question_it_was_scored_with(comparison, reviewer):
    comparison_result_store(comparison=comparison)
    old = stored(comparison)
    criterion = Criterion.objects.get(key="manager_known")
    old_question = criterion.question

    publish_change(criterion, reviewer, question=NEW_QUESTION)

    assert criterion.version == 2
    used = content_as_used(stored(comparison).content_versions)
    assert used["criteria"]["manager_known"]["question"] == old_question
    assert used["criteria"]["manager_known"]["version"] == 1
    assert used["red_flags"]["manager_unknown"]["condition"] == "answer is no"

    comparison_result_store(comparison=comparison)

    new = stored(comparison)
    assert new.content_versions["criteria"]["manager_known"] == 2
    assert new.input_fingerprint != old.input_fingerprint
    assert (
        content_as_used(new.content_versions)["criteria"]["manager_known"]["question"]
        == NEW_QUESTION
    )
    assert (
        content_as_used(old.content_versions)["criteria"]["manager_known"]["question"]
        == old_question
    )


def test_it_reads_the_old_wording_in_one_query_per_model(
    comparison, reviewer, django_assert_num_queries
):
    comparison_result_store(comparison=comparison)
    result = stored(comparison)
    assert len(result.content_versions["criteria"]) > 5

    with django_assert_num_queries(2):
        used = content_as_used(result.content_versions)

    assert set(used["criteria"]) == set(result.content_versions["criteria"])
    assert set(used["red_flags"]) == set(result.content_versions["red_flags"])


def test_it_says_on_the_results_page_what_changed_since_the_last_result(
    comparison, reviewer, alice, client
):
    criterion = Criterion.objects.get(key="manager_known")
    old_question = criterion.question
    url = reverse("comparisons:comparison_results", args=[comparison.pk])
    client.force_login(alice)
    first = client.get(url).content.decode()
    assert "none have changed since" in first

    publish_change(criterion, reviewer, question=NEW_QUESTION)
    page = client.get(url).content.decode()

    assert "Last scored with criteria and red flags as published on" in page
    assert "1 has changed since" in page
    assert "<details" in page
    assert old_question.replace("(", "").split("?")[0] in page
    assert NEW_QUESTION in page
    # The view rewrote the stored result, so the next one has nothing new to say.
    assert stored(comparison).content_versions["criteria"]["manager_known"] == 2
    assert "none have changed since" in client.get(url).content.decode()


def test_it_reads_nothing_for_the_note_while_the_content_is_unchanged(
    comparison, django_assert_num_queries
):
    comparison_result_store(comparison=comparison)
    view = comparison_result_store(comparison=comparison)

    with django_assert_num_queries(0):
        note = view.content_versions_note

    assert note.changed == 0
    assert note.published_on == stored(comparison).computed_at


def test_it_returns_the_versions_from_the_result_api(comparison, alice):
    api = APIClient()
    api.force_authenticate(alice)

    response = api.get(f"/api/comparisons/{comparison.pk}/result/")

    assert response.status_code == 200
    assert response.json()["content_versions"] == stored(comparison).content_versions
    assert response.json()["content_versions"]["criteria"]["manager_known"] == 1
