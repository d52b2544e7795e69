"""One grid to look at: the results page's questions x offers table, its CSV twin
(``?layout=grid``), and the ranking cards that name their red flags with links to them."""

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from careers.comparisons import services, sharing
from careers.comparisons.models import Comparison, Option
from careers.content.models import Criterion
from tests.factories import ComparisonFactory, OptionFactory

GLOBEX = {
    "team_disclosed": "no",
    "manager_met": "no",
    "manager_known": "unknown",
    "brand_prestige": 5,
    "compensation": 5,
    "work_excitement": 4,
}
TINY = {
    "manager_known": "yes",
    "manager_met": "yes",
    "manager_quality": 5,
    "peers_met": 5,
    "peers_quality": 5,
    "people_feel_right": "yes",
    "startup_founders_met": "yes",
    "startup_founders_quality": 5,
    "work_excitement": 4,
}
UNI = {"phd_advisor_met": "yes", "phd_lab_members_met": 2, "peers_quality": 4}
CATEGORIES = ["People", "Work", "Growth", "Practical"]


def answer(option: Option, values: dict) -> None:
    services.answers_upsert(
        option=option, answers=[{"criterion": k, "value": v} for k, v in values.items()]
    )


@pytest.fixture
def offers(seeded, alice):
    """A startup alice knows well, a PhD and a big company that hides the team."""
    comparison = ComparisonFactory(owner=alice, title="Three offers")
    globex = OptionFactory(comparison=comparison, path_slug="industry-team", organisation="Globex")
    tiny = OptionFactory(comparison=comparison, path_slug="startup", organisation="Tiny Labs")
    uni = OptionFactory(comparison=comparison, path_slug="phd", organisation="Uni")
    answer(globex, GLOBEX)
    answer(tiny, TINY)
    answer(uni, UNI)
    return comparison, globex, tiny, uni


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def results_html(user, comparison: Comparison) -> str:
    response = login(user).get(reverse("comparisons:comparison_results", args=[comparison.pk]))
    assert response.status_code == 200
    return response.content.decode()


class _Tables(HTMLParser):
    """The page's tables as rows of cells: (tag, attributes, text, hrefs) per cell."""

    def __init__(self):
        super().__init__()
        self.tables: list[dict] = []
        self.regions: list[dict] = []
        self._cell: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and attrs.get("role") == "region":
            self.regions.append(attrs)
        if tag == "table":
            self.tables.append({"attrs": attrs, "region": self._region(), "rows": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = [tag, attrs, "", []]
        elif tag == "a" and self._cell is not None:
            self._cell[3].append(attrs.get("href"))

    def _region(self) -> str | None:
        return self.regions[-1].get("aria-label") if self.regions else None

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._cell[2] = " ".join(self._cell[2].split())
            self.tables[-1]["rows"][-1].append(tuple(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[2] += data


def grid_table(html: str) -> dict:
    parser = _Tables()
    parser.feed(html)
    (grid,) = [t for t in parser.tables if "result-grid" in t["attrs"].get("class", "")]
    return grid


def grid_cells(html: str) -> tuple[list[str], dict[str, dict[str, tuple]], list[str]]:
    """The grid's column headings, its cells by question and column, and its category rows."""
    rows = grid_table(html)["rows"]
    head, *body = rows
    columns = [cell[2] for cell in head[1:]]
    cells, categories = {}, []
    for row in body:
        if len(row) == 1:
            categories.append(row[0][2])
            continue
        cells[row[0][2]] = dict(zip(columns, row[1:], strict=True))
    return columns, cells, categories


def question(key: str) -> str:
    return Criterion.objects.get(key=key).question


# --- The grid on the page -----------------------------------------------------------------


def test_it_shows_every_answer_in_a_questions_by_offers_grid(offers, alice):
    comparison, *_ = offers

    html = results_html(alice, comparison)

    columns, cells, categories = grid_cells(html)
    # One column per option, in ranking order.
    assert columns == ["1. Tiny Labs", "2. Uni", "3. Globex"]
    # Grouped by category, people first.
    assert categories == CATEGORIES
    asked = Criterion.objects.filter(paths__slug__in=["industry-team", "startup", "phd"])
    assert set(cells) == {c.question for c in asked.distinct()}
    team = cells[question("team_disclosed")]
    assert team["3. Globex"][2].startswith("No")
    assert team["1. Tiny Labs"][2] == "Not asked on this path"
    assert team["2. Uni"][2] == "Not asked on this path"
    assert cells[question("manager_known")]["3. Globex"][2] == "Unknown"
    assert cells[question("peers_met")]["1. Tiny Labs"][2] == "5"
    assert cells[question("peers_quality")]["2. Uni"][2] == "4 of 5"
    assert cells[question("startup_founders_met")]["1. Tiny Labs"][2] == "Yes"
    assert cells[question("startup_founders_met")]["3. Globex"][2] == "Not asked on this path"
    assert cells[question("phd_advisor_met")]["2. Uni"][2] == "Yes"


def test_it_orders_the_grid_rows_people_first_then_by_position(offers, alice):
    comparison, *_ = offers

    _, cells, _ = grid_cells(results_html(alice, comparison))

    by_question = {c.question: c for c in Criterion.objects.all()}
    order = ["people", "work", "growth", "practical"]
    keys = [
        (order.index(by_question[q].category), by_question[q].position, by_question[q].key)
        for q in cells
    ]
    assert keys == sorted(keys)


def test_it_marks_the_grid_cells_that_raised_a_red_flag(offers, alice):
    comparison, globex, *_ = offers

    html = results_html(alice, comparison)

    _, cells, _ = grid_cells(html)
    team = cells[question("team_disclosed")]["3. Globex"]
    assert "result-grid__cell--flag" in team[1]["class"]
    assert "Red flag: The team is not decided before you sign" in team[2]
    assert team[3] == [f"#flag-{globex.pk}-team_undisclosed"]
    met = cells[question("manager_met")]["3. Globex"]
    assert met[3] == [f"#flag-{globex.pk}-manager_not_met"]
    # An answer that raised nothing is not marked.
    fine = cells[question("manager_met")]["1. Tiny Labs"]
    assert "result-grid__cell--flag" not in fine[1]["class"]
    assert fine[3] == []
    unknown = cells[question("manager_known")]["3. Globex"]
    assert "result-grid__cell--unknown" in unknown[1]["class"]
    not_asked = cells[question("team_disclosed")]["1. Tiny Labs"]
    assert "result-grid__cell--not_asked" in not_asked[1]["class"]


def test_it_puts_the_grid_in_a_labelled_focusable_scrolling_region(offers, alice):
    comparison, *_ = offers

    html = results_html(alice, comparison)

    region = re.search(
        r'<div class="table-scroll"([^>]*)>\s*<table class="table result-grid"', html
    )
    assert region, "the grid is not inside its scrolling region"
    assert 'role="region"' in region.group(1)
    assert 'tabindex="0"' in region.group(1)
    assert re.search(r'aria-label="[^"]+"', region.group(1))
    assert grid_table(html)["region"]
    # Readable without JS: the cells are in the HTML as sent, and the page loads no script
    # of its own for it.
    assert "<script" not in html.split('id="grid-title"', 1)[1].split("</section>", 1)[0]


def test_it_shows_the_grid_on_a_shared_page_without_the_owners_download(offers, alice, client):
    comparison, *_ = offers
    sharing.share_enable(comparison=comparison, include_private=False)
    comparison.refresh_from_db()

    response = client.get(reverse("comparisons:comparison_shared", args=[comparison.share_token]))

    html = response.content.decode()
    columns, cells, _ = grid_cells(html)
    assert columns == ["1. Tiny Labs", "2. Uni", "3. Globex"]
    assert cells[question("manager_known")]["3. Globex"][2] == "Unknown"
    assert "layout=grid" not in html


# --- The ranking cards name their red flags ---------------------------------------------


def test_it_names_each_options_red_flags_on_its_ranking_card(offers, alice):
    comparison, globex, *_ = offers

    html = results_html(alice, comparison)

    ranking = html[html.index('<ol class="ranking"') : html.index("</ol>", html.index("ranking"))]
    cards = ranking.split('<li class="ranking__item card">')[1:]
    assert len(cards) == 3
    globex_card = next(card for card in cards if "Globex" in card)
    links = re.findall(r'<a href="#(flag-[^"]+)">(.*?)</a>', globex_card, re.S)
    named = [(anchor, " ".join(re.sub(r"<[^>]+>", " ", text).split())) for anchor, text in links]
    # Serious first, each linking to its explanation.
    assert named == [
        (f"flag-{globex.pk}-team_undisclosed", "Serious The team is not decided before you sign"),
        (f"flag-{globex.pk}-manager_not_met", "Caution You have not met your manager yet"),
        (
            f"flag-{globex.pk}-peers_unknown",
            "Caution You do not know how strong your future colleagues are",
        ),
    ]
    tiny_card = next(card for card in cards if "Tiny Labs" in card)
    assert "#flag-" not in tiny_card


def test_it_links_every_flag_to_its_explanation_further_down(offers, alice):
    comparison, globex, *_ = offers

    html = results_html(alice, comparison)

    targets = set(re.findall(r'href="#([^"]+)"', html))
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    assert f"flag-{globex.pk}-team_undisclosed" in targets
    assert targets <= ids, targets - ids
    # The target is the flag's explanation, under the option's details, below the ranking.
    anchor = f'id="flag-{globex.pk}-team_undisclosed"'
    explanation = html[html.index(anchor) : html.index("</li>", html.index(anchor))]
    assert "you cannot judge the people you will actually work with" in explanation
    assert html.index('id="ranking-title"') < html.index(anchor)
    assert html.index(f'id="option-{globex.pk}"') < html.index(anchor)


# --- The grid as CSV ----------------------------------------------------------------------


def csv_url(comparison: Comparison) -> str:
    return reverse("comparisons:comparison_export_csv", args=[comparison.pk])


def test_it_exports_the_grid_as_csv_with_a_column_per_option(offers, alice):
    comparison, *_ = offers

    response = login(alice).get(csv_url(comparison), {"layout": "grid"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        f'attachment; filename="comparison-{comparison.pk}-grid.csv"'
    )
    header, *rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert header == ["category", "criterion", "question", "Tiny Labs", "Uni", "Globex"]
    by_key = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    assert len(by_key) == len(rows), "one row per criterion"
    asked = Criterion.objects.filter(paths__slug__in=["industry-team", "startup", "phd"])
    assert set(by_key) == set(asked.values_list("key", flat=True))
    categories = [row[0] for row in rows]
    order = ["people", "work", "growth", "practical"]
    assert categories == sorted(categories, key=order.index)
    team = by_key["team_disclosed"]
    assert team["question"] == question("team_disclosed")
    assert team["Globex"] == "no [red flag: The team is not decided before you sign]"
    assert team["Tiny Labs"] == team["Uni"] == "not asked on this path"
    assert by_key["manager_known"]["Globex"] == "unknown"
    assert by_key["manager_known"]["Tiny Labs"] == "yes"
    assert by_key["peers_quality"]["Uni"] == "4"
    assert by_key["phd_advisor_met"]["Globex"] == "not asked on this path"


def test_it_keeps_one_row_per_answer_as_the_default_layout(offers, alice):
    comparison, *_ = offers
    client = login(alice)

    default = client.get(csv_url(comparison))
    rows_layout = client.get(csv_url(comparison), {"layout": "rows"})
    empty = client.get(csv_url(comparison), {"layout": ""})

    assert default.content == rows_layout.content == empty.content
    assert default["Content-Disposition"] == (
        f'attachment; filename="comparison-{comparison.pk}.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(default.content.decode())))
    assert {row["option"] for row in rows} == {"Globex", "Tiny Labs", "Uni"}
    team = next(r for r in rows if r["option"] == "Globex" and r["criterion"] == "team_disclosed")
    # A red-flagged answer asks its question, as the page's checklist does.
    assert team["question_to_ask"] == Criterion.objects.get(key="team_disclosed").question_to_ask
    assert (team["question_reason"], team["ask_whom"]) == ("red_flag", "recruiter")
    known = next(r for r in rows if r["option"] == "Globex" and r["criterion"] == "manager_known")
    assert (known["question_reason"], known["ask_whom"]) == ("unknown", "recruiter")
    answered = next(r for r in rows if r["option"] == "Tiny Labs" and r["criterion"] == "peers_met")
    assert (answered["question_to_ask"], answered["question_reason"]) == ("", "")


def test_it_defuses_formulas_in_the_grid_csv(seeded, alice):
    comparison = ComparisonFactory(owner=alice)
    OptionFactory(comparison=comparison, path_slug="startup", organisation='=HYPERLINK("x")')
    OptionFactory(comparison=comparison, path_slug="phd", organisation="@cmd")

    response = login(alice).get(csv_url(comparison), {"layout": "grid"})

    header = next(csv.reader(io.StringIO(response.content.decode())))
    assert set(header[3:]) == {'\'=HYPERLINK("x")', "'@cmd"}


@pytest.mark.parametrize("layout", ["wide", "GRID", "grid\x00", "rows,grid"])
def test_it_refuses_an_unknown_layout_with_400(offers, alice, layout):
    comparison, *_ = offers

    response = login(alice).get(csv_url(comparison), {"layout": layout})

    assert response.status_code == 400
    assert b"rows, grid" in response.content


def test_it_hides_the_grid_csv_of_alices_comparison_from_charlie(offers, charlie):
    comparison, *_ = offers

    response = login(charlie).get(csv_url(comparison), {"layout": "grid"})

    assert response.status_code == 404


def test_it_offers_the_grid_download_beside_the_rows_one(offers, alice):
    comparison, *_ = offers

    html = results_html(alice, comparison)

    actions = html[html.index('aria-label="Results actions"') :]
    actions = actions[: actions.index("</nav>")]
    assert f'href="{csv_url(comparison)}"' in actions
    assert f'href="{csv_url(comparison)}?layout=grid"' in actions
