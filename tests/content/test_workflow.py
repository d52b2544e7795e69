"""The editorial workflow: roles, states, pending revisions of published items, bulk steps."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from careers.content import selectors, workflow
from careers.content.models import AdviceItem, ContentRevision, Criterion, Status, Tip
from tests.admin_forms import change_form_data
from tests.factories import (
    AdviceItemFactory,
    CareerPathFactory,
    LearningPlanFactory,
    TagFactory,
    UserFactory,
)

ADVICE_ADMIN = "/admin/content/adviceitem/"


def change_url(item) -> str:
    return reverse(f"admin:{item._meta.app_label}_{item._meta.model_name}_change", args=[item.pk])


def step_url(item, step: str) -> str:
    return reverse(
        f"admin:{item._meta.app_label}_{item._meta.model_name}_workflow", args=[item.pk, step]
    )


@pytest.fixture
def live_item(db):
    path = CareerPathFactory(slug="startup")
    item = AdviceItemFactory(
        slug="meet-the-team", title="Meet the team", body="Ask to meet the people.", position=1
    )
    item.paths.set([path])
    item.tags.set([TagFactory(slug="people")])
    return item


# -- Roles -------------------------------------------------------------------------------------


def test_it_creates_both_roles_with_their_permissions_on_migrate(db):
    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    reviewer = set(
        Group.objects.get(name="Reviewer").permissions.values_list("codename", flat=True)
    )
    assert {"add_adviceitem", "change_adviceitem", "view_adviceitem"} <= editor
    assert "publish_content" not in editor
    assert "publish_content" in reviewer
    assert not any(codename.startswith("delete_") for codename in editor | reviewer)


def test_it_restores_permissions_taken_away_on_setup_roles(db):
    group = Group.objects.get(name="Reviewer")
    group.permissions.clear()
    call_command("setup_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert group.permissions.filter(codename="publish_content").exists()


@pytest.mark.parametrize(
    ("who", "changelist", "publish"),
    [
        ("editor", 200, False),
        ("reviewer", 200, True),
        ("staff_without_role", 403, False),
    ],
)
def test_it_grants_each_role_exactly_its_permissions(
    client, live_item, request, who, changelist, publish
):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(ADVICE_ADMIN).status_code == changelist
    assert workflow.can_publish(user) is publish


def test_it_shows_a_staff_user_in_no_group_no_content_in_the_admin(client, staff_without_role):
    client.force_login(staff_without_role)
    index = client.get("/admin/")
    assert index.status_code == 200
    assert "Advice items" not in index.content.decode()
    assert client.get("/admin/review/").status_code == 403


def test_it_keeps_normal_users_and_visitors_out_of_the_content_admin(client, alice, live_item):
    for url in (ADVICE_ADMIN, change_url(live_item), "/admin/review/"):
        assert "/admin/login/" in client.get(url)["Location"]
    client.force_login(alice)
    for url in (ADVICE_ADMIN, change_url(live_item), "/admin/review/"):
        assert "/admin/login/" in client.get(url)["Location"]


def test_it_lets_a_reviewer_publish_but_not_an_editor(client, editor, reviewer):
    item = AdviceItemFactory(status=Status.IN_REVIEW, version=0)
    client.force_login(editor)
    assert client.post(step_url(item, "publish")).status_code == 403
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW
    with pytest.raises(PermissionDenied):
        workflow.item_publish(item=item, user=editor)

    client.force_login(reviewer)
    client.post(step_url(item, "publish"))
    item.refresh_from_db()
    assert (item.status, item.version) == (Status.PUBLISHED, 1)


def test_it_gives_an_editor_a_403_page_for_a_reviewer_step(client, editor):
    item = AdviceItemFactory(status=Status.IN_REVIEW, version=0)
    client.force_login(editor)
    response = client.post(step_url(item, "archive"))
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW


def test_it_refuses_get_on_workflow_steps(client, reviewer):
    item = AdviceItemFactory(status=Status.IN_REVIEW, version=0)
    client.force_login(reviewer)
    assert client.get(step_url(item, "publish")).status_code == 405
    assert client.post(step_url(item, "explode")).status_code == 404


# -- States ------------------------------------------------------------------------------------


def test_it_starts_a_new_admin_item_as_a_hidden_draft(client, editor, db):
    client.force_login(editor)
    response = client.post(
        "/admin/content/adviceitem/add/",
        {
            "title": "Read two papers a week",
            "slug": "two-papers",
            "position": 1,
            "body": "A steady habit.",
            "citation_source": "interview",
            "citation_span": "14:15-15:03",
            "citation_licence": "own-words",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    item = AdviceItem.objects.get(slug="two-papers")
    assert (item.status, item.version) == (Status.DRAFT, 0)
    assert "Read two papers a week" not in Client().get("/advice/").content.decode()


def test_it_lets_only_published_items_reach_pages_api_and_scoring(client, db):
    for status in Status.values:
        AdviceItemFactory(title=f"Item {status}", status=status)
    page = client.get("/advice/").content.decode()
    api = client.get("/api/advice/").content.decode()
    for status in Status.values:
        assert (f"Item {status}" in page) is (status == Status.PUBLISHED)
        assert (f"Item {status}" in api) is (status == Status.PUBLISHED)
    assert {c.status for c in selectors.criterion_list()} <= {Status.PUBLISHED}


def test_it_takes_a_new_item_through_the_full_cycle(editor, reviewer):
    item = AdviceItemFactory(status=Status.DRAFT, version=0)
    workflow.item_submit(item=item, user=editor)
    assert item.status == Status.IN_REVIEW
    workflow.item_publish(item=item, user=reviewer)
    assert (item.status, item.version) == (Status.PUBLISHED, 1)
    workflow.item_archive(item=item, user=reviewer)
    assert item.status == Status.ARCHIVED
    workflow.item_restore(item=item, user=editor)
    assert item.status == Status.DRAFT
    item.refresh_from_db()
    assert item.status == Status.DRAFT


def test_it_says_why_a_step_does_not_apply(editor, reviewer):
    item = AdviceItemFactory(status=Status.DRAFT, version=0)
    with pytest.raises(workflow.WorkflowError, match="Only an item in review"):
        workflow.item_publish(item=item, user=reviewer)
    with pytest.raises(workflow.WorkflowError, match="Only an archived item"):
        workflow.item_restore(item=item, user=editor)
    with pytest.raises(workflow.WorkflowError, match="no pending change"):
        workflow.revision_withdraw(item=item, user=editor)


# -- Pending revisions -------------------------------------------------------------------------


def test_it_keeps_the_live_version_of_an_edited_item_until_a_reviewer_publishes(
    client, editor, reviewer, live_item
):
    visitor = Client()
    history_before = live_item.history.count()
    client.force_login(editor)
    data = change_form_data(client, change_url(live_item))
    data["title"] = "Meet the whole team"
    data["body"] = "Ask to meet every person you would work with."
    response = client.post(change_url(live_item), data)
    assert response.status_code == 302

    live_item.refresh_from_db()
    assert live_item.title == "Meet the team"
    assert live_item.version == 1
    revision = ContentRevision.objects.get(object_id=live_item.pk)
    assert revision.status == ContentRevision.Status.DRAFT
    assert revision.data["title"] == "Meet the whole team"
    assert revision.created_by == editor
    # Users still see the live version: page, API and the history has no new live row.
    assert "Meet the team" in visitor.get("/advice/").content.decode()
    assert "Meet the whole team" not in visitor.get("/advice/").content.decode()
    assert "Meet the whole team" not in visitor.get("/api/advice/").content.decode()
    assert live_item.history.count() == history_before

    # The editor reopens the form and sees their pending change, not the live text.
    assert change_form_data(client, change_url(live_item))["title"] == "Meet the whole team"

    client.post(step_url(live_item, "submit"))
    revision.refresh_from_db()
    assert revision.status == ContentRevision.Status.IN_REVIEW
    assert "Meet the whole team" not in visitor.get("/advice/").content.decode()

    client.force_login(reviewer)
    client.post(step_url(live_item, "publish"))
    live_item.refresh_from_db()
    revision.refresh_from_db()
    assert (live_item.title, live_item.version) == ("Meet the whole team", 2)
    assert revision.status == ContentRevision.Status.PUBLISHED
    assert revision.published_version == 2
    assert revision.decided_by == reviewer
    assert "Meet the whole team" in visitor.get("/advice/").content.decode()
    latest = live_item.history.first()
    assert (latest.history_user, latest.version) == (reviewer, 2)


def test_it_keeps_the_live_links_until_a_pending_change_is_published(
    client, editor, reviewer, live_item
):
    other = CareerPathFactory(slug="phd")
    client.force_login(editor)
    data = change_form_data(client, change_url(live_item))
    data["paths"] = [str(other.pk)]
    client.post(change_url(live_item), data)
    assert list(live_item.paths.values_list("slug", flat=True)) == ["startup"]
    workflow.item_submit(item=live_item, user=editor)
    workflow.item_publish(item=live_item, user=reviewer)
    assert list(live_item.paths.values_list("slug", flat=True)) == ["phd"]


def test_it_shows_errors_and_stores_nothing_for_an_invalid_change_to_a_live_item(
    client, editor, live_item
):
    client.force_login(editor)
    data = change_form_data(client, change_url(live_item))
    data["citation_span"] = "26:00-27:00"
    response = client.post(change_url(live_item), data)
    assert response.status_code == 200
    assert "outside the interview" in response.content.decode()
    assert not ContentRevision.objects.exists()
    live_item.refresh_from_db()
    assert live_item.citation_span == "24:00-24:17"


def test_it_refuses_an_unknown_licence_in_the_admin(client, editor, db):
    item = AdviceItemFactory(status=Status.DRAFT, version=0)
    client.force_login(editor)
    data = change_form_data(client, change_url(item))
    data["citation_licence"] = "all-rights-reserved"
    response = client.post(change_url(item), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    item.refresh_from_db()
    assert item.citation_licence == "own-words"


def test_it_drops_the_pending_change_when_the_live_text_is_saved_again(client, editor, live_item):
    client.force_login(editor)
    original = change_form_data(client, change_url(live_item))
    client.post(change_url(live_item), {**original, "title": "Changed"})
    assert ContentRevision.objects.filter(status="draft").count() == 1
    client.post(change_url(live_item), original)
    assert not ContentRevision.objects.filter(status__in=ContentRevision.OPEN).exists()


def test_it_edits_a_draft_in_place(client, editor):
    item = AdviceItemFactory(status=Status.DRAFT, version=0, title="Old")
    client.force_login(editor)
    data = change_form_data(client, change_url(item))
    client.post(change_url(item), {**data, "title": "New"})
    item.refresh_from_db()
    assert item.title == "New"
    assert not ContentRevision.objects.exists()


def test_it_refuses_to_publish_a_change_based_on_an_older_live_version(editor, reviewer, live_item):
    data = workflow.item_snapshot(live_item)
    workflow.revision_save(item=live_item, data={**data, "title": "Mine"}, user=editor)
    workflow.item_submit(item=live_item, user=editor)
    AdviceItem.objects.filter(pk=live_item.pk).update(version=5)  # published meanwhile
    with pytest.raises(workflow.WorkflowError, match="live version changed"):
        workflow.item_publish(item=live_item, user=reviewer)
    live_item.refresh_from_db()
    assert live_item.title == "Meet the team"


def test_it_drops_the_pending_change_and_hides_the_item_on_archiving(
    client, editor, reviewer, live_item
):
    data = workflow.item_snapshot(live_item)
    workflow.revision_save(item=live_item, data={**data, "title": "Mine"}, user=editor)
    workflow.item_archive(item=live_item, user=reviewer)
    assert ContentRevision.objects.get().status == ContentRevision.Status.WITHDRAWN
    assert "Meet the team" not in Client().get("/advice/").content.decode()


def test_it_keeps_a_published_editors_change_on_a_later_seed_load(
    seeded, editor, reviewer, tmp_path
):
    criterion = Criterion.objects.get(key="manager_known")
    data = workflow.item_snapshot(criterion)
    workflow.revision_save(
        item=criterion, data={**data, "question": "Who is my manager?"}, user=editor
    )
    workflow.item_submit(item=criterion, user=editor)
    workflow.item_publish(item=criterion, user=reviewer)
    out = tmp_path / "out"
    call_command("load_seeds", stdout=open("/dev/null", "w"))  # noqa: SIM115
    criterion.refresh_from_db()
    assert criterion.question == "Who is my manager?"
    call_command("export_seeds", "--output", str(out), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert "Who is my manager?" in (out / "criteria.yaml").read_text()


# -- Bulk actions, filters, dashboard ----------------------------------------------------------


def _action(client, action: str, items) -> None:
    client.post(
        ADVICE_ADMIN,
        {"action": action, "_selected_action": [str(item.pk) for item in items]},
        follow=True,
    )


def test_it_submits_publishes_and_archives_in_bulk(client, editor, reviewer):
    drafts = [AdviceItemFactory(status=Status.DRAFT, version=0) for _ in range(3)]
    client.force_login(editor)
    _action(client, "submit_selected", drafts)
    assert set(AdviceItem.objects.values_list("status", flat=True)) == {Status.IN_REVIEW}
    _action(client, "publish_selected", drafts)  # not offered to editors: refused
    assert set(AdviceItem.objects.values_list("status", flat=True)) == {Status.IN_REVIEW}

    client.force_login(reviewer)
    _action(client, "publish_selected", drafts[:2])
    assert AdviceItem.objects.filter(status=Status.PUBLISHED).count() == 2
    _action(client, "archive_selected", drafts)
    assert set(AdviceItem.objects.values_list("status", flat=True)) == {Status.ARCHIVED}


def test_it_reports_the_items_a_bulk_publish_skipped(client, reviewer):
    ready = AdviceItemFactory(status=Status.IN_REVIEW, version=0)
    draft = AdviceItemFactory(status=Status.DRAFT, version=0, title="Not ready")
    client.force_login(reviewer)
    response = client.post(
        ADVICE_ADMIN,
        {"action": "publish_selected", "_selected_action": [ready.pk, draft.pk]},
        follow=True,
    )
    text = response.content.decode()
    assert "1 item(s) published" in text
    assert "Not ready" in text
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_it_leaves_reviewer_steps_out_of_the_editor_actions(client, editor, reviewer, db):
    AdviceItemFactory()
    client.force_login(editor)
    choices = dict(client.get(ADVICE_ADMIN).context["action_form"].fields["action"].choices)
    assert "submit_selected" in choices
    assert "publish_selected" not in choices
    assert "archive_selected" not in choices
    client.force_login(reviewer)
    choices = dict(client.get(ADVICE_ADMIN).context["action_form"].fields["action"].choices)
    assert {"publish_selected", "archive_selected"} <= set(choices)


def test_it_filters_by_status_pending_change_and_review_due(client, editor, live_item, settings):
    settings.CITATION_REVIEW_DAYS = 30
    AdviceItemFactory(title="A draft", status=Status.DRAFT, version=0)
    AdviceItemFactory(title="Fresh", last_verified_on=timezone.localdate())
    data = workflow.item_snapshot(live_item)
    workflow.revision_save(item=live_item, data={**data, "title": "Renamed"}, user=editor)
    client.force_login(editor)

    def titles(**params) -> set[str]:
        response = client.get(ADVICE_ADMIN, params)
        return {str(obj) for obj in response.context["cl"].result_list}

    assert titles(status__exact="draft") == {"A draft"}
    assert titles(pending="draft") == {"Meet the team"}
    assert titles(review_due="yes") == {"Meet the team", "A draft"}
    assert titles(review_due="no") == {"Fresh"}
    assert titles(q="team") == {"Meet the team"}


def test_it_lists_what_awaits_review_and_what_is_due_on_the_dashboard(
    client, editor, reviewer, live_item
):
    AdviceItemFactory(title="New in review", status=Status.IN_REVIEW, version=0)
    Tip.objects.create(
        key="old-tip",
        text="Old",
        citation_span="14:15-15:03",
        status=Status.PUBLISHED,
        version=1,
        last_verified_on=datetime.date(2020, 1, 1),
    )
    data = workflow.item_snapshot(live_item)
    workflow.revision_save(item=live_item, data={**data, "title": "Renamed"}, user=editor)
    workflow.item_submit(item=live_item, user=editor)
    client.force_login(reviewer)
    page = client.get("/admin/review/")
    sections = {section.title: section for section in page.context["sections"]}
    awaiting = {entry.label for entry in sections["Awaiting review"].entries}
    due = {entry.label for entry in sections["Due for re-verification"].entries}
    assert awaiting == {"New in review", "Meet the team"}
    assert "old-tip" in due
    index = client.get("/admin/").content.decode()
    assert "2 awaiting review" in index


def test_it_marks_a_citation_verified(client, editor, live_item):
    client.force_login(editor)
    client.post(step_url(live_item, "verify"))
    live_item.refresh_from_db()
    assert live_item.last_verified_on == timezone.localdate()
    assert live_item.status == Status.PUBLISHED


def test_it_sorts_the_advice_list_by_what_users_found_helpful(client, editor, alice, charlie):
    from careers.content.feedback import advice_feedback_set, advice_shown

    liked = AdviceItemFactory(title="Liked")
    shown = AdviceItemFactory(title="Shown a lot")
    advice_feedback_set(user=alice, item=liked, helpful=True)
    advice_feedback_set(user=charlie, item=liked, helpful=True)
    advice_shown(item_ids=[shown.pk] * 3, where="results")
    client.force_login(editor)
    columns = client.get(ADVICE_ADMIN).context["cl"].list_display

    def by(column: str):
        return client.get(ADVICE_ADMIN, {"o": f"-{columns.index(column)}"})  # descending

    response = by("helpful_yes")
    rows = list(response.context["cl"].result_list)
    assert [str(row) for row in rows][:1] == ["Liked"]
    assert (rows[0].helpful_yes, rows[0].helpful_no) == (2, 0)
    response = by("shown_in_results")
    first = response.context["cl"].result_list[0]
    assert (str(first), first.shown_in_results) == ("Shown a lot", 3)


def test_it_keeps_check_ins_pointing_at_their_steps_when_a_track_change_is_published(
    seeded, alice, editor, reviewer
):
    from careers.content.models import LearningTrack
    from careers.plans.schedule import week_start
    from careers.plans.services import checkin_upsert

    track = LearningTrack.objects.get()
    plan = LearningPlanFactory(owner=alice, track=track)
    step = track.project_steps.first()
    checkin = checkin_upsert(plan=plan, week=week_start(plan.start_date), project_step=step)

    data = workflow.item_snapshot(track)
    data["project_steps"][0]["title"] = "Start with MNIST digits"
    data["project_steps"].append({"title": "Write it up", "description": ""})
    data["prerequisites"].reverse()
    workflow.revision_save(item=track, data=data, user=editor)
    workflow.item_submit(item=track, user=editor)
    workflow.item_publish(item=track, user=reviewer)

    checkin.refresh_from_db()
    assert checkin.project_step_id == step.pk
    assert checkin.project_step.title == "Start with MNIST digits"
    assert track.project_steps.count() == len(data["project_steps"])
    assert [p["key"] for p in workflow.item_snapshot(track)["prerequisites"]] == [
        p["key"] for p in data["prerequisites"]
    ]


def test_it_shows_the_live_form_when_a_pending_change_no_longer_applies(client, editor, live_item):
    data = workflow.item_snapshot(live_item)
    workflow.revision_save(
        item=live_item, data={**data, "title": "Mine", "paths": ["gone"]}, user=editor
    )
    client.force_login(editor)
    response = client.get(change_url(live_item))
    assert response.status_code == 200
    assert response.context["adminform"].form["title"].value() == "Meet the team"
    assert "no longer applies" in response.content.decode()


# -- Guards against unreviewed and lost changes ------------------------------------------------


def test_it_refuses_writes_from_the_per_version_history_page(client, editor, live_item):
    record = live_item.history.first()
    client.force_login(editor)
    url = reverse("admin:content_adviceitem_simple_history", args=[live_item.pk, record.history_id])
    assert client.get(url).status_code == 200
    data = change_form_data(client, change_url(live_item))
    response = client.post(url, {**data, "title": "Straight to live"})
    assert response.status_code == 405
    live_item.refresh_from_db()
    assert live_item.title == "Meet the team"


def test_it_sends_an_item_in_review_back_to_draft_when_edited(client, editor):
    item = AdviceItemFactory(status=Status.IN_REVIEW, version=0, title="Submitted")
    client.force_login(editor)
    data = change_form_data(client, change_url(item))
    client.post(change_url(item), {**data, "title": "Swapped after submitting"})
    item.refresh_from_db()
    assert (item.title, item.status) == ("Swapped after submitting", Status.DRAFT)


def test_it_sends_a_pending_change_in_review_back_to_draft_when_changed(editor, live_item):
    data = workflow.item_snapshot(live_item)
    workflow.revision_save(item=live_item, data={**data, "title": "First"}, user=editor)
    workflow.item_submit(item=live_item, user=editor)
    revision = workflow.revision_save(item=live_item, data={**data, "title": "Second"}, user=editor)
    assert revision.status == ContentRevision.Status.DRAFT


def test_it_refuses_to_publish_content_other_than_what_the_reviewer_saw(
    client, editor, reviewer, live_item
):
    data = workflow.item_snapshot(live_item)
    workflow.revision_save(item=live_item, data={**data, "title": "Seen"}, user=editor)
    workflow.item_submit(item=live_item, user=editor)
    client.force_login(reviewer)
    seen = client.get(change_url(live_item)).context["workflow"]["seen"]
    # The editor swaps the text and submits again while the reviewer reads.
    workflow.revision_save(item=live_item, data={**data, "title": "Swapped"}, user=editor)
    workflow.item_submit(item=live_item, user=editor)
    response = client.post(step_url(live_item, "publish"), {"seen": seen}, follow=True)
    assert "changed since you opened it" in response.content.decode()
    live_item.refresh_from_db()
    assert live_item.title == "Meet the team"


def test_it_keeps_a_form_opened_before_another_change_was_published_from_undoing_it(
    client, editor, reviewer, live_item
):
    client.force_login(editor)
    stale_form = change_form_data(client, change_url(live_item))  # version 1
    data = workflow.item_snapshot(live_item)
    workflow.revision_save(item=live_item, data={**data, "title": "Published first"}, user=reviewer)
    workflow.item_submit(item=live_item, user=reviewer)
    workflow.item_publish(item=live_item, user=reviewer)

    client.post(change_url(live_item), {**stale_form, "body": "Edited from the old form."})
    revision = workflow.open_revision(live_item)
    assert revision.base_version == 1
    workflow.item_submit(item=live_item, user=editor)
    with pytest.raises(workflow.WorkflowError, match="live version changed"):
        workflow.item_publish(item=live_item, user=reviewer)
    live_item.refresh_from_db()
    assert live_item.title == "Published first"

    # Saving it again from a fresh form rebases it, and then it can be published.
    fresh = change_form_data(client, change_url(live_item))
    client.post(change_url(live_item), {**fresh, "title": "Published first"})
    workflow.item_submit(item=live_item, user=editor)
    workflow.item_publish(item=live_item, user=reviewer)
    live_item.refresh_from_db()
    assert (live_item.title, live_item.body) == ("Published first", "Edited from the old form.")


def test_it_keeps_both_when_two_editors_save_the_same_pending_change(client, editor, live_item):
    other = UserFactory(username="otto", is_staff=True, roles=["Editor"])
    data = workflow.item_snapshot(live_item)
    workflow.revision_save(item=live_item, data={**data, "title": "Draft"}, user=editor)
    client.force_login(editor)
    mine = change_form_data(client, change_url(live_item))
    workflow.revision_save(
        item=live_item,
        data={**data, "title": "Otto's"},
        user=other,
        token=workflow.edit_token(live_item, workflow.open_revision(live_item)),
    )
    client.post(change_url(live_item), {**mine, "title": "Edna's"})
    revisions = ContentRevision.objects.filter(object_id=live_item.pk)
    assert {(r.data["title"], r.status) for r in revisions} == {
        ("Otto's", ContentRevision.Status.WITHDRAWN),
        ("Edna's", ContentRevision.Status.DRAFT),
    }


def test_it_leaves_a_re_verified_seed_item_to_the_seed_loader(seeded, editor, settings):
    from careers.content.seeds import seeds_load

    criterion = Criterion.objects.get(key="manager_known")
    workflow.item_mark_verified(item=criterion, user=editor, on=datetime.date(2027, 3, 1))
    report = seeds_load(directory=settings.BASE_DIR / "seeds")
    assert ("criteria.yaml", "manager_known") not in report.kept


def test_it_lets_reviewers_change_tags_but_not_editors(client, editor, reviewer, db):
    client.force_login(editor)
    assert client.get("/admin/content/tag/add/").status_code == 403
    assert client.get("/admin/content/tag/").status_code == 200
    client.force_login(reviewer)
    assert client.get("/admin/content/tag/add/").status_code == 200


def test_it_records_a_published_change_once_with_its_links_and_children(seeded, editor, reviewer):
    from careers.content.models import LearningTrack

    item = AdviceItem.objects.exclude(paths=None).first()
    data = workflow.item_snapshot(item)
    data["paths"] = ["startup"]
    workflow.revision_save(item=item, data=data, user=editor)
    workflow.item_submit(item=item, user=editor)
    workflow.item_publish(item=item, user=reviewer)
    record = item.history.first()
    assert record.version == item.version
    assert workflow.record_snapshot(record)["paths"] == ["startup"]

    track = LearningTrack.objects.get()
    data = workflow.item_snapshot(track)
    data["courses"][0]["title"] = "Renamed course"
    workflow.revision_save(item=track, data=data, user=editor)
    workflow.item_submit(item=track, user=editor)
    workflow.item_publish(item=track, user=reviewer)
    assert workflow.record_snapshot(track.history.first())["courses"][0]["title"] == (
        "Renamed course"
    )
