"""The account's own share of its export and of its deletion: who the user is, their time
zone, their addresses and whether they have an API token (registered from
``AccountsConfig.ready``), and the models linked to users that stay out of the export.

Secrets stay out of the file: the password's hash, the calendar feed's token and the API
token's key. Each is a credential, not something the user told us; a copy in a downloaded
file would let whoever reads the file act as them (the hash can be guessed at offline, the
tokens work as they are), and each is shown or reset where it is used.
"""

from typing import Any

from allauth.account.models import EmailAddress, EmailConfirmation
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.sessions.models import Session
from rest_framework.authtoken.models import Token, TokenProxy

from careers.accounts.models import Profile
from careers.core.account_data import (
    AccountDataSection,
    Counted,
    account_data_exclude,
    account_data_register,
    counted,
)


def _export(user: AbstractBaseUser) -> dict[str, Any]:
    profile = Profile.objects.filter(user=user).first()
    token = Token.objects.filter(user=user).only("created").first()
    return {
        "username": user.get_username(),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "time_zone": profile.timezone if profile else None,
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "api_token": {"created": token.created} if token else None,
    }


def _describe(user: AbstractBaseUser) -> list[Counted]:
    return [
        counted(1, "account with its profile and time zone"),
        counted(EmailAddress.objects.filter(user=user).count(), "email address", "email addresses"),
        counted(Token.objects.filter(user=user).count(), "API token"),
    ]


def account_data_register_accounts() -> None:
    account_data_register(
        AccountDataSection(
            name="account",
            title="Your account",
            summary="your username, email addresses, time zone and roles, when you joined "
            "and last signed in, and whether you have an API token",
            models=(get_user_model(), Profile, EmailAddress, Token),
            export=_export,
            describe=_describe,
        )
    )
    account_data_exclude(
        TokenProxy, reason="the admin's view of the API token table, exported as Token"
    )
    account_data_exclude(
        EmailConfirmation,
        reason="a pending confirmation link's key: a live secret, gone with its address",
    )
    account_data_exclude(
        LogEntry,
        reason="what a staff member did in the admin: the site's audit record of its own "
        "content, not the user's data; deleted with the account",
    )
    account_data_exclude(
        Session,
        reason="a signed-in browser's cookie, holding nothing but the account's id; "
        "it signs nobody in once the account is gone",
    )
    # Not linked to an account: a record of logins tried under a name, kept whether or not
    # an account has it. Deleting an account must not wipe the record of attacks on it.
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        account_data_exclude(
            model, reason="the security record of logins tried under a name, from an address"
        )
