"""Writes to accounts: sign-up with a profile, and profile changes."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from careers.accounts.models import Profile


@transaction.atomic
def user_create(
    *, username: str, email: str, password: str, timezone: str = "UTC"
) -> AbstractBaseUser:
    """Create an account together with its profile, so every signed-up user has a time zone."""
    user = get_user_model().objects.create_user(username=username, email=email, password=password)
    Profile.objects.create(user=user, timezone=timezone)
    return user


def profile_get_or_create(*, user: AbstractBaseUser) -> Profile:
    """The user's profile; accounts made outside sign-up (createsuperuser) get one on demand."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def profile_update(*, profile: Profile, timezone: str) -> Profile:
    profile.timezone = timezone
    profile.full_clean()
    profile.save(update_fields=["timezone"])
    return profile
