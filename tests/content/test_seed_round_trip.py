"""The seed files are what the exporter writes: a freshly seeded knowledge base exports
seeds/ byte for byte, so an editor's change exported shows in a diff as exactly that change."""

import difflib
from io import StringIO
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from careers.content.models import AdviceItem, Criterion, Tag
from careers.content.snapshots import export_form, spec_for, yaml_dump
from tests.admin_forms import change_form_data

SEEDS = Path(settings.BASE_DIR) / "seeds"
SEED_FILES = sorted(path.name for path in SEEDS.glob("*.yaml"))
DIFF_LINES_SHOWN = 60


def export(directory: Path) -> dict[str, str]:
    call_command("export_seeds", output=directory, stdout=StringIO())
    return {path.name: path.read_text(encoding="utf-8") for path in directory.glob("*.yaml")}


def committed(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def changed_lines(before: str, after: str) -> set[tuple[str, str]]:
    """The lines ``after`` removes from ``before`` ("-") and adds ("+")."""
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm="")
    return {
        (line[0], line[1:])
        for line in diff
        if line[:1] in "+-" and not line.startswith(("---", "+++"))
    }


def first_difference(expected: dict[str, str], actual: dict[str, str]) -> str:
    for name, text in expected.items():
        if actual.get(name) != text:
            diff = list(
                difflib.unified_diff(
                    text.splitlines(),
                    actual.get(name, "").splitlines(),
                    f"seeds/{name}",
                    f"exported {name}",
                    lineterm="",
                )
            )
            shown = "\n".join(diff[:DIFF_LINES_SHOWN])
            more = len(diff) - DIFF_LINES_SHOWN
            return shown + (f"\n... {more} more diff line(s)" if more > 0 else "")
    return ""


def admin_url(item, view: str, *args) -> str:
    meta = item._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


def test_it_exports_a_freshly_seeded_knowledge_base_as_the_committed_files(db, tmp_path):
    call_command("load_seeds", stdout=StringIO())
    exported = export(tmp_path)
    assert sorted(exported) == SEED_FILES
    files = {name: committed(name) for name in SEED_FILES}
    assert exported == files, first_difference(files, exported)


def test_it_exports_an_editors_change_as_only_the_lines_of_that_change(
    client, seeded, editor, reviewer, tmp_path
):
    criterion = Criterion.objects.get(key="manager_known")
    old_question = criterion.question_to_ask
    new_question = "Who exactly would I report to, and could we talk this week?"
    client.force_login(editor)
    data = change_form_data(client, admin_url(criterion, "change", criterion.pk))
    data["question_to_ask"] = new_question
    assert client.post(admin_url(criterion, "change", criterion.pk), data).status_code == 302
    client.post(admin_url(criterion, "workflow", criterion.pk, "submit"))
    client.force_login(reviewer)
    client.post(admin_url(criterion, "workflow", criterion.pk, "publish"))
    criterion.refresh_from_db()
    assert criterion.question_to_ask == new_question
    response = client.post(
        reverse("admin:content_tag_add"),
        {"name": "Negotiation", "slug": "negotiation", "kind": "topic"},
    )
    assert response.status_code == 302
    assert Tag.objects.filter(slug="negotiation").exists()

    exported = export(tmp_path)

    assert changed_lines(committed("criteria.yaml"), exported["criteria.yaml"]) == {
        ("-", f"    question_to_ask: {old_question}"),
        ("+", f"    question_to_ask: {new_question}"),
    }
    assert changed_lines(committed("advice.yaml"), exported["advice.yaml"]) == {
        ("+", "  - slug: negotiation"),
        ("+", "    name: Negotiation"),
        ("+", "    kind: topic"),
    }
    # The new tag takes its place among the topics, in order of slug.
    slugs = [tag["slug"] for tag in yaml.safe_load(committed("advice.yaml"))["tags"]]
    slugs.insert(slugs.index("fundamentals") + 1, "negotiation")
    assert [tag["slug"] for tag in yaml.safe_load(exported["advice.yaml"])["tags"]] == slugs
    for name in set(SEED_FILES) - {"criteria.yaml", "advice.yaml"}:
        assert exported[name] == committed(name), name


def test_it_exports_the_same_bytes_every_time(seeded, tmp_path):
    first = export(tmp_path / "first")
    second = export(tmp_path / "second")
    assert sorted(first) == SEED_FILES
    assert first == second


def test_it_wraps_prose_within_the_width_and_reads_it_back_unchanged(seeded):
    long_word = "https://example.org/" + "a-very-long-path/" * 5
    body = (
        "A first sentence that is long enough to need a second line in the file.  Two "
        f"spaces stay two, {long_word} stays whole, and the rest wraps as people wrap text."
    )
    item = AdviceItem.objects.order_by("position").first()
    item.body = body
    item.save()
    spec = spec_for(AdviceItem)
    text = yaml_dump({spec.section: [export_form(spec, item)]})
    assert yaml.safe_load(text)["advice"][0]["body"] == body
    body_lines = text.split("body: >-\n", 1)[1].split("\n    paths:", 1)[0].splitlines()
    assert len(body_lines) > 2
    assert all(len(line) <= 90 for line in body_lines if long_word not in line)
    assert any(line.strip() == long_word for line in body_lines)
