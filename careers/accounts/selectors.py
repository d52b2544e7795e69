"""Reads about accounts that other apps use: whether the address we would write to is one
its owner confirmed."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch

# Where ``verified_emails_prefetch`` leaves each user's verified addresses.
VERIFIED_EMAILS = "verified_email_addresses"


def verified_emails_prefetch(users: str) -> Prefetch:
    """A prefetch of the verified addresses of the users at ``users`` (a lookup such as
    ``"plan__owner"``), so ``user_email_verified`` answers for all of them from one query."""
    return Prefetch(
        f"{users}__emailaddress_set",
        queryset=EmailAddress.objects.filter(verified=True),
        to_attr=VERIFIED_EMAILS,
    )


def user_email_verified(*, user: AbstractBaseUser) -> bool:
    """Whether the user's current address (``user.email``, where every email goes) is one
    they confirmed by opening the link we sent it. Reads the prefetch when there is one."""
    if not user.email:
        return False
    addresses = getattr(user, VERIFIED_EMAILS, None)
    if addresses is None:
        addresses = EmailAddress.objects.filter(user=user, verified=True)
    return any(address.email.lower() == user.email.lower() for address in addresses)
