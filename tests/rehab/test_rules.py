"""Table tests for the pure exercise-safety, schedule and adherence rules (tracker/rehab/rules.py).

No database, no clock: every case is plain values in, plain values out.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tracker.rehab.rules import (
    EVERY_DAY,
    ConflictCode,
    ItemSpan,
    Movements,
    PlanHistory,
    Precautions,
    VersionSpan,
    WeekAdherence,
    days_to_mask,
    exercise_conflicts,
    is_scheduled,
    items_due,
    mask_to_days,
    uncovered_conflicts,
    version_in_effect,
    week_start,
    weekly_adherence,
)

STABLE = "stable"
POTENTIALLY = "potentially_unstable"
UNSTABLE = "unstable"
UNKNOWN = "unknown"


def codes(movements: Movements, precautions: Precautions) -> list[str]:
    return [c.code for c in exercise_conflicts(movements, precautions)]


# --------------------------------------------------------------------------------------------------
# Each restriction flag against each movement
# --------------------------------------------------------------------------------------------------

FLAG_FOR = {
    "flexion": "no_spinal_flexion",
    "extension": "no_spinal_extension",
    "rotation": "no_spinal_rotation",
    "axial_loading": "no_axial_loading",
}


@pytest.mark.parametrize("movement", FLAG_FOR)
@pytest.mark.parametrize("flag", FLAG_FOR.values())
def test_each_restriction_flag_refuses_only_its_own_movement(movement, flag):
    precautions = Precautions(stability=STABLE, **{flag: True})
    moves = Movements(suitable_for_unstable_spine=True, **{movement: True})
    expected = [movement] if FLAG_FOR[movement] == flag else []
    assert codes(moves, precautions) == expected


@pytest.mark.parametrize("movement", FLAG_FOR)
def test_a_movement_without_its_restriction_is_allowed(movement):
    assert codes(Movements(**{movement: True}), Precautions(stability=STABLE)) == []


def test_every_restriction_against_an_exercise_doing_everything_lists_each_once_in_order():
    everything = Movements(flexion=True, extension=True, rotation=True, axial_loading=True, lifting_kg=Decimal(10))
    precautions = Precautions(
        stability=UNSTABLE,
        no_spinal_flexion=True,
        no_spinal_extension=True,
        no_spinal_rotation=True,
        no_axial_loading=True,
        no_lifting_over_kg=Decimal(2),
    )
    assert codes(everything, precautions) == [
        "unstable_spine",
        "flexion",
        "extension",
        "rotation",
        "axial_loading",
        "lifting",
    ]


# --------------------------------------------------------------------------------------------------
# Lifting limit against the load lifted
# --------------------------------------------------------------------------------------------------

LIFTING_CASES = [
    # limit, load, conflicts?
    (None, None, False),
    (None, "5", False),  # no limit recorded
    ("5", None, False),  # nothing lifted
    ("0", None, False),  # a limit of 0 does not stop exercises that lift nothing
    ("0", "0.5", True),
    ("2", "0.5", False),
    ("2", "2", False),  # equal to the limit is allowed ("no lifting OVER 2 kg")
    ("2", "2.1", True),
    ("2", "5", True),
    ("5", "5", False),
    ("4.5", "5", True),
]


@pytest.mark.parametrize(("limit", "load", "conflicts"), LIFTING_CASES)
def test_lifting_over_the_limit_conflicts(limit, load, conflicts):
    precautions = Precautions(stability=STABLE, no_lifting_over_kg=None if limit is None else Decimal(limit))
    moves = Movements(lifting_kg=None if load is None else Decimal(load), suitable_for_unstable_spine=True)
    assert codes(moves, precautions) == (["lifting"] if conflicts else [])


def test_the_lifting_message_names_the_load_and_the_limit():
    [conflict] = exercise_conflicts(
        Movements(lifting_kg=Decimal("5.0"), suitable_for_unstable_spine=True),
        Precautions(stability=STABLE, no_lifting_over_kg=Decimal("2.0")),
    )
    assert conflict.message == "Lifts 5 kg; the limit is 2 kg"


# --------------------------------------------------------------------------------------------------
# Spinal stability against suitability for an unstable spine
# --------------------------------------------------------------------------------------------------

STABILITY_CASES = [
    # stability, exercise suitable for an unstable spine, expected codes
    (STABLE, False, []),
    (STABLE, True, []),
    (POTENTIALLY, False, []),  # docs/clinical.md ("Exercise safety") refuses only unstable and unknown
    (POTENTIALLY, True, []),
    (UNSTABLE, False, ["unstable_spine"]),
    (UNSTABLE, True, []),
    (UNKNOWN, False, ["unknown_stability"]),
    (UNKNOWN, True, []),
]


@pytest.mark.parametrize(("stability", "suitable", "expected"), STABILITY_CASES)
def test_unstable_or_unknown_spine_refuses_exercises_not_suitable_for_it(stability, suitable, expected):
    assert codes(Movements(suitable_for_unstable_spine=suitable), Precautions(stability=stability)) == expected


def test_a_suitable_exercise_still_conflicts_with_a_restriction_on_an_unstable_spine():
    moves = Movements(axial_loading=True, suitable_for_unstable_spine=True)
    assert codes(moves, Precautions(stability=UNSTABLE, no_axial_loading=True)) == ["axial_loading"]


def test_precautions_default_to_unknown_stability_so_an_unassessed_patient_is_protected():
    assert codes(Movements(), Precautions()) == [ConflictCode.UNKNOWN_STABILITY]


def test_uncovered_conflicts_are_the_ones_an_earlier_override_did_not_cover():
    now = exercise_conflicts(
        Movements(flexion=True, axial_loading=True),
        Precautions(stability=UNSTABLE, no_spinal_flexion=True, no_axial_loading=True),
    )
    assert [c.code for c in uncovered_conflicts(now, ["unstable_spine", "flexion"])] == ["axial_loading"]
    assert uncovered_conflicts(now, ["unstable_spine", "flexion", "axial_loading"]) == []


# --------------------------------------------------------------------------------------------------
# Weekdays
# --------------------------------------------------------------------------------------------------

MONDAY = date(2026, 11, 16)


@pytest.mark.parametrize(
    ("days", "mask"),
    [
        (["mon"], 1),
        (["sun"], 64),
        (["mon", "wed", "fri"], 1 + 4 + 16),
        (["mon", "tue", "wed", "thu", "fri", "sat", "sun"], EVERY_DAY),
    ],
)
def test_days_round_trip_through_the_mask(days, mask):
    assert days_to_mask(days) == mask
    assert mask_to_days(mask) == days


def test_an_unknown_day_is_an_error():
    with pytest.raises(ValueError, match="unknown weekday"):
        days_to_mask(["mon", "funday"])


def test_is_scheduled_follows_the_calendar():
    mask = days_to_mask(["mon", "thu"])
    week = [MONDAY + timedelta(days=n) for n in range(7)]
    assert [is_scheduled(mask, d) for d in week] == [True, False, False, True, False, False, False]


# --------------------------------------------------------------------------------------------------
# Versions in effect and items due
# --------------------------------------------------------------------------------------------------


def version(id, number, effective, *, start=None, end=None, items=()):
    return VersionSpan(
        id=id,
        number=number,
        effective_from=effective,
        starts_on=start or effective,
        ends_on=end,
        items=tuple(ItemSpan(item_id, mask) for item_id, mask in items),
    )


V1 = version(1, 1, MONDAY, items=[(11, EVERY_DAY), (12, days_to_mask(["mon", "wed"]))])
V2 = version(2, 2, MONDAY + timedelta(days=9), start=MONDAY, items=[(21, EVERY_DAY)])


@pytest.mark.parametrize(
    ("day", "expected_version"),
    [
        (MONDAY - timedelta(days=1), None),
        (MONDAY, 1),
        (MONDAY + timedelta(days=8), 1),
        (MONDAY + timedelta(days=9), 2),
        (MONDAY + timedelta(days=100), 2),
    ],
)
def test_the_latest_version_effective_by_the_day_governs_it(day, expected_version):
    found = version_in_effect([V2, V1], day)
    assert (found.number if found else None) == expected_version


def test_two_versions_effective_the_same_day_the_higher_number_wins():
    same_day = version(3, 3, MONDAY, items=[(31, EVERY_DAY)])
    assert version_in_effect([V1, same_day], MONDAY).number == 3


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (-1, []),  # before the plan
        (0, [11, 12]),  # Monday: both
        (1, [11]),  # Tuesday
        (2, [11, 12]),  # Wednesday
        (8, [11]),  # next Tuesday, still version 1
        (9, [21]),  # next Wednesday: version 2 took over
    ],
)
def test_items_due_follow_the_version_and_the_days(offset, expected):
    assert items_due([V1, V2], MONDAY + timedelta(days=offset)) == expected


def test_nothing_is_due_after_the_end_date_or_after_the_plan_ended():
    ending = version(1, 1, MONDAY, end=MONDAY + timedelta(days=2), items=[(11, EVERY_DAY)])
    assert items_due([ending], MONDAY + timedelta(days=2)) == [11]
    assert items_due([ending], MONDAY + timedelta(days=3)) == []
    assert items_due([V1], MONDAY + timedelta(days=5), until=MONDAY + timedelta(days=4)) == []


def test_a_version_starting_later_keeps_the_earlier_one_until_then():
    later = version(2, 2, MONDAY + timedelta(days=14), items=[(21, EVERY_DAY)])
    assert items_due([V1, later], MONDAY + timedelta(days=13)) == [11]
    assert items_due([V1, later], MONDAY + timedelta(days=14)) == [21]


# --------------------------------------------------------------------------------------------------
# Adherence arithmetic across weeks
# --------------------------------------------------------------------------------------------------


def week(offset_weeks, prescribed, done):
    return WeekAdherence(MONDAY + timedelta(weeks=offset_weeks), prescribed, done)


def test_week_start_is_the_monday():
    assert {week_start(MONDAY + timedelta(days=n)) for n in range(7)} == {MONDAY}
    assert week_start(MONDAY - timedelta(days=1)) == MONDAY - timedelta(days=7)


def test_adherence_counts_sessions_done_over_prescribed_per_week():
    # Item 11 every day, item 12 Monday and Wednesday: 9 sessions a week.
    completed = {(11, MONDAY), (12, MONDAY), (11, MONDAY + timedelta(days=1)), (11, MONDAY + timedelta(days=7))}
    result = weekly_adherence(
        plans=[PlanHistory(versions=(V1,))],
        completed=completed,
        paused_days=set(),
        first_day=MONDAY,
        last_day=MONDAY + timedelta(days=8),  # Tuesday of week 2
    )
    # Week 2 so far: Monday (items 11 and 12) and Tuesday (item 11).
    assert result == [week(0, 9, 3), week(1, 3, 1)]
    assert result[0].percent == 33
    assert result[1].ratio == pytest.approx(1 / 3)


def test_adherence_uses_the_version_in_effect_on_each_day():
    # V1 until Tuesday of week 2 (9, then 2 + 1 sessions), V2 from Wednesday (one item a day, 5 days).
    completed = {(21, MONDAY + timedelta(days=n)) for n in range(9, 14)} | {(11, MONDAY + timedelta(days=9))}
    result = weekly_adherence(
        plans=[PlanHistory(versions=(V1, V2))],
        completed=completed,
        paused_days=set(),
        first_day=MONDAY,
        last_day=MONDAY + timedelta(days=13),
    )
    # The log against version 1's item on a day version 2 governed does not count.
    assert result == [week(0, 9, 0), week(1, 3 + 5, 5)]


def test_paused_days_prescribe_nothing_and_logs_on_them_do_not_count():
    paused = {MONDAY + timedelta(days=n) for n in (2, 3, 4)}
    completed = {(11, MONDAY + timedelta(days=n)) for n in range(7)}
    result = weekly_adherence(
        plans=[PlanHistory(versions=(V1,))],
        completed=completed,
        paused_days=paused,
        first_day=MONDAY,
        last_day=MONDAY + timedelta(days=6),
    )
    # 4 unpaused days of item 11, plus item 12 on Monday (Wednesday was paused).
    assert result == [week(0, 5, 4)]


def test_extra_and_repeated_logs_never_raise_adherence_above_what_was_prescribed():
    completed = {(12, MONDAY + timedelta(days=1)), (99, MONDAY), (11, MONDAY)}
    result = weekly_adherence(
        plans=[PlanHistory(versions=(V1,))],
        completed=completed,
        paused_days=set(),
        first_day=MONDAY,
        last_day=MONDAY,
    )
    assert result == [week(0, 2, 1)]


def test_an_ended_plan_and_a_new_one_add_up_in_the_same_week():
    old = PlanHistory(versions=(V1,), until=MONDAY + timedelta(days=2))
    new = PlanHistory(versions=(version(5, 1, MONDAY + timedelta(days=3), items=[(51, EVERY_DAY)]),))
    completed = {(11, MONDAY), (51, MONDAY + timedelta(days=3))}
    result = weekly_adherence(
        plans=[old, new], completed=completed, paused_days=set(), first_day=MONDAY, last_day=MONDAY + timedelta(days=6)
    )
    # Old: Mon (2), Tue (1), Wed (2) = 5; new: Thu-Sun = 4.
    assert result == [week(0, 9, 2)]


def test_weeks_before_the_plan_report_nothing_prescribed():
    result = weekly_adherence(
        plans=[PlanHistory(versions=(V1,))],
        completed=set(),
        paused_days=set(),
        first_day=MONDAY - timedelta(weeks=2),
        last_day=MONDAY,
    )
    assert [w.prescribed for w in result] == [0, 0, 2]
    assert result[0].ratio is None and result[0].percent is None


def test_first_day_mid_week_counts_only_from_that_day():
    result = weekly_adherence(
        plans=[PlanHistory(versions=(V1,))],
        completed=set(),
        paused_days=set(),
        first_day=MONDAY + timedelta(days=3),
        last_day=MONDAY + timedelta(days=6),
    )
    assert result == [week(0, 4, 0)]
