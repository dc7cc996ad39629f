"""Writes of the red-flag engine: raising alerts from findings, and the alert lifecycle.

The guarantees of docs/clinical.md ("Alert lifecycle": "an alert may be late, never lost, never doubled") rest on
the database, not on Python:

- a submission is evaluated in ONE transaction that claims the row (``evaluated_at IS NULL``, locked
  with ``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's IMMEDIATE transactions serialise writers),
  raises its alerts and sets ``evaluated_at``: a worker killed half-way leaves nothing behind, and the
  periodic sweep evaluates the row again;
- at most one unresolved alert per (patient, rule) is a partial unique constraint: a racing creator
  gets an IntegrityError (inside a savepoint) and appends to the winner's alert instead;
- ``AlertTrigger`` is unique per (source, rule): evaluating the same submission twice is a no-op;
- acknowledging and resolving are conditional updates, so two nurses clicking at once get one
  success and one clear "already done by X" answer.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tracker.alerts import notify
from tracker.alerts.evaluation import evaluator_for
from tracker.alerts.models import ACTIVE_STATUSES, Alert, AlertEvent, AlertEventKind, AlertTrigger
from tracker.alerts.outcomes import outcome_codes
from tracker.alerts.rules import Finding
from tracker.audit.models import AuditAction
from tracker.audit.services import audit_log
from tracker.core.vocab import SEVERITY_RANK, AlertStatus

logger = logging.getLogger(__name__)

MAX_NOTE_LENGTH = 4000


# --------------------------------------------------------------------------------------------------
# Raising alerts
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Raised:
    """What :func:`alert_raise` did: made a new alert, or added a trigger to an unresolved one."""

    alert: Alert
    created: bool
    severity_raised: bool


class _AlreadyRecorded(Exception):
    """This source already fed an alert of this rule: roll the savepoint back, change nothing."""


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _locked_active(patient_id: int, rule: str) -> Alert | None:
    return (
        Alert.objects.select_for_update()
        .filter(patient_id=patient_id, rule=rule, status__in=ACTIVE_STATUSES)
        .order_by("id")
        .first()
    )


def evidence_entry(*, finding: Finding, source: tuple[str, int], reported_at: datetime, now: datetime) -> dict:
    """One trigger's entry in ``Alert.evidence``: where it came from, when, and the rule's evidence."""
    label, source_id = source
    return {
        "source": {"type": label, "id": source_id},
        "reported_at": _iso(reported_at),
        "added_at": _iso(now),
        "severity": finding.severity,
        "summary": finding.summary,
        "rule_version": finding.evidence.get("rule_version"),
        "evidence": finding.evidence,
    }


def alert_raise(
    *,
    patient_id: int,
    finding: Finding,
    source: tuple[str, int],
    reported_at: datetime,
    now: datetime | None = None,
) -> Raised | None:
    """Turn one finding into an alert, or add it to the patient's unresolved alert of that rule.

    ``source`` is (model label, id) of what triggered it (a check-in, a screen, an exercise log, or for
    the periodic rules the record that starts the clock). The same source never feeds the same rule
    twice: a repeat returns None and changes nothing. Must run inside a transaction (it records the
    notifications, which are sent after commit).
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            return _raise(patient_id=patient_id, finding=finding, source=source, reported_at=reported_at, now=now)
    except _AlreadyRecorded:
        return None


def _raise(*, patient_id: int, finding: Finding, source: tuple[str, int], reported_at: datetime, now) -> Raised:
    label, source_id = source
    if AlertTrigger.objects.filter(source_type=label, source_id=source_id, rule=finding.rule).exists():
        raise _AlreadyRecorded
    entry = evidence_entry(finding=finding, source=source, reported_at=reported_at, now=now)

    alert = _locked_active(patient_id, finding.rule)
    created = False
    if alert is None:
        try:
            with transaction.atomic():
                alert = Alert.objects.create(
                    patient_id=patient_id,
                    rule=finding.rule,
                    severity=finding.severity,
                    summary=finding.summary[:300],
                    evidence=[entry],
                    trigger_count=1,
                    reported_at=reported_at,
                )
            created = True
        except IntegrityError:
            # Another worker created it a moment ago (the partial unique constraint): add to theirs.
            alert = _locked_active(patient_id, finding.rule)
            if alert is None:
                raise
    try:
        with transaction.atomic():
            AlertTrigger.objects.create(alert=alert, source_type=label, source_id=source_id, rule=finding.rule)
    except IntegrityError:
        raise _AlreadyRecorded from None

    source_detail = {"source_type": label, "source_id": source_id, "severity": finding.severity}
    if created:
        AlertEvent.objects.create(alert=alert, kind=AlertEventKind.CREATED, detail=source_detail)
        notify.notify_created(alert)
        return Raised(alert=alert, created=True, severity_raised=False)

    severity_raised = SEVERITY_RANK[finding.severity] < SEVERITY_RANK[alert.severity]
    previous_severity = alert.severity
    alert.evidence = [*alert.evidence, entry]
    alert.trigger_count = F("trigger_count") + 1
    alert.summary = finding.summary[:300]
    alert.reported_at = min(alert.reported_at, reported_at)
    if severity_raised:
        alert.severity = finding.severity
    alert.save(update_fields=["evidence", "trigger_count", "summary", "reported_at", "severity", "updated_at"])
    alert.refresh_from_db(fields=["trigger_count"])
    AlertEvent.objects.create(alert=alert, kind=AlertEventKind.RETRIGGERED, detail=source_detail)
    if severity_raised:
        AlertEvent.objects.create(
            alert=alert,
            kind=AlertEventKind.SEVERITY_RAISED,
            detail={"from": previous_severity, "to": alert.severity},
        )
        notify.notify_severity_raised(alert)
    return Raised(alert=alert, created=False, severity_raised=severity_raised)


def submission_evaluate(*, label: str, pk: int) -> str:
    """Evaluate one submission exactly once to completion; safe to call any number of times, concurrently.

    In one transaction: claim the row while it is still not evaluated, compute its findings with the
    registered evaluator, raise an alert for each, mark it evaluated. Returns a short summary.
    """
    model, findings_for = evaluator_for(label)
    with transaction.atomic():
        submission = model.objects.select_for_update().filter(pk=pk, evaluated_at__isnull=True).first()
        if submission is None:
            return "already evaluated" if model.objects.filter(pk=pk).exists() else "not found"
        logger.info("evaluating %s #%s", label, pk)
        findings = sorted(findings_for(submission), key=lambda f: f.rule)
        raised = [
            alert_raise(
                patient_id=submission.patient_id,
                finding=finding,
                source=(label, pk),
                reported_at=submission.recorded_at,
            )
            for finding in findings
        ]
        model.objects.filter(pk=pk).update(evaluated_at=timezone.now())
    made = sum(1 for r in raised if r is not None and r.created)
    added = sum(1 for r in raised if r is not None and not r.created)
    return f"{len(findings)} finding(s): {made} new alert(s), {added} added to open alert(s)"


def submissions_evaluate_pending(*, batch_size: int = 500) -> dict[str, int]:
    """Evaluate every registered submission still marked not evaluated (broker down, worker killed).

    Each submission is evaluated in its own transaction; one that fails is logged (by id only) and
    left for the next run. Returns {"evaluated": n, "failed": n}.
    """
    from tracker.alerts.evaluation import evaluators

    counts = {"evaluated": 0, "failed": 0}
    for label, (model, _findings_for) in evaluators().items():
        failed: set[int] = set()
        while True:
            ids = list(
                model.objects.filter(evaluated_at__isnull=True)
                .exclude(pk__in=failed)
                .order_by("submitted_at", "pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            for pk in ids:
                try:
                    submission_evaluate(label=label, pk=pk)
                    counts["evaluated"] += 1
                except Exception as exc:  # noqa: BLE001 - one bad row must not stop the sweep
                    logger.warning("evaluation of %s #%s failed (%s); will retry", label, pk, type(exc).__name__)
                    failed.add(pk)
                    counts["failed"] += 1
    return counts


# --------------------------------------------------------------------------------------------------
# Acknowledge and resolve
# --------------------------------------------------------------------------------------------------


class AlertStateConflict(Exception):
    """Someone else already acknowledged or resolved this alert; ``message`` says who and when."""

    def __init__(self, alert: Alert, message: str):
        super().__init__(message)
        self.alert = alert
        self.message = message


def _when(moment: datetime | None) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else ""


def _conflict_message(alert: Alert) -> str:
    if alert.status == AlertStatus.RESOLVED:
        return _("This alert was already resolved by %(name)s at %(when)s.") % {
            "name": alert.resolved_by.display_name if alert.resolved_by else _("someone"),
            "when": _when(alert.resolved_at),
        }
    return _("This alert was already acknowledged by %(name)s at %(when)s.") % {
        "name": alert.acknowledged_by.display_name if alert.acknowledged_by else _("someone"),
        "when": _when(alert.acknowledged_at),
    }


def _fresh(alert_id: int) -> Alert:
    return Alert.objects.select_related("patient__user", "acknowledged_by", "resolved_by").get(pk=alert_id)


def alert_acknowledge(*, alert: Alert, user) -> Alert:
    """Acknowledge an open alert (stops its escalation). Touches no other alert.

    Acknowledging again by the same person is a no-op; if someone else got there first, raises
    :class:`AlertStateConflict` saying who and when.
    """
    now = timezone.now()
    with transaction.atomic():
        updated = Alert.objects.filter(pk=alert.pk, status=AlertStatus.OPEN).update(
            status=AlertStatus.ACKNOWLEDGED, acknowledged_by=user, acknowledged_at=now, updated_at=now
        )
        if updated:
            AlertEvent.objects.create(alert_id=alert.pk, kind=AlertEventKind.ACKNOWLEDGED, actor=user)
            audit_log(
                actor=user,
                action=AuditAction.UPDATE,
                patient=alert.patient,
                target=f"alert {alert.pk}",
                detail="acknowledged",
            )
    fresh = _fresh(alert.pk)
    if not updated and not (fresh.status == AlertStatus.ACKNOWLEDGED and fresh.acknowledged_by_id == user.pk):
        raise AlertStateConflict(fresh, _conflict_message(fresh))
    return fresh


def alert_resolve(*, alert: Alert, user, outcome: str, note: str) -> Alert:
    """Resolve an open or acknowledged alert with an outcome and a note (docs/clinical.md "Alert lifecycle").

    Resolving an alert nobody acknowledged acknowledges it too (recorded as its own event). A repeat by
    the person who resolved it is a no-op; if someone else resolved it first, raises
    :class:`AlertStateConflict`. A bad outcome or an empty note raises ``ValueError`` (forms and
    serializers check both first, so people see field errors).
    """
    note = (note or "").strip()
    if outcome not in outcome_codes():
        raise ValueError(f"unknown outcome {outcome!r}")
    if not note:
        raise ValueError("a note is required")
    if len(note) > MAX_NOTE_LENGTH:
        raise ValueError(f"the note is longer than {MAX_NOTE_LENGTH} characters")

    now = timezone.now()
    conflict = False
    with transaction.atomic():
        acknowledged_now = Alert.objects.filter(pk=alert.pk, status=AlertStatus.OPEN).update(
            status=AlertStatus.ACKNOWLEDGED, acknowledged_by=user, acknowledged_at=now, updated_at=now
        )
        resolved = Alert.objects.filter(pk=alert.pk, status=AlertStatus.ACKNOWLEDGED).update(
            status=AlertStatus.RESOLVED,
            resolved_by=user,
            resolved_at=now,
            outcome=outcome,
            resolution_note=note,
            updated_at=now,
        )
        if resolved:
            if acknowledged_now:
                AlertEvent.objects.create(
                    alert_id=alert.pk, kind=AlertEventKind.ACKNOWLEDGED, actor=user, detail={"with_resolution": True}
                )
            AlertEvent.objects.create(
                alert_id=alert.pk, kind=AlertEventKind.RESOLVED, actor=user, detail={"outcome": outcome}
            )
            audit_log(
                actor=user,
                action=AuditAction.UPDATE,
                patient=alert.patient,
                target=f"alert {alert.pk}",
                detail="resolved",
            )
        else:
            conflict = True
            transaction.set_rollback(True)
    fresh = _fresh(alert.pk)
    if conflict and not (fresh.status == AlertStatus.RESOLVED and fresh.resolved_by_id == user.pk):
        raise AlertStateConflict(fresh, _conflict_message(fresh))
    return fresh


# --------------------------------------------------------------------------------------------------
# Periodic rules: escalation, untreated distress, missed check-ins
# --------------------------------------------------------------------------------------------------


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def alerts_raise_bulk(
    items: Sequence[tuple[int, Finding, tuple[str, int], datetime]], *, now: datetime, why: str = ""
) -> dict[str, int]:
    """Raise many findings at once (the periodic jobs): (patient id, finding, source, reported_at) each.

    The same guarantees as :func:`alert_raise`, at a fixed number of queries per call: findings whose
    source already fed that rule are skipped; those for a patient with an unresolved alert of the rule are
    added to it one by one; the rest become new alerts, their triggers and events in three bulk inserts,
    and one notification per person (however many alerts are theirs). If another run races this one (a
    unique constraint fires), everything falls back to one-by-one raising, which merges with its work.
    Must run inside a transaction. Returns {"raised": new alerts, "added": triggers added to open ones}.
    """
    counts = {"raised": 0, "added": 0}
    if not items:
        return counts
    sources: dict[str, set[int]] = defaultdict(set)
    for _patient_id, _finding, (label, source_id), _reported in items:
        sources[label].add(source_id)
    source_q = Q(pk__in=[])
    for label, ids in sources.items():
        source_q |= Q(source_type=label, source_id__in=ids)
    recorded = set(AlertTrigger.objects.filter(source_q).values_list("source_type", "source_id", "rule"))
    todo = [item for item in items if (*item[2], item[1].rule) not in recorded]
    active = set(
        Alert.objects.filter(
            patient_id__in={item[0] for item in todo},
            rule__in={item[1].rule for item in todo},
            status__in=ACTIVE_STATUSES,
        ).values_list("patient_id", "rule")
    )
    new, seen = [], set()
    for item in todo:
        key = (item[0], item[1].rule)
        if key in active or key in seen:
            raised = alert_raise(patient_id=item[0], finding=item[1], source=item[2], reported_at=item[3], now=now)
            counts["added" if raised and not raised.created else "raised"] += raised is not None
        else:
            seen.add(key)
            new.append(item)
    if not new:
        return counts
    try:
        with transaction.atomic():
            alerts = Alert.objects.bulk_create(
                [
                    Alert(
                        patient_id=patient_id,
                        rule=finding.rule,
                        severity=finding.severity,
                        summary=finding.summary[:300],
                        evidence=[evidence_entry(finding=finding, source=source, reported_at=reported_at, now=now)],
                        trigger_count=1,
                        reported_at=reported_at,
                    )
                    for patient_id, finding, source, reported_at in new
                ]
            )
            AlertTrigger.objects.bulk_create(
                [
                    AlertTrigger(alert=alert, source_type=source[0], source_id=source[1], rule=alert.rule)
                    for alert, (_pid, _finding, source, _reported) in zip(alerts, new, strict=True)
                ]
            )
            AlertEvent.objects.bulk_create(
                [
                    AlertEvent(
                        alert=alert,
                        kind=AlertEventKind.CREATED,
                        detail={"source_type": source[0], "source_id": source[1], "severity": alert.severity},
                    )
                    for alert, (_pid, _finding, source, _reported) in zip(alerts, new, strict=True)
                ]
            )
            notify.notify_digest(
                alerts=alerts,
                people_by_alert=notify.recipients_by_alert(alerts, routed=True),
                event="created",
                why=why or _("New"),
            )
        counts["raised"] += len(alerts)
    except IntegrityError:
        logger.info("another run raised some of these alerts at the same time; raising one by one")
        for patient_id, finding, source, reported_at in new:
            raised = alert_raise(
                patient_id=patient_id, finding=finding, source=source, reported_at=reported_at, now=now
            )
            if raised is not None:
                counts["raised" if raised.created else "added"] += 1
    return counts


def alerts_escalate(*, now: datetime, chunk_size: int = 500) -> dict[str, int]:
    """Escalate every open (unacknowledged) alert left longer than its severity's interval since it was
    raised or last escalated (docs/clinical.md "Alert lifecycle": 15 min / 4 h / 48 h by default), one level per run,
    again at each interval until someone acknowledges it; then send the on-call e-mails.

    In chunks, each one transaction that re-reads its alerts locked (skipping any another run holds) and
    still due, moves them up one level in one update, records the events and tells the next tier (one
    notification per person per chunk): of two runs at once, each alert is escalated by exactly one.
    """
    from tracker.alerts.rules import escalation_due, escalation_interval, thresholds_from_settings
    from tracker.core.vocab import Severity

    t = thresholds_from_settings()
    due = Q(pk__in=[])
    for severity in Severity.values:
        cutoff = now - escalation_interval(severity, t)
        due |= Q(severity=severity) & (
            Q(last_escalated_at__isnull=True, created_at__lte=cutoff) | Q(last_escalated_at__lte=cutoff)
        )
    ids = list(
        Alert.objects.filter(due, status=AlertStatus.OPEN).order_by("created_at", "pk").values_list("pk", flat=True)
    )
    escalated = 0
    for chunk in _chunks(ids, chunk_size):
        with transaction.atomic():
            alerts = [
                alert
                for alert in Alert.objects.select_for_update(skip_locked=True)
                .filter(due, pk__in=chunk, status=AlertStatus.OPEN)
                .order_by("pk")
                if escalation_due(
                    severity=alert.severity,
                    status=alert.status,
                    reference_time=alert.last_escalated_at or alert.created_at,
                    now=now,
                    t=t,
                )
            ]
            if not alerts:
                continue
            Alert.objects.filter(pk__in=[a.pk for a in alerts]).update(
                escalation_level=F("escalation_level") + 1, last_escalated_at=now, updated_at=now
            )
            for alert in alerts:
                alert.escalation_level += 1
                alert.last_escalated_at = now
            AlertEvent.objects.bulk_create(
                [
                    AlertEvent(
                        alert=alert,
                        kind=AlertEventKind.ESCALATED,
                        detail={
                            "level": alert.escalation_level,
                            "tier": "care_team" if alert.escalation_level <= 1 else "oncall",
                        },
                    )
                    for alert in alerts
                ]
            )
            notify.notify_escalated_many(alerts)
            escalated += len(alerts)
    return {"escalated": escalated, "oncall_emails_sent": notify.oncall_pages_retry(now=now)}


UNTREATED_SOURCE = "alerts.alert"


def untreated_distress_check(*, now: datetime, chunk_size: int = 500) -> dict[str, int]:
    """Raise ``untreated_distress`` for each ``distress`` alert still unresolved more than
    ``untreated_distress_hours`` after its first positive screen, unless a registered check reports a
    qualifying action since (psych: a referral marked contacted). One per distress alert, ever: the
    trigger's source is the distress alert, so running this again changes nothing. A fixed number of
    queries per chunk of candidates (plus one per candidate for checks registered without a bulk form)."""
    from datetime import timedelta

    from django.db.models import Exists, OuterRef

    from tracker.alerts import rules
    from tracker.alerts.evaluation import distress_actions_taken
    from tracker.core.vocab import RuleCode

    t = rules.thresholds_from_settings()
    cutoff = now - timedelta(hours=t.untreated_distress_hours)
    already = AlertTrigger.objects.filter(
        source_type=UNTREATED_SOURCE, source_id=OuterRef("pk"), rule=RuleCode.UNTREATED_DISTRESS
    )
    candidates = list(
        Alert.objects.filter(rule=RuleCode.DISTRESS, status__in=ACTIVE_STATUSES, reported_at__lt=cutoff)
        .exclude(Exists(already))
        .order_by("reported_at", "pk")
        .values_list("pk", "patient_id", "reported_at", "evidence")
    )
    counts = {"checked": len(candidates), "raised": 0, "added": 0}
    for chunk in _chunks(candidates, chunk_size):
        acted = distress_actions_taken({(patient_id, reported_at) for _pk, patient_id, reported_at, _e in chunk})
        items = []
        for pk, patient_id, reported_at, evidence in chunk:
            first = next((e for e in evidence if isinstance(e, dict)), {})
            finding = rules.untreated_distress(
                screen_recorded_at=reported_at,
                now=now,
                action_taken=(patient_id, reported_at) in acted,
                t=t,
                screen_evidence=first.get("evidence"),
            )
            if finding is not None:
                items.append((patient_id, finding, (UNTREATED_SOURCE, pk), reported_at))
        with transaction.atomic():
            done = alerts_raise_bulk(items, now=now)
        counts["raised"] += done["raised"]
        counts["added"] += done["added"]
    return counts
