"""The seeded wording reads right on every path: a question shown on a path speaks to that
path, two questions on one path ask different things, and a red flag's explanation fits the
answers that raised it."""

import pytest
from django.urls import reverse

from careers.comparisons import services
from careers.content.models import CareerPath, Criterion, RedFlagRule
from tests.factories import ComparisonFactory, OptionFactory

PATHS = ("industry-team", "research-lab", "phd", "startup")


def path_criteria(slug: str) -> list[Criterion]:
    return list(Criterion.objects.published().filter(paths__slug=slug))


def evaluation_page(client, user, option) -> str:
    client.force_login(user)
    url = reverse("comparisons:option_evaluate", args=[option.comparison_id, option.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("slug", PATHS)
def test_it_asks_each_question_once_on_every_path(seeded, slug):
    criteria = path_criteria(slug)

    assert len({c.question for c in criteria}) == len(criteria)
    assert len({c.question_to_ask for c in criteria}) == len(criteria)


@pytest.mark.parametrize("slug", ["industry-team", "research-lab", "startup"])
def test_it_never_speaks_of_a_phd_to_an_industry_option(seeded, alice, client, slug):
    option = OptionFactory(comparison=ComparisonFactory(owner=alice), path_slug=slug)

    html = evaluation_page(client, alice, option)

    assert "For a PhD" not in html
    assert "advisor" not in " ".join(c.question for c in path_criteria(slug)).lower()


def test_it_asks_a_startup_about_the_founders_beyond_the_manager(seeded):
    asked = {c.key: c.question for c in path_criteria("startup")}

    # Both are asked of a startup: the founders' question says it is about the others.
    assert {"manager_met", "startup_founders_met"} <= set(asked)
    assert asked["startup_founders_met"].startswith("Besides the person you would report to")


def test_it_asks_a_phd_about_students_apart_from_the_people_met(seeded):
    asked = {c.key: c.question for c in path_criteria("phd")}

    assert {"peers_met", "phd_lab_members_met"} <= set(asked)
    assert "without the advisor there" in asked["phd_lab_members_met"]


def test_it_never_tells_someone_who_knows_no_name_that_a_name_is_a_start(seeded, alice, client):
    comparison = ComparisonFactory(owner=alice)
    option = OptionFactory(comparison=comparison, path_slug="industry-team")
    OptionFactory(comparison=comparison, path_slug="startup")
    services.answers_upsert(
        option=option,
        answers=[
            {"criterion": "manager_known", "value": "no"},
            {"criterion": "manager_met", "value": "no"},
        ],
    )
    client.force_login(alice)

    html = client.get(
        reverse("comparisons:comparison_results", args=[comparison.pk])
    ).content.decode()

    flag = RedFlagRule.objects.get(key="manager_not_met")
    assert flag.title in html
    assert "a name is a start" not in flag.explanation.lower()
    assert "If nobody has named them yet" in flag.explanation


def test_it_offers_the_two_tools_on_the_home_page_as_ready(client, seeded):
    html = client.get(reverse("content:home")).content.decode()

    assert "on the way" not in html.lower()
    assert "Two tools for your next step" in html
    assert CareerPath.objects.published().count() == len(PATHS)
