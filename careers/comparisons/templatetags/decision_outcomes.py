"""The admin index's way to the outcomes of recorded decisions, for those who may read them."""

from django import template

from careers.comparisons.outcomes import outcomes_visible_to

register = template.Library()


@register.inclusion_tag("admin/comparisons/_outcomes_link.html", takes_context=True)
def decision_outcomes_box(context) -> dict:
    request = context.get("request")
    return {"visible": request is not None and outcomes_visible_to(user=request.user)}
