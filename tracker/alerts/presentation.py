"""An alert's evidence in plain words for the alert page (the raw evidence stays in the API)."""

from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.core.vocab import Instrument, Role

SOURCE_WORDS = {
    "symptoms.checkin": gettext_lazy("check-in"),
    "psych.screen": gettext_lazy("screen"),
    "rehab.exerciselog": gettext_lazy("exercise log"),
    "alerts.alert": gettext_lazy("distress alert"),
    "accounts.patientprofile": gettext_lazy("enrolment"),
}


def _when(value) -> str:
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return str(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "DATETIME_FORMAT")


def source_words(source: dict) -> str:
    kind = source.get("type", "")
    return _("%(kind)s #%(id)s") % {"kind": SOURCE_WORDS.get(kind, kind), "id": source.get("id")}


def evidence_lines(evidence: dict) -> list[str]:
    """What a rule compared, in sentences: which values, which baseline, which rule version."""
    lines: list[str] = []
    compared = evidence.get("compared_with")
    if compared == "previous_checkin":
        lines.append(
            _("Compared with the check-in of %(when)s") % {"when": _when(evidence.get("previous_recorded_at"))}
        )
    elif compared == "all_clear":
        lines.append(_("No earlier check-in: compared with an all-clear report."))

    baseline = evidence.get("baseline")
    if isinstance(baseline, dict):
        if baseline.get("median_worst_24h") is not None:
            lines.append(
                _("Usual worst pain %(median)s/10: the median of %(count)s check-ins in the days before (%(values)s).")
                % {
                    "median": baseline["median_worst_24h"],
                    "count": baseline.get("checkins"),
                    "values": ", ".join(str(v) for v in baseline.get("worst_24h", [])),
                }
            )
        else:
            lines.append(
                _("No usual pain level: %(count)s check-in(s) in the days before, %(needed)s needed.")
                % {"count": baseline.get("checkins", 0), "needed": baseline.get("min_checkins")}
            )

    if "instrument" in evidence and "total" in evidence:
        lines.append(
            _("%(instrument)s total %(total)s (%(band)s).")
            % {
                "instrument": _instrument(evidence["instrument"]),
                "total": evidence["total"],
                "band": str(evidence.get("band", "")).replace("_", " "),
            }
        )
        if evidence.get("item9"):
            lines.append(_("Item 9 (thoughts of death or self-harm) answered %(item9)s of 3.") % evidence)

    if "allowed_days" in evidence:
        if evidence.get("counted_from") == "enrolment":
            lines.append(_("No check-in since enrolment on %(when)s") % {"when": _when(evidence.get("enrolled_at"))})
        else:
            lines.append(_("Last check-in: %(when)s") % {"when": _when(evidence.get("last_recorded_at"))})
        lines.append(
            _("%(hours)s hours without a check-in; the limit is %(days)s days (%(schedule)s schedule).")
            % {
                "hours": evidence.get("hours_since"),
                "days": evidence["allowed_days"],
                "schedule": evidence.get("schedule"),
            }
        )

    if "allowed_hours" in evidence:
        lines.append(
            _("Positive screen on %(when)s: %(hours)s hours without a recorded action (limit %(allowed)s hours).")
            % {
                "when": _when(evidence.get("screen_recorded_at")),
                "hours": evidence.get("hours_since"),
                "allowed": evidence["allowed_hours"],
            }
        )

    if "pain_during" in evidence and "pain_before" in evidence:
        lines.append(
            _("Pain %(before)s/10 before the exercise and %(during)s/10 during it.")
            % {"before": evidence["pain_before"], "during": evidence["pain_during"]}
        )

    if evidence.get("rule_version"):
        lines.append(_("Rule version %(version)s.") % {"version": evidence["rule_version"]})
    return lines


def _instrument(code: str) -> str:
    try:
        return str(Instrument(code).label)
    except ValueError:
        return code


def describe_evidence(alert) -> list[dict]:
    """One item per trigger, newest first: when, from what, the summary and the plain-words lines."""
    items = []
    for entry in reversed(alert.evidence or []):
        if not isinstance(entry, dict):
            continue
        items.append(
            {
                "reported_at": _when(entry.get("reported_at")),
                "source": source_words(entry.get("source") or {}),
                "severity": entry.get("severity", ""),
                "summary": entry.get("summary", ""),
                "lines": evidence_lines(entry.get("evidence") or {}),
            }
        )
    return items


SOURCE_TYPE_WORDS = {
    "checkin": gettext_lazy("Check-in"),
    "screen": gettext_lazy("Questionnaire"),
    "exercise_log": gettext_lazy("Exercise log"),
}
VIA_WORDS = {
    "app": gettext_lazy("the app"),
    "phone": gettext_lazy("a telephone call"),
    "paper": gettext_lazy("a paper form"),
}


def reported_words(source: dict) -> str:
    """Who reported a source and how, in words: "the patient, via the app", "Nurse Chen (nurse), via a
    telephone call". Works for any reporter role and channel (an unknown one is shown as itself)."""
    reporter = source.get("reported_by") or {}
    via = source.get("reported_via") or "app"
    via_words = VIA_WORDS.get(via, via)
    role = reporter.get("role", "")
    if role == Role.PATIENT:
        return _("the patient, via %(via)s") % {"via": via_words}
    try:
        role_words = str(Role(role).label).lower()
    except ValueError:
        role_words = role
    return _("%(name)s (%(role)s), via %(via)s") % {
        "name": reporter.get("display_name", ""),
        "role": role_words,
        "via": via_words,
    }


def describe_sources(sources: list[dict]) -> list[dict]:
    """The alert page's "What the patient reported": each source with its kind and reporter in words."""
    return [
        {
            **source,
            "kind": SOURCE_TYPE_WORDS.get(source["type"], source["type"]),
            "reported": reported_words(source),
        }
        for source in sources
    ]
