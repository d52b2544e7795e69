"""Handing an email to the mail server while its delivery is taken.

A send run spends most of its time waiting: for the database to commit the statement that
takes each delivery (``DeliveryLedger.take``) and for the mail server's replies. The two
waits need not follow each other. A mail server accepts an email only at the end of its
data (the line with a single dot, RFC 5321 4.1.1.4), and throws away a transaction closed
before it or reset. So the envelope and the content of the email go to the server while the
take commits, on a second thread, and the final dot is sent only once the take has committed:
an email the run did not take is never accepted (the transaction is closed without its
dot), and at-most-once stays exactly what the ledger makes it.

The same rule says which broken connections lose an email for sure. One that breaks before
the final dot leaves the server nothing to keep: the email can be sent again. One that breaks
while the dot is on its way, or while its reply is awaited, leaves the outcome unknown (the
server may have accepted the email and lost only its answer): ``DeliveryUnknown`` says so,
and a sender that must not send twice does not retry it.

Only Django's SMTP backend is driven this way (through its open smtplib connection, with the
steps and errors of ``smtplib.SMTP.sendmail``); any other backend (files, the console, the
test outbox) gets the email through ``send_messages`` once it is taken.
"""

from __future__ import annotations

import contextlib
import email.policy
import re
import select
import smtplib
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend

# A bare address (a dot-atom at a dot-atom domain, RFC 5322), and a Message-ID made of them.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM = rf"{_ATEXT}(?:\.{_ATEXT})*"
_DOMAIN = r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
BARE_ADDRESS = re.compile(rf"{_DOT_ATOM}@{_DOMAIN}")
MESSAGE_ID = re.compile(rf"<{_DOT_ATOM}@{_DOMAIN}>")
# smtplib's own quoting of the data: a line that starts with a dot gets a second one.
_LEADING_DOT = re.compile(rb"(?m)^\.")


class DeliveryUnknown(smtplib.SMTPServerDisconnected):
    """The connection failed at the end of the data: once the final dot was on its way, or
    while its reply was awaited. The server may have accepted the email (RFC 5321 accepts it
    at the dot) or not, and nothing on this side can tell which: an email sent at most once
    is not sent again on its own. The connection's own error is ``__cause__`` (and
    ``error``).

    A ``SMTPServerDisconnected``, so code that handles a broken connection as it always has
    still does, and only code that cares tells this one apart.
    """

    def __init__(self, error: BaseException):
        super().__init__(
            "The connection failed at the end of the data, so whether the mail server "
            f"accepted the email is unknown ({type(error).__name__}: {error})"
        )
        self.error = error


class LongHeaderEmail(EmailMultiAlternatives):
    """An email whose long unbreakable headers stay as written.

    With the standard 78-character line policy, Python's email package rewrites a header
    such as ``List-Unsubscribe: <https://...long signed URL...>`` as RFC 2047 encoded words,
    which mail clients then fail to read as a URL. RFC 5322 allows lines up to 998
    characters, so the message is serialised with that limit.
    """

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=998))


class TakenSender:
    """Sends a chunk's emails through ``mailer``, each one only if ``take()`` says so."""

    def __init__(self, mailer: BaseEmailBackend):
        self.mailer = mailer
        self.envelopes = ThreadPoolExecutor(max_workers=1, thread_name_prefix="taken-smtp")
        self.senders: dict[str, str] = {}

    def close(self) -> None:
        self.envelopes.shutdown(wait=True)

    def send(self, message: EmailMessage, *, take: Callable[[], bool]) -> bool:
        """Send ``message`` if ``take()``, run meanwhile, returns True; say whether it did.

        Raises what ``smtplib.SMTP.sendmail`` raises when the server refuses the email or
        the connection breaks before the final dot: either way the server kept nothing.
        Raises ``DeliveryUnknown`` when the connection breaks from the dot on, when it may
        have kept it; also for a backend that sends a whole email in one call
        (``send_messages``), which cannot say how far it got."""
        if not isinstance(self.mailer, SmtpBackend) or len(message.recipients()) != 1:
            if not take():
                return False
            try:
                self.mailer.send_messages([message])
            except OSError as error:
                if _broken(error):
                    raise DeliveryUnknown(error) from error
                raise
            return True
        self.mailer.open()
        connection = self.mailer.connection
        if connection is None:
            raise smtplib.SMTPServerDisconnected("The mail server connection did not open.")
        wire = message.message(policy=email.policy.SMTP).as_bytes()
        [recipient] = message.recipients()
        if not BARE_ADDRESS.fullmatch(recipient):
            # What prep_address gives back for a bare address is the address itself.
            recipient = self.mailer.prep_address(recipient)
        if message.from_email not in self.senders:
            self.senders[message.from_email] = self.mailer.prep_address(message.from_email)
        sender = self.senders[message.from_email]
        envelope = self.envelopes.submit(_up_to_the_dot, connection, sender, recipient, wire)
        try:
            taken = take()
        except BaseException:
            envelope.exception()
            self._drop(connection)
            raise
        refused = envelope.exception()
        if refused is not None:
            if isinstance(refused, OSError | smtplib.SMTPServerDisconnected):
                self._drop(connection)  # broken: the next email opens a new one
            if isinstance(refused, smtplib.SMTPException | OSError) and not taken:
                return False
            raise refused
        if not taken:
            # Inside the data nothing but closing the connection ends the transaction.
            self._drop(connection)
            return False
        if _hung_up(connection):
            # The server closed the connection before the dot was written, so it threw the
            # email away; the dot is not written at all, so not even a server that closed
            # only its own side can accept it. Without this look the dot would be written
            # into the dead connection, and its failure would leave the outcome unknown.
            self._drop(connection)
            raise smtplib.SMTPServerDisconnected(
                "The mail server closed the connection before the end of the data."
            )
        try:
            _the_dot(connection)
        except OSError as error:
            if not _broken(error):
                raise  # the server's answer: it refused the email, so it did not keep it
            self._drop(connection)
            raise DeliveryUnknown(error) from error
        return True

    def _drop(self, connection: smtplib.SMTP) -> None:
        """Close the connection without a word (QUIT inside the data would be data), so
        the server throws the unfinished email away; the backend opens a new one."""
        connection.close()
        if self.mailer.connection is connection:
            self.mailer.connection = None


def _broken(error: BaseException) -> bool:
    """Whether ``error`` is the connection failing (rather than the server refusing): every
    ``SMTPException`` is an ``OSError``, and only ``SMTPServerDisconnected`` among them is
    the connection's; a timeout is a ``TimeoutError``, an ``OSError`` too."""
    return isinstance(error, smtplib.SMTPServerDisconnected) or (
        isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)
    )


def _hung_up(connection: smtplib.SMTP) -> bool:
    """Whether the server has closed or reset the connection, seen without reading from it.

    ``poll`` with no wait reports the peer's end of stream (``POLLRDHUP``) and a reset
    (``POLLHUP``, ``POLLERR``) on the socket itself, also under TLS, whose records (a
    session ticket) would make a mere "readable" mean nothing."""
    if connection.sock is None:
        return True
    if not hasattr(select, "poll"):
        return False  # no way to look without reading: the dot tells
    end_of_stream = getattr(select, "POLLRDHUP", 0)  # Linux's; elsewhere only a reset shows
    watch = select.poll()
    watch.register(connection.sock.fileno(), select.POLLIN | end_of_stream)
    hang_ups = select.POLLHUP | select.POLLERR | end_of_stream
    return any(events & hang_ups for _, events in watch.poll(0))


def _up_to_the_dot(connection: smtplib.SMTP, sender: str, recipient: str, wire: bytes) -> None:
    """``sendmail``'s envelope and data, all but the final dot (on the second thread)."""
    connection.ehlo_or_helo_if_needed()
    options = []
    if connection.does_esmtp and connection.has_extn("size"):
        options.append(f"size={len(wire)}")
    code, reply = connection.mail(sender, options)
    if code != 250:
        _after_refusal(connection, code)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    code, reply = connection.rcpt(recipient)
    if code not in (250, 251):
        _after_refusal(connection, code)
        raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    connection.putcmd("data")
    code, reply = connection.getreply()
    if code != 354:
        _after_refusal(connection, code)
        raise smtplib.SMTPDataError(code, reply)
    data = _LEADING_DOT.sub(b"..", wire)
    connection.send(data if data.endswith(b"\r\n") else data + b"\r\n")


def _the_dot(connection: smtplib.SMTP) -> None:
    """End the data: from here on the server may accept the email, so a broken connection
    leaves the outcome unknown (``DeliveryUnknown``, raised by the caller)."""
    if connection.sock is not None:
        # The dot goes alone after the data: without this, the kernel holds it back until
        # the server acknowledges the data, which a server waiting for the dot delays (Nagle
        # and delayed ACK: some 40 ms an email).
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    connection.send(b".\r\n")
    code, reply = connection.getreply()
    if code != 250:
        _after_refusal(connection, code)
        raise smtplib.SMTPDataError(code, reply)


def _after_refusal(connection: smtplib.SMTP, code: int) -> None:
    """As sendmail does: 421 means the server is closing the connection; after any other
    refusal the transaction is reset, if the connection still stands."""
    if code == 421:
        connection.close()
        return
    with contextlib.suppress(smtplib.SMTPServerDisconnected):
        connection.rset()
