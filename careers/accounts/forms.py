"""Forms of sign-up and the profile. They parse and bound input; services do the writes."""

from functools import cache

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.validators import MaxLengthValidator

from careers.accounts.models import Profile, timezone_names

DEFAULT_TIMEZONE = Profile._meta.get_field("timezone").default
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


def timezone_preselect(field: forms.Field, *, current: str) -> None:
    """Mark a time zone field for core/static/core/timezone.js, which chooses the browser's
    time zone in it while it still holds the default. Without JavaScript nothing changes."""
    if current == DEFAULT_TIMEZONE:
        field.widget.attrs["data-timezone-default"] = current


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        help_text="Used for password resets and, if you ask for them, weekly nudges."
    )
    timezone = forms.ChoiceField(
        choices=timezone_choices,
        initial=DEFAULT_TIMEZONE,
        help_text="Your schedules and reminders follow this time zone.",
    )
    # core/form_body.html renders the fields in this order: who and where first, then passwords.
    field_order = ["username", "email", "timezone", "password1", "password2"]

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            timezone_preselect(self.fields["timezone"], current=DEFAULT_TIMEZONE)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email already exists.")
        return email


class ProfileForm(forms.Form):
    timezone = forms.ChoiceField(
        choices=timezone_choices, help_text="Your schedules and reminders follow this time zone."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            timezone_preselect(self.fields["timezone"], current=self.initial.get("timezone", ""))


class LoginForm(AuthenticationForm):
    """Django's login form, refusing a username longer than any account's (150) before it
    reaches authentication: Django's form only tells the browser (``maxlength``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))
