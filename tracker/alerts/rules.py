"""The red-flag engine's shared rules: findings, thresholds, escalation, routing and the patient's advice.

Each domain app owns the rules of its own reports (docs/clinical.md "Alert rules"): the check-in rules in
``tracker.symptoms.rules``, questionnaire scoring and the ``distress`` / ``self_harm`` rules in
``tracker.psych.scoring`` and ``tracker.psych.rules``, ``exercise_pain`` in ``tracker.rehab.rules``. They all
return this module's :class:`Finding`, compare against this module's :class:`Thresholds` and are pure: no
I/O, no database, no settings. What stays here is what every kind of report shares: the thresholds (the one
place they are read from ``settings.TRACKER_THRESHOLDS``, :func:`thresholds_from_settings`), escalation,
routing, the ``untreated_distress`` rule that watches unresolved ``distress`` alerts, and :func:`advice_for`,
which turns any submission's findings into what the patient is told at once.

Every finding's evidence is JSON-serialisable (datetimes as ISO 8601 strings, sets as sorted lists)
and records ``RULE_VERSION``, so an alert always says which version of the rules raised it and why.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext

from tracker.core.vocab import INSTRUMENT_NAMES, AdviceLevel, AlertStatus, Role, RuleCode, Severity

RULE_VERSION = "2026.11-1"

# Durations and counts that make no sense at zero (an escalation every 0 minutes, a 0-day window).
_POSITIVE_THRESHOLDS = (
    "pain_baseline_days",
    "pain_baseline_min_checkins",
    "untreated_distress_hours",
    "missed_checkins_daily_days",
    "missed_checkins_weekly_days",
    "escalate_emergency_minutes",
    "escalate_urgent_minutes",
    "escalate_routine_minutes",
)


# --------------------------------------------------------------------------------------------------
# Thresholds
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """Every number the rules compare against, with the defaults of docs/clinical.md ("Alert rules").

    Sites override them through ``settings.TRACKER_THRESHOLDS`` (see :func:`thresholds_from_settings`);
    code never writes these numbers as literals anywhere else.
    """

    # pain_escalation: worst_24h >= pain_rise_min_worst and >= baseline + pain_rise_points, where the
    # baseline is the median worst_24h of the check-ins in the pain_baseline_days before (at least
    # pain_baseline_min_checkins of them); or worst_24h crossing pain_severe.
    pain_rise_min_worst: int = 4
    pain_rise_points: int = 2
    pain_baseline_days: int = 7
    pain_baseline_min_checkins: int = 2
    pain_severe: int = 7
    # side_effect: reaching side_effect_severe, or rising by side_effect_jump points.
    side_effect_severe: int = 3
    side_effect_jump: int = 2
    # distress: positive screens.
    distress_thermometer_positive: int = 4
    phq9_positive: int = 10
    gad7_positive: int = 10
    # untreated_distress: a positive screen with no care-team action for more than this.
    untreated_distress_hours: int = 72
    # missed_checkins: no check-in for more than this many days.
    missed_checkins_daily_days: int = 3
    missed_checkins_weekly_days: int = 14
    # exercise_pain: pain_during >= exercise_pain_during, or >= pain_before + exercise_pain_rise.
    exercise_pain_during: int = 7
    exercise_pain_rise: int = 3
    # Escalation of unacknowledged alerts, by severity.
    escalate_emergency_minutes: int = 15
    escalate_urgent_minutes: int = 240
    escalate_routine_minutes: int = 2880

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"Threshold {f.name} must be a whole number, not {value!r}.")
            if value < 0:
                raise ValueError(f"Threshold {f.name} must not be negative, not {value!r}.")
        for name in _POSITIVE_THRESHOLDS:
            if getattr(self, name) < 1:
                raise ValueError(f"Threshold {name} must be at least 1.")


def thresholds_from_settings() -> Thresholds:
    """Build :class:`Thresholds` from ``settings.TRACKER_THRESHOLDS`` over the docs/clinical.md defaults.

    The setting is an optional dict of field name -> whole number; missing keys keep their defaults.
    An unknown key (most likely a typo that would silently leave a clinical threshold at its default)
    or a bad value raises ``ImproperlyConfigured``. This is the only function here that reads settings.
    """
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    overrides = getattr(settings, "TRACKER_THRESHOLDS", None) or {}
    if not isinstance(overrides, Mapping):
        raise ImproperlyConfigured("TRACKER_THRESHOLDS must be a dict of threshold name to number.")
    known = {f.name for f in dataclasses.fields(Thresholds)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ImproperlyConfigured(
            f"Unknown key(s) in TRACKER_THRESHOLDS: {', '.join(map(str, unknown))}. "
            f"Known keys: {', '.join(sorted(known))}."
        )
    try:
        return Thresholds(**overrides)
    except ValueError as exc:
        raise ImproperlyConfigured(f"Bad value in TRACKER_THRESHOLDS: {exc}") from exc


# --------------------------------------------------------------------------------------------------
# Findings
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One rule that fired: what a care-team alert is made from.

    ``summary`` is a short plain-language line for clinicians (never the patient's name); ``evidence``
    is a JSON-serialisable dict with the triggering values, the comparison used and ``rule_version``.
    """

    rule: str
    severity: str
    summary: str
    evidence: dict[str, Any] = field(hash=False)


def code_words(code: str) -> str:
    """A vocabulary code as words for a clinician's summary: ``left_leg`` -> ``left leg``."""
    return str(code).replace("_", " ")


def iso_time(moment: datetime | None) -> str | None:
    """A moment as evidence records it: ISO 8601, or None."""
    return moment.isoformat() if moment is not None else None


# --------------------------------------------------------------------------------------------------
# Untreated distress
# --------------------------------------------------------------------------------------------------


def untreated_distress(
    *,
    screen_recorded_at: datetime,
    now: datetime,
    action_taken: bool,
    t: Thresholds,
    screen_evidence: dict[str, Any] | None = None,
) -> Finding | None:
    """docs/clinical.md ("Alert rules"), rule ``untreated_distress`` (urgent).

    Fires when a positive screen was recorded more than ``untreated_distress_hours`` (72) before ``now``
    and no qualifying care-team action has been taken since. The caller decides what qualifies (its
    alert resolved with an outcome, or a referral marked contacted) and passes ``action_taken``.
    ``screen_evidence`` (the ``distress`` finding's evidence) is copied into this finding's evidence.
    """
    gap = now - screen_recorded_at
    if action_taken or gap <= timedelta(hours=t.untreated_distress_hours):
        return None
    screen = dict(screen_evidence or {})
    if "instrument" in screen and "total" in screen:
        label = INSTRUMENT_NAMES.get(screen["instrument"], screen["instrument"])
        summary = gettext("Positive %(instrument)s screen (%(total)s) not acted on after %(hours)s hours") % {
            "instrument": label,
            "total": screen["total"],
            "hours": int(gap.total_seconds() // 3600),
        }
    else:
        summary = gettext("Positive distress screen not acted on after %(hours)s hours") % {
            "hours": int(gap.total_seconds() // 3600)
        }
    return Finding(
        rule=RuleCode.UNTREATED_DISTRESS.value,
        severity=Severity.URGENT.value,
        summary=summary,
        evidence={
            "rule_version": RULE_VERSION,
            "screen_recorded_at": iso_time(screen_recorded_at),
            "now": iso_time(now),
            "hours_since": round(gap.total_seconds() / 3600, 1),
            "allowed_hours": t.untreated_distress_hours,
            "screen": screen,
        },
    )


# --------------------------------------------------------------------------------------------------
# Escalation and routing
# --------------------------------------------------------------------------------------------------


def escalation_interval(severity: str, t: Thresholds) -> timedelta:
    """How long an alert may stay unacknowledged before it escalates (docs/clinical.md "Alert lifecycle").

    15 minutes for emergency, 4 hours for urgent, 48 hours for routine by default; the same interval
    applies again after each escalation.
    """
    minutes = {
        Severity.EMERGENCY: t.escalate_emergency_minutes,
        Severity.URGENT: t.escalate_urgent_minutes,
        Severity.ROUTINE: t.escalate_routine_minutes,
    }
    try:
        return timedelta(minutes=minutes[Severity(severity)])
    except ValueError:
        raise ValueError(f"Unknown severity {severity!r}.") from None


def escalation_due(
    *,
    severity: str,
    status: str,
    reference_time: datetime,
    now: datetime,
    t: Thresholds,
) -> bool:
    """Whether an alert should move up one escalation level now (docs/clinical.md "Alert lifecycle", escalation).

    Due when the alert is still ``open`` (acknowledging or resolving stops escalation) and at least one
    :func:`escalation_interval` has passed since ``reference_time`` (when it was created or last escalated).
    """
    if status != AlertStatus.OPEN:
        return False
    return now - reference_time >= escalation_interval(severity, t)


ROUTING: dict[str, tuple[str, ...]] = {
    RuleCode.NEURO_DEFICIT.value: (Role.NURSE.value,),
    RuleCode.PAIN_ESCALATION.value: (Role.NURSE.value,),
    RuleCode.SIDE_EFFECT.value: (Role.NURSE.value,),
    RuleCode.MISSED_CHECKINS.value: (Role.NURSE.value,),
    RuleCode.DISTRESS.value: (Role.PSYCHOLOGIST.value, Role.NURSE.value),
    RuleCode.UNTREATED_DISTRESS.value: (Role.PSYCHOLOGIST.value, Role.NURSE.value),
    RuleCode.SELF_HARM.value: (Role.PSYCHOLOGIST.value, Role.NURSE.value),
    RuleCode.EXERCISE_PAIN.value: (Role.THERAPIST.value,),
}
"""Care-team roles that receive each rule's alerts (docs/clinical.md "Alert lifecycle", routing)."""


# --------------------------------------------------------------------------------------------------
# What the patient sees
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Advice:
    """What the patient is told straight after a submission (docs/clinical.md "Immediate advice")."""

    level: str
    message: str
    show_emergency_number: bool
    show_crisis_line: bool


def advice_for(findings: Sequence[Finding], *, emergency_number: str, crisis_line: str) -> Advice:
    """The patient's immediate advice for a submission's findings (docs/clinical.md "Immediate advice").

    - any ``emergency`` finding: contact the care team's emergency number now or go to an emergency
      department (the number is in the message);
    - otherwise any ``urgent`` finding: the team will be in touch within 24 hours, call if things get
      worse (number in the message);
    - a ``self_harm`` finding also shows the crisis-line details, in warm words;
    - routine findings only, or none: level ``none`` and a short thank-you.
    Paragraphs of the message are separated by a blank line.
    """
    rules = {f.rule for f in findings}
    severities = {f.severity for f in findings}
    self_harm = RuleCode.SELF_HARM in rules
    # Physical emergencies (anything but self_harm) get the "call now" wording first.
    physical_emergency = any(f.severity == Severity.EMERGENCY and f.rule != RuleCode.SELF_HARM for f in findings)
    numbers = {"number": emergency_number, "crisis_line": crisis_line}

    if Severity.EMERGENCY in severities:
        paragraphs = []
        if physical_emergency:
            paragraphs.append(
                gettext(
                    "Some of what you told us needs to be checked by your care team straight away. "
                    "Please call your care team's emergency number now on %(number)s, or go to the nearest "
                    "emergency department. Please do not wait to see if it gets better."
                )
                % numbers
            )
        if self_harm:
            paragraphs.append(
                gettext(
                    "Thank you for being honest about how you have been feeling. You do not have to cope "
                    "with this on your own. If you are having thoughts of harming yourself, please talk to "
                    "someone now. You can contact %(crisis_line)s."
                )
                % numbers
            )
            if not physical_emergency:
                paragraphs.append(
                    gettext(
                        "If you feel you might act on these thoughts, call your care team's emergency number "
                        "on %(number)s or go to the nearest emergency department now."
                    )
                    % numbers
                )
        return Advice(
            level=AdviceLevel.EMERGENCY.value,
            message="\n\n".join(paragraphs),
            show_emergency_number=True,
            show_crisis_line=self_harm,
        )

    if Severity.URGENT in severities:
        return Advice(
            level=AdviceLevel.URGENT.value,
            message=gettext(
                "Thank you. Some of what you told us needs a closer look, so someone from your care team "
                "will be in touch within 24 hours. If things get worse before then, please call your care "
                "team on %(number)s."
            )
            % numbers,
            show_emergency_number=True,
            show_crisis_line=False,
        )

    return Advice(
        level=AdviceLevel.NONE.value,
        message=gettext("Thank you. Your answers have been saved and your care team can see them."),
        show_emergency_number=False,
        show_crisis_line=False,
    )
