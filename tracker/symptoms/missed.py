"""The ``missed_checkins`` job: silence as a signal, for any number of patients.

Built for 100,000 patients in one run: one query finds the patients whose latest check-in (or enrolment)
is older than their schedule allows, using the (patient, -recorded_at) index for each patient's latest
``recorded_at``; everything after that works on those candidates in chunks with a fixed number of queries
per chunk (no query per patient): which silences already have an alert, which patients have an open
``pain_escalation`` (urgent instead of routine), bulk inserts of alerts, triggers and events, and one
notification per nurse per chunk rather than one per patient.

A silence is identified by where it starts: the latest check-in (``symptoms.checkin`` #id) or, with none,
the enrolment (``accounts.patientprofile`` #id). That is the alert trigger's source, so a silence raises
one alert however often the job runs, and a resolved alert is not raised again for the same silence;
only a new check-in followed by a new silence can raise another.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from tracker.accounts.models import PatientProfile
from tracker.alerts import notify
from tracker.alerts.models import ACTIVE_STATUSES, Alert, AlertEvent, AlertEventKind, AlertTrigger
from tracker.alerts.rules import Thresholds, thresholds_from_settings
from tracker.alerts.services import alerts_raise_bulk
from tracker.core.vocab import CheckinSchedule, RuleCode, Severity
from tracker.symptoms.models import CheckIn
from tracker.symptoms.rules import missed_checkins

logger = logging.getLogger(__name__)

SOURCE_CHECKIN = "symptoms.checkin"
SOURCE_ENROLMENT = "accounts.patientprofile"
CHUNK_SIZE = 1000


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def overdue_patients(*, now: datetime, t: Thresholds) -> list[tuple]:
    """(patient id, enrolled_at, schedule, latest recorded_at or None, latest check-in id or None) of every
    active patient whose latest check-in (or enrolment) is older than the schedule allows. One query."""
    latest = CheckIn.objects.filter(patient=OuterRef("pk")).order_by("-recorded_at", "-pk")
    daily_cutoff = now - timedelta(days=t.missed_checkins_daily_days)
    weekly_cutoff = now - timedelta(days=t.missed_checkins_weekly_days)
    return list(
        PatientProfile.objects.filter(user__is_active=True)
        .annotate(since=Coalesce(Subquery(latest.values("recorded_at")[:1]), F("enrolled_at")))
        .filter(
            Q(checkin_schedule=CheckinSchedule.DAILY, since__lt=daily_cutoff)
            | Q(checkin_schedule=CheckinSchedule.WEEKLY, since__lt=weekly_cutoff)
        )
        .annotate(last_at=Subquery(latest.values("recorded_at")[:1]), last_id=Subquery(latest.values("pk")[:1]))
        .order_by("pk")
        .values_list("pk", "enrolled_at", "checkin_schedule", "last_at", "last_id")
    )


def _source(row: tuple) -> tuple[str, int]:
    patient_id, _enrolled, _schedule, _last_at, last_id = row
    return (SOURCE_CHECKIN, last_id) if last_id is not None else (SOURCE_ENROLMENT, patient_id)


def _already_raised(rows: Sequence[tuple]) -> set[tuple[str, int]]:
    checkin_ids = [r[4] for r in rows if r[4] is not None]
    patient_ids = [r[0] for r in rows if r[4] is None]
    return set(
        AlertTrigger.objects.filter(rule=RuleCode.MISSED_CHECKINS)
        .filter(
            Q(source_type=SOURCE_CHECKIN, source_id__in=checkin_ids)
            | Q(source_type=SOURCE_ENROLMENT, source_id__in=patient_ids)
        )
        .values_list("source_type", "source_id")
    )


def _active_patients(patient_ids, rule: str) -> set[int]:
    return set(
        Alert.objects.filter(patient_id__in=list(patient_ids), rule=rule, status__in=ACTIVE_STATUSES).values_list(
            "patient_id", flat=True
        )
    )


def missed_checkins_check(*, now: datetime, chunk_size: int = CHUNK_SIZE) -> dict[str, int]:
    """Raise ``missed_checkins`` for every patient silent for longer than their schedule allows, and make
    open ``missed_checkins`` alerts urgent when the patient also has an open ``pain_escalation``."""
    t = thresholds_from_settings()
    counts = {"overdue": 0, "raised": 0, "added": 0, "made_urgent": 0}
    rows = overdue_patients(now=now, t=t)
    counts["overdue"] = len(rows)
    for chunk in _chunks(rows, chunk_size):
        recorded = _already_raised(chunk)
        todo = [row for row in chunk if _source(row) not in recorded]
        if not todo:
            continue
        with_pain = _active_patients([row[0] for row in todo], RuleCode.PAIN_ESCALATION)
        items = []
        for row in todo:
            patient_id, enrolled_at, schedule, last_at, _last_id = row
            finding = missed_checkins(
                last_recorded_at=last_at,
                enrolled_at=enrolled_at,
                schedule=schedule,
                now=now,
                has_open_pain_escalation=patient_id in with_pain,
                t=t,
            )
            if finding is not None:
                items.append((patient_id, finding, _source(row), now))
        with transaction.atomic():
            done = alerts_raise_bulk(items, now=now)
        counts["raised"] += done["raised"]
        counts["added"] += done["added"]
    counts["made_urgent"] = _make_urgent_with_pain(now=now)
    return counts


def _make_urgent_with_pain(*, now: datetime) -> int:
    """Open missed_checkins alerts become urgent when the patient has an open pain_escalation."""
    pain = Alert.objects.filter(
        patient_id=OuterRef("patient_id"), rule=RuleCode.PAIN_ESCALATION, status__in=ACTIVE_STATUSES
    )
    ids = list(
        Alert.objects.filter(rule=RuleCode.MISSED_CHECKINS, status__in=ACTIVE_STATUSES, severity=Severity.ROUTINE)
        .filter(Exists(pain))
        .values_list("pk", flat=True)
    )
    made = 0
    for pk in ids:
        with transaction.atomic():
            if not Alert.objects.filter(pk=pk, severity=Severity.ROUTINE, status__in=ACTIVE_STATUSES).update(
                severity=Severity.URGENT, updated_at=now
            ):
                continue
            alert = Alert.objects.select_related("patient").get(pk=pk)
            AlertEvent.objects.create(
                alert=alert,
                kind=AlertEventKind.SEVERITY_RAISED,
                detail={"from": Severity.ROUTINE, "to": Severity.URGENT, "because": RuleCode.PAIN_ESCALATION},
            )
            notify.notify_severity_raised(alert)
            made += 1
    return made
