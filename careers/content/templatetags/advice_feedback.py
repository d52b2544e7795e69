from typing import Any

from django import template

from careers.content.models import AdviceItem

register = template.Library()


@register.inclusion_tag("content/_helpful.html", takes_context=True)
def helpful_control(context: template.Context, item: AdviceItem) -> dict[str, Any]:
    """The "was this helpful?" form under one advice item.

    The page's view puts the user's answers in ``advice_votes`` (``{item_id: helpful}``,
    loaded in one query for the whole page), so the control itself never queries.
    """
    request = context.get("request")
    votes = context.get("advice_votes") or {}
    return {
        "item": item,
        "vote": votes.get(item.pk),
        "user": context.get("user"),
        "next": request.get_full_path() if request is not None else "",
    }
