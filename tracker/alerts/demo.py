"""Demo alerts (settings.TRACKER_DEMO_SEEDERS; keep it after the apps that seed submissions).

Evaluates the histories the other seeders stored as not yet evaluated (exactly what the sweep would do),
then makes the result look like weeks of real use: each alert dated a few minutes after the report that
raised it, and those whose last report is older than three days acknowledged and resolved by someone on
the care team with an outcome and a note (late acknowledgements escalated first), so the triage queue
holds only recent alerts and the statistics page has something to show. Finally runs the untreated-distress
and missed-check-in rules. Safe to run twice: patients who already have alerts are left alone.
"""

from datetime import datetime, timedelta

from django.db.models import Q

from tracker.alerts.models import Alert, AlertEvent, AlertEventKind
from tracker.alerts.rules import ROUTING, escalation_interval, thresholds_from_settings
from tracker.alerts.services import untreated_distress_check
from tracker.core.jobs import run_job
from tracker.core.vocab import AlertStatus, Severity
from tracker.notifications.models import Notification

RESOLVE_OLDER_THAN = timedelta(days=3)

# What the team did, by rule: (outcome, note). Notes are the kind a nurse writes, with no names.
OUTCOMES = {
    "neuro_deficit": [
        ("urgent_mri", "Whole-spine MRI the same day; seen by the spinal team."),
        ("admitted", "Admitted for steroids and an urgent MRI."),
    ],
    "pain_escalation": [
        ("medication_changed", "Long-acting opioid dose increased; review in two days."),
        ("advised", "Phoned: pain after a long car journey, settling with breakthrough doses."),
        ("urgent_mri", "New night pain: MRI arranged to rule out progression."),
    ],
    "side_effect": [
        ("advised", "Skin-care advice given; radiotherapy team informed."),
        ("medication_changed", "Anti-sickness medicine changed."),
    ],
    "distress": [
        ("referred", "Referred to the psychology service; patient agreed."),
        ("advised", "Talked it through; patient has family support and knows how to reach us."),
    ],
    "self_harm": [("referred", "Same-day safety review by the psychologist; safety plan agreed.")],
    "untreated_distress": [("referred", "Psychology appointment booked.")],
    "missed_checkins": [
        ("no_action_needed", "On holiday with family; will restart check-ins on return."),
        ("advised", "Phone battery problem; reminded how to check in."),
    ],
    "exercise_pain": [("advised", "Exercise modified: fewer repetitions, no holds.")],
}
ACK_MINUTES = {Severity.EMERGENCY: (4, 25), Severity.URGENT: (20, 300), Severity.ROUTINE: (60, 3000)}


def _latest_report(alert: Alert) -> datetime:
    times = [datetime.fromisoformat(e["reported_at"]) for e in alert.evidence if e.get("reported_at")]
    return max(times) if times else alert.reported_at


def _responder(alert: Alert):
    from tracker.alerts.notify import team_members

    people = team_members(alert.patient_id, ROUTING.get(alert.rule, ())) or team_members(alert.patient_id)
    return people[0] if people else None


def _date_created(alert: Alert, rng) -> datetime:
    """Date the alert (and its events) as if the job had run a few minutes after each report."""
    created = alert.reported_at + timedelta(minutes=rng.randint(1, 4))
    AlertEvent.objects.filter(alert=alert, kind=AlertEventKind.CREATED).update(at=created)
    for event in AlertEvent.objects.filter(alert=alert, kind=AlertEventKind.RETRIGGERED):
        source = event.detail.get("source_id")
        entry = next((e for e in alert.evidence if e.get("source", {}).get("id") == source), None)
        if entry and entry.get("reported_at"):
            AlertEvent.objects.filter(pk=event.pk).update(at=datetime.fromisoformat(entry["reported_at"]))
    Alert.objects.filter(pk=alert.pk).update(created_at=created, updated_at=created)
    return created


def _resolve(alert: Alert, *, created: datetime, rng, t) -> bool:
    responder = _responder(alert)
    if responder is None:
        return False
    low, high = ACK_MINUTES[alert.severity]
    acknowledged_at = created + timedelta(minutes=rng.randint(low, high))
    resolved_at = acknowledged_at + timedelta(minutes=rng.randint(15, 240))
    interval = escalation_interval(alert.severity, t)
    outcome, note = rng.choice(OUTCOMES.get(alert.rule, [("advised", "Patient advised.")]))
    fields = {}
    times = []
    if acknowledged_at - created >= interval:
        fields.update(escalation_level=1, last_escalated_at=created + interval)
        times.append(
            (
                AlertEvent(alert=alert, kind=AlertEventKind.ESCALATED, detail={"level": 1, "tier": "care_team"}),
                created + interval,
            )
        )
    times += [
        (AlertEvent(alert=alert, kind=AlertEventKind.ACKNOWLEDGED, actor=responder), acknowledged_at),
        (
            AlertEvent(alert=alert, kind=AlertEventKind.RESOLVED, actor=responder, detail={"outcome": outcome}),
            resolved_at,
        ),
    ]
    for event, at in times:
        event.save()
        AlertEvent.objects.filter(pk=event.pk).update(at=at)
    Alert.objects.filter(pk=alert.pk).update(
        status=AlertStatus.RESOLVED,
        acknowledged_by=responder,
        acknowledged_at=acknowledged_at,
        resolved_by=responder,
        resolved_at=resolved_at,
        outcome=outcome,
        resolution_note=note,
        updated_at=resolved_at,
        **fields,
    )
    # Nobody needs a message today about something resolved weeks ago.
    Notification.objects.filter(Q(dedupe_key__startswith=f"alert-{alert.pk}-")).delete()
    return True


def _pending(patient_ids) -> list[tuple[datetime, str, int]]:
    from tracker.alerts.evaluation import evaluators

    rows = []
    for label, (model, _findings_for) in evaluators().items():
        rows += [
            (recorded_at, label, pk)
            for pk, recorded_at in model.objects.filter(
                patient_id__in=patient_ids, evaluated_at__isnull=True
            ).values_list("pk", "recorded_at")
        ]
    return sorted(rows)


def seed(*, patients, staff, now, rng) -> str:
    from tracker.alerts.services import submission_evaluate

    ids = [p.pk for p in patients]
    if Alert.objects.filter(patient_id__in=ids).exists():
        return "alerts already there"
    t = thresholds_from_settings()
    created_at: dict[int, datetime] = {}
    resolved = 0
    pending = _pending(ids)
    for recorded_at, label, pk in pending:
        # Alerts the team has had three quiet days to handle are resolved before this report arrives.
        for alert in Alert.objects.filter(patient_id__in=ids, status__in=["open", "acknowledged"]):
            if alert.pk not in created_at:
                created_at[alert.pk] = _date_created(alert, rng)
            if recorded_at - _latest_report(alert) > RESOLVE_OLDER_THAN:
                resolved += _resolve(alert, created=created_at[alert.pk], rng=rng, t=t)
        submission_evaluate(label=label, pk=pk)
    for alert in Alert.objects.filter(patient_id__in=ids, status__in=["open", "acknowledged"]):
        if alert.pk not in created_at:
            created_at[alert.pk] = _date_created(alert, rng)
        if now - _latest_report(alert) > RESOLVE_OLDER_THAN:
            resolved += _resolve(alert, created=created_at[alert.pk], rng=rng, t=t)
    untreated = untreated_distress_check(now=now)["raised"]
    missed = run_job("missed_checkins", now=now)  # the symptoms app's job, by its name in the registry
    return (
        f"{len(pending)} submissions evaluated: {len(created_at)} alerts ({resolved} resolved), "
        f"{untreated} untreated distress; missed check-ins: {missed}"
    )
