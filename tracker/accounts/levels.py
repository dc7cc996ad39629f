"""Spinal levels as clinicians write them (docs/api.md "Accounts", `spinal_levels`).

One pure function, `parse_spinal_levels`, used by the API field and the forms alike:
"T8-T10" -> ["T8", "T9", "T10"], "t12–l2" -> ["T12", "L1", "L2"], "C7/T1" -> ["C7", "T1"].
"""

import re

from django.utils.translation import gettext as _

# The vertebrae in anatomical order, top to bottom: a range may cross regions (T12-L2).
ORDER = (
    [f"C{n}" for n in range(1, 8)]
    + [f"T{n}" for n in range(1, 13)]
    + [f"L{n}" for n in range(1, 6)]
    + [f"S{n}" for n in range(1, 6)]
)
POSITION = {level: index for index, level in enumerate(ORDER)}
# Accepted on their own, never as the end of a range.
WHOLE_BONES = {"SACRUM": "Sacrum", "COCCYX": "Coccyx"}

MAX_TEXT = 200
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"  # hyphen, the Unicode hyphens, en and em dash, minus
_DASH_RE = re.compile(rf"\s*[{DASHES}]\s*")
_SEPARATOR_RE = re.compile(r"[\s,;/]+")
_LEVEL_RE = re.compile(r"^([CTLS])(\d{1,2})$")


class SpinalLevelsError(ValueError):
    """What was wrong, in words a clinician reads (it names the level or range)."""


def _level(token: str, *, region: str | None = None) -> str:
    """ "t8" -> "T8"; a bare number takes `region` (the "10" of "T8-10")."""
    text = token.strip().upper()
    if region and text.isdecimal():
        text = region + text
    match = _LEVEL_RE.match(text)
    if match:
        level = f"{match.group(1)}{int(match.group(2))}"
        if level in POSITION:
            return level
    raise SpinalLevelsError(token)


def parse_spinal_levels(value: str | list | tuple) -> list[str]:
    """Levels in the order written, each once, ranges expanded top to bottom.

    Accepts a string ("T8-T10, L1", "t12–l2", "C7/T1", "T8-10") or a list of such strings.
    Raises SpinalLevelsError naming an unknown level or a reversed range.
    """
    parts = [value] if isinstance(value, str) else list(value)
    if not all(isinstance(part, str) for part in parts):
        raise SpinalLevelsError(_('Give the spinal levels as text such as "T8-T10, L1" or a list such as ["T8"].'))
    tokens: list[str] = []
    for part in parts:
        if len(part) > MAX_TEXT:
            raise SpinalLevelsError(_("That is too long for spinal levels (at most %(n)d letters).") % {"n": MAX_TEXT})
        tokens += [t for t in _SEPARATOR_RE.split(_DASH_RE.sub("-", part.strip())) if t]
    levels: list[str] = []
    for token in tokens:
        if token.upper() in WHOLE_BONES:
            levels.append(WHOLE_BONES[token.upper()])
            continue
        ends = token.split("-")  # every dash is a hyphen by now
        if len(ends) > 2 or not all(ends):
            raise SpinalLevelsError(_unknown(token))
        try:
            first = _level(ends[0])
            last = _level(ends[-1], region=first[0]) if len(ends) == 2 else first
        except SpinalLevelsError:
            raise SpinalLevelsError(_unknown(token)) from None
        if POSITION[first] > POSITION[last]:
            raise SpinalLevelsError(
                _("%(range)s runs upwards: write a range from top to bottom, such as %(fixed)s.")
                % {"range": token, "fixed": f"{last}-{first}"}
            )
        levels += ORDER[POSITION[first] : POSITION[last] + 1]
    return list(dict.fromkeys(levels))


def _unknown(token: str) -> str:
    return _("Unknown spinal level: %(level)s. Use C1-C7, T1-T12, L1-L5, S1-S5, or a range such as T8-T10.") % {
        "level": token
    }


def format_spinal_levels(levels) -> str:
    """The stored list as a form shows it: "T8, T9, L1"."""
    if isinstance(levels, list | tuple):
        return ", ".join(levels)
    return levels or ""
