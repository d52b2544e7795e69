"""Profiles in the admin (a user's time zone), and the admin's login form."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import MaxLengthValidator

from careers.accounts.models import Profile
from careers.core.admin import SafeAutocompleteMixin


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's login, refusing a username longer than any account's (150) before it
    reaches authentication and axes. Django's form sets that length after its field's
    validators were built, so it only tells the browser (``maxlength``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


admin.site.login_form = AdminLoginForm


@admin.register(Profile)
class ProfileAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["user", "timezone"]
    search_fields = ["user__username", "user__email"]
    list_filter = ["timezone"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
