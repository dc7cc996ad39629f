"""An alert's evidence in plain words, from the evidence the real rule functions produce."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from tracker.alerts.presentation import evidence_lines, source_words
from tracker.alerts.rules import RULE_VERSION, Thresholds, untreated_distress
from tracker.psych.rules import evaluate_screen
from tracker.rehab.pain_rules import exercise_pain
from tracker.symptoms.rules import CheckInFacts, missed_checkins, neuro_deficit, pain_escalation

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
T = Thresholds()


@pytest.fixture(autouse=True)
def utc(settings):
    settings.TIME_ZONE = "UTC"
    with translation.override("en"):
        yield


def facts(days_ago=0, **values):
    return CheckInFacts(recorded_at=NOW - timedelta(days=days_ago), **values)


def test_first_report_says_it_was_compared_with_all_clear():
    finding = neuro_deficit(facts(numbness={"saddle"}), None)
    lines = evidence_lines(finding.evidence)
    assert lines[0] == "No earlier check-in: compared with an all-clear report."
    assert lines[-1] == f"Rule version {RULE_VERSION}."


def test_pain_rise_names_the_baseline_and_its_values():
    earlier = [facts(3, pain_worst_24h=3), facts(2, pain_worst_24h=2), facts(1, pain_worst_24h=4)]
    finding = pain_escalation(facts(pain_now=5, pain_worst_24h=5), earlier[-1], earlier, T)
    lines = evidence_lines(finding.evidence)
    assert lines[0].startswith("Compared with the check-in of Nov. 19, 2026")
    assert "Usual worst pain 3/10: the median of 3 check-ins in the days before (3, 2, 4)." in lines


def test_pain_without_enough_history_says_so():
    finding = pain_escalation(facts(pain_worst_24h=7, pain_now=7), None, [], T)
    assert "No usual pain level: 0 check-in(s) in the days before, 2 needed." in evidence_lines(finding.evidence)


def test_screen_and_item_9():
    [self_harm, _distress] = evaluate_screen("phq9", answers=[2, 2, 2, 1, 1, 1, 1, 1, 1], t=T)
    lines = evidence_lines(self_harm.evidence)
    assert "PHQ-9 (mood) total 12 (moderate)." in lines
    assert "Item 9 (thoughts of death or self-harm) answered 1 of 3." in lines


def test_missed_checkins_from_enrolment():
    finding = missed_checkins(
        last_recorded_at=None,
        enrolled_at=NOW - timedelta(days=5),
        schedule="daily",
        now=NOW,
        has_open_pain_escalation=False,
        t=T,
    )
    lines = evidence_lines(finding.evidence)
    assert lines[0] == "No check-in since enrolment on Nov. 15, 2026, 9 a.m."
    assert lines[1] == "120.0 hours without a check-in; the limit is 3 days (daily schedule)."


def test_untreated_distress_and_exercise_pain():
    finding = untreated_distress(screen_recorded_at=NOW - timedelta(hours=80), now=NOW, action_taken=False, t=T)
    assert "80.0 hours without a recorded action (limit 72 hours)" in evidence_lines(finding.evidence)[0]
    finding = exercise_pain(pain_before=2, pain_during=7, t=T)
    assert "Pain 2/10 before the exercise and 7/10 during it." in evidence_lines(finding.evidence)


def test_source_words():
    assert source_words({"type": "symptoms.checkin", "id": 4}) == "check-in #4"
    assert source_words({"type": "psych.screen", "id": 5}) == "screen #5"
    assert source_words({"type": "something.else", "id": 6}) == "something.else #6"


def test_alert_rule_and_severity_labels_are_the_fields_choices():
    from tracker.alerts.models import Alert

    for name in ("rule", "severity"):
        for code, label in Alert._meta.get_field(name).choices:
            assert getattr(Alert(**{name: code}), f"get_{name}_display")() == str(label)
    assert Alert(rule="a_retired_rule").get_rule_display() == "a_retired_rule"
