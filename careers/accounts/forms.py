"""Forms of sign-up and the profile. They parse and bound input; services do the writes."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from careers.accounts.models import timezone_names


def timezone_choices() -> list[tuple[str, str]]:
    """Every IANA time zone, for a choice field (``Europe/London`` shown as it reads)."""
    return [(name, name.replace("_", " ")) for name in timezone_names()]


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        help_text="Used for password resets and, if you ask for them, weekly nudges."
    )
    timezone = forms.ChoiceField(
        choices=timezone_choices,
        initial="UTC",
        help_text="Your schedules and reminders follow this time zone.",
    )
    # core/form_body.html renders the fields in this order: who and where first, then passwords.
    field_order = ["username", "email", "timezone", "password1", "password2"]

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email already exists.")
        return email


class ProfileForm(forms.Form):
    timezone = forms.ChoiceField(
        choices=timezone_choices, help_text="Your schedules and reminders follow this time zone."
    )
