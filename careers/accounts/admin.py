"""Profiles in the admin: a user's time zone."""

from django.contrib import admin

from careers.accounts.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "timezone"]
    search_fields = ["user__username", "user__email"]
    list_filter = ["timezone"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
