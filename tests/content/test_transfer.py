import csv
import io
import json
from pathlib import Path

import pytest
import time_machine
import yaml
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from careers.content import workflow
from careers.content.admin.imports import ImportExportMixin
from careers.content.models import (
    AdviceItem,
    CareerPath,
    ContentRevision,
    LearningTrack,
    Status,
    Tag,
)
from careers.content.roles import EDITOR, REVIEWER
from careers.content.seeds import seeds_export
from careers.content.snapshots import CONTENT_SPECS, spec_for
from careers.content.transfer import (
    MAX_IMPORT_BYTES,
    ImportFileError,
    ImportRefused,
    RowAction,
    content_export,
    content_import_apply,
    content_import_preview,
    content_parse,
)
from tests.factories import UserFactory

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
CONTENT_MODELS = [spec.model for spec in CONTENT_SPECS]
FORMATS = ["yaml", "csv", "json"]


def _user(username: str, group: str | None):
    return UserFactory(username=username, is_staff=True, roles=[group] if group else [])


@pytest.fixture
def erin(db):
    """An editor."""
    return _user("erin", EDITOR)


@pytest.fixture
def rita(db):
    """A reviewer."""
    return _user("rita", REVIEWER)


@pytest.fixture
def stan(db):
    """Staff, but in neither role."""
    return _user("stan", None)


def _url(model, name: str) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}")


def _upload(client, model, name: str, content: bytes | str, fmt: str = ""):
    if isinstance(content, str):
        content = content.encode("utf-8")
    return client.post(
        _url(model, "import"),
        {"file": SimpleUploadedFile(name, content), "format": fmt},
    )


def _state(model, item=None) -> dict:
    """Everything an import could write, to compare before and after."""
    state = {
        "rows": model.objects.count(),
        "history": model.history.count(),
        "revisions": ContentRevision.objects.count(),
    }
    if item is not None:
        item.refresh_from_db()
        state["title"] = item.title
        state["status"] = item.status
        state["version"] = item.version
    return state


def _advice_yaml(*items: dict) -> str:
    return yaml.safe_dump({"advice": list(items)}, sort_keys=False)


@pytest.fixture
def advice_items(seeded):
    """Two seeded advice items: one published, one turned back into a draft."""
    live = AdviceItem.objects.published().order_by("position").first()
    draft = AdviceItem.objects.published().order_by("position").last()
    draft.status = Status.DRAFT
    draft.save()
    return live, draft


def _file_changing(live, draft) -> str:
    live_data = workflow.item_snapshot(live)
    draft_data = workflow.item_snapshot(draft)
    for data in (live_data, draft_data):
        data.pop("position")
        data.pop("status")
    live_data["title"] = "People first, logo second"
    draft_data["body"] = draft_data["body"] + "\n\nA new closing line."
    new = {
        "slug": "brand-new-advice",
        "title": "Brand new advice",
        "body": "Meet the team **before** you sign.",
        "paths": ["phd"],
        "status": "published",
        "citation": {"span": "23:30-24:00"},
    }
    return _advice_yaml(live_data, draft_data, new)


# -- The admin is wired up ----------------------------------------------------------------------


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m._meta.model_name)
def test_it_mixes_import_and_export_into_every_content_admin(model):
    assert isinstance(admin.site._registry[model], ImportExportMixin)


def test_it_shows_import_and_export_on_the_list(client, erin, seeded):
    client.force_login(erin)
    response = client.get(_url(AdviceItem, "changelist"), {"status__exact": "draft"})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{_url(AdviceItem, "import")}"' in page
    assert f"{_url(AdviceItem, 'export')}?format=csv&amp;status=draft" in page
    assert "Export YAML" in page
    assert "Export JSON" in page


# -- Export ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m._meta.model_name)
def test_it_exports_yaml_in_the_seed_file_form(seeded, tmp_path, model):
    spec = spec_for(model)
    seeds_export(directory=tmp_path)
    seed_file = yaml.safe_load((tmp_path / spec.file).read_text(encoding="utf-8"))
    exported = content_export(model=model, queryset=model.objects.all(), fmt="yaml")
    assert yaml.safe_load(exported) == {spec.section: seed_file[spec.section]}
    if len(seed_file) == 1:
        assert exported == (tmp_path / spec.file).read_bytes()


def test_it_exports_the_status_of_unpublished_items_only(seeded):
    item = AdviceItem.objects.order_by("position").first()
    item.status = Status.IN_REVIEW
    item.save()
    items = yaml.safe_load(
        content_export(model=AdviceItem, queryset=AdviceItem.objects.all(), fmt="yaml")
    )["advice"]
    statuses = {entry["slug"]: entry.get("status") for entry in items}
    assert statuses[item.slug] == "in_review"
    assert {value for slug, value in statuses.items() if slug != item.slug} == {None}


@time_machine.travel("2026-11-26 12:00:00Z")
def test_it_downloads_an_export_named_after_the_section_and_day(client, erin, seeded):
    draft = AdviceItem.objects.order_by("position").first()
    draft.status = Status.DRAFT
    draft.save()
    client.force_login(erin)
    response = client.get(_url(AdviceItem, "export"), {"format": "json", "status": "draft"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="advice-2026-11-26.json"'
    assert [item["slug"] for item in json.loads(response.content)["advice"]] == [draft.slug]

    response = client.get(_url(CareerPath, "export"), {"format": "yaml"})
    assert 'filename="paths-2026-11-26.yaml"' in response["Content-Disposition"]
    assert yaml.safe_load(response.content) == yaml.safe_load((SEEDS / "paths.yaml").read_text())


def test_it_refuses_an_unknown_export_format_or_status(client, erin, seeded):
    client.force_login(erin)
    assert client.get(_url(AdviceItem, "export"), {"format": "xlsx"}).status_code == 400
    assert client.get(_url(AdviceItem, "export"), {"status": "secret"}).status_code == 400


def test_it_exports_the_selected_items_as_an_admin_action(client, erin, seeded):
    client.force_login(erin)
    chosen = list(CareerPath.objects.order_by("slug")[:2])
    response = client.post(
        _url(CareerPath, "changelist"),
        {"action": "export_selected_csv", "_selected_action": [path.pk for path in chosen]},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="paths-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(row["slug"] for row in rows) == [path.slug for path in chosen]


# -- Round trips ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m._meta.model_name)
def test_it_reads_its_own_export_back_as_unchanged(seeded, rita, model, fmt):
    if spec_for(model).cited:
        # One unpublished item, so the status travels through the file too.
        item = model.objects.order_by("pk").last()
        item.status = Status.ARCHIVED
        item.save()
    data = content_export(model=model, queryset=model.objects.all(), fmt=fmt)
    rows = content_parse(model=model, fmt=fmt, data=data)
    preview = content_import_preview(model=model, rows=rows, user=rita)
    assert len(preview.rows) == model.objects.count()
    assert {row.action for row in preview.rows} == {RowAction.UNCHANGED}, [
        (row.key, row.errors, row.changes) for row in preview.rows
    ]
    assert not any(row.notes for row in preview.rows)


def test_it_reads_an_export_back_as_unchanged_through_the_admin(client, rita, seeded):
    client.force_login(rita)
    exported = client.get(_url(LearningTrack, "export"), {"format": "csv"}).content
    response = _upload(client, LearningTrack, "tracks.csv", exported)
    assert response.status_code == 200
    assert response.context["preview"].counts[RowAction.UNCHANGED] == 1
    assert "nothing to import" in response.content.decode()
    assert "Confirm import" not in response.content.decode()


def test_it_keeps_positions_when_importing_part_of_a_list(seeded, rita):
    last = CareerPath.objects.order_by("position").last()
    data = content_export(
        model=CareerPath, queryset=CareerPath.objects.filter(pk=last.pk), fmt="yaml"
    )
    preview = content_import_preview(
        model=CareerPath, rows=content_parse(model=CareerPath, fmt="yaml", data=data), user=rita
    )
    assert [row.action for row in preview.rows] == [RowAction.UNCHANGED]


# -- CSV ------------------------------------------------------------------------------------------


def test_it_guards_csv_cells_against_formulas_and_reads_them_back(seeded, rita):
    item = AdviceItem.objects.order_by("position").first()
    item.title = '=HYPERLINK("http://evil.example","click")'
    item.body = "- a Markdown list\n- that starts with a dash"
    item.citation_source = "'quoted' source"
    item.save()
    data = content_export(
        model=AdviceItem, queryset=AdviceItem.objects.filter(pk=item.pk), fmt="csv"
    )
    assert data.startswith(b"\xef\xbb\xbf")
    row = next(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert row["title"] == "'" + item.title
    assert row["body"].startswith("'- a Markdown list")
    assert row["citation_source"] == "''quoted' source"

    rows = content_parse(model=AdviceItem, fmt="csv", data=data)
    assert rows[0]["title"] == item.title
    assert rows[0]["citation"]["source"] == "'quoted' source"
    preview = content_import_preview(model=AdviceItem, rows=rows, user=rita)
    assert preview.rows[0].action == RowAction.UNCHANGED


def test_it_reads_a_hand_written_csv(seeded, rita):
    text = (
        "slug,title,body,paths,tags,citation_span,status\r\n"
        "meet-the-team,Meet the team,Ask to meet them.,phd; research-lab,,23:30-24:00,published\r\n"
    )
    rows = content_parse(model=AdviceItem, fmt="csv", data=text.encode())
    assert rows == [
        {
            "slug": "meet-the-team",
            "title": "Meet the team",
            "body": "Ask to meet them.",
            "paths": ["phd", "research-lab"],
            "status": "published",
            "citation": {"span": "23:30-24:00"},
        }
    ]
    row = content_import_preview(model=AdviceItem, rows=rows, user=rita).rows[0]
    assert row.action == RowAction.CREATE
    assert "starts as 'draft'" in row.notes[0]


# -- Preview and confirm through the admin --------------------------------------------------------


def test_it_previews_without_writing_anything(client, rita, advice_items):
    live, draft = advice_items
    before = _state(AdviceItem, live)
    draft_before = _state(AdviceItem, draft)
    client.force_login(rita)

    response = _upload(client, AdviceItem, "advice.yaml", _file_changing(live, draft))

    assert response.status_code == 200
    assert _state(AdviceItem, live) == before
    assert _state(AdviceItem, draft) == draft_before
    assert not AdviceItem.objects.filter(slug="brand-new-advice").exists()
    page = response.content.decode()
    assert "create as a draft" in page
    assert "change as a pending revision" in page
    assert "<ins>People first, logo second</ins>" in page or "<ins>People" in page
    assert "Confirm import" in page
    counts = response.context["preview"].counts
    assert (counts["create"], counts["change"], counts["pending"]) == (1, 1, 1)


def test_it_applies_a_confirmed_import_through_the_workflow(client, erin, advice_items):
    live, draft = advice_items
    live_title, live_version = live.title, live.version
    draft_version, draft_history = draft.version, draft.history.count()
    client.force_login(erin)
    preview = _upload(client, AdviceItem, "advice.yaml", _file_changing(live, draft))

    response = client.post(_url(AdviceItem, "import"), {"payload": preview.context["payload"]})

    assert response.status_code == 302
    assert response["Location"] == _url(AdviceItem, "changelist")
    new = AdviceItem.objects.get(slug="brand-new-advice")
    assert (new.status, new.version) == (Status.DRAFT, 0)
    assert [path.slug for path in new.paths.all()] == ["phd"]
    assert new.history.earliest().history_user == erin
    # The live row of the published item is untouched; its change waits for review.
    live.refresh_from_db()
    assert (live.title, live.version, live.status) == (live_title, live_version, Status.PUBLISHED)
    revision = workflow.open_revision(live)
    assert revision.data["title"] == "People first, logo second"
    assert revision.created_by == erin
    assert revision.base_version == live_version
    # A draft is nobody's live version: changed in place, still a draft.
    draft.refresh_from_db()
    assert draft.body.endswith("A new closing line.")
    assert (draft.status, draft.version) == (Status.DRAFT, draft_version)
    assert draft.history.count() > draft_history
    assert draft.history.latest().history_user == erin
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "1 created as drafts, 1 changed in place, 1 kept as pending changes" in messages[0]


def test_it_compares_with_the_pending_change_of_a_published_item(seeded, erin):
    live = AdviceItem.objects.published().first()
    pending = workflow.item_snapshot(live) | {"title": "A pending title"}
    workflow.revision_save(item=live, data=pending, user=erin)
    row = {key: value for key, value in pending.items() if key not in ("position", "status")}

    same = content_import_preview(model=AdviceItem, rows=[row], user=erin).rows[0]
    assert same.action == RowAction.UNCHANGED

    row["title"] = "Another title"
    other = content_import_preview(model=AdviceItem, rows=[row], user=erin).rows[0]
    assert other.action == RowAction.PENDING
    assert other.compared_with == "the pending change"
    assert [(c.field, c.before, c.after) for c in other.changes] == [
        ("title", "A pending title", "Another title")
    ]


def test_it_never_applies_the_status_in_the_file(seeded, erin):
    draft = AdviceItem.objects.first()
    draft.status = Status.DRAFT
    draft.save()
    row = workflow.item_snapshot(draft) | {"status": "published", "title": "Changed"}
    row.pop("position")
    content_import_apply(model=AdviceItem, rows=[row], user=erin)
    draft.refresh_from_db()
    assert (draft.status, draft.title) == (Status.DRAFT, "Changed")


def test_it_lets_only_reviewers_import_tags_and_changes_them_in_place(seeded, erin, reviewer):
    tag = Tag.objects.get(slug="people")
    rows = [
        {"slug": "people", "name": "People you work with", "kind": "topic"},
        {"slug": "interviews", "name": "Interviews"},
    ]
    # Tags have no review step, so editors may not change them.
    with pytest.raises(PermissionDenied):
        content_import_apply(model=Tag, rows=rows, user=erin)
    assert not Tag.objects.filter(slug="interviews").exists()
    erin = reviewer
    preview = content_import_preview(model=Tag, rows=rows, user=erin)
    assert [row.action for row in preview.rows] == [RowAction.CHANGE, RowAction.CREATE]
    result = content_import_apply(model=Tag, rows=rows, user=erin)
    assert (result.created, result.changed) == (1, 1)
    tag.refresh_from_db()
    assert tag.name == "People you work with"
    created = Tag.objects.get(slug="interviews")
    assert created.kind == "topic"
    assert created.history.get().history_user == erin
    assert tag.history.latest().history_change_reason == "Imported from a file"


def test_it_updates_a_draft_tracks_courses_from_csv(seeded, erin):
    track = LearningTrack.objects.get()
    track.status = Status.DRAFT
    track.save()
    data = content_export(model=LearningTrack, queryset=LearningTrack.objects.all(), fmt="csv")
    text = data.decode("utf-8-sig").replace('"weeks_share"": 4', '"weeks_share"": 5', 1)
    rows = content_parse(model=LearningTrack, fmt="csv", data=text.encode())
    result = content_import_apply(model=LearningTrack, rows=rows, user=erin)
    assert result.changed == 1
    assert track.courses.order_by("position").first().weeks_share == 5


# -- Errors ---------------------------------------------------------------------------------------


def test_it_refuses_the_whole_import_when_a_row_has_an_error(client, rita, advice_items):
    live, _draft = advice_items
    before = _state(AdviceItem, live)
    good = {"slug": "fine", "title": "Fine", "body": "Fine.", "citation": {"span": "23:30-24:00"}}
    bad = good | {"slug": "broken", "paths": ["no-such-path"]}
    client.force_login(rita)

    response = _upload(client, AdviceItem, "advice.yaml", _advice_yaml(good, bad))

    page = response.content.decode()
    assert "advice item &#x27;broken&#x27;: paths: no career path no-such-path" in page
    assert "Confirm import" not in page
    with pytest.raises(ImportRefused):
        content_import_apply(model=AdviceItem, rows=[good, bad], user=rita)
    assert _state(AdviceItem, live) == before
    assert not AdviceItem.objects.filter(slug="fine").exists()


def test_it_names_a_key_repeated_in_the_file(seeded, rita):
    row = {"slug": "twice", "title": "Twice", "body": ".", "citation": {"span": "23:30-24:00"}}
    preview = content_import_preview(model=AdviceItem, rows=[row, row], user=rita)
    assert [r.action for r in preview.rows] == [RowAction.CREATE, RowAction.ERROR]
    assert "appears twice in the file (first in row 1)" in preview.rows[1].errors[0]


def test_it_refuses_a_tampered_confirmation(client, rita, advice_items):
    live, draft = advice_items
    before = _state(AdviceItem, live)
    client.force_login(rita)
    payload = _upload(client, AdviceItem, "advice.yaml", _file_changing(live, draft)).context[
        "payload"
    ]
    tampered = payload[:-3] + ("AAA" if not payload.endswith("AAA") else "BBB")

    response = client.post(_url(AdviceItem, "import"), {"payload": tampered})
    assert response.status_code == 400
    assert "altered" in response.content.decode()
    # A genuine confirmation is only good on the page it was made for.
    response = client.post(_url(CareerPath, "import"), {"payload": payload})
    assert response.status_code == 400
    assert _state(AdviceItem, live) == before
    assert not AdviceItem.objects.filter(slug="brand-new-advice").exists()


def test_it_shows_a_new_preview_when_the_content_changed_after_the_first(
    client, rita, advice_items
):
    live, draft = advice_items
    client.force_login(rita)
    payload = _upload(client, AdviceItem, "advice.yaml", _file_changing(live, draft)).context[
        "payload"
    ]
    draft.title = "Someone else edited this meanwhile"
    draft.save()

    response = client.post(_url(AdviceItem, "import"), {"payload": payload})

    assert response.status_code == 200
    assert "changed since your preview" in response.content.decode()
    assert not AdviceItem.objects.filter(slug="brand-new-advice").exists()
    assert workflow.open_revision(live) is None


# Nine levels of nine aliases: a few hundred bytes that expand to 9**9 strings.
BILLION_LAUGHS = """\
a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
advice: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("advice.yaml", b"\xff\xfe\x00bad", "not UTF-8"),
        ("advice.yaml", "advice: [unclosed", "Not valid YAML"),
        ("advice.yaml", BILLION_LAUGHS, "expands to far more content"),
        ("advice.json", '{"advice": [', "Not valid JSON"),
        ("advice.json", '{"tips": []}', "no &#x27;advice&#x27; section"),
        ("advice.json", '{"advice": ["just text"]}', "is not a mapping"),
        ("advice.csv", "title,body\r\nA,B\r\n", "no &#x27;slug&#x27; column"),
        ("advice.csv", "slug,colour\r\na,red\r\n", "Unknown column(s) colour"),
        ("advice.csv", "", "empty"),
        ("advice.txt", "advice: []", "does not say the format"),
        ("advice.yaml", b"#" * (MAX_IMPORT_BYTES + 1), "the limit is 2 MB"),
    ],
)
def test_it_explains_a_bad_file_instead_of_failing(client, erin, seeded, name, content, message):
    client.force_login(erin)
    before = _state(AdviceItem)
    response = _upload(client, AdviceItem, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Confirm import" not in response.content.decode()
    assert _state(AdviceItem) == before


def test_it_caps_the_number_of_rows(seeded):
    text = "slug\r\n" + "".join(f"item-{n}\r\n" for n in range(5001))
    with pytest.raises(ImportFileError, match="more than 5000 rows"):
        content_parse(model=AdviceItem, fmt="csv", data=text.encode())


# -- Permissions ----------------------------------------------------------------------------------


def test_it_lets_staff_outside_the_roles_neither_import_nor_export(client, stan, seeded):
    client.force_login(stan)
    assert client.get(_url(AdviceItem, "import")).status_code == 403
    assert _upload(client, AdviceItem, "advice.yaml", "advice: []").status_code == 403
    assert client.get(_url(AdviceItem, "export")).status_code == 403
    with pytest.raises(PermissionDenied):
        content_import_preview(model=AdviceItem, rows=[], user=stan)


def test_it_lets_viewers_export_but_not_import(client, stan, seeded):
    stan.user_permissions.add(Permission.objects.get(codename="view_adviceitem"))
    client.force_login(stan)
    assert client.get(_url(AdviceItem, "export"), {"format": "csv"}).status_code == 200
    assert client.get(_url(AdviceItem, "import")).status_code == 403
    page = client.get(_url(AdviceItem, "changelist")).content.decode()
    assert "Export CSV" in page
    assert f'href="{_url(AdviceItem, "import")}"' not in page


def test_it_gives_editors_the_upload_form(client, erin, seeded):
    client.force_login(erin)
    response = client.get(_url(AdviceItem, "import"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "csrfmiddlewaretoken" in page
