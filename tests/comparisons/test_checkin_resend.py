"""A check-in whose mail server connection broke: back to pending and sent once when the
break came before the final dot (the server kept nothing), stuck and never resent on its
own when it came at the dot (the server may have kept it); and the operator's resend."""

import socket
import threading
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from django.core.management import CommandError, call_command

from advisor.celery import app
from careers.comparisons import checkin_delivery
from careers.comparisons.decision_models import Decision, DecisionCheckin
from tests.comparisons.test_checkins import DUE, decide
from tests.smtp_sink import SinkHandler, SmtpSink, free_port

Status = DecisionCheckin.Status


class HangingUpHandler(SinkHandler):
    """The sink's handler, which can also hang up: after its 354 reply to DATA, before the
    client's final dot (``before_dot``); or once it has the email and its dot, without a
    word of reply (``at_dot``: the email is kept and the client cannot know it)."""

    def __init__(self) -> None:
        super().__init__()
        self.before_dot = 0
        self.at_dot = 0
        self.hung_up = threading.Event()

    def hang_up(self, server: SMTP) -> None:
        # A shutdown sends the end of stream at once, not when the event loop gets round to
        # closing the transport.
        server.transport.get_extra_info("socket").shutdown(socket.SHUT_RDWR)
        server.transport.close()
        self.hung_up.set()

    async def handle_DATA(self, server, session, envelope):
        reply = await super().handle_DATA(server, session, envelope)
        if self.at_dot > 0 and reply.startswith("250"):
            self.at_dot -= 1
            self.hang_up(server)
        return reply


class HangingUpSMTP(SMTP):
    async def smtp_DATA(self, arg):
        handler = self.event_handler
        if handler.before_dot > 0 and self.envelope.rcpt_tos:
            handler.before_dot -= 1
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            handler.hang_up(self)
            return
        await super().smtp_DATA(arg)


class HangingUpController(Controller):
    def factory(self):
        return HangingUpSMTP(self.handler, **self.SMTP_kwargs)


class HangingUpSink(SmtpSink):
    def __init__(self) -> None:
        self.handler = HangingUpHandler()
        self.port = free_port()
        self.controller = HangingUpController(self.handler, hostname="127.0.0.1", port=self.port)


@pytest.fixture
def sink(settings):
    with HangingUpSink() as sink:
        settings.MAILERS = sink.mailer_settings()
        yield sink


@pytest.fixture
def decision(alice) -> Decision:
    return decide(alice)


@pytest.fixture
def take_once_hung_up(sink, monkeypatch):
    """The take, run while the envelope and the data go out, returns only once the server
    has hung up: the break lands between the data and the dot every time."""
    real_take = checkin_delivery._take

    def take(checkin, claim):
        assert sink.handler.hung_up.wait(timeout=10)
        return real_take(checkin, claim)

    monkeypatch.setattr(checkin_delivery, "_take", take)


@pytest.fixture
def eager():
    """Tasks run in this process when enqueued, as a broker that always answers would."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def checkin_of(decision: Decision, months: int = 1) -> DecisionCheckin:
    return DecisionCheckin.objects.get(decision=decision, months=months)


def stuck_at_the_dot(decision: Decision, sink: HangingUpSink) -> DecisionCheckin:
    """The 1-month check-in, sent to a server that kept it and hung up at its dot."""
    sink.handler.at_dot = 1
    [chunk] = checkin_delivery.checkins_dispatch(now=DUE[1]).chunks
    assert checkin_delivery.checkins_send(checkin_ids=chunk) == ({"stuck": 1}, [])
    return checkin_of(decision)


# -- A broken connection ------------------------------------------------------------------------


def test_it_sends_once_again_a_checkin_whose_server_hung_up_before_the_dot(
    decision, sink, take_once_hung_up
):
    sink.handler.before_dot = 1
    [chunk] = checkin_delivery.checkins_dispatch(now=DUE[1]).chunks
    assert checkin_delivery.checkins_send(checkin_ids=chunk) == ({"retry": 1}, chunk)
    checkin = checkin_of(decision)
    assert checkin.status == Status.PENDING
    assert checkin.attempts == 1
    assert "SMTPServerDisconnected" in checkin.last_error
    assert sink.messages == []
    # The retry, on a server that stays up.
    assert checkin_delivery.checkins_send(checkin_ids=chunk) == ({"sent": 1}, [])
    assert [message["To"] for message in sink.messages] == [decision.comparison.owner.email]
    assert checkin_of(decision).status == Status.SENT
    assert checkin_delivery.checkins_send(checkin_ids=chunk) == ({"taken": 1}, [])
    assert len(sink.messages) == 1


def test_it_marks_stuck_and_never_resends_alone_a_checkin_whose_server_hung_up_at_the_dot(
    decision, sink
):
    checkin = stuck_at_the_dot(decision, sink)
    assert checkin.status == Status.STUCK
    assert "accepted the email is unknown" in checkin.last_error
    assert "Check the mail log, then resend" in checkin.last_error
    # The server did keep it: the owner has the email once, and nothing sends it again.
    assert len(sink.messages) == 1
    later = datetime.now(UTC) + timedelta(days=1)
    assert checkin_delivery.checkins_requeue(enqueue=None, now=later) == []
    assert checkin_delivery.checkins_send(checkin_ids=[checkin.pk]) == ({"taken": 1}, [])
    assert len(sink.messages) == 1


# -- The operator's resend ----------------------------------------------------------------------


def test_it_resends_a_stuck_checkin_once(decision, sink):
    checkin = stuck_at_the_dot(decision, sink)
    assert checkin_delivery.checkin_resend(checkin_id=checkin.pk)
    checkin.refresh_from_db()
    assert (checkin.status, checkin.last_error, checkin.sending_since) == (Status.PENDING, "", None)
    # A second resend finds it pending: nothing to do.
    assert not checkin_delivery.checkin_resend(checkin_id=checkin.pk)
    assert checkin_delivery.checkins_send(checkin_ids=[checkin.pk]) == ({"sent": 1}, [])
    assert len(sink.messages) == 2
    assert checkin_of(decision).status == Status.SENT


@pytest.mark.parametrize(
    ("status", "sending_for", "resent"),
    [
        (Status.FAILED, None, True),
        (Status.STUCK, None, True),
        (Status.SENDING, checkin_delivery.STUCK_AFTER + timedelta(minutes=1), True),
        # A worker may be sending it right now: a resend could race it into a second email.
        (Status.SENDING, timedelta(minutes=1), False),
        (Status.SENT, None, False),
        (Status.PENDING, None, False),
        (Status.SCHEDULED, None, False),
        (Status.CANCELLED, None, False),
    ],
)
def test_it_resends_only_failed_and_stuck_checkins(decision, status, sending_for, resent):
    checkin = checkin_of(decision)
    since = datetime.now(UTC) - sending_for if sending_for else None
    DecisionCheckin.objects.filter(pk=checkin.pk).update(
        status=status, sending_since=since, last_error="Something went wrong."
    )
    assert checkin_delivery.checkin_resend(checkin_id=checkin.pk) is resent
    checkin.refresh_from_db()
    assert checkin.status == (Status.PENDING if resent else status)
    assert checkin.last_error == ("" if resent else "Something went wrong.")


def test_it_refuses_to_resend_a_checkin_whose_decision_is_now_none_of_them(decision):
    checkin = checkin_of(decision)
    DecisionCheckin.objects.filter(pk=checkin.pk).update(status=Status.FAILED)
    Decision.objects.filter(pk=decision.pk).update(chosen_option=None)
    assert not checkin_delivery.checkin_resend(checkin_id=checkin.pk)
    assert checkin_of(decision).status == Status.FAILED


def test_it_resends_from_the_command_and_says_what_it_did_with_each(
    decision, alice, sink, eager, django_capture_on_commit_callbacks
):
    stuck = stuck_at_the_dot(decision, sink)
    sent = checkin_of(decision, months=3)
    DecisionCheckin.objects.filter(pk=sent.pk).update(status=Status.SENT)
    none_of_them = checkin_of(decide(alice), months=1)
    DecisionCheckin.objects.filter(pk=none_of_them.pk).update(status=Status.FAILED)
    Decision.objects.filter(pk=none_of_them.decision_id).update(chosen_option=None)
    missing = DecisionCheckin.objects.latest("pk").pk + 1
    out = StringIO()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(CommandError, match="3 of 4 not resent"),
    ):
        call_command(
            "checkins_resend",
            str(stuck.pk),
            str(sent.pk),
            str(none_of_them.pk),
            str(missing),
            stdout=out,
        )
    assert out.getvalue().splitlines() == [
        f"Check-in {stuck.pk}: back to pending, to be sent again.",
        f"Check-in {sent.pk}: not resent, it was sent.",
        f'Check-in {none_of_them.pk}: not resent, its decision is now "none of them": there '
        "is nothing to check in on.",
        f"Check-in {missing}: not resent, there is no such check-in.",
        "Handed 1 to the Celery workers to send.",
    ]
    # Enqueued as the dispatcher enqueues, and sent by the worker: the stuck one's second
    # email, and nothing else.
    assert len(sink.messages) == 2
    assert checkin_of(decision).status == Status.SENT
    assert checkin_of(none_of_them.decision).status == Status.FAILED


def test_it_exits_cleanly_from_the_command_when_everything_was_resent(
    decision, sink, eager, django_capture_on_commit_callbacks
):
    stuck = stuck_at_the_dot(decision, sink)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("checkins_resend", str(stuck.pk), str(stuck.pk), stdout=out)
    assert out.getvalue().splitlines() == [
        f"Check-in {stuck.pk}: back to pending, to be sent again.",
        "Handed 1 to the Celery workers to send.",
    ]
    assert len(sink.messages) == 2
