from django import template

from careers.content.admin.dashboard import editorial_summary

register = template.Library()


@register.inclusion_tag("admin/content/_editorial_summary.html", takes_context=True)
def editorial_summary_box(context) -> dict:
    request = context.get("request")
    summary = editorial_summary(request.user) if request is not None else {}
    return {"summary": summary}
