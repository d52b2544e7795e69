from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from careers.models.accounts import timezone_names
from careers.selectors import path_list, tag_list


def _timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in timezone_names()]


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        help_text="Used for password resets and, if you ask for them, weekly nudges."
    )
    timezone = forms.ChoiceField(
        choices=_timezone_choices,
        initial="UTC",
        help_text="Your schedules and reminders follow this time zone.",
    )

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
        choices=_timezone_choices, help_text="Your schedules and reminders follow this time zone."
    )


class AdviceFilterForm(forms.Form):
    path = forms.ChoiceField(required=False, label="Career path")
    tag = forms.ChoiceField(required=False, label="Tag")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["path"].choices = [("", "All paths")] + [
            (path.slug, path.name) for path in path_list()
        ]
        self.fields["tag"].choices = [("", "All tags")] + [
            (tag.slug, tag.name) for tag in tag_list()
        ]
