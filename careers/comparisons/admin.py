"""Comparisons in the admin: browsable for support, each option with its whole pay, never
changed here (a comparison's inputs are written by its owner, through the services that
keep its stored result current). Beside them, for editors and reviewers, what recorded
decisions teach about the advice, in aggregates only (``outcomes``)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from careers.comparisons.models import OFFER_FIELDS, Comparison, Option
from careers.comparisons.outcomes import decision_outcomes, outcomes_visible_to
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

    def get_urls(self):
        # Routed here because the admin site routes pages by model; the page shows no
        # comparison, only counts over many, and editors open it with no right to the list.
        outcomes = self.admin_site.admin_view(self.outcomes_view)
        return [path("outcomes/", outcomes, name="comparisons_outcomes"), *super().get_urls()]

    def outcomes_view(self, request: HttpRequest) -> HttpResponse:
        if not outcomes_visible_to(user=request.user):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "What recorded decisions teach",
            "outcomes": decision_outcomes(),
        }
        return TemplateResponse(request, "admin/comparisons/outcomes.html", context)
