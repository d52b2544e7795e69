"""The accounts emails as their reader meets them: who got what, and the links to click."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core import mail

LINK = re.compile(r"https?://[^\s<>\"]+")
CONFIRM = "/accounts/confirm-email/"
RESET = "/accounts/password/reset/key/"


def sent_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def link_in(message, path: str) -> str:
    """The path of the message's one link under ``path``, checked to point at SITE_URL
    (never at whatever Host header the request carried)."""
    links = [url for url in LINK.findall(message.body) if urlsplit(url).path.startswith(path)]
    assert len(links) == 1, message.body
    assert links[0].startswith(settings.SITE_URL + path), links[0]
    return urlsplit(links[0]).path


def confirmation_link(address: str) -> str:
    """The confirmation link of the last email sent to ``address``."""
    return link_in(sent_to(address)[-1], CONFIRM)


def reset_link(address: str) -> str:
    return link_in(sent_to(address)[-1], RESET)
