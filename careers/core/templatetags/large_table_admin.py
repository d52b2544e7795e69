"""The admin's date drill-down for large tables: Django's own, reading its periods through
:class:`careers.core.admin.ProbedDates` instead of a ``SELECT DISTINCT`` over the rows."""

from copy import copy

from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy

from careers.core.admin import EXACT_COUNT_UP_TO, EstimatedCount, ProbedDates

register = template.Library()


@register.inclusion_tag("admin/date_hierarchy.html")
def probed_date_hierarchy(changelist) -> dict | None:
    count = changelist.result_count
    exact_up_to = getattr(changelist.model_admin, "exact_count_up_to", EXACT_COUNT_UP_TO)
    small = not isinstance(count, EstimatedCount) and count <= exact_up_to
    probed = copy(changelist)
    probed.queryset = ProbedDates(changelist.queryset, changelist.date_hierarchy, small=small)
    return date_hierarchy(probed)
