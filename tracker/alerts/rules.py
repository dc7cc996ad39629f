"""Red-flag rules: pure functions from reports (and settings) to findings.

This module is the executable form of docs/clinical.md ("Alert rules", "Immediate advice"). Every function
here is pure: it does no I/O, touches no database and reads no settings, except :func:`thresholds_from_settings`, which
is the one place the thresholds are read from ``settings.TRACKER_THRESHOLDS``.

The background job loads a patient's reports, turns them into :class:`CheckInFacts`, calls
:func:`evaluate_checkin` / :func:`evaluate_screen` / :func:`exercise_pain` and writes alerts from the
returned :class:`Finding` objects. The submission view calls the same functions and passes the findings
to :func:`advice_for` to tell the patient at once what to do.

Every finding's evidence is JSON-serialisable (datetimes as ISO 8601 strings, sets as sorted lists)
and records ``RULE_VERSION``, so an alert always says which version of these rules raised it and why.
"""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

from django.utils.translation import gettext

from tracker.core.vocab import (
    WALKING_ORDER,
    WEAKNESS_ORDER,
    AdviceLevel,
    AlertStatus,
    Bladder,
    Bowel,
    CheckinSchedule,
    Instrument,
    Limb,
    NumbnessSite,
    Role,
    RuleCode,
    Severity,
    SideEffectSeverity,
    Walking,
    WeaknessLevel,
)

RULE_VERSION = "2026.11-1"

PAIN_MIN = 0
PAIN_MAX = 10

# Item 9 of the PHQ-9 ("thoughts that you would be better off dead, or of hurting yourself").
PHQ9_SELF_HARM_ITEM = 9

_SCREEN_ITEMS = {Instrument.PHQ9: 9, Instrument.GAD7: 7}
_SCREEN_ITEM_MAX = 3

# (lowest total of the band, band name), highest band first. docs/clinical.md ("What patients report").
_PHQ9_BANDS = ((20, "severe"), (15, "moderately_severe"), (10, "moderate"), (5, "mild"), (0, "minimal"))
_GAD7_BANDS = ((15, "severe"), (10, "moderate"), (5, "mild"), (0, "minimal"))
_SCREEN_MAX_TOTAL = {Instrument.DISTRESS_THERMOMETER: 10, Instrument.PHQ9: 27, Instrument.GAD7: 21}

_LIMB_ORDER = {limb: rank for rank, limb in enumerate(Limb.values)}
_BLADDER_RED_FLAGS = frozenset({Bladder.RETENTION, Bladder.INCONTINENCE})
_BOWEL_RED_FLAGS = frozenset({Bowel.INCONTINENCE})

# The sections of a check-in, each of which may be left out (docs/api.md "Check-ins").
SECTION_PAIN, SECTION_NEURO, SECTION_SIDE_EFFECTS = "pain", "neuro", "side_effects"
SECTIONS = (SECTION_PAIN, SECTION_NEURO, SECTION_SIDE_EFFECTS)

# Instrument names as clinicians write them, for summaries.
_INSTRUMENT_NAMES = {
    Instrument.DISTRESS_THERMOMETER: "distress thermometer",
    Instrument.PHQ9: "PHQ-9",
    Instrument.GAD7: "GAD-7",
}

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
# Facts and findings
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckInFacts:
    """What one daily check-in reported (docs/clinical.md "Daily check-in").

    A limb missing from ``weakness`` means no weakness; a side effect missing from ``side_effects``
    means severity 0. Sets and mappings are stored read-only, so a fact never changes after it is made.

    A check-in may leave out whole sections (docs/api.md "Check-ins"): pain is not
    answered when ``pain_now`` and ``pain_worst_24h`` are None; ``neuro_answered`` and
    ``side_effects_answered`` say whether those sections were. A rule skips a check-in that did not
    answer its section, both as the current report and as the "previous" one or a baseline point.
    """

    recorded_at: datetime
    pain_now: int | None = 0
    pain_worst_24h: int | None = 0
    pain_sites: frozenset[str] = frozenset()
    night_pain: bool = False
    worse_with_straining: bool = False
    breakthrough_doses: int = 0
    weakness: Mapping[str, str] = field(default_factory=dict, hash=False)
    numbness: frozenset[str] = frozenset()
    walking: str = Walking.NORMAL.value
    falls: int = 0
    bladder: str = Bladder.NORMAL.value
    bowel: str = Bowel.NORMAL.value
    side_effects: Mapping[str, int] = field(default_factory=dict, hash=False)
    neuro_answered: bool = True
    side_effects_answered: bool = True

    def __post_init__(self) -> None:
        # Accept any iterable / mapping from callers, keep immutable copies.
        object.__setattr__(self, "pain_sites", frozenset(self.pain_sites))
        object.__setattr__(self, "numbness", frozenset(self.numbness))
        object.__setattr__(self, "weakness", MappingProxyType(dict(self.weakness)))
        object.__setattr__(self, "side_effects", MappingProxyType(dict(self.side_effects)))

        if (self.pain_now is None) != (self.pain_worst_24h is None):
            raise ValueError("pain_now and pain_worst_24h are answered together or not at all.")
        for name in ("pain_now", "pain_worst_24h"):
            value = getattr(self, name)
            if value is not None and not PAIN_MIN <= value <= PAIN_MAX:
                raise ValueError(f"{name} must be between {PAIN_MIN} and {PAIN_MAX}, not {value!r}.")
        for name in ("breakthrough_doses", "falls"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative.")
        for limb, level in self.weakness.items():
            if level not in WEAKNESS_ORDER:
                raise ValueError(f"Unknown weakness level {level!r} for {limb!r}.")
        if self.walking not in WALKING_ORDER:
            raise ValueError(f"Unknown walking value {self.walking!r}.")
        for name, value in self.side_effects.items():
            if not SideEffectSeverity.NONE <= value <= SideEffectSeverity.VERY_SEVERE:
                raise ValueError(f"Side effect {name!r} severity must be 0-4, not {value!r}.")

    @property
    def pain_answered(self) -> bool:
        return self.pain_now is not None

    def answered(self, section: str) -> bool:
        """Whether this check-in answered ``section`` (one of SECTIONS)."""
        return {
            SECTION_PAIN: self.pain_answered,
            SECTION_NEURO: self.neuro_answered,
            SECTION_SIDE_EFFECTS: self.side_effects_answered,
        }[section]

    def weakness_of(self, limb: str) -> str:
        """The weakness level of ``limb`` ("none" when not reported)."""
        return self.weakness.get(limb, WeaknessLevel.NONE.value)

    def side_effect_of(self, name: str) -> int:
        """The severity (0-4) of side effect ``name`` (0 when not reported)."""
        return self.side_effects.get(name, 0)


def all_clear(recorded_at: datetime) -> CheckInFacts:
    """The all-clear report that stands in for a missing previous check-in (docs/clinical.md "Alert rules").

    No pain, no weakness or numbness, walking normal, bladder and bowel normal, no side effects: so a
    first report of a dangerous symptom is compared with "nothing wrong" and is never silent.
    """
    return CheckInFacts(recorded_at=recorded_at)


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


def _words(code: str) -> str:
    """A vocabulary code as words for a clinician's summary: ``left_leg`` -> ``left leg``."""
    return str(code).replace("_", " ")


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _number(value: float) -> int | float:
    """A median as a plain int when it is whole (4.0 -> 4), so evidence reads naturally."""
    return int(value) if float(value).is_integer() else float(value)


def _answering(previous: CheckInFacts | None, section: str) -> CheckInFacts | None:
    """``previous`` if it answered ``section``, else None (compare with the all-clear instead)."""
    return previous if previous is not None and previous.answered(section) else None


def _comparison(current: CheckInFacts, previous: CheckInFacts | None) -> tuple[CheckInFacts, dict[str, Any]]:
    """The report to compare with (the previous one or the all-clear) and the evidence saying which."""
    evidence = {
        "rule_version": RULE_VERSION,
        "recorded_at": _iso(current.recorded_at),
        "previous_recorded_at": _iso(previous.recorded_at) if previous is not None else None,
        "compared_with": "previous_checkin" if previous is not None else "all_clear",
    }
    return (previous if previous is not None else all_clear(current.recorded_at)), evidence


# --------------------------------------------------------------------------------------------------
# Check-in rules
# --------------------------------------------------------------------------------------------------


def _neuro_snapshot(facts: CheckInFacts) -> dict[str, Any]:
    return {
        "weakness": {limb: facts.weakness_of(limb) for limb in _sorted_limbs(facts.weakness)},
        "numbness": sorted(facts.numbness),
        "walking": facts.walking,
        "falls": facts.falls,
        "bladder": facts.bladder,
        "bowel": facts.bowel,
    }


def _sorted_limbs(limbs: Iterable[str]) -> list[str]:
    return sorted(set(limbs), key=lambda limb: (_LIMB_ORDER.get(limb, len(_LIMB_ORDER)), limb))


def neuro_deficit(current: CheckInFacts, previous: CheckInFacts | None) -> Finding | None:
    """docs/clinical.md ("Alert rules"), rule ``neuro_deficit`` (emergency).

    Compared with the previous check-in (or the all-clear when there is none), fires on any of:
    weakness in a limb new or worse; walking worse (normal < unsteady < needs_aid < unable); a numbness
    site not reported before; ``saddle`` numbness at all (a cauda equina sign, even if reported before);
    bladder ``retention`` or ``incontinence`` not reported before; bowel ``incontinence`` not reported
    before. Falls are recorded in the evidence but do not fire the rule on their own.
    """
    if not current.neuro_answered:
        return None
    before, evidence = _comparison(current, _answering(previous, SECTION_NEURO))
    triggers: list[dict[str, Any]] = []
    lines: list[str] = []

    for limb in _sorted_limbs([*current.weakness, *before.weakness]):
        now, was = current.weakness_of(limb), before.weakness_of(limb)
        if WEAKNESS_ORDER[now] > WEAKNESS_ORDER[was]:
            triggers.append({"kind": "weakness", "limb": limb, "now": now, "previous": was})
            if was == WeaknessLevel.NONE:
                lines.append(gettext("New weakness: %(limb)s (%(level)s)") % {"limb": _words(limb), "level": now})
            else:
                lines.append(
                    gettext("Worse weakness: %(limb)s (%(level)s, was %(previous)s)")
                    % {"limb": _words(limb), "level": now, "previous": was}
                )

    if WALKING_ORDER[current.walking] > WALKING_ORDER[before.walking]:
        triggers.append({"kind": "walking", "now": current.walking, "previous": before.walking})
        lines.append(
            gettext("Walking worse: %(now)s (was %(previous)s)")
            % {"now": _words(current.walking), "previous": _words(before.walking)}
        )

    new_sites = sorted(current.numbness - before.numbness - {NumbnessSite.SADDLE})
    if new_sites:
        triggers.append({"kind": "numbness", "new_sites": new_sites})
        lines.append(gettext("New numbness: %(sites)s") % {"sites": ", ".join(_words(s) for s in new_sites)})

    if NumbnessSite.SADDLE in current.numbness:
        saddle_is_new = NumbnessSite.SADDLE not in before.numbness
        triggers.append({"kind": "saddle_numbness", "new": saddle_is_new})
        lines.append(gettext("Saddle numbness (new)") if saddle_is_new else gettext("Saddle numbness (still present)"))

    if current.bladder in _BLADDER_RED_FLAGS and current.bladder != before.bladder:
        triggers.append({"kind": "bladder", "now": current.bladder, "previous": before.bladder})
        lines.append(gettext("New bladder problem: %(now)s") % {"now": _words(current.bladder)})

    if current.bowel in _BOWEL_RED_FLAGS and current.bowel != before.bowel:
        triggers.append({"kind": "bowel", "now": current.bowel, "previous": before.bowel})
        lines.append(gettext("New bowel incontinence"))

    if not triggers:
        return None
    evidence.update(
        triggers=triggers,
        current=_neuro_snapshot(current),
        previous=_neuro_snapshot(before),
    )
    return Finding(
        rule=RuleCode.NEURO_DEFICIT.value,
        severity=Severity.EMERGENCY.value,
        summary="; ".join(lines),
        evidence=evidence,
    )


def _pain_snapshot(facts: CheckInFacts) -> dict[str, Any]:
    return {
        "pain_now": facts.pain_now,
        "pain_worst_24h": facts.pain_worst_24h,
        "pain_sites": sorted(facts.pain_sites),
        "night_pain": facts.night_pain,
        "worse_with_straining": facts.worse_with_straining,
        "breakthrough_doses": facts.breakthrough_doses,
    }


def pain_baseline(
    current: CheckInFacts, earlier: Sequence[CheckInFacts], t: Thresholds
) -> tuple[int | float | None, list[CheckInFacts]]:
    """The pain baseline of docs/clinical.md ("Alert rules"), rule ``pain_escalation``.

    Returns (median ``worst_24h`` or None, the check-ins used). The window is
    ``[current.recorded_at - pain_baseline_days, current.recorded_at)``; with fewer than
    ``pain_baseline_min_checkins`` check-ins in it there is no baseline (None).
    """
    start = current.recorded_at - timedelta(days=t.pain_baseline_days)
    window = sorted(
        (c for c in earlier if start <= c.recorded_at < current.recorded_at and c.pain_answered),
        key=lambda c: c.recorded_at,
    )
    if len(window) < t.pain_baseline_min_checkins:
        return None, window
    return _number(statistics.median(c.pain_worst_24h for c in window)), window


def pain_escalation(
    current: CheckInFacts,
    previous: CheckInFacts | None,
    earlier: Sequence[CheckInFacts],
    t: Thresholds,
) -> Finding | None:
    """docs/clinical.md ("Alert rules"), rule ``pain_escalation`` (urgent).

    Fires on any of:
    - ``worst_24h`` >= ``pain_rise_min_worst`` (4) and >= baseline + ``pain_rise_points`` (2), where the
      baseline is the median ``worst_24h`` of the check-ins in the 7 days before this one (see
      :func:`pain_baseline`; this branch is skipped when there are fewer than 2 of them);
    - ``worst_24h`` >= ``pain_severe`` (7) when the previous check-in was below it;
    - ``night_pain`` or ``worse_with_straining`` newly present compared with the previous check-in.
    ``previous`` None means compare with the all-clear. ``earlier`` may hold any check-ins; only those
    in the baseline window are used.
    """
    if not current.pain_answered:
        return None
    before, evidence = _comparison(current, _answering(previous, SECTION_PAIN))
    triggers: list[dict[str, Any]] = []
    lines: list[str] = []
    worst = current.pain_worst_24h

    baseline, window = pain_baseline(current, earlier, t)
    if baseline is not None and worst >= t.pain_rise_min_worst and worst >= baseline + t.pain_rise_points:
        triggers.append({"kind": "rise_over_baseline", "worst_24h": worst, "baseline": baseline})
        lines.append(
            gettext("Worst pain %(worst)s/10, up from a usual %(baseline)s/10 over the last %(days)s days")
            % {"worst": worst, "baseline": baseline, "days": t.pain_baseline_days}
        )

    if worst >= t.pain_severe > before.pain_worst_24h:
        triggers.append({"kind": "severe", "worst_24h": worst, "previous_worst_24h": before.pain_worst_24h})
        lines.append(
            gettext("Severe pain: worst %(worst)s/10 (was %(previous)s/10)")
            % {"worst": worst, "previous": before.pain_worst_24h}
        )

    if current.night_pain and not before.night_pain:
        triggers.append({"kind": "night_pain"})
        lines.append(gettext("New night pain stopping sleep"))

    if current.worse_with_straining and not before.worse_with_straining:
        triggers.append({"kind": "worse_with_straining"})
        lines.append(gettext("New pain on coughing, sneezing or straining"))

    if not triggers:
        return None
    evidence.update(
        triggers=triggers,
        baseline={
            "median_worst_24h": baseline,
            "checkins": len(window),
            "min_checkins": t.pain_baseline_min_checkins,
            "window_start": _iso(current.recorded_at - timedelta(days=t.pain_baseline_days)),
            "window_end": _iso(current.recorded_at),
            "recorded_at": [_iso(c.recorded_at) for c in window],
            "worst_24h": [c.pain_worst_24h for c in window],
        },
        current=_pain_snapshot(current),
        previous=_pain_snapshot(before),
    )
    return Finding(
        rule=RuleCode.PAIN_ESCALATION.value,
        severity=Severity.URGENT.value,
        summary="; ".join(lines),
        evidence=evidence,
    )


def side_effect(current: CheckInFacts, previous: CheckInFacts | None, t: Thresholds) -> Finding | None:
    """docs/clinical.md ("Alert rules"), rule ``side_effect`` (urgent).

    Fires when any side effect reaches ``side_effect_severe`` (3) from below it at the previous check-in,
    or is worse by ``side_effect_jump`` (2) or more points than at the previous check-in. A side effect
    missing from a report counts as 0; ``previous`` None means compare with the all-clear.
    """
    if not current.side_effects_answered:
        return None
    before, evidence = _comparison(current, _answering(previous, SECTION_SIDE_EFFECTS))
    triggers: list[dict[str, Any]] = []
    lines: list[str] = []

    for name in sorted({*current.side_effects, *before.side_effects}):
        now, was = current.side_effect_of(name), before.side_effect_of(name)
        reasons = []
        if now >= t.side_effect_severe > was:
            reasons.append("reached_severe")
        if now - was >= t.side_effect_jump:
            reasons.append("jumped")
        if not reasons:
            continue
        triggers.append({"side_effect": name, "now": now, "previous": was, "reasons": reasons})
        template = (
            gettext("Severe side effect: %(name)s %(now)s/4 (was %(previous)s/4)")
            if "reached_severe" in reasons
            else gettext("Side effect worse: %(name)s %(now)s/4 (was %(previous)s/4)")
        )
        lines.append(template % {"name": _words(name), "now": now, "previous": was})

    if not triggers:
        return None
    evidence.update(
        triggers=triggers,
        current={"side_effects": dict(sorted(current.side_effects.items()))},
        previous={"side_effects": dict(sorted(before.side_effects.items()))},
    )
    return Finding(
        rule=RuleCode.SIDE_EFFECT.value,
        severity=Severity.URGENT.value,
        summary="; ".join(lines),
        evidence=evidence,
    )


def previous_checkin(
    current: CheckInFacts, earlier: Iterable[CheckInFacts], section: str | None = None
) -> CheckInFacts | None:
    """The "previous check-in" of docs/clinical.md "Alert rules": latest ``recorded_at`` before ``current``'s.

    Reports recorded at or after ``current`` are ignored, so a check-in sent late from an offline phone
    is compared with the one before it in ``recorded_at`` order, not with the newest one received.
    With ``section``, only check-ins that answered it count: a check-in that left out the neurological
    questions says nothing about weakness, so it must not be the "previous" that hides a new one.
    """
    candidates = [
        c for c in earlier if c.recorded_at < current.recorded_at and (section is None or c.answered(section))
    ]
    return max(candidates, key=lambda c: c.recorded_at) if candidates else None


def evaluate_checkin(current: CheckInFacts, earlier: Sequence[CheckInFacts], t: Thresholds) -> list[Finding]:
    """All check-in rules of docs/clinical.md ("Alert rules") for one check-in, most severe first.

    ``earlier`` is the patient's other check-ins (it may include ones recorded after ``current``, and
    ``current`` itself; both are ignored). Runs ``neuro_deficit``, ``pain_escalation`` and
    ``side_effect`` against the previous check-in in ``recorded_at`` order (or the all-clear).
    Each rule runs only when ``current`` answered its section, and compares with the latest earlier
    check-in that answered that section too (a pain baseline counts only check-ins with pain).
    """

    def previous(section: str) -> CheckInFacts | None:
        return previous_checkin(current, earlier, section)

    findings = [
        neuro_deficit(current, previous(SECTION_NEURO)) if current.neuro_answered else None,
        pain_escalation(current, previous(SECTION_PAIN), earlier, t) if current.pain_answered else None,
        side_effect(current, previous(SECTION_SIDE_EFFECTS), t) if current.side_effects_answered else None,
    ]
    return [f for f in findings if f is not None]


# --------------------------------------------------------------------------------------------------
# Screens
# --------------------------------------------------------------------------------------------------


def _instrument(instrument: str) -> Instrument:
    try:
        return Instrument(instrument)
    except ValueError:
        raise ValueError(f"Unknown screening instrument {instrument!r}.") from None


def screen_total(instrument: str, *, score: int | None = None, answers: Sequence[int] | None = None) -> int:
    """The total of a screen (docs/clinical.md "Questionnaires").

    The distress thermometer takes ``score`` (0-10). PHQ-9 and GAD-7 take ``answers`` (exactly 9 or 7
    items, each 0-3) and total them. Incomplete or out-of-range input raises ``ValueError``: a PHQ-9 with
    8 answers is an error, not a lower score.
    """
    kind = _instrument(instrument)
    if kind == Instrument.DISTRESS_THERMOMETER:
        if score is None or answers is not None:
            raise ValueError("The distress thermometer takes a score, not answers.")
        if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
            raise ValueError(f"Distress thermometer score must be 0-10, not {score!r}.")
        return score
    if answers is None or score is not None:
        raise ValueError(f"{kind.value} takes answers, not a score.")
    expected = _SCREEN_ITEMS[kind]
    if len(answers) != expected:
        raise ValueError(f"{kind.value} needs {expected} answers, got {len(answers)}.")
    for answer in answers:
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer <= _SCREEN_ITEM_MAX:
            raise ValueError(f"Each {kind.value} answer must be 0-{_SCREEN_ITEM_MAX}, not {answer!r}.")
    return sum(answers)


def screen_band(instrument: str, total: int) -> str:
    """The severity band of a screen total (docs/clinical.md "What patients report").

    PHQ-9: minimal 0-4, mild 5-9, moderate 10-14, moderately_severe 15-19, severe 20-27.
    GAD-7: minimal 0-4, mild 5-9, moderate 10-14, severe 15-21.
    Distress thermometer: low below 4, significant from 4 (the published NCCN cut-off; the alert itself
    uses the configurable ``distress_thermometer_positive``).
    """
    kind = _instrument(instrument)
    if not 0 <= total <= _SCREEN_MAX_TOTAL[kind]:
        raise ValueError(f"{kind.value} total must be 0-{_SCREEN_MAX_TOTAL[kind]}, not {total!r}.")
    if kind == Instrument.DISTRESS_THERMOMETER:
        return "significant" if total >= Thresholds.distress_thermometer_positive else "low"
    bands = _PHQ9_BANDS if kind == Instrument.PHQ9 else _GAD7_BANDS
    return next(name for lowest, name in bands if total >= lowest)


def _positive_from(kind: Instrument, t: Thresholds) -> int:
    return {
        Instrument.DISTRESS_THERMOMETER: t.distress_thermometer_positive,
        Instrument.PHQ9: t.phq9_positive,
        Instrument.GAD7: t.gad7_positive,
    }[kind]


def screen_positive(instrument: str, total: int, t: Thresholds) -> bool:
    """Whether a screen total is positive for the ``distress`` rule (docs/clinical.md "Alert rules").

    Distress thermometer >= 4, PHQ-9 >= 10, GAD-7 >= 10 by default.
    """
    return total >= _positive_from(_instrument(instrument), t)


def evaluate_screen(
    instrument: str,
    *,
    score: int | None = None,
    answers: Sequence[int] | None = None,
    t: Thresholds,
) -> list[Finding]:
    """docs/clinical.md ("Alert rules"), rules ``distress`` (routine) and ``self_harm`` (emergency).

    ``distress`` fires on a positive screen (:func:`screen_positive`). ``self_harm`` fires when PHQ-9
    item 9 is above 0, whatever the total. Returns the findings, most severe first; bad input raises
    ``ValueError`` (see :func:`screen_total`).
    """
    kind = _instrument(instrument)
    total = screen_total(kind, score=score, answers=answers)
    evidence: dict[str, Any] = {
        "rule_version": RULE_VERSION,
        "instrument": kind.value,
        "total": total,
        "band": screen_band(kind, total),
    }
    if answers is not None:
        evidence["answers"] = list(answers)
    item9 = answers[PHQ9_SELF_HARM_ITEM - 1] if kind == Instrument.PHQ9 and answers is not None else None
    if item9 is not None:
        evidence["item9"] = item9

    findings: list[Finding] = []
    if item9:
        findings.append(
            Finding(
                rule=RuleCode.SELF_HARM.value,
                severity=Severity.EMERGENCY.value,
                summary=gettext("PHQ-9 item 9 (thoughts of death or self-harm) scored %(item9)s/3") % {"item9": item9},
                evidence=dict(evidence),
            )
        )
    if screen_positive(kind, total, t):
        findings.append(
            Finding(
                rule=RuleCode.DISTRESS.value,
                severity=Severity.ROUTINE.value,
                summary=gettext("Positive %(instrument)s screen: %(total)s (%(band)s)")
                % {"instrument": _INSTRUMENT_NAMES[kind], "total": total, "band": _words(evidence["band"])},
                evidence={**evidence, "positive_from": _positive_from(kind, t)},
            )
        )
    return findings


# --------------------------------------------------------------------------------------------------
# Exercise, missed check-ins, untreated distress
# --------------------------------------------------------------------------------------------------


def exercise_pain(*, pain_before: int, pain_during: int, t: Thresholds) -> Finding | None:
    """docs/clinical.md ("Alert rules"), rule ``exercise_pain`` (routine, routed to the therapist).

    Fires when ``pain_during`` >= ``exercise_pain_during`` (7) or ``pain_during`` >= ``pain_before`` +
    ``exercise_pain_rise`` (3).
    """
    for name, value in (("pain_before", pain_before), ("pain_during", pain_during)):
        if not PAIN_MIN <= value <= PAIN_MAX:
            raise ValueError(f"{name} must be between {PAIN_MIN} and {PAIN_MAX}, not {value!r}.")
    reasons = []
    if pain_during >= t.exercise_pain_during:
        reasons.append("severe_during")
    if pain_during >= pain_before + t.exercise_pain_rise:
        reasons.append("rise")
    if not reasons:
        return None
    return Finding(
        rule=RuleCode.EXERCISE_PAIN.value,
        severity=Severity.ROUTINE.value,
        summary=gettext("Pain %(during)s/10 during exercise (%(before)s/10 before)")
        % {"during": pain_during, "before": pain_before},
        evidence={
            "rule_version": RULE_VERSION,
            "pain_before": pain_before,
            "pain_during": pain_during,
            "reasons": reasons,
        },
    )


def missed_checkins(
    *,
    last_recorded_at: datetime | None,
    enrolled_at: datetime,
    schedule: str,
    now: datetime,
    has_open_pain_escalation: bool,
    t: Thresholds,
) -> Finding | None:
    """docs/clinical.md ("Alert rules"), rule ``missed_checkins`` (routine; urgent with an open ``pain_escalation``).

    Fires when the latest check-in's ``recorded_at`` (or ``enrolled_at`` when there is none) is more than
    ``missed_checkins_daily_days`` (3) days before ``now`` on a daily schedule, or more than
    ``missed_checkins_weekly_days`` (14) on a weekly one. Exactly at the limit does not fire.
    """
    try:
        kind = CheckinSchedule(schedule)
    except ValueError:
        raise ValueError(f"Unknown check-in schedule {schedule!r}.") from None
    allowed_days = t.missed_checkins_daily_days if kind == CheckinSchedule.DAILY else t.missed_checkins_weekly_days
    since = last_recorded_at if last_recorded_at is not None else enrolled_at
    gap = now - since
    if gap <= timedelta(days=allowed_days):
        return None
    severity = Severity.URGENT if has_open_pain_escalation else Severity.ROUTINE
    if last_recorded_at is None:
        summary = gettext("No check-in since enrolment %(days)s days ago (expected %(schedule)s)")
    else:
        summary = gettext("No check-in for %(days)s days (expected %(schedule)s)")
    return Finding(
        rule=RuleCode.MISSED_CHECKINS.value,
        severity=severity.value,
        summary=summary % {"days": gap.days, "schedule": kind.value},
        evidence={
            "rule_version": RULE_VERSION,
            "schedule": kind.value,
            "last_recorded_at": _iso(last_recorded_at),
            "enrolled_at": _iso(enrolled_at),
            "counted_from": "last_checkin" if last_recorded_at is not None else "enrolment",
            "now": _iso(now),
            "hours_since": round(gap.total_seconds() / 3600, 1),
            "allowed_days": allowed_days,
            "has_open_pain_escalation": has_open_pain_escalation,
        },
    )


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
        label = _INSTRUMENT_NAMES.get(screen["instrument"], screen["instrument"])
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
            "screen_recorded_at": _iso(screen_recorded_at),
            "now": _iso(now),
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
