"""The vocabulary of alert outcomes: the six outcomes of docs/clinical.md, plus any a site adds.

A site adds outcomes with ``settings.TRACKER_EXTRA_OUTCOMES = {"code": "Label", ...}`` (codes: lower-case
letters, digits and underscores, at most 24 characters; checked at start-up by :func:`check_extra_outcomes`).
"""

import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tracker.core.vocab import Outcome

_CODE = re.compile(r"^[a-z][a-z0-9_]{0,23}$")


def _extra() -> dict[str, str]:
    return dict(getattr(settings, "TRACKER_EXTRA_OUTCOMES", None) or {})


def outcome_choices() -> list[tuple[str, str]]:
    """(code, label) of every outcome a resolution may have, the standard ones first."""
    return [*Outcome.choices, *_extra().items()]


def outcome_codes() -> set[str]:
    return {code for code, _label in outcome_choices()}


def outcome_label(code: str) -> str:
    return dict(outcome_choices()).get(code, code)


def check_extra_outcomes() -> None:
    extra = getattr(settings, "TRACKER_EXTRA_OUTCOMES", None) or {}
    if not isinstance(extra, dict):
        raise ImproperlyConfigured("TRACKER_EXTRA_OUTCOMES must be a dict of code -> label.")
    for code, label in extra.items():
        if not isinstance(code, str) or not _CODE.match(code):
            raise ImproperlyConfigured(
                f"TRACKER_EXTRA_OUTCOMES: bad code {code!r} (lower-case letters, digits, _; at most 24 characters)."
            )
        if code in Outcome.values:
            raise ImproperlyConfigured(f"TRACKER_EXTRA_OUTCOMES: {code!r} is already a standard outcome.")
        if not str(label).strip():
            raise ImproperlyConfigured(f"TRACKER_EXTRA_OUTCOMES: outcome {code!r} needs a label.")
