"""Forms of sign-up, login, the profile and account deletion. They parse and bound input;
services do the writes."""

from functools import cache

from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.http import HttpRequest

from careers.accounts.models import Profile, timezone_names
from careers.accounts.services import profile_create

DEFAULT_TIMEZONE = Profile._meta.get_field("timezone").default
USERNAME_MAX_LENGTH = get_user_model()._meta.get_field("username").max_length
EMAIL_MAX_LENGTH = get_user_model()._meta.get_field("email").max_length
# The regions of the IANA database, as the time zone select groups them (with the name each
# group shows). Every other name (the older ones, such as US/Eastern or Japan, and the fixed
# Etc/GMT+5 kind) is still accepted, listed last, since a stored zone may be one of them.
TIMEZONE_REGIONS = {
    "Africa": "Africa",
    "America": "America",
    "Antarctica": "Antarctica",
    "Arctic": "Arctic",
    "Asia": "Asia",
    "Atlantic": "Atlantic",
    "Australia": "Australia",
    "Europe": "Europe",
    "Indian": "Indian Ocean",
    "Pacific": "Pacific",
}
OTHER_TIMEZONES = "Other names"

TimezoneChoices = list[tuple[str, str | list[tuple[str, str]]]]


def _place(name: str) -> str:
    """A zone's name within its region, as it reads: America/Argentina/Buenos_Aires is
    "Buenos Aires (Argentina)", so typing a city's first letters in the select finds it."""
    parts = name.replace("_", " ").split("/")[1:]
    return f"{parts[-1]} ({' / '.join(parts[:-1])})" if len(parts) > 1 else parts[0]


@cache
def timezone_choices() -> TimezoneChoices:
    """Every IANA time zone for a choice field: UTC first, then one group per region (the
    select shows them as option groups), each in alphabetical order of its places."""
    grouped: dict[str, list[tuple[str, str]]] = {region: [] for region in TIMEZONE_REGIONS}
    other: list[tuple[str, str]] = []
    for name in timezone_names():
        region = name.split("/", 1)[0]
        if name == DEFAULT_TIMEZONE:
            continue
        if "/" in name and region in grouped:
            grouped[region].append((name, _place(name)))
        else:
            other.append((name, name.replace("_", " ")))
    choices: TimezoneChoices = [(DEFAULT_TIMEZONE, DEFAULT_TIMEZONE)]
    for region, label in TIMEZONE_REGIONS.items():
        choices.append((label, sorted(grouped[region], key=lambda choice: choice[1])))
    choices.append((OTHER_TIMEZONES, other))
    return choices


def bound_email(field: forms.Field) -> None:
    """Refuse an address longer than the column it is stored in (254). Django's email check
    stops at 320 characters, and PostgreSQL would refuse the rest with an error page."""
    field.max_length = EMAIL_MAX_LENGTH
    field.validators.append(MaxLengthValidator(EMAIL_MAX_LENGTH))
    field.widget.attrs["maxlength"] = str(EMAIL_MAX_LENGTH)


def timezone_preselect(field: forms.Field, *, current: str) -> None:
    """Mark a time zone field for core/static/core/timezone.js, which chooses the browser's
    time zone in it while it still holds the default. Without JavaScript nothing changes."""
    if current == DEFAULT_TIMEZONE:
        field.widget.attrs["data-timezone-default"] = current


class SignupForm(allauth_forms.SignupForm):
    """allauth's sign-up (an email address and a password, twice) with the time zone every
    schedule follows. No username: allauth makes one, so the form never says one is taken."""

    timezone = forms.ChoiceField(
        choices=timezone_choices,
        initial=DEFAULT_TIMEZONE,
        help_text="Your schedules and reminders follow this time zone.",
    )
    # core/form_body.html renders the fields in this order: who and where first, then passwords.
    field_order = ["email", "timezone", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = (
            "We send a link to confirm it. It is used for password resets and, if you ask "
            "for them, weekly nudges."
        )
        bound_email(self.fields["email"])
        self.fields["password2"].label = "Password confirmation"
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)
        if not self.is_bound:
            timezone_preselect(self.fields["timezone"], current=DEFAULT_TIMEZONE)

    def signup(self, request: HttpRequest, user: AbstractBaseUser) -> None:
        """Called by allauth with the new account, before its address is stored."""
        profile_create(user=user, timezone=self.cleaned_data["timezone"])

    @transaction.atomic
    def save(self, request: HttpRequest) -> AbstractBaseUser:
        # The account, its profile and its address together, or none of them.
        return super().save(request)


class ProfileForm(forms.Form):
    timezone = forms.ChoiceField(
        choices=timezone_choices, help_text="Your schedules and reminders follow this time zone."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            timezone_preselect(self.fields["timezone"], current=self.initial.get("timezone", ""))


class LoginForm(allauth_forms.LoginForm):
    """allauth's login by username or email address, refusing a login longer than any
    account's (150 for a username, 254 for an address) before it reaches authentication,
    so axes never records it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = "Username or email"
        login.widget.attrs.update({"autocomplete": "username", "maxlength": str(EMAIL_MAX_LENGTH)})
        self.fields["password"].help_text = ""
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)

    def clean_login(self) -> str:
        login = super().clean_login()
        MaxLengthValidator(EMAIL_MAX_LENGTH if "@" in login else USERNAME_MAX_LENGTH)(login)
        return login


class EmailChangeForm(allauth_forms.AddEmailForm):
    """allauth's new address for an account (confirmed by a link before it replaces the
    current one), bounded like the column that stores it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_email(self.fields["email"])
        self.fields["email"].label = "New email address"
        self.fields["email"].widget.attrs.pop("placeholder", None)


class AccountDeleteForm(forms.Form):
    """The confirmation that deletes an account: the current password, or for an account
    with no usable password (made without one) its email address typed out, so a browser
    left signed in is not enough to delete everything."""

    # Longer than any password a person types; bounds what reaches the hasher.
    PASSWORD_MAX_LENGTH = 4096

    def __init__(self, *args, user: AbstractBaseUser, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_usable_password():
            self.fields["password"] = forms.CharField(
                label="Your password",
                strip=False,
                max_length=self.PASSWORD_MAX_LENGTH,
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
            )
        else:
            self.fields["confirmation"] = forms.CharField(
                label=f"Type {self.expected_confirmation} to confirm",
                max_length=EMAIL_MAX_LENGTH,
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
            )

    @property
    def expected_confirmation(self) -> str:
        return self.user.email or self.user.get_username()

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        # allauth's check of a signed-in user's password: it goes through authenticate(), so
        # a wrong one counts as a failed login (axes locks the account out from this address
        # after AXES_FAILURE_LIMIT of them) and this form is no way round the login lockout.
        if not get_adapter().reauthenticate(self.user, password):
            raise forms.ValidationError("That is not your password.", code="incorrect_password")
        return password

    def clean_confirmation(self) -> str:
        typed = self.cleaned_data["confirmation"].strip()
        if typed.casefold() != self.expected_confirmation.casefold():
            raise forms.ValidationError(
                f"Type {self.expected_confirmation} exactly.", code="confirmation"
            )
        return typed
