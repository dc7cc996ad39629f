"""`{% load phone %}` then `<a href="{{ number|tel_href }}">{{ number }}</a>`: numbers as tap-to-call links."""

import re

from django import template

register = template.Library()

_TRUNK_ZERO = re.compile(r"\(0\)")  # "+44 (0)20 ...": the 0 is dialled only from inside the country
_NOT_DIALLED = re.compile(r"[^0-9+]")


def tel_uri(number: str) -> str:
    """ "+44 (0)20 7946-0000" -> "tel:+442079460000"; "" for no number."""
    number = (number or "").strip()
    if number.startswith("+"):
        number = _TRUNK_ZERO.sub("", number)
    digits = _NOT_DIALLED.sub("", number)
    return f"tel:{digits}" if digits else ""


@register.filter
def tel_href(number: str) -> str:
    return tel_uri(number)
