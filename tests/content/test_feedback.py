"""What editors learn about each advice item: shown in results and emails, and "was this
helpful?" answered on pages and from the weekly email.

alice votes and owns the comparison and the plan; charlie is another user whose answers
must never be mixed with hers.
"""

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careers.comparisons import sharing
from careers.comparisons.selectors import comparison_advice
from careers.content.feedback import (
    advice_feedback_set,
    advice_shown,
    advice_shown_flush,
    advice_votes,
    advice_with_signals,
)
from careers.content.models import (
    AdviceFeedback,
    AdviceItem,
    AdviceStats,
    LearningTrack,
    Status,
    Tip,
)
from careers.plans import nudges
from careers.plans.emails import nudge_preview
from careers.plans.links import helpful_token
from careers.plans.models import LearningPlan, NudgeDelivery, WeeklyCheckin
from careers.plans.selectors import advice_for_nudges, advice_of_the_week
from tests.factories import (
    AdviceItemFactory,
    CareerPathFactory,
    ComparisonFactory,
    CriterionFactory,
    LearningPlanFactory,
    OptionFactory,
    UserFactory,
)

# A plan starting on Monday 30 November 2026, made the Wednesday before, nudged on Saturdays
# at 9:00 in London: its first email is due at FIRST_SLOT.
START = date(2026, 11, 30)
CREATED = datetime(2026, 11, 25, 12, tzinfo=UTC)
FIRST_SLOT = datetime(2026, 12, 5, 9, tzinfo=UTC)


def stats(item: AdviceItem) -> tuple[int, int]:
    """The item's counts as an editor reads them: pages count in the cache, and a reader
    flushes those counts first, as the admin does."""
    advice_shown_flush()
    row = AdviceStats.objects.filter(advice_item=item).first()
    return (row.shown_in_results, row.shown_in_emails) if row else (0, 0)


def vote_of(user, item: AdviceItem) -> bool | None:
    return (
        AdviceFeedback.objects.filter(user=user, advice_item=item)
        .values_list("helpful", flat=True)
        .first()
    )


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def helpful_url(item: AdviceItem) -> str:
    return reverse("content:advice_helpful", args=[item.slug])


class _Forms(HTMLParser):
    """The POST forms of a page, each as (action, {name: value} of its hidden inputs, its
    buttons' (name, value))."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post":
            self.forms.append({"action": attrs.get("action"), "hidden": {}, "buttons": []})
        elif self.forms and tag == "input" and attrs.get("type") == "hidden":
            self.forms[-1]["hidden"][attrs["name"]] = attrs.get("value", "")
        elif self.forms and tag == "button" and attrs.get("name"):
            self.forms[-1]["buttons"].append((attrs["name"], attrs.get("value", "")))


def helpful_form(html: str, item: AdviceItem) -> dict:
    parser = _Forms()
    parser.feed(html)
    [form] = [f for f in parser.forms if f["action"] == helpful_url(item)]
    return form


# --- Counting what was shown ----------------------------------------------------------------


def test_it_counts_two_for_two_calls(db):
    item = AdviceItemFactory()

    advice_shown(item_ids=[item.pk], where="results")
    advice_shown(item_ids=[item.pk], where="results")

    assert stats(item) == (2, 0)


def test_it_counts_results_and_emails_apart_and_adds_tallies(db):
    once, thrice, never = AdviceItemFactory(), AdviceItemFactory(), AdviceItemFactory()

    advice_shown(item_ids=[once.pk, thrice.pk], where="emails", times={thrice.pk: 2})
    advice_shown(item_ids=[thrice.pk], where="results")

    assert stats(once) == (0, 1)
    assert stats(thrice) == (1, 3)
    assert stats(never) == (0, 0)
    assert not AdviceStats.objects.filter(advice_item=never).exists()


def test_it_counts_many_items_in_a_few_queries(db):
    items = AdviceItemFactory.create_batch(12)
    AdviceStats.objects.create(advice_item=items[0], shown_in_emails=5)
    tally = {item.pk: 1 + index % 3 for index, item in enumerate(items)}

    with CaptureQueriesContext(connection) as queries:
        advice_shown(where="emails", times=tally)

    # The insert of the missing stats rows, then one update for each distinct count (1, 2, 3).
    assert len(queries) == 1 + 3
    assert stats(items[0]) == (0, 6)
    assert [stats(item)[1] for item in items[1:4]] == [2, 3, 1]
    with CaptureQueriesContext(connection) as queries:
        advice_shown(item_ids=[], where="results")
    assert len(queries) == 0


def test_it_keeps_a_count_made_while_the_row_already_exists(db):
    item = AdviceItemFactory()
    # Another request created the row and counted between this one's two statements: the
    # insert is skipped and the increment still lands.
    AdviceStats.objects.create(advice_item=item, shown_in_results=7)

    advice_shown(item_ids=[item.pk], where="results")

    assert stats(item) == (8, 0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need a database with row locks (PostgreSQL in CI)",
)
def test_it_keeps_all_concurrent_counts():
    items = AdviceItemFactory.create_batch(3)
    ids = [item.pk for item in items]

    def count(_):
        try:
            for _ in range(5):
                advice_shown(item_ids=ids, where="results")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(count, range(4)))

    assert [stats(item)[0] for item in items] == [20, 20, 20]


# --- Annotations for the admin ----------------------------------------------------------


def test_it_annotates_each_vote_once_however_many_rows_join(db):
    liked, disliked = AdviceItemFactory(title="Liked"), AdviceItemFactory(title="Disliked")
    AdviceItemFactory(title="Unseen")
    AdviceStats.objects.create(advice_item=liked, shown_in_results=5, shown_in_emails=2)
    AdviceStats.objects.create(advice_item=disliked, shown_in_emails=4)
    voters = UserFactory.create_batch(5)
    for voter in voters[:3]:
        advice_feedback_set(user=voter, item=liked, helpful=True)
    for voter in voters[3:]:
        advice_feedback_set(user=voter, item=liked, helpful=False)
    advice_feedback_set(user=voters[0], item=disliked, helpful=False)

    rows = {
        item.title: (item.shown_in_results, item.shown_in_emails, item.helpful_yes, item.helpful_no)
        for item in advice_with_signals(AdviceItem.objects.all())
    }

    assert rows == {"Liked": (5, 2, 3, 2), "Disliked": (0, 4, 0, 1), "Unseen": (0, 0, 0, 0)}
    ranked = advice_with_signals(AdviceItem.objects.all()).order_by("-helpful_no", "title")
    assert [item.title for item in ranked] == ["Liked", "Disliked", "Unseen"]
    by_emails = advice_with_signals(AdviceItem.objects.filter(title__in=["Liked", "Disliked"]))
    assert [i.title for i in by_emails.order_by("-shown_in_emails")] == ["Disliked", "Liked"]


# --- The "was this helpful?" control on pages ----------------------------------------------


@pytest.fixture
def item(db):
    return AdviceItemFactory(title="Meet your manager first")


def test_it_records_alices_answer_and_her_changed_answer(item, alice, charlie):
    client = login(alice)
    advice_feedback_set(user=charlie, item=item, helpful=True)

    response = client.post(helpful_url(item), {"helpful": "no", "next": "/advice/?tag=habits"})

    assert response.status_code == 302
    assert response["Location"] == f"/advice/?tag=habits#helpful-{item.slug}"
    assert vote_of(alice, item) is False
    message = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == ["Thank you: you told us “Meet your manager first” did not help."]

    client.post(helpful_url(item), {"helpful": "yes", "next": "/advice/"})

    assert vote_of(alice, item) is True
    assert AdviceFeedback.objects.filter(advice_item=item).count() == 2
    assert vote_of(charlie, item) is True


def test_it_posts_the_page_form_with_its_csrf_token_and_comes_back(item, alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    html = client.get("/advice/").content.decode()
    form = helpful_form(html, item)
    assert ("helpful", "yes") in form["buttons"]
    assert ("helpful", "no") in form["buttons"]

    response = client.post(form["action"], {**form["hidden"], "helpful": "yes"})

    assert response.status_code == 302
    assert response["Location"] == f"/advice/#helpful-{item.slug}"
    assert vote_of(alice, item) is True
    html = client.get("/advice/").content.decode()
    assert "You answered yes" in html
    assert 'value="yes" class="button" aria-pressed="true"' in html


def test_it_sends_a_next_to_another_site_to_the_library_instead(item, alice):
    response = login(alice).post(
        helpful_url(item), {"helpful": "yes", "next": "https://evil.example.org/"}
    )

    assert response["Location"] == f"/advice/#helpful-{item.slug}"
    assert vote_of(alice, item) is True


def test_it_sends_an_anonymous_visitor_to_log_in_and_back_to_the_page(item, client):
    response = client.post(helpful_url(item), {"helpful": "yes", "next": "/paths/phd/"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/paths/phd/"
    assert not AdviceFeedback.objects.exists()


def test_it_refuses_a_get_on_the_helpful_url(item, alice):
    assert login(alice).get(helpful_url(item)).status_code == 405
    assert Client().get(helpful_url(item)).status_code == 405
    assert not AdviceFeedback.objects.exists()


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.ARCHIVED])
def test_it_refuses_a_rating_of_unpublished_advice(alice, status):
    draft = AdviceItemFactory(status=status)

    response = login(alice).post(helpful_url(draft), {"helpful": "yes"})

    assert response.status_code == 404
    assert not AdviceFeedback.objects.exists()


@pytest.mark.parametrize("value", ["", "maybe", "YES", "1"])
def test_it_refuses_an_answer_other_than_yes_or_no(item, alice, value):
    response = login(alice).post(helpful_url(item), {"helpful": value})

    assert response.status_code == 400
    assert "“yes” or “no”" in response.content.decode()
    assert not AdviceFeedback.objects.exists()


def test_it_refuses_unpublished_advice_in_the_service(alice):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        advice_feedback_set(user=alice, item=AdviceItemFactory(status=Status.DRAFT), helpful=True)


def test_it_shows_visitors_a_login_link_instead_of_the_buttons(item, client):
    html = client.get("/advice/").content.decode()

    assert helpful_url(item) not in html
    assert "/accounts/login/?next=/advice/" in html


def test_it_loads_the_library_answers_in_one_query_however_many(alice):
    items = AdviceItemFactory.create_batch(6)
    client = login(alice)

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/advice/").status_code == 200
        return len(queries)

    advice_feedback_set(user=alice, item=items[0], helpful=True)
    page_queries()  # the first view renders the cards and keeps them in the cache
    one_vote = page_queries()
    for other in items[1:]:
        advice_feedback_set(user=alice, item=other, helpful=False)
    assert page_queries() == one_vote
    assert advice_votes(user=alice, item_ids=[i.pk for i in items]) == {
        items[0].pk: True,
        **{i.pk: False for i in items[1:]},
    }


def test_it_puts_the_control_on_the_path_and_home_pages(alice):
    phd = CareerPathFactory(slug="phd", name="PhD program")
    on_path = AdviceItemFactory(paths=[phd])
    advice_feedback_set(user=alice, item=on_path, helpful=False)
    client = login(alice)

    path_html = client.get("/paths/phd/").content.decode()
    home_html = client.get("/").content.decode()

    for html in (path_html, home_html):
        assert helpful_form(html, on_path)
        assert "You answered no" in html


# --- Advice on the comparison results page ------------------------------------------------


@pytest.fixture
def decision(alice):
    """Alice weighs a PhD against a startup. The library holds advice for each path, for a
    path not in the comparison, general advice, and a draft."""
    phd = CareerPathFactory(slug="phd", name="PhD program")
    startup = CareerPathFactory(slug="startup", name="Startup")
    lab = CareerPathFactory(slug="research-lab", name="Research lab")
    CriterionFactory(key="people_feel_right", paths=[phd, startup, lab])
    comparison = ComparisonFactory(owner=alice, title="PhD or startup")
    for slug in ("phd", "startup"):
        OptionFactory(comparison=comparison, path_slug=slug)
    items = {
        "phd": AdviceItemFactory(title="Choose the advisor", paths=[phd], position=5),
        "startup": AdviceItemFactory(title="Meet the founders", paths=[startup], position=6),
        "general-1": AdviceItemFactory(title="People over logo", position=1),
        "general-2": AdviceItemFactory(title="Ask early", position=2),
        "general-3": AdviceItemFactory(title="Write it down", position=3),
        "lab": AdviceItemFactory(title="Lab only", paths=[lab], position=0),
        "draft": AdviceItemFactory(title="Draft for PhD", paths=[phd], status=Status.DRAFT),
    }
    return comparison, items


def test_it_shows_advice_for_the_results_paths_first_and_counts_it(decision, alice):
    comparison, items = decision
    client = login(alice)

    html = client.get(
        reverse("comparisons:comparison_results", args=[comparison.pk])
    ).content.decode()

    section = html[html.index("Advice for this decision") :]
    shown = ["Choose the advisor", "Meet the founders", "People over logo", "Ask early"]
    positions = [section.index(title) for title in shown]
    assert positions == sorted(positions)
    for title in ("Write it down", "Lab only", "Draft for PhD"):
        assert title not in html
    for key in ("phd", "startup", "general-1", "general-2"):
        assert stats(items[key]) == (1, 0)
        assert helpful_form(html, items[key])
    for key in ("general-3", "lab", "draft"):
        assert stats(items[key]) == (0, 0)

    client.get(reverse("comparisons:comparison_results", args=[comparison.pk]))

    assert stats(items["phd"]) == (2, 0)
    assert stats(items["general-3"]) == (0, 0)


def test_it_shows_alices_answer_on_the_results_page(decision, alice):
    comparison, items = decision
    advice_feedback_set(user=alice, item=items["startup"], helpful=True)

    html = (
        login(alice)
        .get(reverse("comparisons:comparison_results", args=[comparison.pk]))
        .content.decode()
    )

    assert "You answered yes" in html


def test_it_shows_and_counts_no_advice_for_a_comparison_without_options(alice, decision):
    empty = ComparisonFactory(owner=alice)

    html = (
        login(alice)
        .get(reverse("comparisons:comparison_results", args=[empty.pk]))
        .content.decode()
    )

    assert "Advice for this decision" not in html
    assert not AdviceStats.objects.exists()


def test_it_shows_shared_page_visitors_the_advice_but_no_buttons(decision, alice, client):
    comparison, items = decision
    sharing.share_enable(comparison=comparison)

    url = reverse("comparisons:comparison_shared", args=[comparison.share_token])
    html = client.get(url).content.decode()

    assert "Choose the advisor" in html
    assert "/helpful/" not in html
    assert f"/accounts/login/?next={url}" in html
    assert stats(items["phd"]) == (1, 0)


def test_it_falls_back_to_general_items_for_decision_advice(db):
    phd = CareerPathFactory(slug="phd")
    general = AdviceItemFactory(position=9)
    for_phd = AdviceItemFactory(paths=[phd], position=10)

    assert comparison_advice(path_ids=[phd.pk]) == [for_phd, general]
    assert comparison_advice(path_ids=[]) == [general]


# --- Advice in the weekly email -------------------------------------------------------------


@pytest.fixture
def plan(seeded, alice):
    return LearningPlanFactory(
        owner=alice,
        track=LearningTrack.objects.get(),
        start_date=START,
        nudge_weekday=5,
        nudge_hour=9,
        timezone="Europe/London",
        now=CREATED,
    )


def dispatch(now) -> None:
    call_command("dispatch_nudges", "--sync", "--now", now.isoformat(), stdout=StringIO())


def helpful_links(message) -> dict[str, str]:
    text = message.get_body(("plain",)).get_content()
    return {
        "yes": re.search(r"^- Helpful: (\S+)", text, re.M).group(1),
        "no": re.search(r"^- Not helpful: (\S+)", text, re.M).group(1),
    }


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_it_shows_each_email_the_advice_of_its_week_and_counts_it(plan, smtp_sink):
    rotation = advice_for_nudges()

    dispatch(FIRST_SLOT)
    dispatch(FIRST_SLOT + timedelta(weeks=1))

    first, second = smtp_sink.messages
    for message, item in ((first, rotation[0]), (second, rotation[1])):
        text = " ".join(message.get_body(("plain",)).get_content().split())
        html = message.get_body(("html",)).get_content()
        assert f"Advice of the week: {item.title}" in text
        assert item.citation_label in text
        assert f"Advice of the week: {item.title}" in html
        assert "<p>" in html.split("Advice of the week")[1]
    assert stats(rotation[0]) == (0, 1)
    assert stats(rotation[1]) == (0, 1)
    assert stats(rotation[2]) == (0, 0)


def test_it_always_gives_the_same_week_the_same_advice(plan):
    rotation = advice_for_nudges()
    week = FIRST_SLOT.date()

    assert advice_of_the_week(items=rotation, plan=plan, week=week) == rotation[0]
    assert advice_of_the_week(items=rotation, plan=plan, week=week) == rotation[0]
    later = week + timedelta(weeks=len(rotation) + 2)
    assert advice_of_the_week(items=rotation, plan=plan, week=later) == rotation[2]
    assert advice_of_the_week(items=[], plan=plan, week=week) is None


def test_it_counts_nothing_for_an_email_that_was_not_sent(plan, smtp_sink):
    smtp_sink.handler.refuse = {plan.owner.email}

    dispatch(FIRST_SLOT)

    assert NudgeDelivery.objects.get().status == NudgeDelivery.Status.FAILED
    assert not AdviceStats.objects.exists()


def test_it_counts_a_chunks_emails_in_one_update(seeded, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    for user in UserFactory.create_batch(5):
        LearningPlanFactory(
            owner=user,
            track=LearningTrack.objects.get(),
            start_date=START,
            nudge_weekday=5,
            nudge_hour=9,
            timezone="Europe/London",
            now=CREATED,
        )
    [chunk] = nudges.nudges_dispatch(now=FIRST_SLOT).chunks

    with CaptureQueriesContext(connection) as queries:
        assert nudges.nudges_deliver(delivery_ids=chunk) == ({"sent": 5}, [])

    updates = [q["sql"] for q in queries if "content_advicestats" in q["sql"]]
    assert len(updates) == 2  # the insert of missing rows, one increment by 5
    assert stats(advice_for_nudges()[0]) == (0, 5)


@pytest.fixture
def sent_message(plan, smtp_sink):
    dispatch(FIRST_SLOT)
    return smtp_sink.messages[0]


def test_it_records_nothing_when_an_email_link_is_opened(plan, sent_message, client):
    for url in helpful_links(sent_message).values():
        response = client.get(path_of(url))
        assert response.status_code == 200
        assert b'method="post"' in response.content
    assert not AdviceFeedback.objects.exists()


def test_it_records_the_plan_owners_answer_on_confirming_whoever_clicks(
    plan, sent_message, charlie
):
    item = advice_for_nudges()[0]
    links = helpful_links(sent_message)

    # No session at all: the signed link names the learner.
    response = Client().post(path_of(links["yes"]))
    assert response.status_code == 200
    assert vote_of(plan.owner, item) is True

    # Opened in a browser where charlie is logged in: still alice's answer.
    login(charlie).post(path_of(links["no"]))
    assert vote_of(plan.owner, item) is False
    assert vote_of(charlie, item) is None


def test_it_expires_an_email_link_after_fourteen_days(plan, sent_message):
    url = path_of(helpful_links(sent_message)["yes"])

    with time_machine.travel(timezone.now() + timedelta(days=15)):
        response = Client().post(url)

    assert response.status_code == 400
    assert b"expired" in response.content
    assert not AdviceFeedback.objects.exists()


def test_it_refuses_a_tampered_email_link(plan, sent_message):
    url = path_of(helpful_links(sent_message)["yes"])
    token = url.rstrip("/").rsplit("/", 1)[1]
    # The same signature on another item's payload.
    other_item = advice_for_nudges()[1]
    forged_payload = helpful_token(user_id=plan.owner_id, item_id=other_item.pk, helpful=True)
    forged = [
        url.replace(token, token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")),
        # A token of the check-in links' kind is not a helpful link, nor the reverse.
        path_of(url).replace("/nudges/helpful/", "/nudges/action/"),
        url.replace(token, forged_payload.split(":")[0] + ":" + token.split(":", 1)[1]),
    ]

    for bad in forged:
        assert Client().post(bad).status_code == 400
    assert not AdviceFeedback.objects.exists()


def test_it_answers_not_found_for_an_email_link_to_advice_since_archived(plan, sent_message):
    AdviceItem.objects.filter(pk=advice_for_nudges()[0].pk).update(status=Status.ARCHIVED)

    assert Client().post(path_of(helpful_links(sent_message)["yes"])).status_code == 404
    assert not AdviceFeedback.objects.exists()


# --- The email preview for editors -----------------------------------------------------------


def row_counts() -> dict[str, int]:
    history = [
        m
        for m in apps.get_app_config("content").get_models()
        if m.__name__.startswith("Historical")
    ]
    models = [LearningPlan, NudgeDelivery, WeeklyCheckin, AdviceStats, AdviceFeedback, *history]
    return {model.__name__: model.objects.count() for model in models}


def test_it_previews_unpublished_content_and_writes_nothing(seeded, alice):
    draft = AdviceItemFactory(title="Draft advice", body="Ask *who* you would work with.")
    draft.status = Status.DRAFT
    draft.save()
    tip = Tip.objects.published().first()
    before = row_counts()

    with CaptureQueriesContext(connection) as queries:
        message = nudge_preview(user=alice, tip=tip, advice=draft)

    assert row_counts() == before
    writes = [
        q["sql"] for q in queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]
    assert writes == []
    assert message.to == [alice.email]
    text = message.body
    html = message.alternatives[0][0]
    assert "Advice of the week: Draft advice" in text
    assert "Ask *who* you would work with." in text
    assert "<em>who</em>" in html
    assert tip.text[:40] in " ".join(text.split())
    assert "Week 3 of" in html
    # Nothing in a preview is a signed link that could act on anyone's data.
    assert "/nudges/" not in text + html + message.extra_headers["List-Unsubscribe"]


def test_it_previews_an_email_without_a_tip_or_advice(seeded, alice):
    message = nudge_preview(user=alice)

    assert "Advice of the week" not in message.body
    assert "Hello alice" in message.body
