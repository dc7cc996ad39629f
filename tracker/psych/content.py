"""Markdown for support content: rendered with `markdown`, then sanitised with `nh3`.

Content is written by staff in the Django admin, but it is still treated as untrusted: only a small
set of text tags survives, links may only be http(s), mailto or tel, and no script, style, iframe,
image or event handler gets through.
"""

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "h2", "h3", "h4", "p", "br", "hr", "strong", "em", "b", "i", "ul", "ol", "li",
    "blockquote", "a", "code", "pre", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def render_markdown(text: str) -> SafeString:
    """Markdown -> sanitised HTML, safe to put in a template as it is."""
    html = markdown.markdown(text or "", extensions=["sane_lists", "tables"], output_format="html")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above
