"""Duplicating a comparison or one of its options, to try "what if" without retyping: the
services, the two API actions and the two POST-only pages.

alice owns the comparisons; charlie must copy nothing of hers.
"""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from careers.comparisons import services, sharing
from careers.comparisons.models import (
    MAX_OPTIONS,
    Answer,
    Comparison,
    ComparisonResult,
    Option,
    WeightOverride,
)
from tests.drf import error_messages
from tests.factories import AnswerFactory, ComparisonFactory, OptionFactory, UserFactory
from tests.filled import filled_answers, filled_weights, stored

HOSTILE_IDS = ["0", "99999999999999999999999", "-1", "1e3", "%00", "1%20OR%201=1"]


def rows(queryset, *left_out: str) -> list[dict]:
    """The stored columns of the rows, without the ones a copy is expected to differ in."""
    return [
        {name: value for name, value in row.items() if name not in left_out}
        for row in stored(queryset)
    ]


def snapshot(comparison: Comparison) -> dict:
    """Everything stored of a comparison, its ``updated_at`` included."""
    return {
        "comparison": list(Comparison.objects.filter(pk=comparison.pk).values()),
        "options": stored(Option.objects.filter(comparison=comparison)),
        "answers": list(
            Answer.objects.filter(option__comparison=comparison).order_by("pk").values()
        ),
        "weights": stored(WeightOverride.objects.filter(comparison=comparison)),
        "result": list(ComparisonResult.objects.filter(comparison=comparison).values()),
    }


@pytest.fixture
def full(seeded, alice) -> Comparison:
    """alice's comparison with notes, a deadline, a fully answered option, a second option
    with answers of its own and a weight of its own."""
    first = filled_answers(alice)
    comparison = first.comparison
    second = OptionFactory(comparison=comparison, path_slug="phd", organisation="State U")
    AnswerFactory(option=second, criterion_key="people_feel_right", value="unknown")
    AnswerFactory(option=second, criterion_key="manager_met", value="yes", source="Lab visit")
    services.weights_set(comparison=comparison, weights={"compensation": 3})
    return comparison


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def web_for(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def comparison_url(comparison) -> str:
    return f"/api/comparisons/{comparison.pk}/duplicate/"


def option_url(option) -> str:
    return f"/api/comparisons/{option.comparison_id}/options/{option.pk}/duplicate/"


def fill_up(comparison: Comparison) -> None:
    for number in range(MAX_OPTIONS - comparison.options.count()):
        OptionFactory(comparison=comparison, organisation=f"Filler {number}")


# The comparison service -----------------------------------------------------------------


def test_it_copies_the_comparisons_own_fields(full, alice):
    copy = services.comparison_duplicate(comparison=full)
    assert copy.pk != full.pk
    assert copy.owner == alice
    assert copy.title == f"Copy of {full.title}"
    assert (copy.notes, copy.decision_deadline) == (full.notes, full.decision_deadline)
    assert full.notes
    assert full.decision_deadline


def test_it_copies_every_option_field_by_field_in_the_same_order(full):
    copy = services.comparison_duplicate(comparison=full)
    left_out = ("id", "comparison_id", "created_at")
    original = rows(Option.objects.filter(comparison=full), *left_out)
    assert len(original) == 2
    assert rows(Option.objects.filter(comparison=copy), *left_out) == original
    assert [o.organisation for o in copy.options.all()] == [
        o.organisation for o in full.options.all()
    ]


def test_it_copies_every_answer_with_its_provenance(full):
    copy = services.comparison_duplicate(comparison=full)

    # Every column, a field added later included, but the ones a copy differs in.
    columns = [
        field.attname
        for field in Answer._meta.concrete_fields
        if field.name not in ("id", "option", "updated_at")
    ]

    def answers(comparison):
        return sorted(
            Answer.objects.filter(option__comparison=comparison).values_list(
                "option__organisation", *columns
            )
        )

    original = answers(full)
    assert len(original) >= 7
    assert any(row[-1] for row in original), "the fixture confirms some answers in writing"
    assert answers(copy) == original
    # Each copied answer belongs to a copied option, never to an original.
    assert not Answer.objects.filter(option__comparison=copy, option__in=full.options.all())


def test_it_copies_the_weights(seeded, alice):
    comparison = filled_weights(alice)
    copy = services.comparison_duplicate(comparison=comparison)
    original = rows(comparison.weight_overrides.all(), "id", "comparison_id")
    assert len(original) >= 5
    assert rows(copy.weight_overrides.all(), "id", "comparison_id") == original


def test_it_copies_neither_the_share_link_nor_the_stored_result(full):
    sharing.share_enable(comparison=full, include_private=True)
    services.comparison_result_store(comparison=full)
    copy = services.comparison_duplicate(comparison=full)
    copy.refresh_from_db()
    assert copy.share_token is None
    assert copy.share_includes_private is False
    assert not ComparisonResult.objects.filter(comparison=copy).exists()
    full.refresh_from_db()
    assert full.share_token
    assert ComparisonResult.objects.filter(comparison=full).exists()


def test_it_leaves_the_original_comparison_exactly_as_it_was(full):
    sharing.share_enable(comparison=full)
    services.comparison_result_store(comparison=full)
    before = snapshot(full)
    services.comparison_duplicate(comparison=full)
    assert snapshot(full) == before


def test_it_gives_the_copy_to_the_owner_it_is_made_for(full):
    bob = UserFactory(username="bob")
    copy = services.comparison_duplicate(comparison=full, owner=bob)
    assert copy.owner == bob
    assert copy.options.count() == 2


def test_it_keeps_a_long_title_within_the_title_length(seeded, alice):
    max_length = Comparison._meta.get_field("title").max_length
    comparison = ComparisonFactory(owner=alice, title="T" * max_length)
    copy = services.comparison_duplicate(comparison=comparison)
    assert len(copy.title) == max_length
    assert copy.title.startswith("Copy of TTT")
    assert copy.title.endswith("…")


def test_it_copies_a_comparison_that_holds_the_most_options(full):
    fill_up(full)
    copy = services.comparison_duplicate(comparison=full)
    assert copy.options.count() == MAX_OPTIONS


def test_it_copies_a_comparison_in_the_same_number_of_queries_for_any_number_of_options(
    full, alice
):
    def queries(comparison) -> int:
        with CaptureQueriesContext(connection) as context:
            services.comparison_duplicate(comparison=comparison)
        return len(context.captured_queries)

    small = ComparisonFactory(owner=alice)
    AnswerFactory(option=OptionFactory(comparison=small), criterion_key="manager_met")
    services.weights_set(comparison=small, weights={"compensation": 3})
    fill_up(full)
    # The owner's check, the comparison's insert, then a read and a bulk insert each of
    # options, answers and weights, in a savepoint.
    assert queries(full) == queries(small) == 10


# The option service ---------------------------------------------------------------------


def test_it_copies_an_option_field_by_field_named_as_a_copy(full):
    option = full.options.first()
    copy = services.option_duplicate(option=option)
    assert copy.comparison == full
    assert copy.organisation == f"Copy of {option.organisation}"
    assert copy.label.startswith("Copy of ")
    left_out = ("id", "created_at", "organisation")
    assert rows(Option.objects.filter(pk=copy.pk), *left_out) == rows(
        Option.objects.filter(pk=option.pk), *left_out
    )
    assert full.options.count() == 3


def test_it_copies_an_options_answers_with_their_provenance(full):
    option = full.options.first()
    copy = services.option_duplicate(option=option)
    left_out = ("id", "option_id")
    original = rows(option.answers.order_by("criterion_id"), *left_out)
    assert len(original) >= 5
    assert sorted(rows(copy.answers.all(), *left_out), key=lambda a: a["criterion_id"]) == sorted(
        original, key=lambda a: a["criterion_id"]
    )


def test_it_leaves_the_original_option_and_its_answers_as_they_were(full):
    option = full.options.first()
    before_option = stored(Option.objects.filter(pk=option.pk))
    before_answers = list(option.answers.order_by("pk").values())
    services.option_duplicate(option=option)
    assert stored(Option.objects.filter(pk=option.pk)) == before_option
    assert list(option.answers.order_by("pk").values()) == before_answers


def test_it_keeps_a_long_organisation_within_its_length(seeded, alice):
    max_length = Option._meta.get_field("organisation").max_length
    option = OptionFactory(comparison__owner=alice, organisation="O" * max_length)
    copy = services.option_duplicate(option=option)
    assert len(copy.organisation) == max_length
    assert copy.organisation.startswith("Copy of OOO")


def test_it_duplicates_an_option_into_the_last_free_place(full):
    while full.options.count() < MAX_OPTIONS - 1:
        OptionFactory(comparison=full)
    services.option_duplicate(option=full.options.first())
    assert full.options.count() == MAX_OPTIONS


def test_it_refuses_to_duplicate_an_option_in_a_full_comparison(full):
    fill_up(full)
    with pytest.raises(ValidationError, match=f"at most {MAX_OPTIONS} options"):
        services.option_duplicate(option=full.options.first())
    assert full.options.count() == MAX_OPTIONS


# The API ----------------------------------------------------------------------------------


def without_ids(body: dict) -> dict:
    """A comparison as the API shows it, without what a copy is expected to differ in."""
    return {
        **{k: v for k, v in body.items() if k not in ("id", "title", "created_at", "updated_at")},
        "options": [{k: v for k, v in o.items() if k != "id"} for o in body["options"]],
    }


def test_it_duplicates_a_comparison_through_the_api(full, alice):
    api = api_for(alice)
    original = api.get(f"/api/comparisons/{full.pk}/").json()
    response = api.post(comparison_url(full))
    assert response.status_code == 201
    body = response.json()
    assert body["id"] != full.pk
    assert body["title"] == f"Copy of {full.title}"
    assert without_ids(body) == without_ids(original)
    assert body["weights"] == {"compensation": 3}
    assert {o["id"] for o in body["options"]}.isdisjoint(o["id"] for o in original["options"])
    assert api.get(f"/api/comparisons/{body['id']}/").json() == body


def test_it_duplicates_an_option_through_the_api(full, alice):
    api = api_for(alice)
    option = full.options.first()
    original = api.get(f"/api/comparisons/{full.pk}/options/{option.pk}/").json()
    response = api.post(option_url(option))
    assert response.status_code == 201
    body = response.json()
    assert body["id"] != option.pk
    assert body["organisation"] == f"Copy of {option.organisation}"
    same = {k: v for k, v in original.items() if k not in ("id", "organisation")}
    assert {k: v for k, v in body.items() if k not in ("id", "organisation")} == same
    assert len(body["answers"]) >= 5
    assert Option.objects.get(pk=body["id"]).comparison == full


def test_it_answers_400_when_the_api_duplicates_an_option_of_a_full_comparison(full, alice):
    fill_up(full)
    response = api_for(alice).post(option_url(full.options.first()))
    assert response.status_code == 400
    assert any(f"at most {MAX_OPTIONS} options" in m for m in error_messages(response.json()))
    assert full.options.count() == MAX_OPTIONS


def test_it_answers_404_when_charlie_duplicates_alices_comparison_or_option(full, charlie):
    api = api_for(charlie)
    assert api.post(comparison_url(full)).status_code == 404
    assert api.post(option_url(full.options.first())).status_code == 404
    assert Comparison.objects.count() == 1
    assert Option.objects.count() == 2


def test_it_answers_404_for_an_option_named_under_another_of_the_users_comparisons(full, alice):
    other = ComparisonFactory(owner=alice)
    option = full.options.first()
    response = api_for(alice).post(f"/api/comparisons/{other.pk}/options/{option.pk}/duplicate/")
    assert response.status_code == 404
    assert Option.objects.count() == 2


@pytest.mark.parametrize("hostile", HOSTILE_IDS)
def test_it_answers_404_to_hostile_ids_in_the_api(full, alice, hostile):
    api = api_for(alice)
    api.raise_request_exception = False
    option = full.options.first()
    for url in (
        f"/api/comparisons/{hostile}/duplicate/",
        f"/api/comparisons/{hostile}/options/{option.pk}/duplicate/",
        f"/api/comparisons/{full.pk}/options/{hostile}/duplicate/",
    ):
        assert api.post(url).status_code == 404, url
    assert Comparison.objects.count() == 1
    assert Option.objects.count() == 2


def test_it_answers_405_to_a_get_on_the_api_duplicate_actions(full, alice):
    api = api_for(alice)
    assert api.get(comparison_url(full)).status_code == 405
    assert api.get(option_url(full.options.first())).status_code == 405
    assert Comparison.objects.count() == 1


def test_it_refuses_anonymous_duplicates_in_the_api(full):
    api = APIClient()
    assert api.post(comparison_url(full)).status_code in (401, 403)
    assert api.post(option_url(full.options.first())).status_code in (401, 403)
    assert Comparison.objects.count() == 1
    assert Option.objects.count() == 2


# The pages --------------------------------------------------------------------------------


def test_it_offers_both_duplicate_buttons_on_the_comparison_page(full, alice):
    html = web_for(alice).get(reverse("comparisons:comparison_detail", args=[full.pk])).text
    assert f'action="{reverse("comparisons:comparison_duplicate", args=[full.pk])}"' in html
    assert 'form="duplicate-comparison"' in html
    for option in full.options.all():
        url = reverse("comparisons:option_duplicate", args=[full.pk, option.pk])
        assert f'id="duplicate-option-{option.pk}" method="post" action="{url}"' in html
        assert f'form="duplicate-option-{option.pk}"' in html


def test_it_duplicates_a_comparison_from_its_page_and_shows_the_copy(full, alice):
    client = web_for(alice)
    response = client.post(reverse("comparisons:comparison_duplicate", args=[full.pk]))
    copy = Comparison.objects.exclude(pk=full.pk).get()
    assert response.status_code == 302
    assert response.url == reverse("comparisons:comparison_detail", args=[copy.pk])
    page = client.get(response.url).text
    assert "message--success" in page
    assert f"Copy of {full.title}" in page
    assert copy.options.count() == 2


def test_it_duplicates_an_option_from_the_comparison_page_and_opens_its_questions(full, alice):
    client = web_for(alice)
    option = full.options.first()
    response = client.post(reverse("comparisons:option_duplicate", args=[full.pk, option.pk]))
    copy = full.options.get(organisation=f"Copy of {option.organisation}")
    assert response.status_code == 302
    assert response.url == reverse("comparisons:option_evaluate", args=[full.pk, copy.pk])
    page = client.get(response.url).text
    assert "message--success" in page
    assert f"Copy of {option.organisation}" in page
    assert copy.answers.count() == option.answers.count()


def test_it_says_why_a_full_comparison_cannot_take_a_duplicate_option(full, alice):
    fill_up(full)
    client = web_for(alice)
    option = full.options.first()
    response = client.post(
        reverse("comparisons:option_duplicate", args=[full.pk, option.pk]), follow=True
    )
    assert response.redirect_chain == [
        (reverse("comparisons:comparison_detail", args=[full.pk]), 302)
    ]
    page = response.text
    assert "message--error" in page
    assert f"at most {MAX_OPTIONS} options" in page
    assert full.options.count() == MAX_OPTIONS
    # A full comparison offers no option duplicate button in the first place.
    assert 'form="duplicate-option-' not in page


def test_it_answers_405_to_a_get_on_the_duplicate_pages(full, alice):
    client = web_for(alice)
    option = full.options.first()
    for url in (
        reverse("comparisons:comparison_duplicate", args=[full.pk]),
        reverse("comparisons:option_duplicate", args=[full.pk, option.pk]),
    ):
        assert client.get(url).status_code == 405, url
    assert Comparison.objects.count() == 1
    assert Option.objects.count() == 2


def test_it_refuses_a_duplicate_without_the_csrf_token_and_accepts_the_pages_form(full, alice):
    client = web_for(alice, enforce_csrf_checks=True)
    url = reverse("comparisons:comparison_duplicate", args=[full.pk])
    assert client.post(url).status_code == 403
    assert Comparison.objects.count() == 1

    html = client.get(reverse("comparisons:comparison_detail", args=[full.pk])).text
    form = re.search(r'<form id="duplicate-comparison"[^>]*>(.*?)</form>', html, re.S)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(1)).group(1)
    assert client.post(url, {"csrfmiddlewaretoken": token}).status_code == 302
    assert Comparison.objects.count() == 2


def test_it_answers_404_when_charlie_posts_to_alices_duplicate_pages(full, charlie):
    client = web_for(charlie)
    option = full.options.first()
    assert (
        client.post(reverse("comparisons:comparison_duplicate", args=[full.pk])).status_code == 404
    )
    url = reverse("comparisons:option_duplicate", args=[full.pk, option.pk])
    assert client.post(url).status_code == 404
    assert Comparison.objects.count() == 1
    assert Option.objects.count() == 2


@pytest.mark.parametrize("hostile", HOSTILE_IDS)
def test_it_answers_404_to_hostile_ids_on_the_duplicate_pages(full, alice, hostile):
    client = web_for(alice)
    client.raise_request_exception = False
    option = full.options.first()
    for url in (
        f"/comparisons/{hostile}/duplicate/",
        f"/comparisons/{hostile}/options/{option.pk}/duplicate/",
        f"/comparisons/{full.pk}/options/{hostile}/duplicate/",
    ):
        assert client.post(url).status_code == 404, url
    assert Comparison.objects.count() == 1
    assert Option.objects.count() == 2


def test_it_sends_an_anonymous_duplicate_to_the_login_page(full):
    response = Client().post(reverse("comparisons:comparison_duplicate", args=[full.pk]))
    assert response.status_code == 302
    assert reverse("login") in response.url
    assert Comparison.objects.count() == 1
