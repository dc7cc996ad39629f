"""Table tests for the red-flag rules of docs/clinical.md ("Alert rules", "Immediate advice"): the shared part in
tracker/alerts/rules.py and each domain app's own rules (tracker/symptoms/rules.py, tracker/psych/rules.py and
scoring.py, tracker/rehab/pain_rules.py).

The rules are pure functions, so every test here builds plain facts and checks the findings: no
database, no broker, no clock.
"""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured

from tracker.alerts.rules import (
    ROUTING,
    RULE_VERSION,
    Finding,
    Thresholds,
    advice_for,
    escalation_due,
    escalation_interval,
    thresholds_from_settings,
    untreated_distress,
)
from tracker.core.vocab import AdviceLevel, AlertStatus, Instrument, RuleCode, Severity
from tracker.psych.rules import evaluate_screen
from tracker.psych.scoring import screen_band, screen_positive, screen_total
from tracker.rehab.pain_rules import exercise_pain
from tracker.symptoms.rules import (
    CheckInFacts,
    all_clear,
    evaluate_checkin,
    missed_checkins,
    neuro_deficit,
    pain_escalation,
    previous_checkin,
    side_effect,
)

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
DEFAULTS = Thresholds()
MINUTE = timedelta(minutes=1)


def checkin(days_ago: float = 0, **values) -> CheckInFacts:
    """A check-in recorded ``days_ago`` days before NOW."""
    return CheckInFacts(recorded_at=NOW - timedelta(days=days_ago), **values)


def kinds(finding: Finding | None) -> set[str] | None:
    """The trigger kinds of a check-in finding, or None when the rule did not fire."""
    if finding is None:
        return None
    return {trigger.get("kind", trigger.get("side_effect")) for trigger in finding.evidence["triggers"]}


# --------------------------------------------------------------------------------------------------
# neuro_deficit
# --------------------------------------------------------------------------------------------------

NEURO_CASES = [
    # (previous values or None for "no previous check-in", current values, trigger kinds or None)
    pytest.param({"weakness": {"left_leg": "mild"}}, {"weakness": {"left_leg": "mild"}}, None, id="weakness-unchanged"),
    pytest.param(
        {"weakness": {"left_leg": "mild"}}, {"weakness": {"left_leg": "moderate"}}, {"weakness"}, id="weakness-worse"
    ),
    pytest.param(
        {"weakness": {"left_leg": "moderate"}}, {"weakness": {"left_leg": "mild"}}, None, id="weakness-better"
    ),
    pytest.param(
        {"weakness": {"left_leg": "mild"}},
        {"weakness": {"left_leg": "mild", "right_arm": "mild"}},
        {"weakness"},
        id="weakness-in-another-limb",
    ),
    pytest.param({"weakness": {"left_leg": "mild"}}, {}, None, id="weakness-gone-missing-limb-means-none"),
    pytest.param(None, {"weakness": {"left_leg": "mild"}}, {"weakness"}, id="first-checkin-mild-weakness"),
    pytest.param(None, {"weakness": {"left_leg": "none"}}, None, id="first-checkin-no-weakness"),
    pytest.param(None, {}, None, id="first-checkin-all-clear"),
    pytest.param({"numbness": {"left_leg"}}, {"numbness": {"left_leg", "trunk"}}, {"numbness"}, id="new-numbness-site"),
    pytest.param({"numbness": {"left_leg"}}, {"numbness": {"left_leg"}}, None, id="known-numbness-site"),
    pytest.param({"numbness": {"left_leg", "trunk"}}, {"numbness": {"trunk"}}, None, id="numbness-site-gone"),
    pytest.param({}, {"numbness": {"saddle"}}, {"saddle_numbness"}, id="saddle-numbness-new"),
    pytest.param({"numbness": {"saddle"}}, {"numbness": {"saddle"}}, {"saddle_numbness"}, id="saddle-numbness-again"),
    pytest.param({}, {"bladder": "retention"}, {"bladder"}, id="bladder-retention-new"),
    pytest.param({"bladder": "retention"}, {"bladder": "retention"}, None, id="bladder-retention-reported-before"),
    pytest.param({}, {"bladder": "incontinence"}, {"bladder"}, id="bladder-incontinence-new"),
    pytest.param({"bladder": "retention"}, {"bladder": "incontinence"}, {"bladder"}, id="bladder-retention-then-leak"),
    pytest.param({}, {"bladder": "urgency"}, None, id="bladder-urgency-is-not-a-red-flag"),
    pytest.param({}, {"bowel": "incontinence"}, {"bowel"}, id="bowel-incontinence-new"),
    pytest.param({"bowel": "incontinence"}, {"bowel": "incontinence"}, None, id="bowel-incontinence-reported-before"),
    pytest.param({}, {"bowel": "constipation"}, None, id="constipation-is-not-a-red-flag"),
    pytest.param({}, {"walking": "unsteady"}, {"walking"}, id="walking-worse-normal-to-unsteady"),
    pytest.param({"walking": "needs_aid"}, {"walking": "unable"}, {"walking"}, id="walking-worse-aid-to-unable"),
    pytest.param({"walking": "needs_aid"}, {"walking": "unsteady"}, None, id="walking-better"),
    pytest.param({"walking": "unsteady"}, {"walking": "unsteady"}, None, id="walking-unchanged"),
    pytest.param({}, {"falls": 2}, None, id="falls-alone-do-not-fire"),
    pytest.param(
        {},
        {"weakness": {"right_leg": "severe"}, "walking": "unable", "numbness": {"saddle"}, "bladder": "retention"},
        {"weakness", "walking", "saddle_numbness", "bladder"},
        id="everything-at-once",
    ),
]


@pytest.mark.parametrize(("previous", "current", "expected"), NEURO_CASES)
def test_new_or_worse_neurological_symptoms_are_an_emergency(previous, current, expected):
    previous_facts = checkin(1, **previous) if previous is not None else None

    finding = neuro_deficit(checkin(0, **current), previous_facts)

    assert kinds(finding) == expected
    if finding is not None:
        assert finding.rule == RuleCode.NEURO_DEFICIT
        assert finding.severity == Severity.EMERGENCY


def test_first_report_of_weakness_is_compared_with_all_clear_and_says_so():
    finding = neuro_deficit(checkin(0, weakness={"left_leg": "mild"}), None)

    assert finding.summary == "New weakness: left leg (mild)"
    assert finding.evidence["compared_with"] == "all_clear"
    assert finding.evidence["previous_recorded_at"] is None
    assert finding.evidence["triggers"] == [{"kind": "weakness", "limb": "left_leg", "now": "mild", "previous": "none"}]


def test_worse_weakness_summary_names_both_levels():
    finding = neuro_deficit(checkin(0, weakness={"left_leg": "moderate"}), checkin(1, weakness={"left_leg": "mild"}))

    assert finding.summary == "Worse weakness: left leg (moderate, was mild)"
    assert finding.evidence["compared_with"] == "previous_checkin"


# --------------------------------------------------------------------------------------------------
# pain_escalation
# --------------------------------------------------------------------------------------------------

PAIN_CASES = [
    # (earlier check-ins as (days ago, worst_24h), current worst_24h, trigger kinds or None)
    pytest.param([(2, 2), (1, 2)], 4, {"rise_over_baseline"}, id="rise-of-exactly-2-to-4-fires"),
    pytest.param([(2, 1), (1, 1)], 3, None, id="rise-of-2-to-3-is-below-4"),
    pytest.param([(2, 3), (1, 3)], 4, None, id="rise-of-1-does-not-fire"),
    pytest.param([(2, 4), (1, 4)], 6, {"rise_over_baseline"}, id="rise-of-2-from-4"),
    pytest.param([(1, 1)], 5, None, id="one-earlier-checkin-is-no-baseline"),
    pytest.param([], 5, None, id="no-earlier-checkins-is-no-baseline"),
    pytest.param([(9, 1), (8, 1), (1, 1)], 5, None, id="checkins-older-than-7-days-are-not-baseline"),
    pytest.param([(7, 2), (1, 2)], 4, {"rise_over_baseline"}, id="checkin-exactly-7-days-before-counts"),
    pytest.param([(3, 9), (2, 1), (1, 1)], 4, {"rise_over_baseline"}, id="baseline-is-median-not-mean"),
    pytest.param([(2, 2), (1, 3)], 4, None, id="even-count-median-averages-middle-two"),
    pytest.param([(1, 6)], 7, {"severe"}, id="worst-crossing-7"),
    pytest.param([(1, 7)], 8, None, id="worst-already-7-or-more"),
    pytest.param([(1, 5)], 6, None, id="worst-6-is-not-severe"),
    pytest.param([], 7, {"severe"}, id="first-checkin-at-7"),
    pytest.param([(2, 3), (1, 3)], 8, {"rise_over_baseline", "severe"}, id="rise-and-crossing-7"),
]


@pytest.mark.parametrize(("earlier_worst", "current_worst", "expected"), PAIN_CASES)
def test_rising_pain_needs_two_points_over_the_weekly_median_or_crossing_severe(earlier_worst, current_worst, expected):
    earlier = [checkin(days, pain_worst_24h=worst) for days, worst in earlier_worst]
    current = checkin(0, pain_worst_24h=current_worst)

    finding = pain_escalation(current, previous_checkin(current, earlier), earlier, DEFAULTS)

    assert kinds(finding) == expected
    if finding is not None:
        assert finding.rule == RuleCode.PAIN_ESCALATION
        assert finding.severity == Severity.URGENT


PAIN_PATTERN_CASES = [
    # (previous values or None, current values, trigger kinds or None)
    pytest.param({}, {"night_pain": True}, {"night_pain"}, id="night-pain-newly-present"),
    pytest.param({"night_pain": True}, {"night_pain": True}, None, id="night-pain-already-present"),
    pytest.param(None, {"night_pain": True}, {"night_pain"}, id="night-pain-on-first-checkin"),
    pytest.param({}, {"worse_with_straining": True}, {"worse_with_straining"}, id="straining-newly-present"),
    pytest.param({"worse_with_straining": True}, {"worse_with_straining": True}, None, id="straining-already-present"),
    pytest.param({"night_pain": True}, {}, None, id="night-pain-gone"),
]


@pytest.mark.parametrize(("previous", "current", "expected"), PAIN_PATTERN_CASES)
def test_night_pain_or_pain_on_straining_fires_when_newly_present(previous, current, expected):
    previous_facts = checkin(1, **previous) if previous is not None else None
    earlier = [previous_facts] if previous_facts is not None else []

    finding = pain_escalation(checkin(0, **current), previous_facts, earlier, DEFAULTS)

    assert kinds(finding) == expected


def test_pain_baseline_uses_only_the_window_and_records_it():
    earlier = [
        checkin(10, pain_worst_24h=9),
        checkin(3, pain_worst_24h=2),
        checkin(1, pain_worst_24h=2),
        checkin(-1, pain_worst_24h=9),  # recorded after the current one: not part of its baseline
    ]
    current = checkin(0, pain_worst_24h=5)

    finding = pain_escalation(current, previous_checkin(current, earlier), earlier, DEFAULTS)

    baseline = finding.evidence["baseline"]
    assert baseline["median_worst_24h"] == 2
    assert baseline["checkins"] == 2
    assert baseline["recorded_at"] == [(NOW - timedelta(days=3)).isoformat(), (NOW - timedelta(days=1)).isoformat()]
    assert baseline["window_start"] == (NOW - timedelta(days=7)).isoformat()


def test_pain_thresholds_come_from_settings_values():
    earlier = [checkin(2, pain_worst_24h=2), checkin(1, pain_worst_24h=2)]
    current = checkin(0, pain_worst_24h=4)

    assert pain_escalation(current, earlier[-1], earlier, Thresholds(pain_rise_points=3)) is None
    assert pain_escalation(current, earlier[-1], earlier, DEFAULTS) is not None


# --------------------------------------------------------------------------------------------------
# side_effect
# --------------------------------------------------------------------------------------------------

SIDE_EFFECT_CASES = [
    # (previous side effects or None for no previous check-in, current side effects, fires)
    pytest.param({"nausea": 2}, {"nausea": 3}, True, id="2-to-3-reaches-severe"),
    pytest.param({"nausea": 3}, {"nausea": 3}, False, id="3-to-3-already-severe"),
    pytest.param({"nausea": 3}, {"nausea": 4}, False, id="3-to-4-already-severe-and-rise-of-1"),
    pytest.param({"fatigue": 0}, {"fatigue": 2}, True, id="0-to-2-jump-of-2"),
    pytest.param({}, {"fatigue": 2}, True, id="missing-to-2-jump-of-2"),
    pytest.param({"fatigue": 1}, {"fatigue": 2}, False, id="1-to-2-rise-of-1"),
    pytest.param({"fatigue": 0}, {"fatigue": 3}, True, id="0-to-3-both-reasons"),
    pytest.param({"rash": 4}, {"rash": 1}, False, id="better"),
    pytest.param({"rash": 2}, {}, False, id="gone"),
    pytest.param(None, {"skin_reaction": 1}, False, id="first-checkin-mild"),
    pytest.param(None, {"skin_reaction": 3}, True, id="first-checkin-severe"),
    pytest.param({"nausea": 2, "diarrhoea": 1}, {"nausea": 2, "diarrhoea": 3}, True, id="one-of-several"),
]


@pytest.mark.parametrize(("previous", "current", "fires"), SIDE_EFFECT_CASES)
def test_side_effect_fires_on_reaching_severe_or_jumping_two_points(previous, current, fires):
    previous_facts = checkin(1, side_effects=previous) if previous is not None else None

    finding = side_effect(checkin(0, side_effects=current), previous_facts, DEFAULTS)

    assert (finding is not None) == fires
    if finding is not None:
        assert finding.rule == RuleCode.SIDE_EFFECT
        assert finding.severity == Severity.URGENT


def test_side_effect_summary_and_evidence_name_the_side_effect():
    finding = side_effect(checkin(0, side_effects={"skin_reaction": 3}), checkin(1), DEFAULTS)

    assert finding.summary == "Severe side effect: skin reaction 3/4 (was 0/4)"
    assert finding.evidence["triggers"] == [
        {"side_effect": "skin_reaction", "now": 3, "previous": 0, "reasons": ["reached_severe", "jumped"]}
    ]


# --------------------------------------------------------------------------------------------------
# evaluate_checkin: which check-in is "previous"
# --------------------------------------------------------------------------------------------------


def test_late_checkin_is_compared_with_the_one_before_it_in_recorded_at_order():
    # The phone was offline: the check-in recorded two days ago arrived after yesterday's.
    three_days_ago = checkin(3, pain_worst_24h=2)
    yesterday = checkin(1, pain_worst_24h=8, weakness={"left_leg": "mild"})
    late = checkin(2, pain_worst_24h=8, weakness={"left_leg": "mild"})

    findings = evaluate_checkin(late, [three_days_ago, yesterday, late], DEFAULTS)

    assert [f.rule for f in findings] == [RuleCode.NEURO_DEFICIT, RuleCode.PAIN_ESCALATION]
    for finding in findings:
        assert finding.evidence["previous_recorded_at"] == three_days_ago.recorded_at.isoformat()
        assert finding.evidence["recorded_at"] == late.recorded_at.isoformat()
    # Judged against the newest report received instead, nothing would have changed.
    assert neuro_deficit(late, yesterday) is None


EVALUATE_CASES = [
    # (earlier check-ins, current check-in, rules in order)
    pytest.param([], checkin(0), [], id="first-checkin-all-clear"),
    pytest.param(
        [],
        checkin(0, walking="unsteady", pain_worst_24h=7, side_effects={"nausea": 3}),
        [RuleCode.NEURO_DEFICIT, RuleCode.PAIN_ESCALATION, RuleCode.SIDE_EFFECT],
        id="first-checkin-everything-most-severe-first",
    ),
    pytest.param(
        [checkin(2, walking="unsteady", pain_worst_24h=7, side_effects={"nausea": 3})],
        checkin(0, walking="unsteady", pain_worst_24h=7, side_effects={"nausea": 3}),
        [],
        id="same-as-previous",
    ),
    pytest.param(
        [checkin(1, side_effects={"nausea": 1}), checkin(-1, side_effects={"nausea": 3})],
        checkin(0, side_effects={"nausea": 3}),
        [RuleCode.SIDE_EFFECT],
        id="checkins-recorded-later-are-ignored",
    ),
]


@pytest.mark.parametrize(("earlier", "current", "expected"), EVALUATE_CASES)
def test_evaluate_checkin_runs_every_checkin_rule_against_the_previous_checkin(earlier, current, expected):
    assert [f.rule for f in evaluate_checkin(current, earlier, DEFAULTS)] == expected


def test_all_clear_has_nothing_wrong():
    clear = all_clear(NOW)

    assert clear == CheckInFacts(recorded_at=NOW)
    assert clear.pain_worst_24h == 0
    assert clear.weakness_of("left_leg") == "none"
    assert clear.walking == "normal"
    assert clear.side_effect_of("nausea") == 0


CHECKIN_FACT_ERRORS = [
    pytest.param({"pain_worst_24h": 11}, id="pain-over-10"),
    pytest.param({"pain_now": -1}, id="pain-below-0"),
    pytest.param({"weakness": {"left_leg": "a bit"}}, id="unknown-weakness-level"),
    pytest.param({"walking": "crawling"}, id="unknown-walking"),
    pytest.param({"side_effects": {"nausea": 5}}, id="side-effect-over-4"),
    pytest.param({"falls": -1}, id="negative-falls"),
]


@pytest.mark.parametrize("values", CHECKIN_FACT_ERRORS)
def test_checkin_facts_refuse_values_outside_the_vocabulary(values):
    with pytest.raises(ValueError, match="must|Unknown"):
        checkin(0, **values)


def test_checkin_facts_cannot_be_changed_after_they_are_made():
    weakness = {"left_leg": "mild"}
    facts = checkin(0, weakness=weakness, numbness=["trunk"])
    weakness["left_leg"] = "severe"

    assert facts.weakness_of("left_leg") == "mild"
    assert facts.numbness == frozenset({"trunk"})
    with pytest.raises(TypeError):
        facts.weakness["left_leg"] = "none"
    hash(facts)


# --------------------------------------------------------------------------------------------------
# distress and self_harm (screens)
# --------------------------------------------------------------------------------------------------

SCREEN_CASES = [
    # (instrument, score, answers, rules in order)
    pytest.param(Instrument.PHQ9, None, [1, 1, 0, 0, 0, 0, 0, 0, 1], [RuleCode.SELF_HARM], id="phq9-item9-1-total-3"),
    pytest.param(Instrument.PHQ9, None, [2, 2, 2, 2, 2, 0, 0, 0, 0], [RuleCode.DISTRESS], id="phq9-total-10"),
    pytest.param(Instrument.PHQ9, None, [2, 2, 2, 2, 1, 0, 0, 0, 0], [], id="phq9-total-9"),
    pytest.param(
        Instrument.PHQ9,
        None,
        [3, 3, 2, 2, 0, 0, 0, 0, 2],
        [RuleCode.SELF_HARM, RuleCode.DISTRESS],
        id="phq9-total-12-with-item9",
    ),
    pytest.param(Instrument.PHQ9, None, [0] * 9, [], id="phq9-all-zero"),
    pytest.param(Instrument.GAD7, None, [2, 2, 2, 2, 2, 0, 0], [RuleCode.DISTRESS], id="gad7-total-10"),
    pytest.param(Instrument.GAD7, None, [2, 2, 2, 2, 1, 0, 0], [], id="gad7-total-9"),
    pytest.param(Instrument.GAD7, None, [0, 0, 0, 0, 0, 0, 3], [], id="gad7-last-item-is-not-item9"),
    pytest.param(Instrument.DISTRESS_THERMOMETER, 4, None, [RuleCode.DISTRESS], id="distress-thermometer-4"),
    pytest.param(Instrument.DISTRESS_THERMOMETER, 3, None, [], id="distress-thermometer-3"),
]


@pytest.mark.parametrize(("instrument", "score", "answers", "expected"), SCREEN_CASES)
def test_positive_screens_are_distress_and_phq9_item9_is_self_harm(instrument, score, answers, expected):
    findings = evaluate_screen(instrument, score=score, answers=answers, t=DEFAULTS)

    assert [f.rule for f in findings] == expected
    for finding in findings:
        assert finding.evidence["instrument"] == instrument
        assert finding.evidence["total"] == screen_total(instrument, score=score, answers=answers)
        assert finding.evidence["rule_version"] == RULE_VERSION
        expected_severity = Severity.EMERGENCY if finding.rule == RuleCode.SELF_HARM else Severity.ROUTINE
        assert finding.severity == expected_severity


def test_self_harm_evidence_records_item9_and_total():
    [finding] = evaluate_screen(Instrument.PHQ9, answers=[1, 1, 0, 0, 0, 0, 0, 0, 1], t=DEFAULTS)

    assert finding.evidence["item9"] == 1
    assert finding.evidence["total"] == 3
    assert finding.evidence["band"] == "minimal"


SCREEN_INPUT_ERRORS = [
    pytest.param(Instrument.PHQ9, None, [0] * 8, id="phq9-with-8-answers"),
    pytest.param(Instrument.PHQ9, None, [0] * 10, id="phq9-with-10-answers"),
    pytest.param(Instrument.PHQ9, None, [4] + [0] * 8, id="phq9-answer-over-3"),
    pytest.param(Instrument.PHQ9, 10, None, id="phq9-with-a-score"),
    pytest.param(Instrument.GAD7, None, [0] * 9, id="gad7-with-9-answers"),
    pytest.param(Instrument.DISTRESS_THERMOMETER, None, [4], id="thermometer-with-answers"),
    pytest.param(Instrument.DISTRESS_THERMOMETER, 11, None, id="thermometer-over-10"),
    pytest.param(Instrument.DISTRESS_THERMOMETER, None, None, id="thermometer-without-score"),
    pytest.param("hads", 4, None, id="unknown-instrument"),
]


@pytest.mark.parametrize(("instrument", "score", "answers"), SCREEN_INPUT_ERRORS)
def test_incomplete_or_out_of_range_screens_are_refused(instrument, score, answers):
    with pytest.raises(ValueError, match="must|needs|takes|Unknown"):
        evaluate_screen(instrument, score=score, answers=answers, t=DEFAULTS)


SCREEN_BAND_CASES = [
    (Instrument.PHQ9, 0, "minimal"),
    (Instrument.PHQ9, 4, "minimal"),
    (Instrument.PHQ9, 5, "mild"),
    (Instrument.PHQ9, 9, "mild"),
    (Instrument.PHQ9, 10, "moderate"),
    (Instrument.PHQ9, 14, "moderate"),
    (Instrument.PHQ9, 15, "moderately_severe"),
    (Instrument.PHQ9, 19, "moderately_severe"),
    (Instrument.PHQ9, 20, "severe"),
    (Instrument.PHQ9, 27, "severe"),
    (Instrument.GAD7, 0, "minimal"),
    (Instrument.GAD7, 4, "minimal"),
    (Instrument.GAD7, 5, "mild"),
    (Instrument.GAD7, 9, "mild"),
    (Instrument.GAD7, 10, "moderate"),
    (Instrument.GAD7, 14, "moderate"),
    (Instrument.GAD7, 15, "severe"),
    (Instrument.GAD7, 21, "severe"),
    (Instrument.DISTRESS_THERMOMETER, 0, "low"),
    (Instrument.DISTRESS_THERMOMETER, 3, "low"),
    (Instrument.DISTRESS_THERMOMETER, 4, "significant"),
    (Instrument.DISTRESS_THERMOMETER, 10, "significant"),
]


@pytest.mark.parametrize(("instrument", "total", "band"), SCREEN_BAND_CASES)
def test_screen_band_changes_at_each_published_boundary(instrument, total, band):
    assert screen_band(instrument, total) == band


@pytest.mark.parametrize(
    ("instrument", "total"),
    [(Instrument.PHQ9, 28), (Instrument.GAD7, 22), (Instrument.DISTRESS_THERMOMETER, 11), (Instrument.PHQ9, -1)],
)
def test_screen_band_refuses_impossible_totals(instrument, total):
    with pytest.raises(ValueError, match="total must be"):
        screen_band(instrument, total)


SCREEN_POSITIVE_CASES = [
    (Instrument.PHQ9, 10, DEFAULTS, True),
    (Instrument.PHQ9, 9, DEFAULTS, False),
    (Instrument.PHQ9, 11, Thresholds(phq9_positive=12), False),
    (Instrument.GAD7, 10, DEFAULTS, True),
    (Instrument.GAD7, 9, DEFAULTS, False),
    (Instrument.DISTRESS_THERMOMETER, 4, DEFAULTS, True),
    (Instrument.DISTRESS_THERMOMETER, 3, DEFAULTS, False),
    (Instrument.DISTRESS_THERMOMETER, 4, Thresholds(distress_thermometer_positive=5), False),
]


@pytest.mark.parametrize(("instrument", "total", "t", "positive"), SCREEN_POSITIVE_CASES)
def test_screen_is_positive_from_the_configured_cut_off(instrument, total, t, positive):
    assert screen_positive(instrument, total, t) is positive


# --------------------------------------------------------------------------------------------------
# exercise_pain
# --------------------------------------------------------------------------------------------------

EXERCISE_CASES = [
    # (pain_before, pain_during, fires)
    pytest.param(6, 7, True, id="during-7"),
    pytest.param(0, 7, True, id="during-7-from-0"),
    pytest.param(5, 6, False, id="during-6-small-rise"),
    pytest.param(2, 5, True, id="rise-of-exactly-3"),
    pytest.param(2, 4, False, id="rise-of-2"),
    pytest.param(8, 8, True, id="unchanged-but-severe"),
    pytest.param(5, 3, False, id="less-pain-during"),
]


@pytest.mark.parametrize(("pain_before", "pain_during", "fires"), EXERCISE_CASES)
def test_exercise_pain_fires_at_7_or_a_rise_of_3(pain_before, pain_during, fires):
    finding = exercise_pain(pain_before=pain_before, pain_during=pain_during, t=DEFAULTS)

    assert (finding is not None) == fires
    if finding is not None:
        assert finding.rule == RuleCode.EXERCISE_PAIN
        assert finding.severity == Severity.ROUTINE
        assert finding.evidence == {
            "rule_version": RULE_VERSION,
            "pain_before": pain_before,
            "pain_during": pain_during,
            "reasons": finding.evidence["reasons"],
        }


# --------------------------------------------------------------------------------------------------
# missed_checkins
# --------------------------------------------------------------------------------------------------

ENROLLED_LONG_AGO = NOW - timedelta(days=60)

MISSED_CASES = [
    # (schedule, time since last check-in or None, time since enrolment, open pain_escalation, severity or None)
    pytest.param("daily", timedelta(days=3), timedelta(days=60), False, None, id="daily-exactly-3-days"),
    pytest.param(
        "daily", timedelta(days=3) + MINUTE, timedelta(days=60), False, Severity.ROUTINE, id="daily-3-days-1-minute"
    ),
    pytest.param(
        "daily",
        timedelta(days=3) + MINUTE,
        timedelta(days=60),
        True,
        Severity.URGENT,
        id="daily-with-open-pain-escalation",
    ),
    pytest.param("daily", timedelta(days=1), timedelta(days=60), True, None, id="daily-checked-in-yesterday"),
    pytest.param("weekly", timedelta(days=14), timedelta(days=60), False, None, id="weekly-exactly-14-days"),
    pytest.param(
        "weekly", timedelta(days=14) + MINUTE, timedelta(days=60), False, Severity.ROUTINE, id="weekly-14-days-1-minute"
    ),
    pytest.param("weekly", timedelta(days=4), timedelta(days=60), False, None, id="weekly-4-days"),
    pytest.param("daily", None, timedelta(days=3), False, None, id="never-checked-in-enrolled-3-days-ago"),
    pytest.param(
        "daily", None, timedelta(days=3) + MINUTE, False, Severity.ROUTINE, id="never-checked-in-counts-from-enrolment"
    ),
]


@pytest.mark.parametrize(("schedule", "since_last", "since_enrolled", "open_pain", "severity"), MISSED_CASES)
def test_missed_checkins_fire_after_more_than_the_schedule_allows(
    schedule, since_last, since_enrolled, open_pain, severity
):
    finding = missed_checkins(
        last_recorded_at=NOW - since_last if since_last is not None else None,
        enrolled_at=NOW - since_enrolled,
        schedule=schedule,
        now=NOW,
        has_open_pain_escalation=open_pain,
        t=DEFAULTS,
    )

    assert (finding.severity if finding else None) == severity
    if finding is not None:
        assert finding.rule == RuleCode.MISSED_CHECKINS
        expected_from = "enrolment" if since_last is None else "last_checkin"
        assert finding.evidence["counted_from"] == expected_from


def test_missed_checkins_refuses_an_unknown_schedule():
    with pytest.raises(ValueError, match="Unknown check-in schedule"):
        missed_checkins(
            last_recorded_at=None,
            enrolled_at=ENROLLED_LONG_AGO,
            schedule="monthly",
            now=NOW,
            has_open_pain_escalation=False,
            t=DEFAULTS,
        )


# --------------------------------------------------------------------------------------------------
# untreated_distress
# --------------------------------------------------------------------------------------------------

UNTREATED_CASES = [
    # (time since the positive screen, care-team action taken, fires)
    pytest.param(timedelta(hours=72), False, False, id="exactly-72-hours"),
    pytest.param(timedelta(hours=72) + MINUTE, False, True, id="72-hours-1-minute"),
    pytest.param(timedelta(hours=100), True, False, id="action-taken"),
    pytest.param(timedelta(hours=1), False, False, id="recent"),
]


@pytest.mark.parametrize(("since_screen", "action_taken", "fires"), UNTREATED_CASES)
def test_positive_screen_untreated_for_more_than_72_hours_is_urgent(since_screen, action_taken, fires):
    screen_evidence = {"instrument": "phq9", "total": 12, "rule_version": RULE_VERSION}

    finding = untreated_distress(
        screen_recorded_at=NOW - since_screen,
        now=NOW,
        action_taken=action_taken,
        t=DEFAULTS,
        screen_evidence=screen_evidence,
    )

    assert (finding is not None) == fires
    if finding is not None:
        assert finding.rule == RuleCode.UNTREATED_DISTRESS
        assert finding.severity == Severity.URGENT
        assert finding.evidence["screen"] == screen_evidence
        assert finding.evidence["screen_recorded_at"] == (NOW - since_screen).isoformat()
        assert "PHQ-9" in finding.summary


# --------------------------------------------------------------------------------------------------
# Escalation and routing
# --------------------------------------------------------------------------------------------------

ESCALATION_CASES = [
    # (severity, status, time since created or last escalated, due)
    pytest.param(Severity.EMERGENCY, AlertStatus.OPEN, timedelta(minutes=15) - MINUTE, False, id="emergency-14-min"),
    pytest.param(Severity.EMERGENCY, AlertStatus.OPEN, timedelta(minutes=15), True, id="emergency-15-min"),
    pytest.param(Severity.URGENT, AlertStatus.OPEN, timedelta(hours=4) - MINUTE, False, id="urgent-3h59"),
    pytest.param(Severity.URGENT, AlertStatus.OPEN, timedelta(hours=4), True, id="urgent-4h"),
    pytest.param(Severity.ROUTINE, AlertStatus.OPEN, timedelta(hours=48) - MINUTE, False, id="routine-47h59"),
    pytest.param(Severity.ROUTINE, AlertStatus.OPEN, timedelta(hours=48), True, id="routine-48h"),
    pytest.param(Severity.EMERGENCY, AlertStatus.ACKNOWLEDGED, timedelta(hours=1), False, id="emergency-acknowledged"),
    pytest.param(Severity.URGENT, AlertStatus.ACKNOWLEDGED, timedelta(days=1), False, id="urgent-acknowledged"),
    pytest.param(Severity.ROUTINE, AlertStatus.RESOLVED, timedelta(days=5), False, id="routine-resolved"),
]


@pytest.mark.parametrize(("severity", "status", "elapsed", "due"), ESCALATION_CASES)
def test_open_alerts_escalate_after_their_severity_interval(severity, status, elapsed, due):
    assert escalation_due(severity=severity, status=status, reference_time=NOW - elapsed, now=NOW, t=DEFAULTS) is due


@pytest.mark.parametrize(
    ("severity", "interval"),
    [
        (Severity.EMERGENCY, timedelta(minutes=15)),
        (Severity.URGENT, timedelta(hours=4)),
        (Severity.ROUTINE, timedelta(hours=48)),
    ],
)
def test_escalation_interval_follows_the_clinical_defaults(severity, interval):
    assert escalation_interval(severity, DEFAULTS) == interval


def test_routing_sends_each_rule_to_the_right_roles():
    assert ROUTING == {
        "neuro_deficit": ("nurse",),
        "pain_escalation": ("nurse",),
        "side_effect": ("nurse",),
        "missed_checkins": ("nurse",),
        "distress": ("psychologist", "nurse"),
        "untreated_distress": ("psychologist", "nurse"),
        "self_harm": ("psychologist", "nurse"),
        "exercise_pain": ("therapist",),
    }
    assert set(ROUTING) == set(RuleCode.values)


# --------------------------------------------------------------------------------------------------
# What the patient sees (docs/clinical.md "Immediate advice")
# --------------------------------------------------------------------------------------------------

EMERGENCY_NUMBER = "0161 555 0199"
CRISIS_LINE = "Samaritans on 116 123"


def finding(rule: str, severity: str) -> Finding:
    return Finding(rule=rule, severity=severity, summary="", evidence={})


NEURO = finding(RuleCode.NEURO_DEFICIT, Severity.EMERGENCY)
SELF_HARM = finding(RuleCode.SELF_HARM, Severity.EMERGENCY)
PAIN = finding(RuleCode.PAIN_ESCALATION, Severity.URGENT)
DISTRESS = finding(RuleCode.DISTRESS, Severity.ROUTINE)

ADVICE_CASES = [
    # (findings, level, shows emergency number, shows crisis line)
    pytest.param([], AdviceLevel.NONE, False, False, id="nothing"),
    pytest.param([DISTRESS], AdviceLevel.NONE, False, False, id="routine-only"),
    pytest.param([PAIN], AdviceLevel.URGENT, True, False, id="urgent"),
    pytest.param([PAIN, DISTRESS], AdviceLevel.URGENT, True, False, id="urgent-and-routine"),
    pytest.param([NEURO], AdviceLevel.EMERGENCY, True, False, id="emergency"),
    pytest.param([PAIN, NEURO], AdviceLevel.EMERGENCY, True, False, id="emergency-beats-urgent"),
    pytest.param([SELF_HARM], AdviceLevel.EMERGENCY, True, True, id="self-harm"),
    pytest.param([SELF_HARM, DISTRESS], AdviceLevel.EMERGENCY, True, True, id="self-harm-and-distress"),
    pytest.param([NEURO, SELF_HARM], AdviceLevel.EMERGENCY, True, True, id="neuro-and-self-harm"),
]


@pytest.mark.parametrize(("findings", "level", "shows_number", "shows_crisis_line"), ADVICE_CASES)
def test_patient_advice_matches_the_most_severe_finding(findings, level, shows_number, shows_crisis_line):
    advice = advice_for(findings, emergency_number=EMERGENCY_NUMBER, crisis_line=CRISIS_LINE)

    assert advice.level == level
    assert advice.show_emergency_number is shows_number
    assert advice.show_crisis_line is shows_crisis_line
    assert (EMERGENCY_NUMBER in advice.message) is shows_number
    assert (CRISIS_LINE in advice.message) is shows_crisis_line
    assert advice.message


def test_emergency_advice_says_call_now_or_go_to_an_emergency_department():
    advice = advice_for([NEURO], emergency_number=EMERGENCY_NUMBER, crisis_line=CRISIS_LINE)

    assert "now" in advice.message
    assert "emergency department" in advice.message


def test_urgent_advice_says_the_team_will_be_in_touch_within_24_hours():
    advice = advice_for([PAIN], emergency_number=EMERGENCY_NUMBER, crisis_line=CRISIS_LINE)

    assert "24 hours" in advice.message
    assert "worse" in advice.message


# --------------------------------------------------------------------------------------------------
# Evidence and settings
# --------------------------------------------------------------------------------------------------


def every_kind_of_finding() -> list[Finding]:
    earlier = [checkin(3, pain_worst_24h=2, pain_sites={"lower_back"}), checkin(1, pain_worst_24h=2)]
    current = checkin(
        0,
        pain_worst_24h=8,
        pain_sites={"lower_back", "hips_pelvis"},
        night_pain=True,
        weakness={"left_leg": "moderate"},
        numbness={"saddle", "left_leg"},
        bladder="retention",
        side_effects={"nausea": 3},
    )
    findings = evaluate_checkin(current, earlier, DEFAULTS)
    findings += evaluate_screen(Instrument.PHQ9, answers=[3, 3, 3, 3, 3, 0, 0, 0, 1], t=DEFAULTS)
    findings.append(exercise_pain(pain_before=1, pain_during=8, t=DEFAULTS))
    findings.append(
        missed_checkins(
            last_recorded_at=None,
            enrolled_at=ENROLLED_LONG_AGO,
            schedule="weekly",
            now=NOW,
            has_open_pain_escalation=True,
            t=DEFAULTS,
        )
    )
    findings.append(
        untreated_distress(
            screen_recorded_at=NOW - timedelta(days=4), now=NOW, action_taken=False, t=DEFAULTS, screen_evidence=None
        )
    )
    return findings


def test_every_finding_is_json_serialisable_and_records_the_rule_version():
    findings = every_kind_of_finding()

    assert {f.rule for f in findings} == set(RuleCode.values)
    for f in findings:
        assert json.loads(json.dumps(f.evidence))["rule_version"] == RULE_VERSION
        assert f.summary
        assert isinstance(f.rule, str)
        assert type(f.severity) is str


def test_checkin_evidence_records_when_things_were_reported():
    for f in evaluate_checkin(checkin(0, walking="unable", pain_worst_24h=9), [checkin(1)], DEFAULTS):
        assert f.evidence["recorded_at"] == NOW.isoformat()
        assert f.evidence["previous_recorded_at"] == (NOW - timedelta(days=1)).isoformat()


def test_thresholds_default_to_the_clinical_reference(settings):
    del settings.TRACKER_THRESHOLDS

    assert thresholds_from_settings() == Thresholds()


def test_thresholds_from_settings_override_one_value(settings):
    settings.TRACKER_THRESHOLDS = {"pain_severe": 8}

    t = thresholds_from_settings()

    assert t.pain_severe == 8
    assert t == Thresholds(pain_severe=8)


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"pain_sever": 8}, id="unknown-key"),
        pytest.param({"pain_severe": "8"}, id="not-a-number"),
        pytest.param({"escalate_emergency_minutes": 0}, id="zero-interval"),
        pytest.param(["pain_severe"], id="not-a-dict"),
    ],
)
def test_thresholds_from_settings_refuse_bad_configuration(settings, overrides):
    settings.TRACKER_THRESHOLDS = overrides

    with pytest.raises(ImproperlyConfigured, match="TRACKER_THRESHOLDS"):
        thresholds_from_settings()
