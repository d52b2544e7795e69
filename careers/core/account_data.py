"""Everything of one account, gathered from every app: what its export file holds and what
deleting it removes.

Each app knows its own rows and no app may know the others' (comparisons and plans use
accounts, never the reverse), so each registers a section from its ``AppConfig.ready``, as
apps register their models with the admin. A section says which models it covers; a model
linked to users that no section exports is registered as excluded, with the reason, so a
new model cannot slip out of the export unnoticed (``tests/accounts/test_account_data.py``
walks every model for links to users and checks that each one is accounted for).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.utils import timezone

# Raised when the file's shape changes in a way a reader of an older file would misread.
EXPORT_FORMAT_VERSION = 1

# What deleting a section removes, as (label, count): ("options", 9). The label is already
# worded for its count ("1 option", "9 options").
Counted = tuple[str, int]


@dataclass(frozen=True)
class AccountDataSection:
    """One app's share of an account: its key in the export file, a heading and what the
    file holds of it in a sentence (the export page lists them), the models it exports, and
    how to read them for a user."""

    name: str
    title: str
    summary: str
    models: tuple[type[models.Model], ...]
    export: Callable[[AbstractBaseUser], Any]
    describe: Callable[[AbstractBaseUser], list[Counted]]


@dataclass(frozen=True)
class DescribedSection:
    title: str
    counts: list[Counted]


_sections: dict[str, AccountDataSection] = {}
_excluded: dict[type[models.Model], str] = {}


def account_data_register(section: AccountDataSection) -> None:
    """Add a section to every export and to the delete page (registering again replaces it)."""
    _sections[section.name] = section


def account_data_exclude(model: type[models.Model], *, reason: str) -> None:
    """Record that rows of ``model`` linked to a user stay out of the export, and why."""
    _excluded[model] = reason


def account_data_sections() -> list[AccountDataSection]:
    return list(_sections.values())


def account_data_exported_models() -> set[type[models.Model]]:
    return {model for section in _sections.values() for model in section.models}


def account_data_excluded_models() -> dict[type[models.Model], str]:
    return dict(_excluded)


def counted(count: int, singular: str, plural: str | None = None) -> Counted:
    """A count with its noun worded for it: ``counted(1, "option")`` is ``("option", 1)``."""
    return (singular if count == 1 else plural or f"{singular}s", count)


def account_data_export(*, user: AbstractBaseUser) -> dict[str, Any]:
    """Everything of the user's, one key per section, as plain JSON-able data (dates and
    decimals left for ``DjangoJSONEncoder``)."""
    data: dict[str, Any] = {
        "format_version": EXPORT_FORMAT_VERSION,
        "exported_at": timezone.now(),
    }
    for section in _sections.values():
        data[section.name] = section.export(user)
    return data


def account_data_describe(*, user: AbstractBaseUser) -> list[DescribedSection]:
    """What deleting the account removes, section by section, with the counts that are
    not zero."""
    described = []
    for section in _sections.values():
        counts = [(label, count) for label, count in section.describe(user) if count]
        described.append(DescribedSection(section.title, counts))
    return described
