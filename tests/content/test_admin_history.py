"""Version history in the admin: who changed what and when, diffs between versions, revert."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from careers.content.models import AdviceItem, ContentRevision, Criterion, Status
from careers.content.roles import EDITOR, REVIEWER
from careers.content.snapshots import item_snapshot
from careers.content.workflow import item_publish, item_submit, open_revision, revision_save
from tests.factories import (
    AdviceItemFactory,
    CareerPathFactory,
    CriterionFactory,
    TagFactory,
    UserFactory,
)


def staff(username: str, role: str):
    return UserFactory(username=username, is_staff=True, roles=[role])


@pytest.fixture
def reviewer(db):
    return staff("rita", REVIEWER)


@pytest.fixture
def editor(db):
    return staff("eddie", EDITOR)


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


def compare_url(item) -> str:
    return reverse(f"admin:{item._meta.app_label}_{item._meta.model_name}_compare", args=[item.pk])


def revert_url(item, record) -> str:
    return reverse(
        f"admin:{item._meta.app_label}_{item._meta.model_name}_revert", args=[item.pk, record.pk]
    )


def publish_change(item, reviewer, **changes) -> None:
    """Publish a new version of a published item the way the admin does: pending revision,
    submitted, published."""
    revision_save(item=item, data={**item_snapshot(item), **changes}, user=reviewer)
    item_submit(item=item, user=reviewer)
    item_publish(item=item, user=reviewer)


def latest_record(item, **filters):
    return item.history.filter(**filters).order_by("-history_date", "-history_id").first()


@time_machine.travel(datetime(2026, 3, 2, 9, 30, tzinfo=UTC), tick=False)
def test_it_records_who_changed_an_item_and_when(reviewer_client, reviewer):
    criterion = CriterionFactory(status=Status.DRAFT, version=0, paths=[CareerPathFactory()])
    url = reverse("admin:content_criterion_change", args=[criterion.pk])
    form = reviewer_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None and name != "paths"
    }
    data["paths"] = [path.pk for path in criterion.paths.all()]
    data["question"] = "Did the people you met feel right?"

    response = reviewer_client.post(url, data)

    assert response.status_code == 302
    record = latest_record(criterion)
    assert record.question == "Did the people you met feel right?"
    assert record.history_user == reviewer
    assert record.history_date == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_it_diffs_two_historical_versions(reviewer_client):
    criterion = CriterionFactory(question="Did the team feel right?", status=Status.DRAFT)
    first = latest_record(criterion)
    criterion.question = "Did the people feel right?"
    criterion.save()
    second = latest_record(criterion)

    response = reviewer_client.get(compare_url(criterion), {"a": first.pk, "b": second.pk})

    assert response.status_code == 200
    rows = {row.field: row for row in response.context["changes"]}
    assert list(rows) == ["question"]
    assert rows["question"].before == "Did the team feel right?"
    assert rows["question"].after == "Did the people feel right?"
    assert "<del>team</del> <ins>people</ins>" in response.content.decode()
    # Every version is offered on both sides, with the live row.
    values = [choice.value for choice in response.context["choices"]]
    assert values == ["live", str(second.pk), str(first.pk)]


def test_it_compares_the_latest_version_with_the_one_before_by_default(reviewer_client):
    criterion = CriterionFactory(question_to_ask="Can I meet the team?", status=Status.DRAFT)
    criterion.question_to_ask = "Can I meet the whole team?"
    criterion.save()

    response = reviewer_client.get(compare_url(criterion))

    assert [row.field for row in response.context["changes"]] == ["question to ask"]


def test_it_says_so_when_two_versions_are_the_same(reviewer_client):
    criterion = CriterionFactory()

    response = reviewer_client.get(compare_url(criterion), {"a": "live", "b": "live"})

    assert response.context["changes"] == []
    assert "No differences." in response.content.decode()


def test_it_diffs_the_live_version_against_the_pending_change(reviewer_client, reviewer):
    criterion = CriterionFactory(question="Did the people feel right?")
    revision_save(
        item=criterion,
        data={**item_snapshot(criterion), "question": "Did the people feel right to you?"},
        user=reviewer,
    )

    response = reviewer_client.get(compare_url(criterion))

    assert response.context["a"].value == "live"
    assert response.context["b"].value == "pending"
    [row] = response.context["changes"]
    assert (row.before, row.after) == (
        "Did the people feel right?",
        "Did the people feel right to you?",
    )
    assert "<del>right?</del> <ins>right to you?</ins>" in response.content.decode()


def test_it_answers_404_for_a_missing_item_or_version(reviewer_client):
    criterion = CriterionFactory()
    other = CriterionFactory()
    missing = reverse("admin:content_criterion_compare", args=[criterion.pk + 1000])

    assert reviewer_client.get(missing).status_code == 404
    assert reviewer_client.get(compare_url(criterion), {"a": "pending"}).status_code == 404
    other_record = latest_record(other)
    assert reviewer_client.get(compare_url(criterion), {"a": other_record.pk}).status_code == 404
    assert reviewer_client.get(revert_url(criterion, other_record)).status_code == 404


def test_it_links_each_version_on_the_history_page_to_compare_and_revert(reviewer_client):
    criterion = CriterionFactory()
    record = latest_record(criterion)

    response = reviewer_client.get(reverse("admin:content_criterion_history", args=[criterion.pk]))

    body = response.content.decode()
    assert f"{compare_url(criterion)}?a={record.pk}&amp;b=live" in body
    assert revert_url(criterion, record) in body


def test_it_turns_a_reviewers_revert_of_a_published_item_into_a_change_in_review(
    reviewer_client, reviewer
):
    item = AdviceItemFactory(body="Ask who your manager would be.")
    first = latest_record(item, version=1)
    publish_change(item, reviewer, body="Ask about the team.")
    assert item.version == 2

    confirm = reviewer_client.get(revert_url(item, first))
    assert confirm.status_code == 200
    [row] = confirm.context["changes"]
    assert (row.before, row.after) == ("Ask about the team.", "Ask who your manager would be.")

    response = reviewer_client.post(revert_url(item, first), follow=True)

    assert response.redirect_chain[-1][0] == reverse(
        "admin:content_adviceitem_change", args=[item.pk]
    )
    assert "that version is now a change in review" in response.content.decode()
    item.refresh_from_db()
    assert (item.body, item.version) == ("Ask about the team.", 2)
    revision = open_revision(item)
    assert revision.status == ContentRevision.Status.IN_REVIEW
    assert revision.data["body"] == "Ask who your manager would be."

    item_publish(item=item, user=reviewer)

    item.refresh_from_db()
    assert (item.body, item.version, item.status) == (
        "Ask who your manager would be.",
        3,
        Status.PUBLISHED,
    )


def test_it_reverts_a_draft_in_place_for_a_reviewer(reviewer_client, reviewer):
    item = AdviceItemFactory(body="First words.", status=Status.DRAFT, version=0)
    first = latest_record(item)
    item.body = "Second words."
    item.save()

    response = reviewer_client.post(revert_url(item, first))

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.body, item.status, item.version) == ("First words.", Status.DRAFT, 0)
    assert open_revision(item) is None
    assert latest_record(item).history_user == reviewer


def test_it_refuses_a_revert_by_an_editor(client, editor, reviewer):
    item = AdviceItemFactory(body="Ask who your manager would be.")
    first = latest_record(item, version=1)
    publish_change(item, reviewer, body="Ask about the team.")
    client.force_login(editor)

    confirm = client.get(revert_url(item, first))
    assert confirm.status_code == 200
    assert "Revert to this version" not in confirm.content.decode()

    response = client.post(revert_url(item, first))

    assert response.status_code == 403
    assert "Only reviewers can revert content." in response.content.decode()
    item.refresh_from_db()
    assert (item.body, item.version) == ("Ask about the team.", 2)
    assert open_revision(item) is None
    # An editor still reads the history and the diffs.
    assert client.get(compare_url(item)).status_code == 200


def test_it_restores_links_to_paths_and_tags_on_revert(reviewer_client, reviewer):
    phd, startup = CareerPathFactory(slug="phd-like"), CareerPathFactory(slug="startup-like")
    people, offers = TagFactory(slug="people"), TagFactory(slug="offers")
    item = AdviceItemFactory(paths=[phd], tags=[people, offers])
    first = latest_record(item, version=1)
    publish_change(item, reviewer, paths=["startup-like"], tags=[])
    assert set(item.tags.all()) == set()

    diff = reviewer_client.get(compare_url(item), {"a": first.pk, "b": "live"})
    assert {row.field for row in diff.context["changes"]} == {"paths", "tags"}

    reviewer_client.post(revert_url(item, first))
    item_publish(item=item, user=reviewer)

    item = AdviceItem.objects.get(pk=item.pk)
    assert set(item.paths.all()) == {phd}
    assert set(item.tags.all()) == {people, offers}
    assert startup not in item.paths.all()
    assert item.version == 3


def test_it_keeps_compare_and_revert_to_admin_users(client, alice):
    criterion = CriterionFactory()
    client.force_login(alice)

    assert client.get(compare_url(criterion)).status_code == 302
    client.post(revert_url(criterion, latest_record(criterion)))

    assert Criterion.objects.get(pk=criterion.pk).question == criterion.question
    assert not ContentRevision.objects.exists()
