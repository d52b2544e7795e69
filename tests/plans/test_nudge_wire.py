"""A nudge's bytes on the wire, written directly, are the bytes Django's generic path writes:
header by header, part by part and byte for byte, but for the boundary (random on both
paths). Emails outside the shape the direct path covers take the generic path."""

import email
import email.policy
import re
from datetime import UTC, datetime
from email.generator import BytesGenerator
from io import BytesIO, StringIO

import pytest
import time_machine
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command

from careers.content.models import LearningTrack
from careers.core.sending import LongHeaderEmail
from careers.plans.wire import NudgeEmail, WireMessage
from tests.factories import LearningPlanFactory, UserFactory
from tests.plans.test_nudges import FIRST_SLOT, SLOT

SENT = datetime(2026, 12, 5, 9, 0, 7, tzinfo=UTC)
BOUNDARY = re.compile(rb"={15}\d+==")
HEADERS = {
    "Message-ID": "<nudge.41.20261130@advisor.example.org>",
    "List-Unsubscribe": "<https://advisor.example.org/nudges/unsubscribe/eyJwIjo0MX0:x9Q/>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    "Auto-Submitted": "auto-generated",
}


def build(cls, *, subject="Week 1: Neural Networks — Career Advisor", text="Hello\n",
          html="<p>Hello</p>\n", to="ada@example.org",
          sender="Career Advisor <advisor@example.org>") -> EmailMultiAlternatives:  # fmt: skip
    message = cls(subject=subject, body=text, from_email=sender, to=[to], headers=HEADERS)
    message.attach_alternative(html, "text/html")
    return message


def both_ways(**fields) -> tuple[bytes, email.message.Message, bytes]:
    """(Django's generic bytes, what the nudge path returns, its bytes), at one instant."""
    with time_machine.travel(SENT, tick=False):
        generic = build(LongHeaderEmail, **fields).message(policy=email.policy.SMTP).as_bytes()
        direct = build(NudgeEmail, **fields).message(policy=email.policy.SMTP)
    return generic, direct, direct.as_bytes()


def same_boundary(generic: bytes, direct: bytes) -> bytes:
    """``direct`` with ``generic``'s boundary: each path draws its own at random."""
    [theirs] = set(BOUNDARY.findall(generic))
    [ours] = set(BOUNDARY.findall(direct))
    return direct.replace(ours, theirs)


def assert_same_message(generic: bytes, direct: bytes) -> None:
    direct = same_boundary(generic, direct)
    expected = email.message_from_bytes(generic, policy=email.policy.SMTP)
    got = email.message_from_bytes(direct, policy=email.policy.SMTP)
    # Header by header, in order, and part by part: each part's headers and payload.
    assert got.items() == expected.items()
    expected_parts, got_parts = list(expected.walk()), list(got.walk())
    assert [p.items() for p in got_parts] == [p.items() for p in expected_parts]
    assert [p.get_payload(decode=True) for p in got_parts[1:]] == [
        p.get_payload(decode=True) for p in expected_parts[1:]
    ]
    # And the bytes themselves.
    assert direct == generic


NUDGE_SHAPES = {
    "non-ASCII subject and parts": {
        "text": "Hello ada,\n\nFocus — week 1 of 4 · done\n",
        "html": "<p>Hello — “ada”</p>\n",
    },
    "ASCII only, CRLF and CR line ends": {
        "subject": "Your learning plan this week",
        "text": "ascii only\r\nwith crlf\rand a bare cr\n",
        "html": "<p>ascii</p>",
    },
    "no final newline, blank lines, dots and From at line starts": {
        "text": "From the start\n.\n..\n\n\nFrom here",
        "html": ".\n",
    },
    "lines of exactly 998 bytes": {"text": "t" * 998 + "\n", "html": "é" * 499},
    "odd characters Python splits lines on only as text": {
        "text": "form\x0cfeed\x0bvt\x1cfs\u2028ls\x85nel",
        "html": "tab\there  \n",
    },
    "an empty HTML part": {"html": ""},
    "a subject that folds, encoded words and all": {"subject": "Week 12 — " * 120},
    "a subject that looks like an encoded word": {"subject": "=?utf-8?q?not_one?= really"},
    "a subject with runs of spaces": {"subject": "  two  spaces  and a tab\t"},
    "emoji": {"subject": "Week 3 🎉", "text": "🎉\n", "html": "🎉"},
    "an address with a plus and dots": {"to": "ada.l+nudges@mail.example.org"},
    "a quoted local part": {"to": '"ada lovelace"@example.org'},
    "a display name as recipient": {"to": "Ada <ada@example.org>"},
    "a bare sender": {"sender": "advisor@example.org"},
    "a sender whose name needs quoting": {"sender": "Career, Advisor <advisor@example.org>"},
}


@pytest.mark.parametrize("fields", NUDGE_SHAPES.values(), ids=NUDGE_SHAPES.keys())
def test_it_writes_the_bytes_djangos_generic_path_writes(fields):
    generic, direct, wire = both_ways(**fields)
    assert isinstance(direct, WireMessage)
    assert_same_message(generic, wire)


@pytest.mark.parametrize("fields", NUDGE_SHAPES.values(), ids=NUDGE_SHAPES.keys())
def test_it_holds_a_message_the_email_package_writes_as_those_bytes(fields):
    _generic, direct, wire = both_ways(**fields)
    out = BytesIO()
    BytesGenerator(out, policy=direct.policy).flatten(direct)
    assert out.getvalue() == wire
    # Read like any message, it says what Django's message says.
    expected = build(LongHeaderEmail, **fields).message(policy=email.policy.SMTP)
    for name in ("Subject", "From", "To", "Message-ID", "List-Unsubscribe"):
        assert str(direct[name]) == str(expected[name])
    for kind in ("plain", "html"):
        assert direct.get_body((kind,)).get_content() == expected.get_body((kind,)).get_content()


OUTSIDE_THE_SHAPE = {
    "a line longer than 998 bytes": {"text": "x" * 999 + "\n"},
    "a recipient at a non-ASCII domain": {"to": "ada@exämple.org"},
    "a non-ASCII recipient": {"to": "adà@example.org"},
    "a sender with a non-ASCII name": {"sender": "Conseillère <advisor@example.org>"},
}


@pytest.mark.parametrize("fields", OUTSIDE_THE_SHAPE.values(), ids=OUTSIDE_THE_SHAPE.keys())
def test_it_leaves_an_email_outside_its_shape_to_the_generic_path(fields):
    generic, direct, wire = both_ways(**fields)
    assert not isinstance(direct, WireMessage)
    assert BOUNDARY.sub(b"B", wire) == BOUNDARY.sub(b"B", generic)


def test_it_leaves_every_other_form_to_the_generic_path():
    message = build(NudgeEmail)
    assert not isinstance(message.message(), WireMessage)
    with_cc = build(NudgeEmail)
    with_cc.cc = ["bob@example.org"]
    assert not isinstance(with_cc.message(policy=email.policy.SMTP), WireMessage)


@pytest.fixture
def plans(seeded):
    track = LearningTrack.objects.get(slug="deep-learning-foundations")
    return [
        LearningPlanFactory(owner=UserFactory(username=name), track=track, **SLOT)
        for name in ("ada", "grace")
    ]


def test_it_puts_on_the_wire_what_the_generic_path_writes_for_a_real_nudge(
    plans, smtp_sink, settings
):
    settings.SITE_URL = "https://advisor.example.org"
    with time_machine.travel(SENT, tick=False):
        call_command(
            "dispatch_nudges", "--sync", "--now", FIRST_SLOT.isoformat(), stdout=StringIO()
        )
    assert len(smtp_sink.handler.raw) == 2
    for raw, received in zip(smtp_sink.handler.raw, smtp_sink.messages, strict=True):
        # The same email built by Django's generic path from the parts that were sent.
        generic = LongHeaderEmail(
            subject=str(received["Subject"]),
            body=received.get_body(("plain",)).get_content(),
            from_email=str(received["From"]),
            to=[str(received["To"])],
            headers={name: str(received[name]) for name in HEADERS},
        )
        generic.attach_alternative(received.get_body(("html",)).get_content(), "text/html")
        with time_machine.travel(SENT, tick=False):
            expected = generic.message(policy=email.policy.SMTP).as_bytes()
        # The sink's copy lost the wire's line ends to its own; compare as the wire has it.
        wire = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        assert_same_message(expected, wire)
