"""The two long comparison forms: the evaluation page says how many questions are answered,
per category and in all, and the weights page says each category's share of the total
weight and which paths each weight is asked on. All of it is rendered by the server, so it
holds without JavaScript; both keep their save buttons in a bar that sticks to the screen.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from careers.comparisons import services
from careers.comparisons.forms import weight_percent
from careers.comparisons.models import WeightOverride
from careers.content.models import CareerPath, Criterion
from tests.factories import ComparisonFactory, OptionFactory


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def evaluate_url(option) -> str:
    return reverse(
        "comparisons:option_evaluate",
        kwargs={"comparison_id": option.comparison_id, "option_id": option.pk},
    )


def weights_url(comparison) -> str:
    return reverse("comparisons:comparison_weights", kwargs={"comparison_id": comparison.pk})


def marked(html: str, attribute: str) -> dict[str, list[str]]:
    """The text of every element carrying ``attribute="<key>"``, by key."""
    found: dict[str, list[str]] = {}
    for key, text in re.findall(rf'{attribute}="([a-z]+)">([^<]*)<', html):
        found.setdefault(key, []).append(text)
    return found


def criteria_of(slug: str) -> list[Criterion]:
    """The questions the evaluation page asks on a path: every criterion but the computed."""
    return list(
        Criterion.objects.published()
        .filter(paths__slug=slug)
        .exclude(answer_type=Criterion.AnswerType.COMPUTED)
    )


def weighted_criteria_of(slug: str) -> list[Criterion]:
    """The criteria the weights page weighs on a path: the computed pay criterion too."""
    return list(Criterion.objects.published().filter(paths__slug=slug))


def per_category(criteria: list[Criterion]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for criterion in criteria:
        counts[criterion.category] = counts.get(criterion.category, 0) + 1
    return counts


def sticky_bar(html: str) -> str:
    start = html.index('<div class="actions form-actions form-actions--sticky">')
    return html[start : html.index("</div>", start)]


# --- The evaluation page --------------------------------------------------------------------


def test_it_counts_the_answered_questions_per_category_and_in_all(seeded, alice):
    option = OptionFactory(comparison__owner=alice, path_slug="industry-team")
    services.answers_upsert(
        option=option,
        answers=[
            {"criterion": "manager_known", "value": "yes"},
            {"criterion": "peers_met", "value": 0},  # none met is an answer
            {"criterion": "team_disclosed", "value": "unknown"},  # "I don't know yet" is not
            {"criterion": "work_excitement", "value": 4},
        ],
    )
    total = len(criteria_of("industry-team"))
    sizes = per_category(criteria_of("industry-team"))

    html = login(alice).get(evaluate_url(option)).content.decode()

    counts = marked(html, "data-answered")
    # The summary, the section heading and the save bar say the same.
    assert counts["all"] == ["3", "3"]
    assert counts["people"] == ["2", "2"]
    assert counts["work"] == ["1", "1"]
    assert counts["growth"] == ["0", "0"]
    assert f'<span data-answered="all">3</span> of {total}</strong> questions answered' in html
    assert f'<span data-answered="people">2</span> of {sizes["people"]} answered' in html
    assert f'<span data-answered="all">3</span> of {total} answered</p>' in sticky_bar(html)
    assert '<a href="#group-work">Work' in html


def test_it_counts_what_was_submitted_when_the_answers_are_not_saved(seeded, alice):
    option = OptionFactory(comparison__owner=alice, path_slug="startup")
    response = login(alice).post(
        evaluate_url(option),
        {"value__peers_met": "-3", "value__manager_known": "yes", "value__brand_prestige": "2"},
    )
    assert response.status_code == 200  # the negative count is refused
    assert not option.answers.exists()
    counts = marked(response.content.decode(), "data-answered")
    assert counts["all"][0] == "3"
    assert counts["people"][0] == "2"
    assert counts["practical"][0] == "1"


def test_it_keeps_the_save_buttons_in_reach_in_a_sticky_bar(seeded, alice):
    option = OptionFactory(comparison__owner=alice, path_slug="phd")
    html = login(alice).get(evaluate_url(option)).content.decode()

    bar = sticky_bar(html)
    assert '<button type="submit" class="button" name="save">Save answers</button>' in bar
    assert 'name="save_next" value="1">Save and see the results</button>' in bar
    # Inside the evaluation form, so the buttons submit it.
    start = html.index('<form method="post" class="evaluation-form"')
    assert start < html.index(bar) < html.index("</form>", start)
    css = (Path(settings.BASE_DIR) / "careers/core/static/core/site.css").read_text()
    rule = re.search(r"\.form-actions--sticky \{([^}]*)\}", css).group(1)
    assert "position: sticky;" in rule
    assert "bottom: 0;" in rule
    assert '<script src="/static/comparisons/evaluate.js" defer></script>' in html


# --- The weights page -----------------------------------------------------------------------


def shares_of(criteria: list[Criterion], weights: dict[str, int]) -> dict[str, str]:
    sums: dict[str, int] = {}
    for criterion in criteria:
        weight = weights.get(criterion.key, criterion.default_weight)
        sums[criterion.category] = sums.get(criterion.category, 0) + weight
    total = sum(sums.values())
    return {category: f"{round(100 * part / total + 1e-9)}%" for category, part in sums.items()}


def test_it_shows_each_categorys_share_of_the_total_weight(seeded, alice):
    comparison = ComparisonFactory(owner=alice)
    OptionFactory(comparison=comparison, path_slug="startup")
    criteria = weighted_criteria_of("startup")
    client = login(alice)

    html = client.get(weights_url(comparison)).content.decode()
    shares = marked(html, "data-weight-share")
    expected = shares_of(criteria, {})
    for category, share in expected.items():
        assert shares[category][:2] == [share, share], category  # summary and heading
    assert int(expected["people"].rstrip("%")) >= 50
    assert f'People: <span data-weight-share="people">{expected["people"]}</span>' in (
        sticky_bar(html)
    )

    WeightOverride.objects.create(
        comparison=comparison, criterion=Criterion.objects.get(key="compensation"), weight=100
    )
    html = client.get(weights_url(comparison)).content.decode()
    changed = shares_of(criteria, {"compensation": 100})
    assert marked(html, "data-weight-share")["practical"][0] == changed["practical"]
    assert changed["practical"] != expected["practical"]


def test_it_shows_the_shares_of_the_weights_as_entered_when_they_are_not_saved(seeded, alice):
    comparison = ComparisonFactory(owner=alice)
    OptionFactory(comparison=comparison, path_slug="research-lab")
    criteria = weighted_criteria_of("research-lab")
    data = {c.key: "0" for c in criteria}
    data.update({"work_excitement": "30", "compensation": "10", "brand_prestige": "500"})

    response = login(alice).post(weights_url(comparison), data)

    assert response.status_code == 200  # 500 is over the bound: nothing saved
    assert not WeightOverride.objects.filter(comparison=comparison).exists()
    shares = marked(response.content.decode(), "data-weight-share")
    # The refused 500 counts as 0 until it is corrected: work 30 of 40, practical 10 of 40.
    assert shares["work"][0] == "75%"
    assert shares["practical"][0] == "25%"
    assert shares["people"][0] == "0%"
    assert "with the weights as you entered them" in response.content.decode()


def test_it_says_which_of_the_comparisons_paths_each_weight_is_asked_on(seeded, alice):
    comparison = ComparisonFactory(owner=alice)
    OptionFactory(comparison=comparison, path_slug="industry-team")
    OptionFactory(comparison=comparison, path_slug="phd")
    industry = CareerPath.objects.get(slug="industry-team").name
    phd = CareerPath.objects.get(slug="phd").name

    form = login(alice).get(weights_url(comparison)).context["form"]

    assert form["team_disclosed"].help_text == f"Default: 10. Asked on: {industry}."
    assert form["phd_advisor_met"].help_text == f"Default: 9. Asked on: {phd}."
    assert form["work_excitement"].help_text == "Default: 10. Asked on all 2 paths."
    assert "startup_founders_met" not in form.fields  # no startup option, no startup question


def test_it_says_nothing_of_paths_when_the_comparison_has_one(seeded, alice):
    comparison = ComparisonFactory(owner=alice)
    OptionFactory(comparison=comparison, path_slug="startup")
    html = login(alice).get(weights_url(comparison)).content.decode()
    assert "Asked on" not in html
    assert "Default: 9." in html
    assert '<script src="/static/comparisons/weights.js" defer></script>' in html


@pytest.mark.parametrize(
    ("part", "total", "percent"),
    [(1, 3, 33), (2, 3, 67), (1, 2, 50), (1, 8, 13), (3, 8, 38), (0, 5, 0), (5, 5, 100)],
)
def test_it_rounds_weight_shares_halves_up(part, total, percent):
    assert weight_percent(part, total) == percent


def test_it_gives_no_share_while_every_weight_is_zero():
    assert weight_percent(0, 0) is None
