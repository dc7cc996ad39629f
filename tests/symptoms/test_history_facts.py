"""checkin_history_facts: the earlier check-ins the rules need, read as columns, equal to the rows' own facts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import CheckInFactory
from tracker.symptoms.models import CheckIn
from tracker.symptoms.selectors import checkin_history_facts

pytestmark = pytest.mark.django_db

VARIED = [
    {},
    {"pain_now": 7, "pain_worst_24h": 9, "pain_sites": ["neck", "mid_back"], "night_pain": True},
    {"worse_with_straining": True, "breakthrough_doses": 4, "weakness_left_leg": "moderate"},
    {"weakness_right_arm": "severe", "weakness_left_arm": "mild", "numbness": ["saddle", "left_leg"]},
    {"walking": "unable", "falls": 2, "bladder": "retention", "bowel": "incontinence"},
    {"fatigue": 4, "nausea": 3, "diarrhoea": 2, "skin_reaction": 1, "rash": 4, "note": "A note."},
]


def test_the_window_is_every_check_in_of_the_last_7_days_oldest_first_as_the_rows_facts(
    patient, other_patient, django_assert_num_queries
):
    CheckInFactory(
        patient=patient, days_ago=9, pain_now=9, pain_worst_24h=9, evaluated=True
    )  # before the window: left out
    rows = [
        CheckInFactory(patient=patient, days_ago=6 - i, **fields, mild_pain=True, evaluated=True)
        for i, fields in enumerate(VARIED)
    ]
    CheckInFactory(patient=other_patient, days_ago=1, mild_pain=True, evaluated=True)
    with django_assert_num_queries(1):
        facts = checkin_history_facts(patient, before=timezone.now())
    assert facts == [row.to_facts() for row in rows]
    assert [f.weakness for f in facts][3] == {"left_arm": "mild", "right_arm": "severe"}  # limbs at none left out


def test_only_check_ins_recorded_before_the_moment_count_and_ties_keep_id_order(patient):
    at = timezone.now() - timedelta(days=1)
    first = CheckInFactory(patient=patient, days_ago=3, pain_now=1, pain_worst_24h=1, evaluated=True)
    tied = [CheckInFactory(patient=patient, days_ago=1, pain_now=n, pain_worst_24h=n, evaluated=True) for n in (4, 5)]
    CheckIn.objects.filter(pk__in=[c.pk for c in tied]).update(recorded_at=at - timedelta(hours=1))
    CheckInFactory(patient=patient, days_ago=0.5, mild_pain=True, evaluated=True)  # recorded after `before`
    facts = checkin_history_facts(patient.pk, before=at)  # a patient's id works as well as the profile
    assert [f.pain_now for f in facts] == [1, 4, 5]
    assert facts[0] == first.to_facts()


def test_with_nothing_in_the_window_the_previous_check_in_alone_is_read_in_a_second_query(
    patient, django_assert_num_queries
):
    CheckInFactory(patient=patient, days_ago=20, mild_pain=True, evaluated=True)
    latest = CheckInFactory(patient=patient, days_ago=12, **VARIED[3], mild_pain=True, evaluated=True)
    with django_assert_num_queries(2):
        facts = checkin_history_facts(patient, before=timezone.now())
    assert facts == [latest.to_facts()]
    assert checkin_history_facts(patient, before=timezone.now() - timedelta(days=30)) == []
