"""A real SMTP server in the test process (aiosmtpd), to receive what the app sends."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class SinkHandler:
    messages: list[EmailMessage] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)
    # Recipients refused for good (550) and a number of transient refusals (451) to give
    # before accepting, to exercise the sender's error handling.
    refuse: set[str] = field(default_factory=set)
    transient_failures: int = 0
    # Once this many messages are in, each new one is held at MAIL FROM (its client waits
    # for the reply) until ``released`` is set: a sender can be caught mid-chunk, with the
    # email it is sending not yet accepted.
    hold_after: int | None = None
    released: threading.Event = field(default_factory=threading.Event)
    held: int = 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.hold_after is not None and len(self.messages) >= self.hold_after:
            self.held += 1
            try:
                while not self.released.is_set():
                    await asyncio.sleep(0.05)
            finally:
                self.held -= 1
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.transient_failures > 0:
            self.transient_failures -= 1
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        self.raw.append(envelope.content)
        return "250 Message accepted for delivery"


class SmtpSink:
    def __init__(self) -> None:
        self.handler = SinkHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def hold(self, *, after: int) -> None:
        """Hold every message after the first ``after`` at MAIL FROM until ``release``."""
        self.handler.released.clear()
        self.handler.hold_after = after

    def release(self) -> None:
        self.handler.hold_after = None
        self.handler.released.set()

    @property
    def held(self) -> int:
        """How many senders are waiting for their MAIL FROM reply right now."""
        return self.handler.held

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def mailer_settings(self) -> dict:
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 10},
            }
        }
