"""Tap-to-call phone numbers: ``{{ text|tel_links }}`` and ``{{ number|tel_href }}``.

Load with ``{% load phone_links %}``. ``tel_links`` finds the phone numbers in free text (a site setting such
as "Samaritans: call 116 123, free, any time", a paragraph of advice, sanitised support content) and makes
each a ``tel:`` link, escaping everything else; in HTML it touches only text outside tags and outside
existing links. ``tel_href`` turns one number as written ("+44 20 7946 0000") into its ``tel:`` URI.
"""

import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, SafeString, mark_safe

from tracker.core.phones import tel_uri

register = template.Library()

# A number as people write it: an optional +, digits with spaces, dots, hyphens or brackets between,
# ending in a digit; 6 to 20 digits in all (the validation of docs/api.md). Not part of a word, an HTML entity
# (&#39;) or a longer number. Short service numbers (999, 112, 911, 988) only count right after "call",
# "dial", "phone" or "ring", so that a time or an amount in the text never becomes a link.
_NUMBER = re.compile(r"(?<![\w+&#.\-/])\+?\(?\d(?:[\d().\- \u00a0]*\d)?(?![\w/])")
_SHORT_CUE = re.compile(r"\b(?:call|dial|ring|phone)\s$", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$")
_TAG = re.compile(r"(<[^>]*>)")


def _is_phone(match: re.Match) -> bool:
    candidate = match.group(0)
    digits = sum(ch.isdigit() for ch in candidate)
    if 6 <= digits <= 20:
        return not _DATE.match(candidate)
    before = match.string[max(0, match.start() - 8) : match.start()]
    return candidate.isdigit() and 3 <= digits <= 5 and bool(_SHORT_CUE.search(before))


def _link_text(escaped: str) -> str:
    """Link the numbers in a run of already-escaped text."""

    def link(match: re.Match) -> str:
        number = match.group(0)
        if not _is_phone(match):
            return number
        return f'<a class="tel" href="{tel_uri(number)}">{number}</a>'

    return _NUMBER.sub(link, escaped)


def link_phone_numbers(text) -> SafeString:
    """Safe HTML of ``text`` with every phone number in it a ``tel:`` link (plain text is escaped first)."""
    if text is None:
        return mark_safe("")
    if not isinstance(text, SafeData):
        return mark_safe(_link_text(str(conditional_escape(text))))  # noqa: S308 - escaped just above
    out, in_link = [], 0
    for part in _TAG.split(str(text)):
        if part.startswith("<"):
            name = part[1:].lstrip("/").split(None, 1)[0].rstrip(">").lower() if len(part) > 2 else ""
            if name == "a":
                in_link += -1 if part.startswith("</") else 1
            out.append(part)
        else:
            out.append(part if in_link > 0 else _link_text(part))
    return mark_safe("".join(out))  # noqa: S308 - the input was safe; only text runs gained links


@register.filter(is_safe=True)
def tel_links(text) -> SafeString:
    return link_phone_numbers(text)


@register.filter
def tel_href(number) -> str:
    return tel_uri(str(number or ""))


@register.simple_tag
def tel_link(number, css_class: str = "") -> SafeString:
    """``<a href="tel:...">number</a>`` for one number (nothing when it has no digits)."""
    href = tel_uri(str(number or ""))
    if not href:
        return conditional_escape(number or "")
    return format_html('<a class="{}" href="{}">{}</a>', css_class or "tel", href, number)
