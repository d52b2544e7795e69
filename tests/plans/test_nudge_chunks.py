"""A chunk of nudges is claimed in one statement, costs one write per email, keeps one
delivery at a time in sending, shares what its emails have in common, and never lets the
mail server accept an email whose delivery it did not take."""

import threading
from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse

from careers.content.models import LearningTrack
from careers.core.sending import TakenSender
from careers.plans import nudges
from careers.plans.emails import (
    WEEKDAY_NAMES,
    NudgeComposer,
    advice_plain_text,
    email_heatmap,
    heatmap_summary,
    next_focus,
)
from careers.plans.ledger import DeliveryLedger, deliveries_claim
from careers.plans.links import (
    NudgeLinks,
    helpful_token,
    nudge_action_token,
    nudge_links,
    unsubscribe_token,
)
from careers.plans.models import NudgeDelivery
from careers.plans.selectors import (
    advice_for_nudges,
    advice_of_the_week,
    plan_progress,
    tip_choose,
    tips_for_track,
)
from careers.plans.timeline import SKIP_REFILL_WEEKS
from careers.plans.wire import NudgeEmail
from tests.factories import LearningPlanFactory, UserFactory, WeeklyCheckinFactory
from tests.plans.test_nudges import FIRST_SLOT, SLOT, START, Status
from tests.processes import wait_for

SENT = datetime(2026, 12, 5, 9, 0, 7, tzinfo=UTC)


@pytest.fixture
def track(seeded):
    return LearningTrack.objects.get(slug="deep-learning-foundations")


def make_plans(track, count: int, **fields):
    return [
        LearningPlanFactory(
            owner=UserFactory(username=f"learner{n}"), track=track, **SLOT, **fields
        )
        for n in range(count)
    ]


def statuses() -> dict[str, int]:
    found: dict[str, int] = {}
    for status in NudgeDelivery.objects.values_list("status", flat=True):
        found[status] = found.get(status, 0) + 1
    return found


def test_it_claims_only_the_deliveries_still_pending(track, smtp_sink):
    make_plans(track, 5)
    [chunk] = nudges.nudges_dispatch(now=FIRST_SLOT).chunks
    sending, sent, failed, stuck, pending = chunk
    for pk, status in ((sending, Status.SENDING), (sent, Status.SENT), (failed, Status.FAILED)):
        NudgeDelivery.objects.filter(pk=pk).update(status=status)
    NudgeDelivery.objects.filter(pk=stuck).update(status=Status.STUCK)

    assert deliveries_claim(delivery_ids=chunk, claim="run-a") == 1
    claims = dict(NudgeDelivery.objects.values_list("pk", "claim"))
    assert claims == {sending: "", sent: "", failed: "", stuck: "", pending: "run-a"}

    # The send run sends that one and leaves the four others as they are.
    assert nudges.nudges_deliver(delivery_ids=chunk) == ({"taken": 4, "sent": 1}, [])
    assert [message["To"] for message in smtp_sink.messages] == [
        NudgeDelivery.objects.get(pk=pending).plan.owner.email
    ]
    assert statuses() == {Status.SENDING: 1, Status.SENT: 2, Status.FAILED: 1, Status.STUCK: 1}


def test_it_lets_a_later_claim_take_over_what_is_still_pending(track):
    make_plans(track, 3)
    [chunk] = nudges.nudges_dispatch(now=FIRST_SLOT).chunks
    first, second, third = NudgeDelivery.objects.filter(pk__in=chunk).order_by("pk")
    run_a = DeliveryLedger(claim="run-a", now=FIRST_SLOT)
    assert deliveries_claim(delivery_ids=chunk, claim="run-a") == 3
    assert run_a.take(first)

    # A second copy of the task (the broker redelivered it) claims what is still pending.
    run_b = DeliveryLedger(claim="run-b", now=FIRST_SLOT)
    assert deliveries_claim(delivery_ids=chunk, claim="run-b") == 2
    assert not run_a.take(second)
    assert run_b.take(second)
    # Taken is taken: neither run takes it again, nor the one the other run is sending.
    assert not run_b.take(second)
    assert not run_b.take(first)
    assert dict(NudgeDelivery.objects.values_list("pk", "status")) == {
        first.pk: Status.SENDING,
        second.pk: Status.SENDING,
        third.pk: Status.PENDING,
    }


@pytest.mark.parametrize("backend", ["smtp", "locmem"])
@pytest.mark.parametrize("count", [3, 12])
def test_it_delivers_a_chunk_in_one_write_per_email_plus_a_fixed_thirteen(
    track, count, backend, request, settings, django_assert_num_queries
):
    if backend == "smtp":
        request.getfixturevalue("smtp_sink")
    else:
        settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    make_plans(track, count)
    [chunk] = nudges.nudges_dispatch(now=FIRST_SLOT).chunks
    # The claim (1); deliveries with plan, learner and track, courses, steps, check-ins,
    # breaks and verified addresses (6); tips, tips last sent, the advice rotation (3); one
    # statement per email, taking it and recording the one before; the last one recorded (1);
    # the advice shown counted (2: every email here shows the same item).
    with django_assert_num_queries(13 + count):
        assert nudges.nudges_deliver(delivery_ids=chunk) == ({"sent": count}, [])
    assert statuses() == {Status.SENT: count}
    assert set(NudgeDelivery.objects.values_list("attempts", flat=True)) == {1}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a send run in another thread needs a database server (PostgreSQL in CI)",
)
def test_it_keeps_one_delivery_in_sending_while_a_chunk_goes_out(track, smtp_sink):
    plans = make_plans(track, 6)
    [chunk] = nudges.nudges_dispatch(now=FIRST_SLOT).chunks
    smtp_sink.hold(after=3)
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(nudges.nudges_deliver(delivery_ids=chunk))
        finally:
            connection.close()

    sender = threading.Thread(target=run)
    sender.start()
    try:
        assert wait_for(lambda: smtp_sink.held == 1, timeout=30)
        # The fourth email is on its way: its delivery alone is in sending, the three
        # before it are recorded as sent and the two after it were never taken.
        assert wait_for(
            lambda: statuses() == {Status.SENT: 3, Status.SENDING: 1, Status.PENDING: 2}
        )
        [in_flight] = NudgeDelivery.objects.filter(status=Status.SENDING)
        assert in_flight.pk == sorted(chunk)[3]
        assert len(smtp_sink.messages) == 3
    finally:
        smtp_sink.release()
        sender.join(timeout=30)
    assert outcome == [({"sent": 6}, [])]
    assert sorted(m["To"] for m in smtp_sink.messages) == sorted(p.owner.email for p in plans)


def a_nudge(to: str) -> NudgeEmail:
    message = NudgeEmail(
        subject="Week 1",
        body="Hello\n",
        from_email="Career Advisor <advisor@example.org>",
        to=[to],
        headers={"Message-ID": f"<nudge.{to}>"},
    )
    message.attach_alternative("<p>Hello</p>", "text/html")
    return message


def test_it_never_lets_the_server_accept_an_email_it_did_not_take(db, smtp_sink):
    sender = TakenSender(mail.mailers.default)
    try:
        # The envelope and the data went out while the delivery was being taken; it was
        # not, so the final dot never does and the server keeps nothing.
        assert not sender.send(a_nudge("ada@example.org"), take=lambda: False)

        def broken() -> bool:
            raise RuntimeError("the database went away")

        with pytest.raises(RuntimeError):
            sender.send(a_nudge("bob@example.org"), take=broken)
        assert smtp_sink.messages == []
        # The next email goes out on a new connection.
        assert sender.send(a_nudge("cy@example.org"), take=lambda: True)
    finally:
        sender.close()
        mail.mailers.default.close()
    assert [message["To"] for message in smtp_sink.messages] == ["cy@example.org"]


def test_it_takes_an_email_before_the_test_outbox_gets_it(db, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mail.outbox = []
    sender = TakenSender(mail.mailers.default)
    assert not sender.send(a_nudge("ada@example.org"), take=lambda: False)
    assert sender.send(a_nudge("bob@example.org"), take=lambda: True)
    sender.close()
    assert [message.to for message in mail.outbox] == [["bob@example.org"]]


def reference_parts(delivery, *, progress, tip, advice) -> tuple[str, str, str]:
    """The three parts rendered for this one email alone, with the real plan, progress and
    learner in the context, as every nudge was rendered before emails shared renderings."""
    plan = delivery.plan
    this_week = progress.this_week if progress.logged else None
    context = {
        "kind": delivery.kind,
        "user": plan.owner,
        "plan": plan,
        "progress": progress,
        "focus": progress.focus,
        "next_focus": next_focus(progress),
        "logged_days": this_week.study_days_done if this_week else 0,
        "logged_papers": this_week.papers_read if this_week else 0,
        "days": [(WEEKDAY_NAMES[day.weekday], day.light, day.text) for day in progress.days],
        "light_week": bool(progress.days) and all(day.light for day in progress.days),
        "skip_refill_weeks": SKIP_REFILL_WEEKS,
        "heatmap": email_heatmap(progress),
        "heatmap_summary": heatmap_summary(progress),
        "tip": tip,
        "advice": advice,
        "advice_text": advice_plain_text(advice.body),
        "links": nudge_links(
            plan_id=plan.pk, week=delivery.week_start, owner_id=plan.owner_id, advice_id=advice.pk
        ),
        "papers_percent": (
            min(100, round(100 * progress.papers_read / progress.papers_target))
            if progress.papers_target
            else 0
        ),
        "nudge_day": WEEKDAY_NAMES[plan.nudge_weekday],
        "week_start": delivery.week_start,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    subject = " ".join(render_to_string("plans/emails/nudge-subject.txt", context).split())
    text = render_to_string("plans/emails/nudge-body-text.txt", context)
    html = render_to_string("plans/emails/nudge-body-html.html", {**context, "subject": subject})
    return subject, text, html


def test_it_renders_once_what_emails_share_and_each_gets_its_own_name_and_links(track):
    ada, grace, linus = (
        LearningPlanFactory(owner=UserFactory(username=name), track=track, **SLOT)
        for name in ("ada", "grace.hopper+nudges", "linus_t")
    )
    # Linus logged a week: his progress differs, so his email is rendered on its own.
    WeeklyCheckinFactory(plan=linus, week_start=START, study_days_done=2, papers=[{"title": "A"}])
    nudges.nudges_dispatch(now=FIRST_SLOT)
    deliveries = list(
        NudgeDelivery.objects.select_related("plan__owner", "plan__track").order_by("plan_id")
    )
    tips, rotation = tips_for_track(track_id=track.pk), advice_for_nudges()
    composer = NudgeComposer()
    with time_machine.travel(SENT, tick=False):
        for delivery in deliveries:
            progress = plan_progress(plan=delivery.plan, now=SENT)
            tip = tip_choose(tips=tips, last_sent={})
            advice = advice_of_the_week(
                items=rotation, plan=delivery.plan, week=delivery.week_start
            )
            message = composer.email(delivery=delivery, progress=progress, tip=tip, advice=advice)
            [(html, _mimetype)] = message.alternatives
            assert (message.subject, message.body, html) == reference_parts(
                delivery, progress=progress, tip=tip, advice=advice
            )
            others = {d.plan.owner.get_username() for d in deliveries} - {
                delivery.plan.owner.get_username()
            }
            assert f"Hello {delivery.plan.owner.get_username()}," in message.body
            assert not any(f"Hello {name}," in message.body for name in others)
            assert f"/plans/{delivery.plan_id}/edit/" in message.body
    # Ada's and Grace's emails differ only in the learner: one rendering for both.
    assert len(composer.renderings) == 2
    assert {ada.pk, grace.pk} <= {d.plan_id for d in deliveries}


def test_it_renders_on_its_own_an_email_whose_name_would_not_survive_a_shared_rendering(track):
    [plan] = make_plans(track, 1)
    nudges.nudges_dispatch(now=FIRST_SLOT)
    delivery = NudgeDelivery.objects.select_related("plan__owner", "plan__track").get()
    # A name no form accepts, written to the database directly.
    type(plan.owner).objects.filter(pk=plan.owner_id).update(username="odd\x1fname")
    delivery.plan.owner.refresh_from_db()
    progress = plan_progress(plan=delivery.plan, now=SENT)
    [advice, *_] = advice_for_nudges()
    with time_machine.travel(SENT, tick=False):
        message = NudgeComposer().email(
            delivery=delivery, progress=progress, tip=None, advice=advice
        )
        expected = reference_parts(delivery, progress=progress, tip=None, advice=advice)
    [(html, _mimetype)] = message.alternatives
    assert (message.subject, message.body, html) == expected


def test_it_puts_together_the_urls_reverse_gives(track, settings):
    settings.SITE_URL = "https://advisor.example.org"
    [plan] = make_plans(track, 1)
    week, advice_id = START, 7
    with time_machine.travel(SENT, tick=False):
        links = NudgeLinks().for_email(
            plan_id=plan.pk, week=week, owner_id=plan.owner_id, advice_id=advice_id
        )

        def action(name: str, papers: int | None = None) -> str:
            token = nudge_action_token(plan_id=plan.pk, week=week, action=name, papers=papers)
            return reverse("plans:nudge_action", args=[token])

        def helpful(answer: bool) -> str:
            token = helpful_token(user_id=plan.owner_id, item_id=advice_id, helpful=answer)
            return reverse("plans:nudge_helpful", args=[token])

        expected = {
            "studied": action("studied"),
            "papers_0": action("papers", 0),
            "papers_1": action("papers", 1),
            "papers_2": action("papers", 2),
            "skip": action("skip"),
            "pause": action("pause"),
            "settings": reverse("plans:plan_edit", args=[plan.pk]),
            "plan": reverse("plans:plan_detail", args=[plan.pk]),
            "unsubscribe": reverse(
                "plans:nudge_unsubscribe", args=[unsubscribe_token(plan_id=plan.pk)]
            ),
            "helpful_yes": helpful(True),
            "helpful_no": helpful(False),
        }
    assert links == {name: f"https://advisor.example.org{path}" for name, path in expected.items()}
