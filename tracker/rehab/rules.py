"""Exercise safety, schedules and adherence: pure functions (docs/clinical.md "Exercise safety").

Nothing here touches the database, the clock or settings. Views, the API, the reminder job
and the demo seeder load rows, turn them into the small frozen values below and call these
functions, so every rule is tested with plain tables (tests/rehab/test_rules.py).

- :func:`exercise_conflicts`: which of a patient's precautions an exercise breaks.
- Weekdays as a 7-bit mask (Monday = bit 0): :func:`days_to_mask`, :func:`mask_to_days`,
  :func:`is_scheduled`.
- :func:`version_in_effect`: which version of a plan governs a given day.
- :func:`weekly_adherence`: sessions done over sessions prescribed, per ISO week.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tracker.core.vocab import SpinalStability

# --------------------------------------------------------------------------------------------------
# Conflicts between an exercise and a patient's precautions
# --------------------------------------------------------------------------------------------------


class ConflictCode(models.TextChoices):
    UNSTABLE_SPINE = "unstable_spine", _("Not suitable for an unstable spine")
    UNKNOWN_STABILITY = "unknown_stability", _("Not suitable until spinal stability has been assessed")
    FLEXION = "flexion", _("Bends the spine forward (no spinal flexion)")
    EXTENSION = "extension", _("Bends the spine backward (no spinal extension)")
    ROTATION = "rotation", _("Twists the spine (no spinal rotation)")
    AXIAL_LOADING = "axial_loading", _("Puts weight through the spine (no axial loading)")
    LIFTING = "lifting", _("Lifts more than the patient's lifting limit")


# Statuses in which an exercise not marked suitable for an unstable spine is refused.
STABILITY_REFUSALS = {
    SpinalStability.UNSTABLE.value: ConflictCode.UNSTABLE_SPINE,
    SpinalStability.UNKNOWN.value: ConflictCode.UNKNOWN_STABILITY,
}


@dataclass(frozen=True)
class Precautions:
    """A patient's spinal stability and restriction flags, as set by a clinician."""

    stability: str = SpinalStability.UNKNOWN.value
    no_spinal_flexion: bool = False
    no_spinal_extension: bool = False
    no_spinal_rotation: bool = False
    no_axial_loading: bool = False
    no_lifting_over_kg: Decimal | None = None

    @classmethod
    def of(cls, profile) -> Precautions:
        """From anything with the PatientProfile precaution attributes."""
        limit = profile.no_lifting_over_kg
        return cls(
            stability=str(profile.spinal_stability),
            no_spinal_flexion=bool(profile.no_spinal_flexion),
            no_spinal_extension=bool(profile.no_spinal_extension),
            no_spinal_rotation=bool(profile.no_spinal_rotation),
            no_axial_loading=bool(profile.no_axial_loading),
            no_lifting_over_kg=None if limit is None else Decimal(str(limit)),
        )


@dataclass(frozen=True)
class Movements:
    """What an exercise does to the spine (the library's movement flags)."""

    flexion: bool = False
    extension: bool = False
    rotation: bool = False
    axial_loading: bool = False
    lifting_kg: Decimal | None = None
    suitable_for_unstable_spine: bool = False

    @classmethod
    def of(cls, exercise) -> Movements:
        """From anything with the Exercise movement attributes."""
        load = exercise.lifting_kg
        return cls(
            flexion=bool(exercise.involves_flexion),
            extension=bool(exercise.involves_extension),
            rotation=bool(exercise.involves_rotation),
            axial_loading=bool(exercise.involves_axial_loading),
            lifting_kg=None if load is None else Decimal(str(load)),
            suitable_for_unstable_spine=bool(exercise.suitable_for_unstable_spine),
        )


@dataclass(frozen=True)
class Conflict:
    code: str
    message: str


def _kg(value: Decimal) -> str:
    return f"{value.normalize():f}"


def exercise_conflicts(movements: Movements, precautions: Precautions) -> list[Conflict]:
    """Every reason this exercise may not be assigned to this patient without an override.

    - an exercise not suitable for an unstable spine, when stability is ``unstable`` or ``unknown``;
    - each restriction flag against the matching movement (flexion, extension, rotation, axial loading);
    - a lifted load above ``no_lifting_over_kg`` (a load equal to the limit is allowed; an exercise
      that lifts nothing never conflicts, even with a limit of 0).
    An empty list means the exercise is safe to assign as far as the recorded precautions go.
    """
    found: list[Conflict] = []
    refusal = STABILITY_REFUSALS.get(precautions.stability)
    if refusal is not None and not movements.suitable_for_unstable_spine:
        found.append(Conflict(refusal.value, str(refusal.label)))
    for flag, moves, code in (
        (precautions.no_spinal_flexion, movements.flexion, ConflictCode.FLEXION),
        (precautions.no_spinal_extension, movements.extension, ConflictCode.EXTENSION),
        (precautions.no_spinal_rotation, movements.rotation, ConflictCode.ROTATION),
        (precautions.no_axial_loading, movements.axial_loading, ConflictCode.AXIAL_LOADING),
    ):
        if flag and moves:
            found.append(Conflict(code.value, str(code.label)))
    limit, load = precautions.no_lifting_over_kg, movements.lifting_kg
    if limit is not None and load is not None and load > limit:
        found.append(
            Conflict(
                ConflictCode.LIFTING.value,
                gettext("Lifts %(load)s kg; the limit is %(limit)s kg") % {"load": _kg(load), "limit": _kg(limit)},
            )
        )
    return found


def uncovered_conflicts(current: Iterable[Conflict], overridden_codes: Collection[str]) -> list[Conflict]:
    """Conflicts that an earlier override did not cover (precautions changed since it was saved)."""
    return [c for c in current if c.code not in overridden_codes]


# --------------------------------------------------------------------------------------------------
# Weekdays
# --------------------------------------------------------------------------------------------------


class Weekday(models.TextChoices):
    MON = "mon", _("Monday")
    TUE = "tue", _("Tuesday")
    WED = "wed", _("Wednesday")
    THU = "thu", _("Thursday")
    FRI = "fri", _("Friday")
    SAT = "sat", _("Saturday")
    SUN = "sun", _("Sunday")


WEEKDAYS: tuple[str, ...] = tuple(Weekday.values)  # index = date.weekday()
EVERY_DAY = 0b1111111


def days_to_mask(days: Iterable[str]) -> int:
    mask = 0
    for day in days:
        try:
            mask |= 1 << WEEKDAYS.index(day)
        except ValueError:
            raise ValueError(f"unknown weekday {day!r}; use {', '.join(WEEKDAYS)}") from None
    return mask


def mask_to_days(mask: int) -> list[str]:
    return [day for index, day in enumerate(WEEKDAYS) if mask & (1 << index)]


def day_bit(day: date) -> int:
    return 1 << day.weekday()


def is_scheduled(mask: int, day: date) -> bool:
    return bool(mask & day_bit(day))


# --------------------------------------------------------------------------------------------------
# Plan versions and adherence
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemSpan:
    id: int
    days_mask: int


@dataclass(frozen=True)
class VersionSpan:
    """One version of a plan: it governs from ``effective_from`` until a later version takes over.

    Exercises are due only on days within ``starts_on`` .. ``ends_on`` (inclusive; no end = open).
    """

    id: int
    number: int
    effective_from: date
    starts_on: date
    ends_on: date | None
    items: tuple[ItemSpan, ...] = field(default=())

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


def version_in_effect(versions: Iterable[VersionSpan], day: date) -> VersionSpan | None:
    """The version that governs ``day``: the latest one (by effective date, then number) in effect by then."""
    best = None
    for version in versions:
        if version.effective_from <= day and (
            best is None or (version.effective_from, version.number) > (best.effective_from, best.number)
        ):
            best = version
    return best


def items_due(versions: Sequence[VersionSpan], day: date, *, until: date | None = None) -> list[int]:
    """Ids of the plan items prescribed on ``day`` (none after ``until``, e.g. the day before a plan ended)."""
    if until is not None and day > until:
        return []
    version = version_in_effect(versions, day)
    if version is None or not version.covers(day):
        return []
    return [item.id for item in version.items if is_scheduled(item.days_mask, day)]


@dataclass(frozen=True)
class WeekAdherence:
    week_start: date  # a Monday
    prescribed: int
    done: int

    @property
    def ratio(self) -> float | None:
        return self.done / self.prescribed if self.prescribed else None

    @property
    def percent(self) -> int | None:
        ratio = self.ratio
        return None if ratio is None else round(ratio * 100)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class PlanHistory:
    """What adherence needs to know about one plan: its versions and the last day anything was due."""

    versions: tuple[VersionSpan, ...]
    until: date | None = None  # None = still active


def weekly_adherence(
    *,
    plans: Iterable[PlanHistory],
    completed: Collection[tuple[int, date]],
    paused_days: Collection[date],
    first_day: date,
    last_day: date,
) -> list[WeekAdherence]:
    """Sessions done over sessions prescribed, per ISO week (Monday first), oldest week first.

    A session is one plan item due on one day. A day on which the plan was paused (an open
    ``neuro_deficit`` alert at any time that day) prescribes nothing. A session counts as done when a
    completed log exists for that item with that day as its date; extra logs (twice in a day, or on a
    day it was not due) do not raise adherence above what was prescribed. Days from ``first_day`` to
    ``last_day`` inclusive are counted; weeks are reported whole-week aligned, so the first and last
    week may be partial.
    """
    plans = list(plans)
    weeks: dict[date, list[int]] = {}
    day = week_start(first_day)
    while day <= last_day:
        weeks.setdefault(week_start(day), [0, 0])
        if day >= first_day and day not in paused_days:
            for plan in plans:
                for item_id in items_due(plan.versions, day, until=plan.until):
                    counts = weeks[week_start(day)]
                    counts[0] += 1
                    if (item_id, day) in completed:
                        counts[1] += 1
        day += timedelta(days=1)
    return [WeekAdherence(start, prescribed, done) for start, (prescribed, done) in sorted(weeks.items())]


def days_touched(start: date, end: date) -> set[date]:
    """Every day from ``start`` to ``end`` inclusive (an alert open from one day to another)."""
    days = set()
    day = start
    while day <= end:
        days.add(day)
        day += timedelta(days=1)
    return days


def held_spans(
    *, resolutions: Iterable[datetime], created_at: datetime, ended_at: datetime | None, resumes: Iterable[datetime]
) -> list[tuple[datetime, datetime | None]]:
    """When one plan waited for clearance (docs/clinical.md "Exercise safety"): from each resolution of a neuro_deficit
    alert with an outcome that holds the plan (made while the plan was active) until the first clearance at
    or after it; None as the end while it still waits. Overlapping holds are merged."""
    resumes = sorted(resumes)
    spans: list[tuple[datetime, datetime | None]] = []
    for start in sorted(resolutions):
        if start <= created_at or (ended_at is not None and start >= ended_at):
            continue
        end = next((at for at in resumes if at >= start), ended_at)
        if spans and (spans[-1][1] is None or spans[-1][1] >= start):
            previous_end = spans[-1][1]
            spans[-1] = (spans[-1][0], None if previous_end is None or end is None else max(previous_end, end))
        else:
            spans.append((start, end))
    return spans
