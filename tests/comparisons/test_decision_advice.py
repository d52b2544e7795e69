""" "Advice for this decision": items for the paths the comparison contains and for the red
flags it raised, never advice about another path, never advice written for organisations.
"""

import pytest
from django.test import Client
from django.urls import reverse

from careers.comparisons import services
from careers.comparisons.selectors import comparison_advice
from careers.content.models import AdviceItem
from tests.factories import (
    AdviceItemFactory,
    CareerPathFactory,
    ComparisonFactory,
    OptionFactory,
    RedFlagRuleFactory,
)


@pytest.fixture
def paths(db):
    return {slug: CareerPathFactory(slug=slug) for slug in ("industry-team", "phd", "startup")}


def test_it_never_picks_advice_about_a_path_the_comparison_does_not_contain(paths):
    AdviceItemFactory(title="PhD only", paths=[paths["phd"]], position=0)
    both = AdviceItemFactory(title="PhD or startup", paths=[paths["phd"], paths["startup"]])
    startup = AdviceItemFactory(title="Startup", paths=[paths["startup"]], position=2)
    general = AdviceItemFactory(title="Any path", position=1)

    picked = comparison_advice(path_ids=[paths["startup"].pk, paths["industry-team"].pk])

    assert picked == [both, startup, general]


def test_it_never_picks_advice_written_for_organisations(paths):
    AdviceItemFactory(
        paths=[paths["startup"]], audience=AdviceItem.Audience.ORGANISATIONS, position=0
    )
    AdviceItemFactory(audience=AdviceItem.Audience.ORGANISATIONS, position=0)
    for_candidates = AdviceItemFactory(paths=[paths["startup"]], position=5)

    assert comparison_advice(path_ids=[paths["startup"].pk]) == [for_candidates]


def test_it_picks_the_advice_behind_a_raised_flag_first(paths):
    flag = RedFlagRuleFactory(key="founders_not_met")
    other_flag = RedFlagRuleFactory(key="team_undisclosed")
    early = [AdviceItemFactory(paths=[paths["startup"]], position=n) for n in range(4)]
    behind = AdviceItemFactory(title="Meet every founder", paths=[paths["startup"]], position=9)
    behind.red_flags.set([flag])
    # Behind a raised flag, but about a path the comparison does not contain.
    elsewhere = AdviceItemFactory(paths=[paths["phd"]], position=0)
    elsewhere.red_flags.set([flag])
    unraised = AdviceItemFactory(paths=[paths["startup"]], position=0)
    unraised.red_flags.set([other_flag])

    picked = comparison_advice(path_ids=[paths["startup"].pk], flag_keys=["founders_not_met"])

    assert picked[0] == behind
    assert elsewhere not in picked
    # Without the flag, the item is one of many and the section's four go to earlier ones.
    assert behind not in comparison_advice(path_ids=[paths["startup"].pk])
    # Then editorial order: position, then the order items were made in.
    assert picked[1:] == [early[0], unraised, early[1]]


def results_section(client, comparison) -> str:
    html = client.get(
        reverse("comparisons:comparison_results", args=[comparison.pk])
    ).content.decode()
    start = html.index('<h2 id="decision-advice-title">Advice for this decision</h2>')
    return html[start : html.index("</section>", start)]


def test_it_shows_the_seeded_advice_for_the_flags_a_comparison_raised(seeded, alice):
    comparison = ComparisonFactory(owner=alice)
    big = OptionFactory(comparison=comparison, path_slug="industry-team")
    startup = OptionFactory(comparison=comparison, path_slug="startup")
    services.answers_upsert(option=big, answers=[{"criterion": "team_disclosed", "value": "no"}])
    services.answers_upsert(
        option=startup, answers=[{"criterion": "startup_founders_met", "value": "no"}]
    )
    client = Client()
    client.force_login(alice)

    section = results_section(client, comparison)

    assert "Be wary when the team is left until after you join" in section  # team_undisclosed
    assert "In a small company, meet everyone you can" in section  # founders_not_met
    # Written for organisations, or about a path this comparison does not contain.
    assert "Organisations should start small too" not in section
    assert "A PhD is one good option among several" not in section
    assert "Some goals need a PhD" not in section
    assert "Insist on knowing your manager and colleagues" not in section


def test_it_marks_the_seeded_advice_for_organisations_as_such(seeded):
    for_organisations = AdviceItem.objects.filter(audience=AdviceItem.Audience.ORGANISATIONS)
    assert list(for_organisations.values_list("slug", flat=True)) == [
        "organisations-start-small-too"
    ]
    # Every seeded red flag has advice behind it.
    linked = set(AdviceItem.objects.values_list("red_flags__key", flat=True)) - {None}
    from careers.content.models import RedFlagRule

    assert linked == set(RedFlagRule.objects.values_list("key", flat=True))
