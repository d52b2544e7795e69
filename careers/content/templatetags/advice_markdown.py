import functools

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# The HTML that Markdown produces for advice text; anything else (raw HTML typed into the
# Markdown, scripts, styles, event handlers) is stripped by nh3 before it reaches a page.
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "code", "pre", "blockquote", "h3", "h4",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


@functools.lru_cache(maxsize=512)
def markdown_to_safe_html(text: str) -> str:
    """Advice text as sanitised HTML. Cached: the same few hundred texts are rendered on
    every page and in every weekly email (a pure function of the text)."""
    html = markdown_lib.markdown(text, extensions=["sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    # nh3 has removed every tag and attribute outside the allowlist above.
    return mark_safe(markdown_to_safe_html(text or ""))  # noqa: S308
