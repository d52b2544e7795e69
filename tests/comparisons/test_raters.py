"""Second opinions: alice invites raters by a secret link, they rate her options on the people
questions without an account, and she decides whether their answers count in the score.

alice owns the comparison; charlie, signed in, must reach nothing of it; a rater is anyone
holding a live link, and nobody once it is revoked.
"""

import re
from decimal import Decimal

import factory
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from careers.comparisons import raters, services, sharing
from careers.comparisons.combining import (
    DISAGREEMENT_SHARE,
    answers_disagree,
    combined_answer,
)
from careers.comparisons.freshness import comparison_result_state
from careers.comparisons.models import Comparison, Rater, RaterAnswer
from careers.comparisons.scoring import CriterionSpec
from tests.comparisons.test_query_budget import PAGE_SCORED
from tests.factories import ComparisonFactory, OptionFactory

# What alice typed that no rater may ever see.
OWNER_SECRETS = (
    "Zebra-note-4711",  # an answer's note
    "Quokka-source-0815",  # who told her
    "Narwhal-option-notes",  # an option's notes
    "Pangolin-comparison-notes",  # the comparison's notes
    "Axolotl private title",  # the comparison's title
    "Ms Okapi",  # the manager's name
    "123457",  # the base salary
)


class RaterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rater

    comparison = factory.SubFactory(ComparisonFactory)
    name = factory.Sequence(lambda n: f"Mentor {n}")


@pytest.fixture
def comparison(seeded, alice) -> Comparison:
    """Two offers alice has partly answered: Bigco's manager she rates 1 of 5."""
    comparison = ComparisonFactory(
        owner=alice, title="Axolotl private title", notes="Pangolin-comparison-notes"
    )
    bigco = OptionFactory(
        comparison=comparison,
        organisation="Bigco",
        team="Search ranking",
        manager_name="Ms Okapi",
        base_salary=Decimal("123457"),
        notes="Narwhal-option-notes",
    )
    OptionFactory(comparison=comparison, organisation="Tiny", path_slug="startup")
    services.answers_upsert(
        option=bigco,
        answers=[
            {
                "criterion": "manager_quality",
                "value": "1",
                "note": "Zebra-note-4711",
                "source": "Quokka-source-0815",
            },
            {"criterion": "people_feel_right", "value": "yes"},
        ],
    )
    services.weights_set(comparison=comparison, weights={"manager_quality": 37})
    return comparison


def bigco(comparison: Comparison):
    return comparison.options.get(organisation="Bigco")


def inputs_version(comparison: Comparison) -> int:
    return Comparison.objects.values_list("inputs_version", flat=True).get(pk=comparison.pk)


def score_of(comparison: Comparison, organisation: str):
    view = services.comparison_result_store(comparison=comparison)
    option = comparison.options.get(organisation=organisation)
    return next(s for s in view.score.options if s.id == option.pk)


@pytest.fixture
def owner(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


def rate_url(rater: Rater) -> str:
    return reverse("comparisons:rater_rate", args=[rater.token])


def field(option, key: str) -> str:
    return f"value__{option.pk}__{key}"


# -- The rules, as pure functions ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer_type", "owner", "votes", "expected"),
    [
        ("scale", 2, [4], 3),
        ("scale", 1, [5, 5], 4),  # 11 / 3 = 3.7
        ("scale", 4, [5], 4),  # 4.5: halfway rounds towards the owner
        ("scale", 5, [4], 5),
        ("scale", "unknown", [3, 4], 3),  # halfway without the owner: down
        ("scale", "unknown", [4], 4),  # unknown to the owner, known to a rater: known
        ("scale", 3, [], 3),
        ("scale", 3, ["unknown"], 3),
        ("scale", "unknown", ["unknown"], "unknown"),
        ("scale", 3, ["yes"], 3),  # a value the type does not take is left out
        ("count", 2, [5], 3),  # 3.5, towards the owner's 2
        ("count", 5, [2], 4),
        ("yes_no", "yes", ["no"], "yes"),  # a tie stays with the owner
        ("yes_no", "no", ["yes", "yes"], "yes"),
        ("yes_no", "yes", ["no", "no"], "no"),
        ("yes_no", "unknown", ["yes"], "yes"),
        ("yes_no", "unknown", ["yes", "no"], "unknown"),
        ("yes_no", "no", ["unknown"], "no"),
    ],
)
def test_it_combines_the_counting_raters_answers_with_the_owners(
    answer_type, owner, votes, expected
):
    assert combined_answer(answer_type=answer_type, owner=owner, raters=votes) == expected


SCALE = CriterionSpec("q", "Q?", "people", "scale", 1)
YES_NO = CriterionSpec("q", "Q?", "people", "yes_no", 1)
COUNT = CriterionSpec("q", "Q?", "people", "count", 1, count_target=5)


@pytest.mark.parametrize(
    ("criterion", "values", "disagree"),
    [
        (SCALE, [3, 5], True),  # two points on a 1-5 scale
        (SCALE, [1, 3], True),
        (SCALE, [3, 4], False),
        (SCALE, [3, 4, 5], True),  # any two of them
        (SCALE, [3, "unknown"], False),
        (YES_NO, ["yes", "no"], True),
        (YES_NO, ["yes", "yes", "unknown"], False),
        (COUNT, [1, 4], True),  # 0.2 and 0.8 of the target
        (COUNT, [2, 4], False),
        (COUNT, [6, 20], False),  # both past the target: full marks alike
    ],
)
def test_it_flags_answers_apart_by_the_set_share_of_the_weight(criterion, values, disagree):
    assert DISAGREEMENT_SHARE == 0.5
    assert answers_disagree(criterion, values) is disagree


# -- Services -----------------------------------------------------------------------------------


def test_it_invites_at_most_ten_live_raters_and_revoked_ones_free_a_place(comparison):
    first = raters.rater_invite(comparison=comparison, name="  Sam, my mentor  ")
    assert first.name == "Sam, my mentor"
    assert len(first.token) >= 40
    for n in range(raters.MAX_ACTIVE_RATERS - 1):
        raters.rater_invite(comparison=comparison, name=f"Friend {n}")
    with pytest.raises(ValidationError, match="at most 10"):
        raters.rater_invite(comparison=comparison, name="One too many")

    raters.rater_revoke(rater=first)
    assert raters.rater_invite(comparison=comparison, name="In Sam's place").active


def test_it_refuses_an_invitation_without_a_name(comparison):
    with pytest.raises(ValidationError) as error:
        raters.rater_invite(comparison=comparison, name="   ")
    assert "name" in error.value.message_dict
    assert not Rater.objects.exists()


def test_it_saves_a_raters_answers_and_changes_them_later(comparison):
    rater = raters.rater_invite(comparison=comparison, name="Sam")
    option = bigco(comparison)
    raters.rater_answers_save(
        rater=rater, answers=[{"option": option.pk, "criterion": "manager_quality", "value": "5"}]
    )
    raters.rater_answers_save(
        rater=rater, answers=[{"option": option.pk, "criterion": "manager_quality", "value": "4"}]
    )

    assert list(RaterAnswer.objects.values_list("criterion__key", "value")) == [
        ("manager_quality", "4")
    ]
    rater.refresh_from_db()
    assert rater.submitted_at is not None


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"criterion": "manager_quality", "value": "7"}, "from 1 to 5"),
        ({"criterion": "people_feel_right", "value": "maybe"}, '"yes", "no"'),
        ({"criterion": "peers_met", "value": "-3"}, "count from 0"),
        ({"criterion": "peers_met", "value": "9" * 5000}, "count from 0"),
        ({"criterion": "work_excitement", "value": "5"}, "not one of the people questions"),
        ({"criterion": "pay", "value": "5"}, "not one of the people questions"),
        ({"criterion": "startup_founders_met", "value": "yes"}, "not one of the people"),
        ({"criterion": "no\x00such", "value": "yes"}, "not one of the people questions"),
        ({"criterion": ["manager_quality"], "value": "3"}, "not one of the people questions"),
    ],
)
def test_it_refuses_an_answer_the_question_does_not_take(comparison, item, message):
    rater = raters.rater_invite(comparison=comparison, name="Sam")
    option = bigco(comparison)
    good = {"option": option.pk, "criterion": "peers_quality", "value": "3"}

    with pytest.raises(ValidationError) as error:
        raters.rater_answers_save(rater=rater, answers=[good, {"option": option.pk, **item}])

    assert message in " ".join(error.value.message_dict["1"])
    # All or nothing: the good answer beside it was not saved either.
    assert not RaterAnswer.objects.exists()


def test_it_refuses_an_option_of_another_comparison(comparison, charlie):
    rater = raters.rater_invite(comparison=comparison, name="Sam")
    elsewhere = OptionFactory(comparison=ComparisonFactory(owner=charlie))
    for option in (elsewhere.pk, str(bigco(comparison).pk), None, True):
        with pytest.raises(ValidationError, match="Not one of the options"):
            raters.rater_answers_save(
                rater=rater,
                answers=[{"option": option, "criterion": "manager_quality", "value": "3"}],
            )
    assert not RaterAnswer.objects.exists()


def test_it_bumps_the_inputs_version_on_every_write_that_changes_the_results(comparison):
    rater = raters.rater_invite(comparison=comparison, name="Sam")
    before = inputs_version(comparison)
    answer = [{"option": bigco(comparison).pk, "criterion": "manager_quality", "value": "5"}]

    raters.rater_answers_save(rater=rater, answers=answer)
    assert inputs_version(comparison) == before + 1  # shown on the page even when not counting
    raters.rater_count_set(rater=rater, counts_in_score=True)
    assert inputs_version(comparison) == before + 2
    raters.rater_count_set(rater=rater, counts_in_score=True)
    assert inputs_version(comparison) == before + 2  # nothing changed, nothing to rescore
    raters.rater_revoke(rater=rater)
    assert inputs_version(comparison) == before + 3
    raters.rater_revoke(rater=rater)
    assert inputs_version(comparison) == before + 3


def test_it_takes_no_answers_and_no_counting_once_revoked(comparison):
    rater = raters.rater_invite(comparison=comparison, name="Sam")
    raters.rater_count_set(rater=rater, counts_in_score=True)
    stale = Rater.objects.get(pk=rater.pk)  # a page loaded before the revocation
    raters.rater_revoke(rater=rater)

    with pytest.raises(raters.RaterRevoked):
        raters.rater_answers_save(
            rater=stale,
            answers=[
                {"option": bigco(comparison).pk, "criterion": "manager_quality", "value": "5"}
            ],
        )
    with pytest.raises(ValidationError, match="revoked"):
        raters.rater_count_set(rater=stale, counts_in_score=True)
    assert not RaterAnswer.objects.exists()
    assert Rater.objects.get(pk=rater.pk).counts_in_score is False


# -- The score ----------------------------------------------------------------------------------


def rated(comparison: Comparison, *, counts: bool, name: str = "Sam", value: str = "5") -> Rater:
    rater = raters.rater_invite(comparison=comparison, name=name)
    raters.rater_answers_save(
        rater=rater,
        answers=[
            {"option": bigco(comparison).pk, "criterion": "manager_quality", "value": value},
            {"option": bigco(comparison).pk, "criterion": "peers_quality", "value": "4"},
        ],
    )
    if counts:
        raters.rater_count_set(rater=rater, counts_in_score=True)
    return rater


def test_it_scores_with_the_combined_answers_only_while_a_rater_counts(comparison):
    alone = score_of(comparison, "Bigco")
    rater = rated(comparison, counts=False)
    assert score_of(comparison, "Bigco") == alone

    raters.rater_count_set(rater=rater, counts_in_score=True)
    counted = score_of(comparison, "Bigco")
    # manager_quality: alice's 1 and Sam's 5 make 3; peers_quality, unknown to alice, is 4.
    view = services.comparison_result_store(comparison=comparison)
    assert view.second_opinions.combined[bigco(comparison).pk] == {
        "manager_quality": 3,
        "peers_quality": 4,
    }
    assert counted.score > alone.score
    assert counted.confidence > alone.confidence
    assert "peers_quality" not in {q.criterion for q in counted.questions_to_ask}
    assert "peers_quality" in {q.criterion for q in alone.questions_to_ask}

    raters.rater_revoke(rater=rater)
    assert score_of(comparison, "Bigco") == alone


def test_it_rescores_the_stored_result_when_counting_is_turned_on(comparison):
    rater = rated(comparison, counts=False)
    services.comparison_result_store(comparison=comparison)
    assert comparison_result_state(comparison_id=comparison.pk).fresh

    raters.rater_count_set(rater=rater, counts_in_score=True)

    assert not comparison_result_state(comparison_id=comparison.pk).fresh


# -- The owner's pages --------------------------------------------------------------------------


def test_it_invites_a_rater_and_lists_the_link_to_copy(comparison, owner):
    url = reverse("comparisons:comparison_raters", args=[comparison.pk])
    response = owner.post(url, {"name": "Sam, my mentor"})
    rater = Rater.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{url}#rater-{rater.pk}"

    html = owner.get(url).content.decode()
    assert f'value="http://testserver{rate_url(rater)}"' in html
    assert 'data-copy="Copy the link"' in html
    assert "Not answered yet" in html


def test_it_refuses_an_invitation_with_a_message_and_a_400(comparison, owner):
    url = reverse("comparisons:comparison_raters", args=[comparison.pk])
    response = owner.post(url, {"name": "x" * 500})
    assert response.status_code == 400
    assert "at most 80 characters" in response.content.decode()
    assert not Rater.objects.exists()


def test_it_turns_counting_on_and_off_and_revokes_from_the_owners_page(comparison, owner):
    rater = rated(comparison, counts=False)
    count = reverse("comparisons:rater_count", args=[comparison.pk, rater.pk])
    revoke = reverse("comparisons:rater_revoke", args=[comparison.pk, rater.pk])

    assert owner.post(count, {"counts_in_score": "1"}).status_code == 302
    assert Rater.objects.get(pk=rater.pk).counts_in_score is True
    assert owner.post(count, {"counts_in_score": "maybe"}).status_code == 400
    assert owner.post(count, {"counts_in_score": "0"}).status_code == 302
    assert Rater.objects.get(pk=rater.pk).counts_in_score is False
    assert owner.get(count).status_code == 405

    assert owner.post(revoke).status_code == 302
    assert Rater.objects.get(pk=rater.pk).revoked_at is not None
    html = owner.get(reverse("comparisons:comparison_raters", args=[comparison.pk])).content
    assert rater.token.encode() not in html
    assert b"Link revoked" in html


def test_it_shows_charlie_nothing_of_alices_second_opinions(comparison, charlie):
    rater = rated(comparison, counts=False)
    client = Client()
    client.force_login(charlie)
    page = reverse("comparisons:comparison_raters", args=[comparison.pk])
    count = reverse("comparisons:rater_count", args=[comparison.pk, rater.pk])
    revoke = reverse("comparisons:rater_revoke", args=[comparison.pk, rater.pk])

    assert client.get(page).status_code == 404
    assert client.post(page, {"name": "Charlie's friend"}).status_code == 404
    assert client.post(count, {"counts_in_score": "1"}).status_code == 404
    assert client.post(revoke).status_code == 404
    # Nor through a comparison of his own with alice's rater id.
    his = ComparisonFactory(owner=charlie)
    assert (
        client.post(reverse("comparisons:rater_revoke", args=[his.pk, rater.pk])).status_code == 404
    )
    rater.refresh_from_db()
    assert (rater.active, rater.counts_in_score, Rater.objects.count()) == (True, False, 1)


def test_it_sends_a_visitor_to_log_in_for_the_owners_page(comparison, client):
    response = client.get(reverse("comparisons:comparison_raters", args=[comparison.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# -- The rater's page ---------------------------------------------------------------------------


def test_it_shows_the_rater_the_options_and_people_questions_and_nothing_of_the_owners(
    comparison, client
):
    rater = raters.rater_invite(comparison=comparison, name="Sam")
    response = client.get(rate_url(rater))
    html = response.content.decode()

    assert response.status_code == 200
    for shown in ("Bigco", "Search ranking", "Tiny", "Startup"):
        assert shown in html
    assert "How much would you expect to learn from the person you would report to?" in html
    assert "Besides the person you would report to, have you met each of the founders?" in html
    for secret in OWNER_SECRETS:
        assert secret not in html
    # alice's answers (1 of 5, yes) are not pre-filled: every checked answer is "don't know".
    assert set(re.findall(r'value="([^"]*)"[^>]*checked', html)) == {"unknown"}
    # Nor her weight of 37 for that question, anywhere in the page's text.
    assert not re.search(r"\b37\b", re.sub(r"<[^>]*>", " ", html))
    # Only the people questions are asked.
    assert "work_excitement" not in html
    assert field(bigco(comparison), "manager_quality") in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_it_saves_the_raters_answers_thanks_them_and_shows_them_again(comparison, client):
    rater = raters.rater_invite(comparison=comparison, name="Sam")
    option = bigco(comparison)
    response = client.post(
        rate_url(rater),
        {
            field(option, "manager_quality"): "4",
            field(option, "people_feel_right"): "no",
            field(option, "peers_met"): "3",
            "value__999999__manager_quality": "5",  # not an option of hers: ignored
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{rate_url(rater)}?saved=1"

    html = client.get(response["Location"]).content.decode()
    assert "Thank you: your answers are saved." in html
    assert re.search(rf'name="{field(option, "manager_quality")}" value="4"[^>]*checked', html)
    assert re.search(rf'name="{field(option, "peers_met")}" value="3"', html)
    saved = dict(
        RaterAnswer.objects.filter(value__in=["4", "no", "3"]).values_list(
            "value", "criterion__key"
        )
    )
    assert saved == {"4": "manager_quality", "no": "people_feel_right", "3": "peers_met"}


@pytest.mark.parametrize(
    "value",
    ["7", "0", "yes", "\x00", "<script>alert(1)</script>", "1" * 10000],
    ids=["out of range", "zero", "wrong type", "nul", "markup", "long"],
)
def test_it_answers_hostile_input_with_a_400_and_a_message(comparison, client, value):
    rater = raters.rater_invite(comparison=comparison, name="Sam")
    option = bigco(comparison)
    response = client.post(
        rate_url(rater), {field(option, "manager_quality"): value, field(option, "peers_met"): "x"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Your answers were not saved." in html
    assert "Select a valid choice" in html
    assert "Enter a whole number." in html
    assert "<script>alert(1)</script>" not in html
    assert not RaterAnswer.objects.exists()


def test_it_answers_a_revoked_link_with_a_410_that_says_why(comparison, client):
    rater = raters.rater_invite(comparison=comparison, name="Sam")
    raters.rater_revoke(rater=rater)
    option = bigco(comparison)

    response = client.get(rate_url(rater))
    assert response.status_code == 410
    assert "This link no longer works" in response.content.decode()
    assert "Bigco" not in response.content.decode()
    response = client.post(rate_url(rater), {field(option, "manager_quality"): "5"})
    assert response.status_code == 410
    assert not RaterAnswer.objects.exists()


@pytest.mark.parametrize("token", ["no-such-token", "a" * 43])
def test_it_answers_an_unknown_link_with_a_404(comparison, client, token):
    raters.rater_invite(comparison=comparison, name="Sam")
    response = client.get(reverse("comparisons:rater_rate", args=[token]))
    assert response.status_code == 404
    assert "This link no longer works" in response.content.decode()
    assert client.get("/comparisons/rate/bad%00token/").status_code == 404


def test_it_shows_the_rater_page_in_as_many_queries_for_six_options(seeded, alice, client):
    counts = []
    for size in (2, 6):
        comparison = ComparisonFactory(owner=alice)
        for n in range(size):
            OptionFactory(comparison=comparison, path_slug=["phd", "startup"][n % 2])
        rater = raters.rater_invite(comparison=comparison, name="Sam")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(rate_url(rater)).status_code == 200
        counts.append(len(queries))
    # The rater with the comparison, its options, the criteria with their paths, the
    # rater's answers.
    assert counts == [5, 5]


# -- The results page ---------------------------------------------------------------------------


def results(client: Client, comparison: Comparison) -> str:
    response = client.get(reverse("comparisons:comparison_results", args=[comparison.pk]))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str) -> str:
    match = re.search(r'<section class="section second-opinions".*?</section>', html, re.S)
    return match.group(0) if match else ""


def test_it_shows_the_disagreement_and_the_combined_answer_on_the_results_page(comparison, owner):
    assert section(results(owner, comparison)) == ""  # cached now, before anyone answered
    sam = rated(comparison, counts=False)

    html = section(results(owner, comparison))
    assert "<strong>Sam</strong> rated" in html
    assert "None of them counts in the score" in html
    # alice's 1 of 5 against Sam's 5: apart by four points.
    row = re.search(r"<tr class=\"second-opinions__row--disagree\">.*?</tr>", html, re.S).group(0)
    assert "How much would you expect to learn from the person you would report to?" in row
    assert ">1 of 5<" in row
    assert "5 of 5" in row
    assert "3 of 5" in row  # everyone combined
    assert "1 question where the answers disagree" in html
    assert "two points or more apart on a 1-5 scale" in html

    raters.rater_count_set(rater=sam, counts_in_score=True)
    html = section(results(owner, comparison))
    assert "Counting in the score: Sam." in html
    assert ">In the score<" in html


def test_it_shows_the_score_change_on_the_results_page_when_a_rater_counts(comparison, owner):
    sam = rated(comparison, counts=False)
    before = re.search(r"<strong>Score ([\d.]+)</strong>", results(owner, comparison)).group(1)
    raters.rater_count_set(rater=sam, counts_in_score=True)
    after = re.search(r"<strong>Score ([\d.]+)</strong>", results(owner, comparison)).group(1)
    assert float(after) > float(before)


def test_it_leaves_second_opinions_off_the_shared_page(comparison, client, owner):
    rated(comparison, counts=True, name="Sam the mentor")
    sharing.share_enable(comparison=comparison, include_private=True)
    results(owner, comparison)  # the owner's body, with the section, is cached first

    html = client.get(reverse("comparisons:comparison_shared", args=[comparison.share_token]))
    assert html.status_code == 200
    assert "Sam the mentor" not in html.content.decode()
    assert "second-opinions" not in html.content.decode()


def test_it_drops_a_revoked_raters_answers_from_the_results_page(comparison, owner):
    sam = rated(comparison, counts=True, name="Sam the mentor")
    assert "Sam the mentor" in section(results(owner, comparison))
    raters.rater_revoke(rater=sam)
    assert section(results(owner, comparison)) == ""


def test_it_renders_the_results_page_with_raters_in_the_pinned_number_of_queries(
    comparison, owner, django_assert_num_queries
):
    for n in range(4):
        rated(comparison, counts=n % 2 == 0, name=f"Rater {n}")
    with django_assert_num_queries(PAGE_SCORED):
        html = results(owner, comparison)
    assert html.count("Rater 3") >= 2
