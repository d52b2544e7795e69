"""Signed links in check-in emails.

An answer link (one question, one answer) and the link to the page with all the questions
carry a timestamped signature and expire after 90 days: long enough for a check-in read on
holiday, short enough that an old email does not keep answering for ever. The unsubscribe
link never expires (an old email must still be able to stop the next one). Each kind has a
salt of its own, so no link can be passed off as another. Links only identify what to do: a
GET shows a confirmation page and the POST acts, because mail scanners follow links.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

from careers.comparisons.checkin_questions import QUESTIONS, QUESTIONS_BY_FIELD

ANSWER_SALT = "careers.checkin-answer"
PAGE_SALT = "careers.checkin-page"
UNSUBSCRIBE_SALT = "careers.checkin-unsubscribe"
ANSWER_MAX_AGE = timedelta(days=90)
EXPIRED = (
    "This link has expired: links in check-in emails work for 90 days. Log in and answer "
    "from your decision's page instead."
)
NOT_VALID = "This link is not valid. It may have been changed or cut."


@dataclass(frozen=True)
class AnswerLink:
    """What a one-click answer link says: this check-in, this question, this answer (a
    ``Choice.value`` of the question)."""

    checkin_id: int
    field: str
    value: str


class CheckinLinkError(Exception):
    """A link that was tampered with or has expired; the message says which, for the page."""


def _unsign_expiring(token: str, *, salt: str) -> Any:
    try:
        return signing.TimestampSigner(salt=salt).unsign_object(token, max_age=ANSWER_MAX_AGE)
    except signing.SignatureExpired:
        raise CheckinLinkError(EXPIRED) from None
    except (signing.BadSignature, ValueError):
        raise CheckinLinkError(NOT_VALID) from None


def answer_token(
    *, checkin_id: int, field: str, value: str, signer: signing.TimestampSigner | None = None
) -> str:
    """``signer``: one made with ``ANSWER_SALT``, to share between the tokens of an email."""
    signer = signer or signing.TimestampSigner(salt=ANSWER_SALT)
    return signer.sign_object({"c": checkin_id, "f": field, "v": value}, compress=True)


def answer_read(token: str) -> AnswerLink:
    payload = _unsign_expiring(token, salt=ANSWER_SALT)
    try:
        question = QUESTIONS_BY_FIELD[payload["f"]]
        question.stored(payload["v"])
        return AnswerLink(checkin_id=int(payload["c"]), field=question.field, value=payload["v"])
    except (KeyError, TypeError, ValueError):
        # Signed by us but not a link we make (an old format, say): not usable either.
        raise CheckinLinkError(NOT_VALID) from None


def page_token(*, checkin_id: int) -> str:
    return signing.TimestampSigner(salt=PAGE_SALT).sign_object({"c": checkin_id})


def page_read(token: str) -> int:
    payload = _unsign_expiring(token, salt=PAGE_SALT)
    try:
        return int(payload["c"])
    except (KeyError, TypeError, ValueError):
        raise CheckinLinkError(NOT_VALID) from None


def unsubscribe_token(*, user_id: int) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object({"u": user_id})


def unsubscribe_read(token: str) -> int:
    try:
        return int(signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise CheckinLinkError("This unsubscribe link is not valid.") from None


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def checkin_links(*, checkin_id: int, owner_id: int) -> dict[str, Any]:
    """Every link a check-in email carries, as absolute URLs: ``answers`` maps each
    question's field to {answer value: link}; ``page`` opens all the questions and the note,
    ``unsubscribe`` stops the owner's check-in emails."""
    signer = signing.TimestampSigner(salt=ANSWER_SALT)

    def answer(field: str, value: str) -> str:
        token = answer_token(checkin_id=checkin_id, field=field, value=value, signer=signer)
        return absolute(reverse("comparisons:checkin_answer", args=[token]))

    return {
        "answers": {
            question.field: {
                choice.value: answer(question.field, choice.value) for choice in question.choices
            }
            for question in QUESTIONS
        },
        "page": absolute(
            reverse("comparisons:checkin_answers_link", args=[page_token(checkin_id=checkin_id)])
        ),
        "unsubscribe": absolute(
            reverse("comparisons:checkin_unsubscribe", args=[unsubscribe_token(user_id=owner_id)])
        ),
    }
