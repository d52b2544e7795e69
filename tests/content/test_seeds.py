import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from careers.content.models import (
    AdviceItem,
    CareerPath,
    Criterion,
    Goal,
    LearningTrack,
    RedFlagRule,
    Tip,
)
from careers.content.seeds import seeds_load
from careers.content.snapshots import SnapshotError
from tests.content import transcript_ngrams

SEEDS = Path(settings.BASE_DIR) / "seeds"
TRANSCRIPT = Path(settings.BASE_DIR).parent / "shared" / "seed" / "000_82cf178448d910de.txt"

# The spans of the facts in the interview digest's tables: each must be cited by a seed item.
DIGEST_SPANS = [
    "00:16-00:45",
    "01:00-01:18",
    "01:18-02:01",
    "02:01-02:46",
    "02:46-03:00",
    "03:00-03:47",
    "03:47-04:16",
    "04:16-04:45",
    "04:45-05:46",
    "05:46-06:45",
    "07:15-08:02",
    "08:46-09:16",
    "09:31-11:30",
    "11:45-12:31",
    "12:46-13:16",
    "13:16-13:33",
    "13:45-14:15",
    "14:15-15:03",
    "15:03-15:30",
    "15:30-16:01",
    "16:18-18:15",
    "18:30-19:00",
    "19:16-20:16",
    "20:16-20:46",
    "20:46-21:30",
    "21:46-22:45",
    "22:45-23:30",
    "23:30-24:00",
    "24:00-24:17",
    "24:17-24:31",
    "24:31-24:46",
    "25:31-26:02",
    "26:02-26:16",
]


@pytest.fixture
def seed_dir(tmp_path):
    """A private copy of seeds/ that a test may break."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def edit_seed(directory: Path, file: str, section: str, key: str, **changes) -> None:
    path = directory / file
    data = yaml.safe_load(path.read_text())
    key_field = "key" if "key" in data[section][0] else "slug"
    for item in data[section]:
        if item[key_field] == key:
            item.update(changes)
            break
    else:
        raise AssertionError(f"{key} not in {file}")
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def content_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (CareerPath, Goal, Criterion, RedFlagRule, AdviceItem, LearningTrack, Tip)
    }


def test_it_loads_the_whole_knowledge_base(seeded):
    assert set(CareerPath.objects.values_list("slug", flat=True)) == {
        "industry-team",
        "research-lab",
        "phd",
        "startup",
    }
    assert Criterion.objects.filter(category="people").count() >= 12
    assert RedFlagRule.objects.count() >= 6
    assert AdviceItem.objects.count() >= 25
    track = LearningTrack.objects.get()
    assert track.default_weeks == 16
    assert track.papers_per_week == 2
    assert track.study_days == [5, 6]
    assert track.courses.count() == 5
    ladder = [step.title for step in track.project_steps.all()]
    assert "MNIST" in ladder[0]
    assert "Fashion" not in ladder[0]
    assert "Fashion-MNIST" in ladder[1]
    assert len(ladder) >= 3
    assert track.prerequisites.filter(key__in=["python", "matrix_multiplication"]).count() == 2


def test_it_changes_nothing_on_a_second_run(seeded):
    before = {
        model: dict(model.objects.values_list("pk", "updated_at"))
        for model in (CareerPath, Criterion, RedFlagRule, AdviceItem, LearningTrack, Tip)
    }
    report = seeds_load(directory=SEEDS)
    assert report.changed == 0
    assert report.kept == []
    assert all(not s.created and not s.updated for s in report.sections)
    for model, rows in before.items():
        assert dict(model.objects.values_list("pk", "updated_at")) == rows


def test_it_updates_an_item_whose_seed_text_changed(seeded, seed_dir):
    edit_seed(seed_dir, "criteria.yaml", "criteria", "manager_met", help_text="New help text.")
    report = seeds_load(directory=seed_dir)
    assert ("criteria.yaml", "manager_met") not in report.kept
    assert Criterion.objects.get(key="manager_met").help_text == "New help text."
    assert report.changed == 1


def test_it_keeps_an_item_an_editor_changed_in_the_admin(seeded, seed_dir, admin_client):
    criterion = Criterion.objects.get(key="manager_met")
    url = f"/admin/content/criterion/{criterion.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("paths",)
    }
    data["paths"] = [path.pk for path in criterion.paths.all()]
    data["question"] = "Have you met the person you would report to?"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    # A published item's change goes live once it is reviewed and published.
    for step in ("submit", "publish"):
        admin_client.post(f"/admin/content/criterion/{criterion.pk}/workflow/{step}/")
    assert Criterion.objects.get(key="manager_met").version == 2

    edit_seed(seed_dir, "criteria.yaml", "criteria", "manager_met", question="Seed rewrite?")
    edit_seed(seed_dir, "criteria.yaml", "criteria", "manager_known", help_text="Seed update.")
    out = StringIO()
    call_command("load_seeds", directory=seed_dir, stdout=out)

    assert Criterion.objects.get(key="manager_met").question == (
        "Have you met the person you would report to?"
    )
    assert Criterion.objects.get(key="manager_known").help_text == "Seed update."
    assert "kept criteria.yaml: manager_met" in out.getvalue()
    # The editor's version stays theirs on every later load too.
    again = seeds_load(directory=seed_dir)
    assert again.kept == [("criteria.yaml", "manager_met")]


def test_it_keeps_an_item_an_editor_unpublished(seeded, seed_dir):
    Criterion.objects.filter(key="work_excitement").update(status="draft")
    edit_seed(seed_dir, "criteria.yaml", "criteria", "work_excitement", help_text="Changed.")
    report = seeds_load(directory=seed_dir)
    assert ("criteria.yaml", "work_excitement") in report.kept
    assert Criterion.objects.get(key="work_excitement").status == "draft"


def test_it_does_not_count_an_admin_save_without_changes_as_an_edit(seeded, admin_client):
    """Browsers send CRLF and Django strips whitespace: saving as-is keeps the seed's own."""
    path = CareerPath.objects.get(slug="phd")
    url = f"/admin/content/careerpath/{path.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    for name in ("summary", "what_to_look_for", "typical_questions"):
        data[name] = data[name].replace("\n", "\r\n") + "\r\n"
    assert admin_client.post(url, data).status_code == 302

    report = seeds_load(directory=SEEDS)
    assert report.kept == []
    assert report.changed == 0


def test_it_returns_an_item_edited_back_to_the_seed_text_to_the_seed(seeded, seed_dir):
    original = Criterion.objects.get(key="manager_met").help_text
    Criterion.objects.filter(key="manager_met").update(help_text="Edited in the admin.")
    assert seeds_load(directory=SEEDS).kept == [("criteria.yaml", "manager_met")]
    Criterion.objects.filter(key="manager_met").update(help_text=original)
    assert seeds_load(directory=SEEDS).kept == []
    edit_seed(seed_dir, "criteria.yaml", "criteria", "manager_met", help_text="Seed moved on.")
    seeds_load(directory=seed_dir)
    assert Criterion.objects.get(key="manager_met").help_text == "Seed moved on."


def test_it_reads_unquoted_yes_and_no_as_words(db, seed_dir):
    path = seed_dir / "red_flags.yaml"
    path.write_text(
        path.read_text().replace('value: "no"', "value: no").replace("value: 'no'", "value: no")
    )
    seeds_load(directory=seed_dir)
    assert RedFlagRule.objects.get(key="team_undisclosed").value == "no"


def test_it_reports_progress_per_file(db):
    out = StringIO()
    call_command("load_seeds", stdout=out)
    lines = out.getvalue().splitlines()
    assert any(line.startswith("criteria.yaml [criteria]:") and "created" in line for line in lines)
    assert "Seeds loaded" in lines[-1]


@pytest.mark.parametrize(
    ("span", "message"),
    [
        ("27:00-27:30", "outside the interview (00:00-26:32)"),
        ("26:00-26:40", "outside the interview"),
        ("3:00-3:47", "not in the form mm:ss-mm:ss"),
        ("04:16-03:00", "ends before it starts"),
        ("04:61-05:00", "not in the form mm:ss-mm:ss"),
    ],
)
def test_it_rejects_a_bad_citation_naming_the_file_and_item(db, seed_dir, span, message):
    edit_seed(
        seed_dir,
        "advice.yaml",
        "advice",
        _first_key(seed_dir, "advice.yaml", "advice"),
        citation={"span": span},
    )
    key = _first_key(seed_dir, "advice.yaml", "advice")
    with pytest.raises(SnapshotError) as excinfo:
        seeds_load(directory=seed_dir)
    assert f"seeds/advice.yaml: advice item '{key}'" in str(excinfo.value)
    assert message in str(excinfo.value)
    assert all(count == 0 for count in content_counts().values()), "a bad load writes nothing"


def _first_key(directory: Path, file: str, section: str) -> str:
    item = yaml.safe_load((directory / file).read_text())[section][0]
    return item.get("key") or item["slug"]


@pytest.mark.parametrize(
    ("file", "section", "key", "changes", "message"),
    [
        ("criteria.yaml", "criteria", "manager_met", {"paths": ["navy"]}, "no career path navy"),
        ("criteria.yaml", "criteria", "manager_met", {"colour": "red"}, "unknown field(s) colour"),
        ("criteria.yaml", "criteria", "manager_met", {"category": "vibes"}, "category"),
        ("criteria.yaml", "criteria", "peers_met", {"count_target": None}, "count target"),
        ("red_flags.yaml", "red_flags", "team_undisclosed", {"value": "maybe"}, "yes or no"),
        ("red_flags.yaml", "red_flags", "team_undisclosed", {"criterion": "nope"}, "nope"),
        ("criteria.yaml", "criteria", "manager_met", {"citation": None}, "needs a citation"),
        ("criteria.yaml", "criteria", "manager_met", {"paths": ["phd", "phd"]}, "more than once"),
        ("criteria.yaml", "criteria", "manager_met", {"paths": [["phd"]]}, "list of names"),
        ("red_flags.yaml", "red_flags", "team_undisclosed", {"criterion": ["a"]}, "single"),
    ],
)
def test_it_rejects_bad_items_naming_the_file_and_item(
    db, seed_dir, file, section, key, changes, message
):
    edit_seed(seed_dir, file, section, key, **changes)
    with pytest.raises(CommandError) as excinfo:
        call_command("load_seeds", directory=seed_dir, stdout=StringIO())
    assert f"seeds/{file}: {section} item '{key}'" in str(excinfo.value)
    assert message in str(excinfo.value)
    assert "Nothing was loaded" in str(excinfo.value)
    assert CareerPath.objects.count() == 0


def test_it_rejects_a_file_that_is_not_yaml(db, seed_dir):
    (seed_dir / "tips.yaml").write_text("tips: [unclosed\n")
    with pytest.raises(SnapshotError, match=r"seeds/tips.yaml: not valid YAML"):
        seeds_load(directory=seed_dir)


def test_it_rejects_a_duplicated_key(db, seed_dir):
    path = seed_dir / "tips.yaml"
    data = yaml.safe_load(path.read_text())
    data["tips"].append(dict(data["tips"][0]))
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(SnapshotError, match="appears twice"):
        seeds_load(directory=seed_dir)


# Coverage and wording of the shipped content -----------------------------------------------


def _all_items() -> list[tuple[str, dict]]:
    items = []
    for path in sorted(SEEDS.glob("*.yaml")):
        for section, entries in yaml.safe_load(path.read_text()).items():
            items += [(f"{path.name}:{section}", entry) for entry in entries or []]
    return items


def test_it_cites_every_digest_fact():
    cited = {item["citation"].get("span") for _, item in _all_items() if "citation" in item}
    assert sorted(set(DIGEST_SPANS) - cited) == []


def test_it_asks_path_specific_people_questions_on_each_path(seeded):
    """The PhD advisor and lab, the startup founders, the research manager, and team
    assignment at a big company: each asked on its own path only."""
    specific = {
        "phd": {"phd_advisor_met", "phd_lab_members_met"},
        "startup": {"startup_founders_met"},
        "research-lab": {"research_manager_known", "research_manager_met"},
        "industry-team": {"team_disclosed"},
    }
    for slug, keys in specific.items():
        for key in keys:
            criterion = Criterion.objects.get(key=key)
            assert criterion.category == "people"
            assert list(criterion.paths.values_list("slug", flat=True)) == [slug], key


def test_it_weights_people_first_and_brand_last(seeded):
    for path in CareerPath.objects.all():
        criteria = list(Criterion.objects.filter(paths=path))
        total = sum(c.default_weight for c in criteria)
        people = sum(c.default_weight for c in criteria if c.category == "people")
        assert people / total >= 0.5, path.slug
        brand = next(c for c in criteria if c.key == "brand_prestige")
        assert brand.default_weight == min(c.default_weight for c in criteria)


NEGATIVE_WORDING = re.compile(r"\b(not|no|never|off|refuse\w*|fail\w*|\w+n't)\b", re.IGNORECASE)


def test_it_words_yes_no_questions_so_yes_is_favourable(seeded):
    for criterion in Criterion.objects.filter(answer_type="yes_no"):
        assert not NEGATIVE_WORDING.search(criterion.question), criterion.key


def test_it_gives_count_criteria_a_target_and_others_none(seeded):
    for criterion in Criterion.objects.all():
        assert (criterion.count_target is not None) == (criterion.answer_type == "count")


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def test_it_writes_seed_text_in_our_own_words():
    """No run of eight words from the interview transcript appears in any seed text."""
    transcript_runs = set(transcript_ngrams.HASHES.read_text().split())
    assert len(transcript_runs) > 3000
    copied = [
        (where, run)
        for where, item in _all_items()
        for text in _strings(item)
        for run in transcript_ngrams.runs(text)
        if transcript_ngrams.run_hash(run) in transcript_runs
    ]
    assert copied == []


def test_it_keeps_the_transcript_fingerprints_current():
    if not TRANSCRIPT.exists():
        pytest.skip("the interview transcript is not beside this checkout")
    expected = {
        transcript_ngrams.run_hash(run) for run in transcript_ngrams.runs(TRANSCRIPT.read_text())
    }
    assert set(transcript_ngrams.HASHES.read_text().split()) == expected


# Export ------------------------------------------------------------------------------------


def test_it_exports_what_it_loads_byte_for_byte(seeded, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    call_command("export_seeds", output=first, stdout=StringIO())
    counts = content_counts()
    # A fresh knowledge base loaded from the exported files exports the same files again.
    for model in (Tip, LearningTrack, AdviceItem, RedFlagRule, Criterion, Goal, CareerPath):
        model.objects.all().delete()
    seeds_load(directory=first)
    assert content_counts() == counts
    call_command("export_seeds", output=second, stdout=StringIO())
    names = sorted(path.name for path in first.glob("*.yaml"))
    assert names == sorted(path.name for path in SEEDS.glob("*.yaml"))
    for name in names:
        assert (second / name).read_bytes() == (first / name).read_bytes(), name


def test_it_loads_exported_seeds_over_the_originals_without_changes(seeded, tmp_path):
    call_command("export_seeds", output=tmp_path, stdout=StringIO())
    report = seeds_load(directory=tmp_path)
    assert report.changed == 0
    assert report.kept == []


def test_it_exports_published_content_only(seeded, tmp_path):
    hidden = AdviceItem.objects.first()
    AdviceItem.objects.filter(pk=hidden.pk).update(status="draft")
    call_command("export_seeds", output=tmp_path, stdout=StringIO())
    exported = yaml.safe_load((tmp_path / "advice.yaml").read_text())["advice"]
    assert hidden.slug not in {item["slug"] for item in exported}
    assert len(exported) == AdviceItem.objects.published().count()
