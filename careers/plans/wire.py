"""A nudge's bytes on the wire, written directly.

Nudges go out by the thousand, and Django's generic path through Python's email package
parses and refolds every header and re-encodes every line of every message on the way:
most of the cost of sending one. For the one shape a nudge has (a text part and an HTML
part, one recipient, plain headers, lines that fit) ``wire_message`` writes the same bytes
straight away; whatever falls outside that shape (a line too long, an address at a
non-ASCII domain...) takes the generic path, so an email never differs by the path it took.
"""

from __future__ import annotations

import email.message
import email.policy
import functools
import random
import re
import sys
from datetime import UTC, datetime
from email.utils import format_datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.timezone import get_current_timezone

from careers.core.sending import BARE_ADDRESS, MESSAGE_ID, LongHeaderEmail

# What ``LongHeaderEmail`` serialises with when the SMTP backend asks for the wire form.
WIRE_POLICY = email.policy.SMTP.clone(max_line_length=998)
# Extra headers the direct path writes; any other takes the generic path.
WIRE_EXTRA_HEADERS = {"message-id", "list-unsubscribe", "list-unsubscribe-post", "auto-submitted"}
# Header values the email package writes back exactly as given: printable ASCII words with
# single spaces, nothing it would take for an encoded word, short enough not to fold.
_PLAIN = re.compile(r"[!-~]+(?: [!-~]+)*")
_STRUCTURED_PLAIN = {"to": BARE_ADDRESS, "message-id": MESSAGE_ID}
# Python's own boundaries: fifteen "=", the token padded to the width of sys.maxsize, "==".
_BOUNDARY_WIDTH = len(repr(sys.maxsize - 1))


class NudgeEmail(LongHeaderEmail):
    """A nudge, whose wire form (what the SMTP backend asks for) is written directly.

    ``message(policy=email.policy.SMTP)`` returns a ``WireMessage`` when the email has the
    shape the direct path covers, and Django's generic message otherwise (and for every
    other policy: files, the console, the test outbox)."""

    def message(self, *, policy=email.policy.default):
        if policy is email.policy.SMTP:
            wire = wire_message(self)
            if wire is not None:
                return wire
        return super().message(policy=policy)


class WireMessage(email.message.EmailMessage):
    """A message whose bytes were written when it was built: ``as_bytes()`` returns them.

    Its headers and parts are those bytes' own (headers stored as folded, bodies as encoded),
    so reading it, or serialising it with another policy, goes through the email package as
    for any message and gives the same."""

    def __init__(self, wire: bytes, *, policy: email.policy.EmailPolicy = WIRE_POLICY):
        super().__init__(policy=policy)
        self.wire = wire

    def as_bytes(self, unixfrom: bool = False, policy: email.policy.Policy | None = None) -> bytes:
        if not unixfrom and (policy is None or policy is self.policy):
            return self.wire
        return super().as_bytes(unixfrom=unixfrom, policy=policy)

    def __bytes__(self) -> bytes:
        return self.as_bytes()


@functools.lru_cache(maxsize=1024)
def _folded(name: str, value: str) -> bytes:
    """One header line exactly as the email package writes it in a message serialised with
    ``WIRE_POLICY``: the same parse and fold. Cached: a chunk's emails share their sender,
    their fixed headers and mostly their subject."""
    return WIRE_POLICY.fold_binary(*WIRE_POLICY.header_store_parse(name, value))


def _header(name: str, value: str) -> bytes | None:
    """``name: value`` as the generic path writes it; None where Django rewrites the value
    first (it IDNA-encodes an address's non-ASCII domain) and only the generic path is right."""
    key = name.lower()
    pattern = _STRUCTURED_PLAIN.get(key, _PLAIN)
    if (
        pattern.fullmatch(value)
        and "=?" not in value
        and len(name) + 2 + len(value) <= WIRE_POLICY.max_line_length
    ):
        return f"{name}: {value}\r\n".encode("ascii")
    if key in ("from", "to") and not value.isascii():
        return None
    # A value unique to one email would only push the shared ones out of the cache.
    return (
        _folded(name, value) if key not in _STRUCTURED_PLAIN else _folded.__wrapped__(name, value)
    )


def _encoded_body(text: str) -> tuple[str, bytes, str] | None:
    """A text part's transfer encoding, wire bytes and stored payload, as the email package's
    ``set_content`` and generator make them when every line fits (7bit or 8bit, lines
    ending in CRLF); None for a line longer than that, which it would quote or base64."""
    try:
        lines = text.encode("utf-8").splitlines()
    except UnicodeEncodeError:
        return None
    if any(len(line) > WIRE_POLICY.max_line_length for line in lines):
        return None
    stored = b"\n".join(lines) + b"\n"
    cte = "7bit" if stored.isascii() else "8bit"
    return cte, b"\r\n".join(lines) + b"\r\n", stored.decode("ascii", "surrogateescape")


def _boundary(*bodies: bytes) -> str:
    """A boundary made as Python's generator makes one, and found in no part."""
    while True:
        boundary = "=" * 15 + f"{random.randrange(sys.maxsize):0{_BOUNDARY_WIDTH}d}" + "=="
        if not any(boundary.encode("ascii") in body for body in bodies):
            return boundary


def wire_message(message: EmailMultiAlternatives) -> WireMessage | None:
    """The SMTP wire form of ``message`` written directly, byte for byte what Django's
    ``message(policy=email.policy.SMTP).as_bytes()`` gives for an email with a text part, one
    HTML alternative, one recipient and the nudge's extra headers (with another boundary
    and Date, which it generates); None for any other email."""
    alternatives = message.alternatives
    extra = message.extra_headers
    if (
        message.attachments
        or message.cc
        or message.bcc
        or message.reply_to
        or len(message.to) != 1
        or len(alternatives) != 1
        or alternatives[0].mimetype != "text/html"
        or not isinstance(alternatives[0].content, str)
        or not message.body
        or (message.encoding or settings.DEFAULT_CHARSET) != "utf-8"
        or "message-id" not in {name.lower() for name in extra}
        or any(name.lower() not in WIRE_EXTRA_HEADERS for name in extra)
    ):
        return None
    text = _encoded_body(str(message.body))
    html = _encoded_body(alternatives[0].content)
    if text is None or html is None:
        return None
    zone = get_current_timezone() if settings.EMAIL_USE_LOCALTIME else UTC
    headers = [
        ("Subject", str(message.subject)),
        ("From", str(message.from_email)),
        ("To", str(message.to[0])),
        ("Date", format_datetime(datetime.now(zone))),
        *((name, str(value)) for name, value in extra.items()),
    ]
    lines = [_header(name, value) for name, value in headers]
    if None in lines:
        return None
    boundary = _boundary(text[1], html[1])
    root = WireMessage(b"")
    root.set_raw("MIME-Version", "1.0")
    root.set_raw("Content-Type", f'multipart/alternative; boundary="{boundary}"')
    for (name, _value), line in zip(headers, lines, strict=True):
        root.set_raw(name, line[len(name) + 2 : -2].decode("ascii"))
    parts = []
    for subtype, (cte, _wire, stored) in (("plain", text), ("html", html)):
        part = email.message.EmailMessage(policy=WIRE_POLICY)
        part.set_raw("Content-Type", f'text/{subtype}; charset="utf-8"')
        part.set_raw("Content-Transfer-Encoding", cte)
        if subtype == "html":
            # Python's add_alternative() makes the part a message of its own.
            part.set_raw("MIME-Version", "1.0")
        part.set_payload(stored)
        parts.append(part)
    root.set_payload(parts)
    delimiter = f"--{boundary}".encode("ascii")
    content_type = f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n'
    root.wire = b"".join(
        [
            b"MIME-Version: 1.0\r\n",
            content_type.encode("ascii"),
            *lines,
            b"\r\n",
            delimiter,
            b'\r\nContent-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: ',
            text[0].encode("ascii"),
            b"\r\n\r\n",
            text[1],
            b"\r\n",
            delimiter,
            b'\r\nContent-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: ',
            html[0].encode("ascii"),
            b"\r\nMIME-Version: 1.0\r\n\r\n",
            html[1],
            b"\r\n",
            delimiter,
            b"--\r\n",
        ]
    )
    return root
