"""Comparisons in the admin: browsable for support, each option with its whole pay, never
changed here (a comparison's inputs are written by its owner, through the services that
keep its stored result current)."""

from django.contrib import admin

from careers.comparisons.models import OFFER_FIELDS, Comparison, Option
from careers.comparisons.pay_form import PAY_SECTIONS
from careers.core.admin import ReadOnlyAdmin


def _option_fieldsets() -> list[tuple[str, dict]]:
    shown = {name for _key, _title, names in PAY_SECTIONS for name in names}
    offer = [name for name in OFFER_FIELDS if name not in shown]
    return [("The offer", {"fields": offer})] + [
        (title, {"fields": list(names), "classes": ["collapse"]})
        for _key, title, names in PAY_SECTIONS
    ]


class OptionInline(admin.StackedInline):
    model = Option
    extra = 0
    fieldsets = _option_fieldsets()
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Comparison)
class ComparisonAdmin(ReadOnlyAdmin):
    list_display = ["title", "owner", "currency", "updated_at"]
    list_select_related = ["owner"]
    search_fields = ["title", "owner__username", "owner__email"]
    fields = [
        "title",
        "owner",
        "currency",
        "decision_deadline",
        "notes",
        "created_at",
        "updated_at",
    ]
    inlines = [OptionInline]
    ordering = ["-updated_at", "-id"]
