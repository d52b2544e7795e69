"""Writes to accounts: a new account's profile, profile changes, a verified address for
accounts whose address is known good, and the deletion of an account with all of it."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from careers.accounts.models import Profile


def profile_create(*, user: AbstractBaseUser, timezone: str = "UTC") -> Profile:
    """The profile of a new account, so every signed-up user has a time zone."""
    profile = Profile(user=user, timezone=timezone)
    profile.full_clean(exclude=["user", "calendar_token"])
    profile.save()
    return profile


def profile_get_or_create(*, user: AbstractBaseUser) -> Profile:
    """The user's profile; accounts made outside sign-up (createsuperuser) get one on demand."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def profile_update(*, profile: Profile, timezone: str) -> Profile:
    profile.timezone = timezone
    profile.full_clean()
    profile.save(update_fields=["timezone"])
    return profile


@transaction.atomic
def email_verified_set(*, user: AbstractBaseUser) -> EmailAddress:
    """Record the user's address as verified and primary without sending a link: only for an
    address we made ourselves (the demo login), never for one a person typed."""
    email = user.email.lower()
    EmailAddress.objects.filter(user=user).exclude(email=email).update(primary=False)
    address, _ = EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return address


@transaction.atomic
def account_delete(*, user: AbstractBaseUser) -> None:
    """Delete the account and everything of its owner's, in one transaction: every row of
    theirs is linked to the account by a cascading foreign key (their comparisons, decisions,
    raters, plans, feedback, addresses, token), so either all of it goes or none does. What
    editors wrote into the knowledge base stays, its link to them set to empty. Links that
    opened something of theirs (share, second-opinion, calendar, email links) die with the
    rows they name."""
    user.delete()
