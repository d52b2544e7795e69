"""The server-rendered offer comparison pages: ownership, the flow, form errors, escaping,
exports, sharing, weights and the results page's query budget.

alice owns the comparisons; charlie must reach nothing of hers through any page or method.
"""

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from rest_framework.test import APIClient

from careers.comparisons import services, sharing
from careers.comparisons.models import Answer, Comparison, ComparisonResult, Option, WeightOverride
from careers.comparisons.money import rate_table
from careers.content.models import CareerPath, Criterion
from tests.factories import (
    CareerPathFactory,
    ComparisonFactory,
    CriterionFactory,
    OptionFactory,
)

# --- Factories and builders --------------------------------------------------------------


def answer(option: Option, **values) -> None:
    """Save answers through the service, as the evaluation page does: key=value, or a dict
    with value, note, source, told_on and confirmed_in_writing."""
    items = []
    for key, value in values.items():
        item = value if isinstance(value, dict) else {"value": value}
        items.append({"criterion": key, **item})
    services.answers_upsert(option=option, answers=items)


def path_pk(slug: str) -> int:
    return CareerPath.objects.get(slug=slug).pk


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def between(html: str, start: str, end: str) -> str:
    """The part of a page from ``start`` up to the next ``end``; fails if ``start`` is absent."""
    assert start in html, start
    head = html.index(start)
    return html[head : html.index(end, head)]


def option_article(html: str, option: Option) -> str:
    return between(html, f'id="option-{option.pk}"', "</article>")


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- Alice's comparison, the one charlie must not reach ---------------------------------


@pytest.fixture
def content(db):
    """The little content the ownership tables need: two paths and three of their criteria.
    (Cheaper than the full seeds, which the tables would load some sixty times.)"""
    paths = [CareerPathFactory(slug="startup"), CareerPathFactory(slug="phd")]
    CriterionFactory(key="people_feel_right", paths=paths)
    CriterionFactory(
        key="peers_met", answer_type=Criterion.AnswerType.COUNT, count_target=5, paths=paths
    )
    CriterionFactory(
        key="compensation",
        category=Criterion.Category.PRACTICAL,
        answer_type=Criterion.AnswerType.SCALE,
        paths=paths,
    )


@pytest.fixture
def alices(content, alice):
    """alice's comparison: one option with answers (note and provenance) and a weight."""
    comparison = ComparisonFactory(owner=alice, title="Alice's spring offers", notes="private")
    option = OptionFactory(comparison=comparison, path_slug="startup", organisation="Acme AI")
    answer(
        option,
        people_feel_right="yes",
        peers_met={"value": 3, "note": "met three", "source": "Recruiter"},
    )
    WeightOverride.objects.create(
        comparison=comparison, criterion=Criterion.objects.get(key="compensation"), weight=20
    )
    return comparison, option


def snapshot(owner) -> dict:
    """Every row of the owner's comparisons as the database holds it, plus the counts."""
    comparisons = Comparison.objects.filter(owner=owner)
    options = Option.objects.filter(comparison__in=comparisons)
    answers = Answer.objects.filter(option__in=options)
    overrides = WeightOverride.objects.filter(comparison__in=comparisons)
    return {
        "counts": (comparisons.count(), options.count(), answers.count(), overrides.count()),
        "comparisons": list(comparisons.order_by("pk").values()),
        "options": list(options.order_by("pk").values()),
        "answers": list(answers.order_by("pk").values()),
        "overrides": list(overrides.order_by("pk").values()),
        "results": ComparisonResult.objects.filter(comparison__in=comparisons).count(),
    }


def option_form(slug: str = "phd", **fields) -> dict:
    """A valid option form submission."""
    return {
        "path": path_pk(slug),
        "organisation": "Charlie University",
        "currency": "USD",
        **fields,
    }


# Every page that names a comparison: (url name, names an option, GET only, a valid POST body).
# The POST bodies are valid, so ownership is the only reason for a refusal.
PAGES = [
    ("comparison_detail", False, True, dict),
    ("comparison_edit", False, False, lambda: {"title": "Charlie was here"}),
    ("comparison_delete", False, False, dict),
    ("option_create", False, False, option_form),
    ("option_edit", True, False, lambda: option_form("phd", organisation="Charlie Inc")),
    ("option_delete", True, False, dict),
    ("option_evaluate", True, False, lambda: {"value__people_feel_right": "no"}),
    ("comparison_weights", False, False, lambda: {"reset": "1"}),
    ("comparison_results", False, True, dict),
    ("comparison_export_csv", False, True, dict),
    ("comparison_export_json", False, True, dict),
    ("comparison_share", False, False, lambda: {"include_private": "on"}),
]
CHARLIE_CASES = [
    pytest.param(name, names_option, get_only, body, method, id=f"{method} {name}")
    for name, names_option, get_only, body in PAGES
    for method in ("get", "post")
]
OPTION_PAGES = [row for row in PAGES if row[1]]


def url_for(name: str, comparison: Comparison, option: Option | None = None) -> str:
    kwargs = {"comparison_id": comparison.pk}
    if option is not None:
        kwargs["option_id"] = option.pk
    return reverse(f"comparisons:{name}", kwargs=kwargs)


@pytest.mark.parametrize(("name", "names_option", "get_only", "body", "method"), CHARLIE_CASES)
def test_it_hides_alices_comparison_from_charlie(
    alices, alice, charlie, name, names_option, get_only, body, method
):
    comparison, option = alices
    before = snapshot(alice)
    url = url_for(name, comparison, option if names_option else None)

    response = getattr(login(charlie), method)(url, body())

    expected = 405 if method == "post" and get_only else 404
    assert response.status_code == expected
    assert snapshot(alice) == before
    comparison.refresh_from_db()
    assert comparison.share_token is None
    assert Comparison.objects.filter(owner=charlie).count() == 0


@pytest.mark.parametrize(
    ("name", "body", "method"),
    [
        pytest.param(name, body, method, id=f"{method} {name}")
        for name, _, _, body in OPTION_PAGES
        for method in ("get", "post")
    ],
)
def test_it_refuses_alices_option_under_charlies_own_comparison(
    alices, alice, charlie, name, body, method
):
    _, alices_option = alices
    charlies = ComparisonFactory(owner=charlie)
    before = snapshot(alice)
    url = url_for(name, charlies, alices_option)

    response = getattr(login(charlie), method)(url, body())

    assert response.status_code == 404
    assert snapshot(alice) == before
    assert charlies.options.count() == 0


ANONYMOUS_CASES = [
    pytest.param(name, names_option, body, method, id=f"{method} {name}")
    for name, names_option, _, body in [
        ("comparison_list", False, True, dict),
        ("comparison_create", False, False, lambda: {"title": "Anonymous"}),
        *PAGES,
    ]
    for method in ("get", "post")
]


@pytest.mark.parametrize(("name", "names_option", "body", "method"), ANONYMOUS_CASES)
def test_it_sends_anonymous_visitors_to_the_login_page(
    alices, alice, client, name, names_option, body, method
):
    comparison, option = alices
    before = snapshot(alice)
    if name in ("comparison_list", "comparison_create"):
        url = reverse(f"comparisons:{name}")
    else:
        url = url_for(name, comparison, option if names_option else None)

    response = getattr(client, method)(url, body())

    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")
    assert snapshot(alice) == before
    comparison.refresh_from_db()
    assert comparison.share_token is None


def test_it_lists_alices_comparisons_on_her_dashboard_and_not_charlies(alices, alice, charlie):
    ComparisonFactory(owner=charlie, title="Charlie's secret offers")

    for url in (reverse("dashboard"), reverse("comparisons:comparison_list")):
        alice_page = page(login(alice).get(url))
        assert "Alice&#x27;s spring offers" in alice_page
        assert "Charlie&#x27;s secret offers" not in alice_page
        charlie_page = page(login(charlie).get(url))
        assert "Charlie&#x27;s secret offers" in charlie_page
        assert "Alice&#x27;s spring offers" not in charlie_page


# --- The flow, as alice walks through it ------------------------------------------------


def evaluation(**values) -> dict:
    """An evaluation form submission: ``value__<key>`` for each given answer."""
    return {f"value__{key}": str(value) for key, value in values.items()}


BIG_COMPANY = {
    "team_disclosed": "no",
    "manager_known": "unknown",
    "brand_prestige": 5,
    "compensation": 5,
    "work_excitement": 4,
}
STARTUP = {
    "manager_known": "yes",
    "manager_met": "yes",
    "manager_quality": 5,
    "peers_met": 5,
    "peers_quality": 5,
    "people_feel_right": "yes",
    "questions_answered_openly": "yes",
    "startup_founders_met": "yes",
    "startup_founders_quality": 5,
    "work_excitement": 4,
    "brand_prestige": 2,
    "daily_circle_known": "unknown",
}
PHD = {
    "manager_known": "yes",
    "phd_advisor_met": "yes",
    "phd_advisor_mentoring": 4,
    "phd_lab_members_met": 2,
    "peers_quality": 4,
}


# What alice types into the option form for each offer (currency in lower case on purpose).
OFFERS = [
    (
        "industry-team",
        {
            "organisation": "Globex",
            "base_salary": "150000",
            "bonus": "20000",
            "equity_per_year": "30000",
            "currency": "usd",
        },
    ),
    (
        "startup",
        {
            "organisation": "Tiny Labs",
            "base_salary": "90000",
            "equity_per_year": "40000",
            "currency": "EUR",
        },
    ),
    ("phd", {"organisation": "Uni", "team": "Vision lab", "stipend": "40000", "currency": "GBP"}),
]


def test_it_takes_alice_from_a_new_comparison_to_its_results(seeded, alice):
    client = login(alice)

    response = client.post(
        reverse("comparisons:comparison_create"), {"title": "Where next", "notes": "n"}
    )
    comparison = Comparison.objects.get(owner=alice)
    assert response.status_code == 302
    assert response.url == reverse(
        "comparisons:option_create", kwargs={"comparison_id": comparison.pk}
    )

    added = {}
    for slug, fields in OFFERS:
        response = client.post(url_for("option_create", comparison), option_form(slug, **fields))
        option = comparison.options.get(path__slug=slug)
        assert response.status_code == 302
        assert response.url == url_for("option_evaluate", comparison, option)
        added[slug] = option
    big, startup, phd = added["industry-team"], added["startup"], added["phd"]
    assert big.currency == "USD"

    for option, values in [(big, BIG_COMPANY), (startup, STARTUP), (phd, PHD)]:
        response = client.post(url_for("option_evaluate", comparison, option), evaluation(**values))
        assert response.status_code == 302
    saved = {a.criterion.key: a.value for a in big.answers.select_related("criterion")}
    assert saved["team_disclosed"] == "no"
    assert saved["manager_known"] == "unknown"
    assert saved["peers_met"] == "unknown"  # left empty: unknown, not zero
    assert saved["brand_prestige"] == "5"

    html = page(client.get(url_for("comparison_results", comparison)))

    ranking = between(html, '<ol class="ranking"', "</ol>")
    assert ranking.index("Tiny Labs") < ranking.index("Globex")
    assert ranking.index("Tiny Labs") < ranking.index("Uni (Vision lab)")

    big_result = option_article(html, big)
    flag = between(big_result, "The team is not decided before you sign", "</li>")
    assert "you cannot judge the people you will actually work with" in flag
    assert "Source: interview 24:31-24:46" in flag
    checklist = between(big_result, '<ul class="checklist"', "</ul>")
    manager = "Who would my manager be, and can I talk with them before I decide?"
    location = "Where would I be based, and how often would I be with the team in person?"
    assert manager in checklist
    assert "Could I meet a few of the people I would work with most days" in checklist
    assert checklist.index(manager) < checklist.index(location)  # people questions first
    # Answered "no": a red flag, so its question comes first, to resolve before signing.
    team = "Which team would I join, is that settled before I accept"
    assert checklist.index(team) < checklist.index(manager)
    assert "Resolve before signing" in between(checklist, "<li", team)
    assert "None from the answers so far." in option_article(html, startup)

    why = between(html, 'id="weights-title"', "</section>")
    people_share = re.search(r"people carry <strong>(\d+)%</strong>", why)
    assert people_share
    assert int(people_share.group(1)) >= 50
    assert "Source: interview 23:30-24:00" in why

    flip = between(html, 'id="flip-title"', "</section>")
    assert "Could what you don't know flip the ranking?" in flip
    assert "Tiny Labs leads" in flip

    pay = between(html, 'id="pay-title"', "</section>")
    big_pay = between(pay, '<th scope="row">Globex</th>', "</tr>")
    # In the first option's currency: the others converted at the bundled rate, shown.
    assert "<strong>200,000 USD</strong>" in big_pay
    assert "USD, not converted" in big_pay
    startup_pay = between(pay, '<th scope="row">Tiny Labs</th>', "</tr>")
    euros = rate_table().rate("EUR", "USD")
    assert f"<strong>{euros.convert(Decimal(130_000)):,.0f} USD</strong>" in startup_pay
    assert f"from EUR at {euros.label}" in startup_pay
    phd_pay = between(pay, '<th scope="row">Uni (Vision lab)</th>', "</tr>")
    pounds = rate_table().rate("GBP", "USD")
    assert f"<strong>{pounds.convert(Decimal(40_000)):,.0f} USD</strong>" in phd_pay
    assert "stipend" in phd_pay  # shown as a stipend, never as a salary
    assert ComparisonResult.objects.get(comparison=comparison).data["ranking"][0] == startup.pk


def test_it_asks_the_people_questions_first_and_only_those_of_the_path(seeded, alice):
    comparison = ComparisonFactory(owner=alice)
    big = OptionFactory(comparison=comparison, path_slug="industry-team")
    startup = OptionFactory(comparison=comparison, path_slug="startup")
    client = login(alice)

    html = page(client.get(url_for("option_evaluate", comparison, big)))

    groups = [html.index(f'id="group-{c}"') for c in ("people", "work", "growth", "practical")]
    assert groups == sorted(groups)
    people = html[groups[0] : groups[1]]
    assert "At this large company, is the team you would join named" in people
    assert "How strong is the organisation&#x27;s name or reputation?" in html[groups[3] :]
    # Help text and the advice behind the question are beside it.
    assert "If the team is left to a later rotation or matching step" in people
    assert "Which team would I join, is that settled before I accept" in people
    assert 'value="unknown"' in people

    startup_html = page(client.get(url_for("option_evaluate", comparison, startup)))
    assert "value__team_disclosed" not in startup_html
    assert "value__startup_founders_met" in startup_html


def test_it_saves_i_dont_know_yet_as_an_explicit_unknown(seeded, alice):
    option = OptionFactory(comparison__owner=alice, path_slug="startup")
    answer(option, manager_known="yes")

    response = login(alice).post(
        url_for("option_evaluate", option.comparison, option),
        evaluation(manager_known="unknown", peers_met=2),
    )

    assert response.status_code == 302
    saved = {a.criterion.key: a.value for a in option.answers.select_related("criterion")}
    assert saved["manager_known"] == "unknown"
    assert saved["peers_met"] == "2"


def test_it_lets_alice_edit_and_remove_options_and_her_comparison(seeded, alice):
    option = OptionFactory(
        comparison__owner=alice, path_slug="startup", organisation="Tiny Labs", team="ML"
    )
    comparison = option.comparison
    answer(option, startup_founders_met="yes", peers_quality=4)
    client = login(alice)
    edit = url_for("option_edit", comparison, option)

    form = page(client.get(edit))
    assert 'value="Tiny Labs"' in form
    assert f'<option value="{path_pk("startup")}" selected>' in form

    moved = option_form("industry-team", organisation="Tiny Labs", team="Search")
    assert client.post(edit, moved).status_code == 302

    option.refresh_from_db()
    assert (option.path.slug, option.team) == ("industry-team", "Search")
    # The startup-only question no longer applies; the shared one keeps its answer.
    kept = {a.criterion.key: a.value for a in option.answers.select_related("criterion")}
    assert kept == {"peers_quality": "4"}

    client.post(url_for("comparison_edit", comparison), {"title": "Renamed", "notes": "new"})
    comparison.refresh_from_db()
    assert (comparison.title, comparison.notes) == ("Renamed", "new")

    assert "Remove option" in page(client.get(url_for("option_delete", comparison, option)))
    assert client.post(url_for("option_delete", comparison, option)).status_code == 302
    assert not Option.objects.filter(pk=option.pk).exists()
    assert Answer.objects.filter(option_id=option.pk).count() == 0

    assert client.get(url_for("comparison_delete", comparison)).status_code == 200
    assert Comparison.objects.filter(pk=comparison.pk).exists()  # a GET only asks
    response = client.post(url_for("comparison_delete", comparison))
    assert response.status_code == 302
    assert response.url == reverse("comparisons:comparison_list")
    assert not Comparison.objects.filter(pk=comparison.pk).exists()


# --- Form errors --------------------------------------------------------------------------


def test_it_keeps_what_was_typed_when_an_option_is_invalid(seeded, alice):
    comparison = ComparisonFactory(owner=alice)
    typed = option_form(
        "startup",
        organisation="Typed Org",
        team="Typed team",
        location="Typed town",
        manager_name="Typed Manager",
        base_salary="-5",
        bonus="1234",
        currency="dollars",
        notes="My typed notes",
    )

    html = page(login(alice).post(url_for("option_create", comparison), typed))

    assert "Nothing was saved." in html
    salary_error = between(html, 'id="id_base_salary_error"', "</div>")
    assert "greater than or equal to 0" in salary_error
    assert html.index('id="id_base_salary_error"') < html.index('name="base_salary"')
    assert 'id="id_currency_error"' in html
    for value in ("Typed Org", "Typed team", "Typed town", "Typed Manager", "-5", "1234"):
        assert f'value="{value}"' in html, value
    assert 'value="dollars"' in html
    assert re.search(r">\s*My typed notes</textarea>", html)
    assert f'<option value="{path_pk("startup")}" selected>' in html
    assert comparison.options.count() == 0


def test_it_keeps_what_was_typed_when_an_evaluation_is_invalid(seeded, alice):
    option = OptionFactory(comparison__owner=alice, path_slug="industry-team")
    typed = {
        **evaluation(peers_met=-3, manager_quality=9, team_disclosed="yes", brand_prestige=4),
        "note__manager_quality": "Typed note",
        "source__manager_quality": "Bob the recruiter",
        "told_on__manager_quality": "2031-02-03",
        "confirmed_in_writing__manager_quality": "on",
    }

    html = page(login(alice).post(url_for("option_evaluate", option.comparison, option), typed))

    assert "Your answers were not saved." in html
    peers_error = between(html, 'id="id_value__peers_met_error"', "</div>")
    assert "greater than or equal to 0" in peers_error
    assert html.index('id="id_value__peers_met_error"') < html.index('name="value__peers_met"')
    quality_error = between(html, 'id="id_value__manager_quality_error"', "</div>")
    assert "Select a valid choice" in quality_error
    assert 'value="-3"' in html
    assert re.search(r'name="value__team_disclosed" value="yes"[^>]*checked', html)
    assert re.search(r'name="value__brand_prestige" value="4"[^>]*checked', html)
    assert re.search(r">\s*Typed note</textarea>", html)
    assert 'value="Bob the recruiter"' in html
    assert 'value="2031-02-03"' in html
    assert re.search(r'name="confirmed_in_writing__manager_quality"[^>]*checked', html)
    assert option.answers.count() == 0


def test_it_refuses_a_seventh_option_with_a_clear_message(seeded, alice):
    comparison = ComparisonFactory(owner=alice)
    OptionFactory.create_batch(5, comparison=comparison)
    client = login(alice)

    sixth = client.post(url_for("option_create", comparison), option_form(organisation="Sixth"))
    assert sixth.status_code == 302
    assert comparison.options.count() == 6
    detail = page(client.get(url_for("comparison_detail", comparison)))
    assert "This comparison holds the most options it can (6)." in detail

    html = page(
        client.post(url_for("option_create", comparison), option_form(organisation="Seventh"))
    )

    errors = between(html, 'class="form-errors"', "</div>")
    assert "A comparison holds at most 6 options: remove one before adding another." in errors
    assert 'value="Seventh"' in html
    assert comparison.options.count() == 6
    assert not comparison.options.filter(organisation="Seventh").exists()


def test_it_refuses_megabyte_long_notes_and_keeps_the_rest(seeded, alice):
    megabyte = "x" * 1_000_000
    client = login(alice)

    html = page(
        client.post(reverse("comparisons:comparison_create"), {"title": "Kept", "notes": megabyte})
    )

    assert "at most 5000 characters" in between(html, 'id="id_notes_error"', "</div>")
    assert 'value="Kept"' in html
    assert Comparison.objects.filter(owner=alice).count() == 0

    option = OptionFactory(comparison__owner=alice, path_slug="phd")
    typed = {**evaluation(phd_advisor_met="yes"), "note__phd_advisor_met": megabyte}
    html = page(client.post(url_for("option_evaluate", option.comparison, option), typed))
    assert "at most 1000 characters" in between(
        html, 'id="id_note__phd_advisor_met_error"', "</div>"
    )
    assert re.search(r'name="value__phd_advisor_met" value="yes"[^>]*checked', html)
    assert option.answers.count() == 0


# --- HTML and formulas typed into fields -------------------------------------------------

TITLE = '<script>alert("title")</script>'
ORGANISATION = "<img src=x onerror=alert(1)>"
OPTION_NOTES = "<em>option notes</em>"
ANSWER_NOTE = "<b onclick=alert(2)>answer note</b>"
FORMULA_ORGANISATION = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def hostile(seeded, alice):
    """A comparison whose every free-text field holds HTML or a spreadsheet formula."""
    comparison = ComparisonFactory(owner=alice, title=TITLE, notes="<i>comparison notes</i>")
    html_option = OptionFactory(
        comparison=comparison, path_slug="startup", organisation=ORGANISATION, notes=OPTION_NOTES
    )
    formula_option = OptionFactory(
        comparison=comparison, path_slug="phd", organisation=FORMULA_ORGANISATION
    )
    answer(
        html_option,
        peers_met={"value": 2, "note": ANSWER_NOTE, "source": "-2+3"},
        manager_known={"value": "yes", "note": "+SUM(1,2)", "source": "@cmd"},
    )
    answer(formula_option, manager_known={"value": "no", "note": "=1+1"})
    return comparison, html_option, formula_option


def assert_shown_as_text(html: str) -> None:
    for raw in (TITLE, ORGANISATION, OPTION_NOTES, ANSWER_NOTE):
        assert raw not in html
        assert escape(raw) in html


def test_it_shows_typed_html_as_text_on_the_results_page(hostile, alice):
    comparison, *_ = hostile

    html = page(login(alice).get(url_for("comparison_results", comparison)))

    assert_shown_as_text(html)
    assert "<script>alert(" not in html


def test_it_shows_typed_html_as_text_on_the_shared_page(hostile, alice, client):
    comparison, *_ = hostile
    sharing.share_enable(comparison=comparison, include_private=True)

    html = page(client.get(reverse("comparisons:comparison_shared", args=[comparison.share_token])))

    assert_shown_as_text(html)


def test_it_exports_typed_html_verbatim_and_defuses_formulas_in_csv(hostile, alice):
    comparison, html_option, formula_option = hostile
    client = login(alice)

    data = json.loads(client.get(url_for("comparison_export_json", comparison)).content)
    rows = list(
        csv.DictReader(io.StringIO(client.get(url_for("comparison_export_csv", comparison)).text))
    )

    assert data["comparison"]["title"] == TITLE
    options = {option["id"]: option for option in data["comparison"]["options"]}
    assert options[html_option.pk]["organisation"] == ORGANISATION
    assert options[html_option.pk]["notes"] == OPTION_NOTES
    notes = {a["criterion"]: a["note"] for a in options[html_option.pk]["answers"]}
    assert notes["peers_met"] == ANSWER_NOTE
    assert options[formula_option.pk]["organisation"] == FORMULA_ORGANISATION  # JSON is data

    assert {row["comparison"] for row in rows} == {TITLE}
    html_rows = {row["criterion"]: row for row in rows if row["option_id"] == str(html_option.pk)}
    assert html_rows["peers_met"]["option"] == ORGANISATION
    assert html_rows["peers_met"]["note"] == ANSWER_NOTE
    assert html_rows["peers_met"]["source"] == "'-2+3"
    assert html_rows["manager_known"]["note"] == "'+SUM(1,2)"
    assert html_rows["manager_known"]["source"] == "'@cmd"
    formula_rows = [row for row in rows if row["option_id"] == str(formula_option.pk)]
    assert {row["option"] for row in formula_rows} == {"'" + FORMULA_ORGANISATION}
    assert {r["note"] for r in formula_rows if r["criterion"] == "manager_known"} == {"'=1+1"}


# --- Exports ------------------------------------------------------------------------------


@pytest.fixture
def scored(seeded, alice):
    """alice's comparison of a big company that hides the team and a startup she likes."""
    comparison = ComparisonFactory(owner=alice, title="Exported")
    big = OptionFactory(
        comparison=comparison,
        path_slug="industry-team",
        organisation="Globex",
        base_salary=150_000,
        bonus=20_000,
        equity_per_year=30_000,
    )
    startup = OptionFactory(comparison=comparison, path_slug="startup", organisation="Tiny Labs")
    answer(big, **BIG_COMPANY)
    answer(startup, **STARTUP)
    return comparison, big, startup


def test_it_exports_every_option_and_its_result_as_csv(scored, alice):
    comparison, big, startup = scored

    response = login(alice).get(url_for("comparison_export_csv", comparison))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        f'attachment; filename="comparison-{comparison.pk}.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.text)))
    by_option = {}
    for row in rows:
        by_option.setdefault(int(row["option_id"]), []).append(row)
    assert set(by_option) == {big.pk, startup.pk}
    first_startup, first_big = by_option[startup.pk][0], by_option[big.pk][0]
    assert (first_startup["option"], first_big["option"]) == ("Tiny Labs", "Globex")
    assert (first_startup["rank"], first_big["rank"]) == ("1", "2")
    assert float(first_startup["score"]) > float(first_big["score"])
    for row in (first_startup, first_big):
        assert float(row["score_min"]) <= float(row["score"]) <= float(row["score_max"])
        assert row["people_score"] != ""
    assert "The team is not decided before you sign (serious)" in first_big["red_flags"]
    assert first_big["first_year_total"] == "200000.00"
    assert {row["criterion"] for row in by_option[big.pk]} >= {"team_disclosed", "manager_known"}
    assert "team_disclosed" not in {row["criterion"] for row in by_option[startup.pk]}
    asked = {row["criterion"]: row["question_to_ask"] for row in by_option[big.pk]}
    assert asked["manager_known"].startswith("Who would my manager be")


def test_it_exports_every_option_and_its_result_as_json(scored, alice):
    comparison, big, startup = scored

    response = login(alice).get(url_for("comparison_export_json", comparison))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="comparison-{comparison.pk}.json"'
    )
    data = json.loads(response.content)
    api = APIClient()
    api.force_authenticate(alice)
    # The comparison and its result exactly as the API shows them.
    assert data["comparison"] == api.get(f"/api/comparisons/{comparison.pk}/").json()
    assert data["result"] == api.get(f"/api/comparisons/{comparison.pk}/result/").json()
    assert data["result"]["ranking"] == [startup.pk, big.pk]
    options = {option["id"]: option for option in data["comparison"]["options"]}
    assert set(options) == {big.pk, startup.pk}
    assert options[big.pk]["base_salary"] == "150000.00"
    results = {option["id"]: option for option in data["result"]["options"]}
    big_result = results[big.pk]
    assert big_result["score_min"] <= big_result["score"] <= big_result["score_max"]
    assert big_result["people_score"] is not None
    assert "team_undisclosed" in [flag["key"] for flag in big_result["red_flags"]]
    assert any("manager" in question["question"] for question in big_result["questions_to_ask"])


# --- Sharing ------------------------------------------------------------------------------

PRIVATE = [
    "COMPARISON-NOTE-SECRET",
    "OPTION-NOTE-SECRET",
    "ANSWER-NOTE-SECRET",
    "SOURCE-RECRUITER-SECRET",
    "3 Feb 2031",
    "Who told you",
]


@pytest.fixture
def private(scored):
    comparison, big, _ = scored
    comparison.notes = "COMPARISON-NOTE-SECRET"
    comparison.save()
    big.notes = "OPTION-NOTE-SECRET"
    big.save()
    answer(
        big,
        manager_known={
            "value": "no",
            "note": "ANSWER-NOTE-SECRET",
            "source": "SOURCE-RECRUITER-SECRET",
            "told_on": date(2031, 2, 3),
            "confirmed_in_writing": True,
        },
    )
    return comparison


def shared_url(comparison: Comparison) -> str:
    comparison.refresh_from_db()
    assert comparison.share_token
    return reverse("comparisons:comparison_shared", args=[comparison.share_token])


def test_it_shares_the_results_without_notes_provenance_or_owner(private, alice, client):
    share = url_for("comparison_share", private)
    owner = login(alice)

    assert owner.post(share, {}).status_code == 302
    url = shared_url(private)
    assert len(private.share_token) >= 32
    assert url in page(owner.get(share))

    response = client.get(url)
    html = page(response)
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "Globex" in html
    assert "Tiny Labs" in html
    assert "The team is not decided before you sign" in html
    assert "You do not know who your manager would be" in html
    # Answered "no" on purpose: a red flag, whose question is to resolve before signing.
    big = option_article(html, private.options.get(organisation="Globex"))
    checklist = between(big, '<ul class="checklist"', "</ul>")
    assert "Resolve before signing</strong> Who would my manager be" in checklist
    for secret in PRIVATE:
        assert secret not in html, secret
    assert "alice" not in html.lower()
    assert "Log out" not in html


def test_it_shares_notes_and_provenance_when_the_owner_opts_in(private, alice, client):
    owner = login(alice)
    owner.post(url_for("comparison_share", private), {})
    token = Comparison.objects.get(pk=private.pk).share_token

    owner.post(url_for("comparison_share", private), {"include_private": "on"})

    html = page(client.get(shared_url(private)))
    assert private.share_token == token  # the link stays the same
    for secret in PRIVATE:
        assert secret in html, secret
    assert "alice" not in html.lower()


def test_it_kills_a_revoked_link_and_makes_a_new_one(private, alice, client):
    owner = login(alice)
    share = url_for("comparison_share", private)
    owner.post(share, {})
    old = shared_url(private)
    assert client.get(old).status_code == 200

    assert owner.post(share, {"revoke": "1"}).status_code == 302

    private.refresh_from_db()
    assert private.share_token is None
    assert client.get(old).status_code == 404
    assert "Sharing is off" in page(owner.get(share))

    owner.post(share, {})
    new = shared_url(private)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


# --- Weights ------------------------------------------------------------------------------

BRAND_SHARE = re.compile(r"the organisation's brand only <strong>(\d+)%</strong>")


def brand_percent(html: str) -> int:
    match = BRAND_SHARE.search(html)
    assert match, "no brand share on the results page"
    return int(match.group(1))


def test_it_changes_the_results_when_a_weight_is_saved_and_restores_the_defaults(scored, alice):
    comparison, big, _ = scored
    client = login(alice)
    weights, results = (
        url_for("comparison_weights", comparison),
        url_for("comparison_results", comparison),
    )
    before = page(client.get(results))
    before_score = ComparisonResult.objects.get(comparison=comparison).data["options"]
    form = client.get(weights).context["form"]
    data = {name: field.initial for name, field in form.fields.items()}
    assert data["brand_prestige"] == 2

    response = client.post(weights, {**data, "brand_prestige": 100})

    assert response.status_code == 302
    assert response.url == results
    after = page(client.get(results))
    assert brand_percent(after) > brand_percent(before)
    assert "The weights have been changed" in after
    assert "The weights have been changed" not in before
    stored = ComparisonResult.objects.get(comparison=comparison)
    assert stored.weights["brand_prestige"] == 100
    assert stored.data["options"] != before_score
    brand_row = between(
        option_article(after, big), "How strong is the organisation&#x27;s name", "</tr>"
    )
    assert "<td>100</td>" in brand_row

    assert client.post(weights, {"reset": "1"}).status_code == 302

    assert WeightOverride.objects.filter(comparison=comparison).count() == 0
    reset = page(client.get(results))
    assert brand_percent(reset) == brand_percent(before)
    assert "The weights have been changed" not in reset
    assert ComparisonResult.objects.get(comparison=comparison).weights["brand_prestige"] == 2


def test_it_keeps_the_weights_when_one_is_out_of_range(scored, alice):
    comparison, *_ = scored
    client = login(alice)
    weights = url_for("comparison_weights", comparison)
    form = client.get(weights).context["form"]
    data = {name: field.initial for name, field in form.fields.items()}

    html = page(client.post(weights, {**data, "brand_prestige": 101, "compensation": 30}))

    assert "Your weights were not saved." in html
    assert "less than or equal to 100" in between(html, 'id="id_brand_prestige_error"', "</div>")
    assert 'value="101"' in html
    assert WeightOverride.objects.filter(comparison=comparison).count() == 0


# --- Query budget -------------------------------------------------------------------------

PATHS = ["industry-team", "research-lab", "phd", "startup", "startup", "industry-team"]
# The user with their profile (1; the session is in the cache); the comparison with its stored
# result (1), the content stamps (1); options (1), answers with criteria (1), criteria with their
# paths (2), the second opinions' answers with their raters (1: combined into the score when they
# count, and shown to the owner), weight overrides (1), red-flag rules (1); storing the result:
# update_or_create's read and insert inside two savepoints (6); the advice section: its items (1),
# the viewer's answers to them (1). The advice is counted as shown in the cache, not the database.
# A repeat view with the same inputs reads the first three and the viewer's answers: the body and
# its advice come from the cache, the stored result is current.
RESULTS_PAGE_QUERIES = 18
RESULTS_PAGE_QUERIES_REPEAT = 4


def partly_answered(owner, option_count: int) -> Comparison:
    comparison = ComparisonFactory(owner=owner)
    for index, slug in enumerate(PATHS[:option_count]):
        option = OptionFactory(comparison=comparison, path_slug=slug)
        criteria = list(
            Criterion.objects.filter(paths__slug=slug)
            .exclude(answer_type=Criterion.AnswerType.COMPUTED)
            .order_by("key")
        )
        # Every other criterion answered, the rest unknown.
        answer(
            option,
            **{
                c.key: {"yes_no": "yes", "scale": 4, "count": 2}[c.answer_type]
                for c in criteria[index % 2 :: 2]
            },
        )
    return comparison


def results_queries(client, comparison) -> int:
    with CaptureQueriesContext(connection) as queries:
        html = page(client.get(url_for("comparison_results", comparison)))
    assert html.count('class="card option-result"') == comparison.options.count()
    return len(queries)


def test_it_renders_the_results_page_in_as_many_queries_for_six_options_as_for_two(seeded, alice):
    two, six = partly_answered(alice, 2), partly_answered(alice, 6)
    client = login(alice)

    assert results_queries(client, two) == RESULTS_PAGE_QUERIES
    assert results_queries(client, six) == RESULTS_PAGE_QUERIES
    assert results_queries(client, two) == RESULTS_PAGE_QUERIES_REPEAT
    assert results_queries(client, six) == RESULTS_PAGE_QUERIES_REPEAT
