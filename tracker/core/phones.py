"""Telephone numbers as links a phone can dial."""

import re

_TRUNK_ZERO = re.compile(r"\(0\)")  # "+44 (0)20 ...": the 0 is dialled only from inside the country


def tel_uri(number: str) -> str:
    """``tel:`` URI of a number as written: its digits, with a leading + kept ("" if it has no digits).
    "+44 (0)20 7946-0000" -> "tel:+442079460000"."""
    number = (number or "").strip()
    if number.startswith("+"):
        number = _TRUNK_ZERO.sub("", number)
    digits = re.sub(r"\D", "", number)
    if not digits:
        return ""
    return "tel:" + ("+" if number.startswith("+") else "") + digits
