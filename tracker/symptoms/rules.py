"""The check-in rules (docs/clinical.md "Alert rules"): ``neuro_deficit``, ``pain_escalation``,
``side_effect`` and ``missed_checkins``, pure functions from check-in facts (and thresholds) to findings.

The evaluator (``tracker.symptoms.evaluation``) loads a patient's check-ins as :class:`CheckInFacts` and
calls :func:`evaluate_checkin`; the submission view calls the same function and passes the findings to
``tracker.alerts.rules.advice_for`` to tell the patient at once what to do. The ``missed_checkins`` job
(``tracker.symptoms.missed``) calls :func:`missed_checkins`. Nothing here does I/O.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

from django.utils.translation import gettext

from tracker.alerts.rules import RULE_VERSION, Finding, Thresholds, code_words, iso_time
from tracker.core.vocab import (
    PAIN_MAX,
    PAIN_MIN,
    WALKING_ORDER,
    WEAKNESS_ORDER,
    Bladder,
    Bowel,
    CheckinSchedule,
    Limb,
    NumbnessSite,
    RuleCode,
    Severity,
    SideEffectSeverity,
    Walking,
    WeaknessLevel,
)

_LIMB_ORDER = {limb: rank for rank, limb in enumerate(Limb.values)}
_BLADDER_RED_FLAGS = frozenset({Bladder.RETENTION, Bladder.INCONTINENCE})
_BOWEL_RED_FLAGS = frozenset({Bowel.INCONTINENCE})

# The sections of a check-in, each of which may be left out (docs/api.md "Check-ins").
SECTION_PAIN, SECTION_NEURO, SECTION_SIDE_EFFECTS = "pain", "neuro", "side_effects"
SECTIONS = (SECTION_PAIN, SECTION_NEURO, SECTION_SIDE_EFFECTS)


# --------------------------------------------------------------------------------------------------
# Facts
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
        "recorded_at": iso_time(current.recorded_at),
        "previous_recorded_at": iso_time(previous.recorded_at) if previous is not None else None,
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
                lines.append(gettext("New weakness: %(limb)s (%(level)s)") % {"limb": code_words(limb), "level": now})
            else:
                lines.append(
                    gettext("Worse weakness: %(limb)s (%(level)s, was %(previous)s)")
                    % {"limb": code_words(limb), "level": now, "previous": was}
                )

    if WALKING_ORDER[current.walking] > WALKING_ORDER[before.walking]:
        triggers.append({"kind": "walking", "now": current.walking, "previous": before.walking})
        lines.append(
            gettext("Walking worse: %(now)s (was %(previous)s)")
            % {"now": code_words(current.walking), "previous": code_words(before.walking)}
        )

    new_sites = sorted(current.numbness - before.numbness - {NumbnessSite.SADDLE})
    if new_sites:
        triggers.append({"kind": "numbness", "new_sites": new_sites})
        lines.append(gettext("New numbness: %(sites)s") % {"sites": ", ".join(code_words(s) for s in new_sites)})

    if NumbnessSite.SADDLE in current.numbness:
        saddle_is_new = NumbnessSite.SADDLE not in before.numbness
        triggers.append({"kind": "saddle_numbness", "new": saddle_is_new})
        lines.append(gettext("Saddle numbness (new)") if saddle_is_new else gettext("Saddle numbness (still present)"))

    if current.bladder in _BLADDER_RED_FLAGS and current.bladder != before.bladder:
        triggers.append({"kind": "bladder", "now": current.bladder, "previous": before.bladder})
        lines.append(gettext("New bladder problem: %(now)s") % {"now": code_words(current.bladder)})

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
            "window_start": iso_time(current.recorded_at - timedelta(days=t.pain_baseline_days)),
            "window_end": iso_time(current.recorded_at),
            "recorded_at": [iso_time(c.recorded_at) for c in window],
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
        lines.append(template % {"name": code_words(name), "now": now, "previous": was})

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
# Missed check-ins
# --------------------------------------------------------------------------------------------------


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
            "last_recorded_at": iso_time(last_recorded_at),
            "enrolled_at": iso_time(enrolled_at),
            "counted_from": "last_checkin" if last_recorded_at is not None else "enrolment",
            "now": iso_time(now),
            "hours_since": round(gap.total_seconds() / 3600, 1),
            "allowed_days": allowed_days,
            "has_open_pain_escalation": has_open_pain_escalation,
        },
    )
