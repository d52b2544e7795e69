"""Check-ins months after a decision: when each is due (across daylight-saving changes and
year ends), their schedule as the decision changes, the at-most-once email, the one-click
links behind it and the answer pages."""

import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import reverse

from careers.comparisons import checkin_delivery
from careers.comparisons.checkin_links import (
    ANSWER_SALT,
    answer_token,
    checkin_links,
    page_token,
    unsubscribe_token,
)
from careers.comparisons.checkin_questions import QUESTIONS
from careers.comparisons.checkins import (
    checkin_answers_save,
    checkin_due_at,
    checkins_schedule,
    decision_checkins,
    decision_editable,
)
from careers.comparisons.decision_models import (
    CHECKIN_MONTHS,
    Decision,
    DecisionCheckin,
    UserCheckinSettings,
)
from careers.comparisons.tasks import checkin_send_chunk
from tests.factories import ComparisonFactory, OptionFactory, UserFactory

Status = DecisionCheckin.Status
# Decided in December 2026, starting on Monday 4 January 2027; check-ins on Mondays at
# 09:00 London time: 8 February (GMT), 5 April and 5 July (BST), 10 January 2028 (GMT).
DECIDED = datetime(2026, 12, 10, 12, tzinfo=UTC)
START = date(2027, 1, 4)
DUE = {
    1: datetime(2027, 2, 8, 9, tzinfo=UTC),
    3: datetime(2027, 4, 5, 8, tzinfo=UTC),
    6: datetime(2027, 7, 5, 8, tzinfo=UTC),
    12: datetime(2028, 1, 10, 9, tzinfo=UTC),
}
EXPECTATIONS = "A small team that ships every week, and a manager who reviews my code."


@pytest.fixture
def bob(db):
    return UserFactory(username="bob")


def decide(owner, *, start=START, chosen=True, weekday=0, hour=9, now=DECIDED) -> Decision:
    """A decision on a comparison of ``owner``'s, its check-ins scheduled as at ``now``."""
    comparison = ComparisonFactory(owner=owner, title=f"{owner.username}'s offers")
    option = OptionFactory(comparison=comparison, organisation="Acme Robotics")
    decision = Decision.objects.create(
        comparison=comparison,
        chosen_option=option.pk if chosen else None,
        chosen_label="Acme Robotics" if chosen else "",
        decided_on=now.date(),
        start_date=start if chosen else None,
        confidence=70,
        expectations=EXPECTATIONS,
        checkin_weekday=weekday,
        checkin_hour=hour,
    )
    checkins_schedule(decision=decision, now=now)
    return decision


def statuses(decision: Decision) -> dict[int, str]:
    return {c.months: c.status for c in decision_checkins(decision=decision)}


def dispatch_and_send(now: datetime) -> checkin_delivery.DispatchReport:
    """One dispatch at ``now`` whose chunks are sent at once, as a worker would."""
    return checkin_delivery.checkins_dispatch(
        now=now, enqueue=lambda ids: checkin_delivery.checkins_send(checkin_ids=ids)
    )


@pytest.fixture
def decision(alice):
    return decide(alice)


@pytest.fixture
def sent(decision, smtp_sink, settings):
    """The 1-month check-in of alice's decision, sent; (check-in, message)."""
    settings.SITE_URL = "https://advisor.example.org"
    dispatch_and_send(DUE[1])
    [message] = smtp_sink.messages
    return DecisionCheckin.objects.get(decision=decision, months=1), message


def path_of(url: str) -> str:
    return urlsplit(url).path


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


# -- When a check-in is due ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "start", "months", "weekday", "hour", "due"),
    [
        # London before and after the clocks go forward (28 March 2027): 09:00 is 09:00
        # UTC in winter and 08:00 UTC in summer.
        ("Europe/London", date(2027, 2, 19), 1, 0, 9, datetime(2027, 3, 22, 9, tzinfo=UTC)),
        ("Europe/London", date(2027, 2, 26), 1, 0, 9, datetime(2027, 3, 29, 8, tzinfo=UTC)),
        # ... and back (31 October 2027).
        ("Europe/London", date(2027, 9, 20), 1, 0, 9, datetime(2027, 10, 25, 8, tzinfo=UTC)),
        ("Europe/London", date(2027, 9, 30), 1, 0, 9, datetime(2027, 11, 1, 9, tzinfo=UTC)),
        # New York around its November change (7 November 2027).
        ("America/New_York", date(2027, 9, 28), 1, 0, 9, datetime(2027, 11, 1, 13, tzinfo=UTC)),
        ("America/New_York", date(2027, 10, 5), 1, 0, 9, datetime(2027, 11, 8, 14, tzinfo=UTC)),
        # 02:00 on 14 March 2027 does not exist in New York: the first instant after the gap.
        ("America/New_York", date(2027, 2, 14), 1, 6, 2, datetime(2027, 3, 14, 7, tzinfo=UTC)),
        # 01:00 on 7 November 2027 happens twice there: the first time (EDT).
        ("America/New_York", date(2027, 10, 7), 1, 6, 1, datetime(2027, 11, 7, 5, tzinfo=UTC)),
        # Troll's clocks jump two hours (01:00 to 03:00): 02:00 is the gap's end, not 04:00.
        ("Antarctica/Troll", date(2027, 2, 28), 1, 6, 2, datetime(2027, 3, 28, 1, tzinfo=UTC)),
        # Across the year's end, and twelve months on.
        ("Europe/London", date(2027, 11, 30), 1, 0, 9, datetime(2028, 1, 3, 9, tzinfo=UTC)),
        ("Europe/London", date(2027, 1, 4), 12, 0, 9, datetime(2028, 1, 10, 9, tzinfo=UTC)),
        # The day clamped to the month's end, in a common and in a leap year.
        ("Europe/London", date(2027, 1, 31), 1, 6, 9, datetime(2027, 2, 28, 9, tzinfo=UTC)),
        ("Europe/London", date(2028, 1, 31), 1, 1, 9, datetime(2028, 2, 29, 9, tzinfo=UTC)),
        # The weekday is the local one: Monday 09:00 in Auckland is Sunday evening in UTC.
        ("Pacific/Auckland", date(2027, 1, 4), 1, 0, 9, datetime(2027, 2, 7, 20, tzinfo=UTC)),
    ],
)
def test_it_computes_when_a_checkin_is_due(tz, start, months, weekday, hour, due):
    assert checkin_due_at(start_date=start, months=months, weekday=weekday, hour=hour, tz=tz) == due


# -- The schedule -------------------------------------------------------------------------------


def test_it_schedules_four_checkins_at_the_owners_local_hour(decision):
    checkins = decision_checkins(decision=decision)
    assert [(c.months, c.due_at, c.status) for c in checkins] == [
        (months, DUE[months], Status.SCHEDULED) for months in CHECKIN_MONTHS
    ]


def test_it_schedules_idempotently(decision):
    before = list(DecisionCheckin.objects.values_list("pk", "months", "due_at", "status"))
    checkins_schedule(decision=decision, now=DECIDED)
    checkins_schedule(decision=decision, now=DECIDED)
    assert list(DecisionCheckin.objects.values_list("pk", "months", "due_at", "status")) == before


def test_it_follows_the_owners_time_zone(alice):
    alice.profile.timezone = "America/New_York"
    alice.profile.save()
    decision = decide(alice)
    # Monday 8 February 2027 at 09:00 EST.
    assert decision_checkins(decision=decision)[0].due_at == datetime(2027, 2, 8, 14, tzinfo=UTC)


def test_it_moves_scheduled_checkins_and_never_one_already_claimed(decision, smtp_sink):
    dispatch_and_send(DUE[1])
    decision.start_date = date(2027, 3, 1)
    decision.checkin_hour = 18
    checkins_schedule(decision=decision, now=DUE[1])
    checkins = {c.months: c for c in decision_checkins(decision=decision)}
    assert (checkins[1].status, checkins[1].due_at) == (Status.SENT, DUE[1])
    # Monday 7 June 2027 at 18:00 BST.
    assert checkins[3].due_at == datetime(2027, 6, 7, 17, tzinfo=UTC)
    assert checkins[3].status == Status.SCHEDULED


def test_it_cancels_the_checkins_of_none_of_them_and_brings_them_back(decision):
    decision.chosen_option = None
    decision.start_date = None
    checkins_schedule(decision=decision, now=DECIDED)
    assert set(statuses(decision).values()) == {Status.CANCELLED}
    assert "none of the options" in DecisionCheckin.objects.first().last_error
    assert decision_editable(decision=decision)

    decision.chosen_option = 1
    decision.start_date = START
    checkins_schedule(decision=decision, now=DECIDED)
    assert [(c.status, c.due_at) for c in decision_checkins(decision=decision)] == [
        (Status.SCHEDULED, DUE[months]) for months in CHECKIN_MONTHS
    ]


def test_it_keeps_only_the_latest_checkin_already_due_for_a_past_start(alice):
    # Recorded four months after the start: the 1- and 3-month check-ins are both past.
    decision = decide(alice, now=datetime(2027, 5, 10, tzinfo=UTC))
    assert statuses(decision) == {
        1: Status.CANCELLED,
        3: Status.SCHEDULED,
        6: Status.SCHEDULED,
        12: Status.SCHEDULED,
    }
    report = checkin_delivery.checkins_dispatch(now=datetime(2027, 5, 10, 0, 15, tzinfo=UTC))
    assert report.claimed == 1
    assert DecisionCheckin.objects.get(status=Status.PENDING).months == 3


def test_it_locks_the_decision_once_the_first_checkin_is_claimed(decision):
    assert decision_editable(decision=decision)
    checkin_delivery.checkins_dispatch(now=DUE[1] - timedelta(minutes=1))
    assert decision_editable(decision=decision)
    checkin_delivery.checkins_dispatch(now=DUE[1])
    assert not decision_editable(decision=decision)


# -- Dispatch and sending -----------------------------------------------------------------------


def test_it_claims_a_due_checkin_once(decision):
    first = checkin_delivery.checkins_dispatch(now=DUE[1] + timedelta(minutes=5))
    second = checkin_delivery.checkins_dispatch(now=DUE[1] + timedelta(minutes=5))
    assert (first.claimed, second.claimed) == (1, 0)
    assert statuses(decision)[1] == Status.PENDING
    assert statuses(decision)[3] == Status.SCHEDULED


def test_it_sends_the_checkin_email_with_its_questions_and_headers(sent, alice):
    checkin, message = sent
    assert message["To"] == alice.email
    assert message["Subject"].startswith("1 month at Acme Robotics")
    assert message["Message-ID"] == f"<checkin.{checkin.decision_id}.1@advisor.example.org>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["List-Unsubscribe"].startswith(
        "<https://advisor.example.org/comparisons/checkins/unsubscribe/"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for body in (text, html):
        assert "Acme Robotics" in body
        assert "A small team that ships every week" in body
        for question in QUESTIONS:
            assert question.text in body
        assert body.count("https://advisor.example.org/comparisons/checkins/answer/") == 17
        assert "https://advisor.example.org/comparisons/checkins/page/" in body
    assert checkin.status == Status.SENT
    assert checkin.message_id == message["Message-ID"]
    assert checkin.attempts == 1


def test_it_sends_once_when_the_dispatcher_and_the_send_run_twice(decision, smtp_sink):
    reports = [dispatch_and_send(DUE[1]) for _ in range(2)]
    assert [r.claimed for r in reports] == [1, 0]
    checkin = DecisionCheckin.objects.get(decision=decision, months=1)
    assert checkin_delivery.checkins_send(checkin_ids=[checkin.pk]) == ({"taken": 1}, [])
    checkin_send_chunk.apply(args=[[checkin.pk]])
    assert len(smtp_sink.messages) == 1


def test_it_leaves_a_checkin_another_run_has_taken_alone(decision, smtp_sink):
    [chunk] = checkin_delivery.checkins_dispatch(now=DUE[1]).chunks
    DecisionCheckin.objects.filter(pk__in=chunk).update(status=Status.SENDING)
    assert checkin_delivery.checkins_send(checkin_ids=chunk) == ({"taken": 1}, [])
    assert smtp_sink.messages == []


def test_it_never_accepts_an_email_whose_take_lost_the_race(decision, smtp_sink, monkeypatch):
    # Another run claims the row between this run's claim and its take: this run's email
    # is closed before its final dot, so the server keeps nothing.
    [chunk] = checkin_delivery.checkins_dispatch(now=DUE[1]).chunks
    real_take = checkin_delivery._take

    def take_after_another_run_claimed(checkin, claim):
        DecisionCheckin.objects.filter(pk=checkin.pk).update(claim="another-run")
        return real_take(checkin, claim)

    monkeypatch.setattr(checkin_delivery, "_take", take_after_another_run_claimed)
    assert checkin_delivery.checkins_send(checkin_ids=chunk) == ({"taken": 1}, [])
    assert smtp_sink.messages == []
    assert DecisionCheckin.objects.get(pk=chunk[0]).status == Status.PENDING


@pytest.mark.parametrize(
    ("change", "status", "reason"),
    [
        ("emails_off", Status.CANCELLED, "turned check-in emails off"),
        ("unverified", Status.FAILED, "not verified"),
        ("no_email", Status.FAILED, "no email address"),
        ("none_of_them", Status.CANCELLED, "none of the options"),
    ],
)
def test_it_refuses_to_send_when_the_owner_or_decision_changed_since_the_claim(
    decision, alice, smtp_sink, change, status, reason
):
    [chunk] = checkin_delivery.checkins_dispatch(now=DUE[1]).chunks
    if change == "emails_off":
        UserCheckinSettings.objects.create(user=alice, emails_enabled=False)
    elif change == "unverified":
        alice.emailaddress_set.update(verified=False)
    elif change == "no_email":
        type(alice).objects.filter(pk=alice.pk).update(email="")
    else:
        Decision.objects.filter(pk=decision.pk).update(chosen_option=None)
    outcomes, retry = checkin_delivery.checkins_send(checkin_ids=chunk)
    assert (outcomes, retry) == ({str(status): 1}, [])
    checkin = DecisionCheckin.objects.get(pk=chunk[0])
    assert checkin.status == status
    assert reason in checkin.last_error
    assert smtp_sink.messages == []


def test_it_turns_check_in_emails_off_when_the_address_bounces_for_good(decision, alice, smtp_sink):
    smtp_sink.handler.refuse.add(alice.email)
    [chunk] = checkin_delivery.checkins_dispatch(now=DUE[1]).chunks
    assert checkin_delivery.checkins_send(checkin_ids=chunk) == ({"failed": 1}, [])
    assert DecisionCheckin.objects.get(pk=chunk[0]).status == Status.FAILED
    assert UserCheckinSettings.objects.get(user=alice).emails_enabled is False
    # The next check-in is not sent to the address either.
    dispatch_and_send(DUE[3])
    assert statuses(decision)[3] == Status.CANCELLED
    assert smtp_sink.messages == []


def test_it_retries_when_the_mail_server_says_not_now(decision, smtp_sink):
    smtp_sink.handler.transient_failures = 1
    [chunk] = checkin_delivery.checkins_dispatch(now=DUE[1]).chunks
    assert checkin_delivery.checkins_send(checkin_ids=chunk) == ({"retry": 1}, chunk)
    assert DecisionCheckin.objects.get(pk=chunk[0]).status == Status.PENDING
    assert checkin_delivery.checkins_send(checkin_ids=chunk) == ({"sent": 1}, [])
    assert len(smtp_sink.messages) == 1


def test_it_gives_up_after_the_retries(decision, smtp_sink):
    smtp_sink.handler.transient_failures = 100
    [chunk] = checkin_delivery.checkins_dispatch(now=DUE[1]).chunks
    checkin_send_chunk.apply(args=[chunk], retries=checkin_send_chunk.max_retries)
    checkin = DecisionCheckin.objects.get(pk=chunk[0])
    assert checkin.status == Status.FAILED
    assert "Gave up after retries" in checkin.last_error


def test_it_requeues_a_pending_checkin_whose_task_was_lost(decision, settings):
    settings.NUDGE_REQUEUE_AFTER = 300
    [chunk] = checkin_delivery.checkins_dispatch(now=DUE[1]).chunks
    assert checkin_delivery.checkins_requeue(enqueue=None) == []
    later = datetime.now(UTC) + timedelta(seconds=301)
    enqueued = []
    assert checkin_delivery.checkins_requeue(enqueue=enqueued.append, now=later) == [chunk]
    assert enqueued == [chunk]


def test_it_marks_a_checkin_stuck_in_sending_and_never_resends_it(decision, smtp_sink):
    [chunk] = checkin_delivery.checkins_dispatch(now=DUE[1]).chunks
    # A worker took it and died before the server answered.
    DecisionCheckin.objects.filter(pk__in=chunk).update(
        status=Status.SENDING, sending_since=datetime.now(UTC)
    )
    later = datetime.now(UTC) + checkin_delivery.STUCK_AFTER + timedelta(minutes=1)
    assert checkin_delivery.checkins_stuck() == []
    assert checkin_delivery.checkins_stuck(now=later) == chunk
    assert DecisionCheckin.objects.get(pk=chunk[0]).status == Status.STUCK
    assert checkin_delivery.checkins_requeue(enqueue=None, now=later) == []
    assert checkin_delivery.checkins_send(checkin_ids=chunk) == ({"taken": 1}, [])
    assert smtp_sink.messages == []


# -- One-click answers --------------------------------------------------------------------------


def answer_url(checkin, field, value) -> str:
    return reverse(
        "comparisons:checkin_answer",
        args=[answer_token(checkin_id=checkin.pk, field=field, value=value)],
    )


def test_it_records_a_one_click_answer_only_on_the_post(sent):
    checkin, message = sent
    text = message.get_body(("plain",)).get_content()
    link = re.search(r"How are the people.*?- 4: (\S+)", text, re.S)
    client = Client()
    page = client.get(path_of(link.group(1)))
    assert page.status_code == 200
    assert "How are the people you work with every day?" in text_of(page)
    assert "Your answer: 4" in text_of(page)
    checkin.refresh_from_db()
    assert checkin.people is None
    assert checkin.answered_at is None

    done = client.post(path_of(link.group(1)))
    assert done.status_code == 200
    checkin.refresh_from_db()
    assert checkin.people == 4
    assert checkin.answered_at is not None
    again = client.get(path_of(link.group(1)))
    assert "Already recorded" in text_of(again)


@pytest.mark.parametrize(
    ("field", "value", "stored"),
    [
        ("team_as_told", "no", False),
        ("manager_as_expected", "yes", True),
        ("learning", "2", 2),
        ("same_again", "not_sure", "not_sure"),
    ],
)
def test_it_records_each_kind_of_answer(sent, field, value, stored):
    checkin, _ = sent
    Client().post(answer_url(checkin, field, value))
    checkin.refresh_from_db()
    assert getattr(checkin, field) == stored


def test_it_keeps_both_answers_clicked_one_after_the_other(sent):
    checkin, _ = sent
    Client().post(answer_url(checkin, "people", "5"))
    Client().post(answer_url(checkin, "same_again", "yes"))
    checkin.refresh_from_db()
    assert (checkin.people, checkin.same_again) == (5, "yes")


def test_it_refuses_an_altered_link_with_a_clear_page(sent):
    checkin, _ = sent
    url = answer_url(checkin, "people", "4")
    response = Client().post(url.replace(url.rsplit(":", 1)[1], "x" * 43 + "/"))
    assert response.status_code == 400
    assert "not valid" in text_of(response)
    checkin.refresh_from_db()
    assert checkin.people is None


def test_it_refuses_a_link_signed_for_another_purpose(sent):
    checkin, _ = sent
    # An unsubscribe token (another salt) in an answer link.
    token = unsubscribe_token(user_id=checkin.decision.comparison.owner_id)
    response = Client().get(reverse("comparisons:checkin_answer", args=[token]))
    assert response.status_code == 400


def test_it_refuses_an_answer_no_question_has(sent):
    checkin, _ = sent
    token = signing.TimestampSigner(salt=ANSWER_SALT).sign_object(
        {"c": checkin.pk, "f": "people", "v": "9"}, compress=True
    )
    response = Client().post(reverse("comparisons:checkin_answer", args=[token]))
    assert response.status_code == 400
    checkin.refresh_from_db()
    assert checkin.people is None


def test_it_expires_answer_links_after_90_days(sent):
    checkin, _ = sent
    url = answer_url(checkin, "people", "4")
    with time_machine.travel(datetime.now(UTC) + timedelta(days=91)):
        response = Client().post(url)
    assert response.status_code == 400
    assert "expired" in text_of(response)
    checkin.refresh_from_db()
    assert checkin.people is None


def test_it_says_when_the_decision_was_deleted(sent):
    checkin, _ = sent
    url = answer_url(checkin, "people", "4")
    checkin.decision.delete()
    response = Client().get(url)
    assert response.status_code == 404
    assert "no longer exists" in text_of(response)


def test_it_takes_no_answers_for_a_checkin_not_yet_due(decision):
    checkin = decision_checkins(decision=decision)[0]
    response = Client().post(answer_url(checkin, "people", "4"))
    assert response.status_code == 400
    with pytest.raises(Exception, match="takes no answers"):
        checkin_answers_save(checkin=checkin, answers={"people": "4"})


# -- The answer page ----------------------------------------------------------------------------


def page_url(checkin) -> str:
    return reverse("comparisons:checkin_answers_link", args=[page_token(checkin_id=checkin.pk)])


def form_data(**answers) -> dict:
    data = {question.field: "" for question in QUESTIONS}
    return {**data, "note": "", **answers}


def test_it_shows_the_answer_page_from_the_link_without_logging_in(sent):
    checkin, message = sent
    link = re.search(r"on one page: (\S+)", message.get_body(("plain",)).get_content())
    client = Client()
    page = client.get(path_of(link.group(1)))
    assert page.status_code == 200
    for question in QUESTIONS:
        assert question.text in text_of(page)
    assert EXPECTATIONS in text_of(page)
    response = client.post(
        path_of(link.group(1)),
        form_data(team_as_told="yes", people="3", same_again="no", note="Loud open office."),
    )
    assert response.status_code == 302
    checkin.refresh_from_db()
    assert (checkin.team_as_told, checkin.people, checkin.same_again) == (True, 3, "no")
    assert checkin.note == "Loud open office."


def test_it_shows_the_previous_answers_and_saves_them_unchanged(sent):
    checkin, _ = sent
    checkin_answers_save(
        checkin=checkin, answers={"people": "4", "manager_as_expected": "no"}, note="Fine."
    )
    first_answered = DecisionCheckin.objects.get(pk=checkin.pk).answered_at
    client = Client()
    page = client.get(page_url(checkin))
    html = page.content.decode()
    assert re.search(r'name="people" value="4"[^>]*checked', html)
    assert re.search(r'name="manager_as_expected" value="no"[^>]*checked', html)
    assert "Fine." in html
    # What the browser sends back for the page as shown.
    response = client.post(
        page_url(checkin), form_data(people="4", manager_as_expected="no", note="Fine.")
    )
    assert response.status_code == 302
    checkin.refresh_from_db()
    assert (checkin.people, checkin.manager_as_expected, checkin.note) == (4, False, "Fine.")
    assert checkin.answered_at == first_answered


def test_it_refuses_an_answer_page_with_an_altered_link(sent):
    checkin, _ = sent
    response = Client().get(page_url(checkin)[:-5] + "abcd/")
    assert response.status_code == 400


def test_it_shows_the_owner_their_answer_page(sent, alice):
    checkin, _ = sent
    client = Client()
    client.force_login(alice)
    url = reverse("comparisons:checkin_answers", args=[checkin.decision.comparison_id, 1])
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(learning="5"))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "comparisons:decision_detail", args=[checkin.decision.comparison_id]
    )
    checkin.refresh_from_db()
    assert checkin.learning == 5


def test_it_shows_charlie_nothing_of_alices_checkins(sent, charlie):
    checkin, _ = sent
    client = Client()
    client.force_login(charlie)
    url = reverse("comparisons:checkin_answers", args=[checkin.decision.comparison_id, 1])
    assert client.get(url).status_code == 404
    assert client.post(url, form_data(learning="1")).status_code == 404
    checkin.refresh_from_db()
    assert checkin.learning is None


def test_it_asks_a_guest_to_log_in_for_the_owners_page(sent):
    checkin, _ = sent
    url = reverse("comparisons:checkin_answers", args=[checkin.decision.comparison_id, 1])
    response = Client().get(url)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_it_opens_no_form_on_the_owners_page_before_the_checkin_is_due(decision, alice):
    client = Client()
    client.force_login(alice)
    url = reverse("comparisons:checkin_answers", args=[decision.comparison_id, 3])
    page = client.get(url)
    assert page.status_code == 200
    assert "opens when its email is due, on 5 April 2027" in text_of(page)
    assert b'name="people"' not in page.content


def test_it_answers_404_for_a_month_without_a_checkin(decision, alice):
    client = Client()
    client.force_login(alice)
    url = reverse("comparisons:checkin_answers", args=[decision.comparison_id, 2])
    assert client.get(url).status_code == 404


# -- Unsubscribing ------------------------------------------------------------------------------


def unsubscribe_url(user) -> str:
    return reverse("comparisons:checkin_unsubscribe", args=[unsubscribe_token(user_id=user.pk)])


def test_it_asks_before_unsubscribing(alice):
    page = Client().get(unsubscribe_url(alice))
    assert page.status_code == 200
    assert "Stop the check-in emails?" in text_of(page)
    assert not UserCheckinSettings.objects.exists()


def test_it_unsubscribes_in_one_click_without_a_cookie_or_csrf_token(sent, alice):
    _, message = sent
    url = message["List-Unsubscribe"].strip("<>")
    response = Client(enforce_csrf_checks=True).post(
        path_of(url),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert UserCheckinSettings.objects.get(user=alice).emails_enabled is False
    again = Client().get(path_of(url))
    assert "already unsubscribed" in text_of(again)


def test_it_never_expires_the_unsubscribe_link(alice):
    url = unsubscribe_url(alice)
    with time_machine.travel(datetime.now(UTC) + timedelta(days=3650)):
        response = Client().post(url)
    assert response.status_code == 200
    assert UserCheckinSettings.objects.get(user=alice).emails_enabled is False


def test_it_refuses_an_altered_unsubscribe_link(alice):
    url = unsubscribe_url(alice)
    response = Client().post(url[:-4] + "xyz/")
    assert response.status_code == 400
    assert not UserCheckinSettings.objects.exists()


def test_it_lets_the_owner_turn_checkin_emails_back_on(alice, bob):
    Client().post(unsubscribe_url(alice))
    Client().post(unsubscribe_url(bob))
    client = Client()
    client.force_login(alice)
    page = client.get(unsubscribe_url(alice))
    assert "Turn check-in emails back on" in text_of(page)
    response = client.post(
        reverse("comparisons:checkin_emails_switch"),
        {"enabled": "on", "next": "https://evil.example.com/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("comparisons:comparison_list")
    assert UserCheckinSettings.objects.get(user=alice).emails_enabled is True
    # Only the signed-in user's own switch.
    assert UserCheckinSettings.objects.get(user=bob).emails_enabled is False


def test_it_sends_the_next_checkin_once_emails_are_back_on(decision, alice, smtp_sink):
    Client().post(unsubscribe_url(alice))
    dispatch_and_send(DUE[1])
    assert statuses(decision)[1] == Status.CANCELLED
    client = Client()
    client.force_login(alice)
    client.post(reverse("comparisons:checkin_emails_switch"), {"enabled": "on"})
    dispatch_and_send(DUE[3])
    assert statuses(decision)[3] == Status.SENT
    assert [m["Subject"].split(":")[0] for m in smtp_sink.messages] == ["3 months at Acme Robotics"]


def test_it_needs_a_login_and_a_post_to_switch_emails(alice):
    url = reverse("comparisons:checkin_emails_switch")
    assert Client().post(url, {"enabled": "off"}).status_code == 302
    client = Client()
    client.force_login(alice)
    assert client.get(url).status_code == 405
    assert not UserCheckinSettings.objects.exists()


def test_it_signs_every_link_of_an_email_for_its_own_checkin(decision):
    checkin = decision_checkins(decision=decision)[0]
    links = checkin_links(checkin_id=checkin.pk, owner_id=decision.comparison.owner_id)
    assert set(links["answers"]) == {question.field for question in QUESTIONS}
    urls = [url for answers in links["answers"].values() for url in answers.values()]
    assert len(set(urls)) == 17
