"""Profiles in the admin: a user's time zone."""

from django.contrib import admin

from careers.accounts.models import Profile
from careers.core.admin import SafeAutocompleteMixin


@admin.register(Profile)
class ProfileAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["user", "timezone"]
    search_fields = ["user__username", "user__email"]
    list_filter = ["timezone"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
