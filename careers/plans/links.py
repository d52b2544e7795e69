"""Signed one-click links in nudge emails.

State-changing links carry a timestamped signature and expire after 14 days; the
unsubscribe link never expires (an old email must still be able to stop the next one).
Links only identify what to do: a GET shows a confirmation page and the POST acts,
because mail scanners follow links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from careers.core.converters import TokenConverter

ACTION_SALT = "careers.nudge-action"
UNSUBSCRIBE_SALT = "careers.nudge-unsubscribe"
HELPFUL_SALT = "careers.nudge-helpful"
ACTION_MAX_AGE = timedelta(days=14)
ACTIONS = ("studied", "papers", "skip", "pause")


@dataclass(frozen=True)
class NudgeAction:
    plan_id: int
    week: date
    action: str
    papers: int | None = None


@dataclass(frozen=True)
class HelpfulVote:
    """A learner's answer to the advice in their email: the plan owner, the item, yes or no."""

    user_id: int
    item_id: int
    helpful: bool


class NudgeLinkError(Exception):
    """A link that was tampered with or has expired; the message says which, for the page."""


def nudge_action_token(
    *,
    plan_id: int,
    week: date,
    action: str,
    papers: int | None = None,
    signer: signing.TimestampSigner | None = None,
) -> str:
    """``signer``: one made with ``ACTION_SALT``, to share between many tokens."""
    payload = {"p": plan_id, "w": week.isoformat(), "a": action}
    if papers is not None:
        payload["n"] = papers
    signer = signer or signing.TimestampSigner(salt=ACTION_SALT)
    return signer.sign_object(payload, compress=True)


def _unsign_expiring(token: str, *, salt: str, expired: str) -> dict:
    """The payload of a signed link that expires after ``ACTION_MAX_AGE``."""
    try:
        return signing.TimestampSigner(salt=salt).unsign_object(token, max_age=ACTION_MAX_AGE)
    except signing.SignatureExpired:
        raise NudgeLinkError(expired) from None
    except signing.BadSignature:
        raise NudgeLinkError("This link is not valid. It may have been changed or cut.") from None


def nudge_action_read(token: str) -> NudgeAction:
    payload = _unsign_expiring(
        token,
        salt=ACTION_SALT,
        expired="This link has expired: links in nudge emails work for 14 days. "
        "Log this week from your plan page instead.",
    )
    if payload.get("a") not in ACTIONS:
        raise NudgeLinkError("This link is not valid.")
    return NudgeAction(
        plan_id=payload["p"],
        week=date.fromisoformat(payload["w"]),
        action=payload["a"],
        papers=payload.get("n"),
    )


def helpful_token(
    *, user_id: int, item_id: int, helpful: bool, signer: signing.TimestampSigner | None = None
) -> str:
    payload = {"u": user_id, "i": item_id, "h": int(helpful)}
    signer = signer or signing.TimestampSigner(salt=HELPFUL_SALT)
    return signer.sign_object(payload, compress=True)


def helpful_read(token: str) -> HelpfulVote:
    payload = _unsign_expiring(
        token,
        salt=HELPFUL_SALT,
        expired="This link has expired: links in nudge emails work for 14 days.",
    )
    if payload.get("h") not in (0, 1):
        raise NudgeLinkError("This link is not valid.")
    return HelpfulVote(user_id=payload["u"], item_id=payload["i"], helpful=bool(payload["h"]))


def unsubscribe_token(*, plan_id: int, signer: signing.Signer | None = None) -> str:
    return (signer or signing.Signer(salt=UNSUBSCRIBE_SALT)).sign_object({"p": plan_id})


def unsubscribe_read(token: str) -> int:
    try:
        return signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)["p"]
    except (signing.BadSignature, KeyError, TypeError):
        raise NudgeLinkError("This unsubscribe link is not valid.") from None


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


class _Route:
    """A URL pattern with one argument, reversed once for the links of many emails.

    ``reverse`` quotes nothing in what the pattern accepts here (a signed token: URL-safe
    base64, ``:`` and ``.``; a plan id: digits), so the argument put between the two halves
    of the reversed placeholder is the URL ``reverse`` gives. Anything else, and a pattern
    whose URL cannot be cut around the placeholder, goes through ``reverse`` itself."""

    def __init__(self, name: str, *, accepts: str, placeholder: str):
        self.name = name
        self.accepts = re.compile(accepts)
        halves = reverse(name, args=[placeholder]).split(placeholder)
        self.halves = (absolute(halves[0]), halves[1]) if len(halves) == 2 else None

    def url(self, argument: str | int) -> str:
        text = str(argument)
        if self.halves is None or self.accepts.fullmatch(text) is None:
            return absolute(reverse(self.name, args=[argument]))
        return f"{self.halves[0]}{text}{self.halves[1]}"


class NudgeLinks:
    """The links of many nudge emails (a chunk's): the routes are reversed and the signers
    made once for all of them; each email signs only its own tokens."""

    def __init__(self) -> None:
        self.action_signer = signing.TimestampSigner(salt=ACTION_SALT)
        self.helpful_signer = signing.TimestampSigner(salt=HELPFUL_SALT)
        self.unsubscribe_signer = signing.Signer(salt=UNSUBSCRIBE_SALT)
        token, plan_id = TokenConverter.regex, r"[0-9]+"
        self.action = _Route("plans:nudge_action", accepts=token, placeholder="Pl4ceh0lder")
        self.helpful = _Route("plans:nudge_helpful", accepts=token, placeholder="Pl4ceh0lder")
        self.unsubscribe = _Route(
            "plans:nudge_unsubscribe", accepts=token, placeholder="Pl4ceh0lder"
        )
        self.plan_edit = _Route("plans:plan_edit", accepts=plan_id, placeholder="2718281828")
        self.plan_detail = _Route("plans:plan_detail", accepts=plan_id, placeholder="2718281828")

    def for_email(
        self, *, plan_id: int, week: date, owner_id: int | None = None, advice_id: int | None = None
    ) -> dict[str, str]:
        """Every link a nudge email carries, as absolute URLs; with ``owner_id`` and
        ``advice_id``, also the owner's "helpful" and "not helpful" answers to that advice."""

        def action(name: str, papers: int | None = None) -> str:
            token = nudge_action_token(
                plan_id=plan_id, week=week, action=name, papers=papers, signer=self.action_signer
            )
            return self.action.url(token)

        def helpful(answer: bool) -> str:
            token = helpful_token(
                user_id=owner_id, item_id=advice_id, helpful=answer, signer=self.helpful_signer
            )
            return self.helpful.url(token)

        advice = (
            {"helpful_yes": helpful(True), "helpful_no": helpful(False)}
            if owner_id is not None and advice_id is not None
            else {}
        )
        unsubscribe = unsubscribe_token(plan_id=plan_id, signer=self.unsubscribe_signer)
        return {
            "studied": action("studied"),
            "papers_0": action("papers", 0),
            "papers_1": action("papers", 1),
            "papers_2": action("papers", 2),
            "skip": action("skip"),
            "pause": action("pause"),
            "settings": self.plan_edit.url(plan_id),
            "plan": self.plan_detail.url(plan_id),
            "unsubscribe": self.unsubscribe.url(unsubscribe),
            **advice,
        }


def nudge_links(
    *, plan_id: int, week: date, owner_id: int | None = None, advice_id: int | None = None
) -> dict[str, str]:
    """The links of one nudge email (``NudgeLinks.for_email``)."""
    return NudgeLinks().for_email(
        plan_id=plan_id, week=week, owner_id=owner_id, advice_id=advice_id
    )
