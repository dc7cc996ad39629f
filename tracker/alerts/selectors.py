"""Reads of alerts. Every page, endpoint and job that lists alerts for a person goes through here.

- :func:`alerts_visible_to` is THE scope for staff: the alerts of the patients whose care team they are
  on (all for admins), most severe and oldest first. Patients see no alert queue (they get their advice
  at the moment they report), so it is empty for them.
- :func:`alert_sources` and :func:`other_active_alert_ids` add, for a page of alerts at a fixed number of
  queries, the submissions that triggered each one and the patient's other unresolved alerts;
  :func:`with_latest_contact` adds the latest contact attempt to each row of a queue in the same query.
- :func:`patient_has_open_alert` answers "is there an unresolved alert of this rule" for other apps
  (rehab pauses a plan while a ``neuro_deficit`` alert is unresolved).
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Case, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404

from tracker.accounts.selectors import scope_to_user
from tracker.alerts.evaluation import evaluators
from tracker.alerts.models import ACTIVE_STATUSES, Alert, AlertContact, AlertEvent
from tracker.core.vocab import SEVERITY_RANK, STAFF_ROLES

# The API's name for each kind of submission that can trigger an alert (docs/api.md "Alerts", ``sources``). Sources of
# other kinds (a distress alert for untreated distress, the enrolment for missed check-ins) are clocks,
# not reports, and are not listed.
SOURCE_TYPES = {"symptoms.checkin": "checkin", "psych.screen": "screen", "rehab.exerciselog": "exercise_log"}
DEFAULT_REPORTED_VIA = "app"

SEVERITY_ORDER = Case(
    *[When(severity=severity, then=Value(rank)) for severity, rank in SEVERITY_RANK.items()],
    default=Value(len(SEVERITY_RANK)),
    output_field=IntegerField(),
)


def alerts_ordered(queryset: QuerySet[Alert]) -> QuerySet[Alert]:
    """Most severe first, then oldest first (docs/api.md "Alerts", the triage order)."""
    return queryset.annotate(severity_rank=SEVERITY_ORDER).order_by("severity_rank", "created_at", "id")


def alerts_visible_to(user) -> QuerySet[Alert]:
    """The alerts `user` may see: staff on the patient's care team, and admins; nobody else.

    Ordered most severe then oldest first, with the patient, its user and the acknowledging and
    resolving users joined in (so listing them costs one query).
    """
    if user is None or not user.is_authenticated or not user.is_active or user.role not in STAFF_ROLES:
        return Alert.objects.none()
    queryset = scope_to_user(user, Alert.objects.all()).select_related(
        "patient__user", "acknowledged_by", "resolved_by"
    )
    return alerts_ordered(queryset)


def alert_get_for(user, alert_id) -> Alert:
    """One alert if `user` may see it; 404 otherwise (never reveal that it exists)."""
    try:
        return alerts_visible_to(user).get(pk=int(alert_id))
    except (Alert.DoesNotExist, ValueError, TypeError):
        raise Http404("No such alert.") from None


def alert_events(alert: Alert) -> QuerySet[AlertEvent]:
    return AlertEvent.objects.filter(alert=alert).select_related("actor").order_by("at", "id")


def active_alert(patient, rule: str) -> Alert | None:
    """The unresolved (open or acknowledged) alert of this rule for this patient, if any."""
    return Alert.objects.filter(patient=patient, rule=rule, status__in=ACTIVE_STATUSES).first()


def patient_has_open_alert(patient, rule: str) -> bool:
    """Whether the patient has an unresolved alert of `rule` (open or acknowledged, not yet resolved).

    `patient` may be a PatientProfile or its id.
    """
    patient_id = getattr(patient, "pk", patient)
    return Alert.objects.filter(patient_id=patient_id, rule=rule, status__in=ACTIVE_STATUSES).exists()


def patients_with_open_alert(patient_ids, rule: str) -> set[int]:
    """Of these patient ids, the ones with an unresolved alert of `rule` (one query, for lists)."""
    return set(
        Alert.objects.filter(patient_id__in=list(patient_ids), rule=rule, status__in=ACTIVE_STATUSES).values_list(
            "patient_id", flat=True
        )
    )


def open_alerts_q() -> Q:
    return Q(status__in=ACTIVE_STATUSES)


# --------------------------------------------------------------------------------------------------
# What triggered an alert, the patient's other alerts, and the contact log
# --------------------------------------------------------------------------------------------------


def _reporter(submission) -> dict:
    """Who sent a submission: whoever entered it (a ``reported_by`` user, when the model records one),
    else the patient through the app."""
    user = getattr(submission, "reported_by", None) or submission.patient.user
    return {"role": user.role, "display_name": user.display_name}


def alert_sources(alerts: Iterable[Alert]) -> dict[int, list[dict]]:
    """For each alert id, every submission that triggered it, newest first, as docs/api.md's ``sources`` items.

    Read from the alerts' evidence (one entry per trigger) and the registered submission models: one
    query per kind of submission present, whatever the number of alerts.
    """
    alerts = list(alerts)
    wanted: dict[str, set[int]] = defaultdict(set)
    for alert in alerts:
        for entry in alert.evidence or []:
            source = entry.get("source") if isinstance(entry, dict) else None
            if isinstance(source, dict) and source.get("type") in SOURCE_TYPES and source.get("id") is not None:
                wanted[source["type"]].add(int(source["id"]))
    registry = evaluators()
    loaded: dict[tuple[str, int], object] = {}
    for label, ids in wanted.items():
        if label not in registry:
            continue
        model = registry[label][0]
        related = ["patient__user"]
        if any(f.name == "reported_by" and f.is_relation for f in model._meta.get_fields()):
            related.append("reported_by")
        for submission in model.objects.filter(pk__in=ids).select_related(*related):
            loaded[(label, submission.pk)] = submission
    result: dict[int, list[dict]] = {}
    for alert in alerts:
        items, seen = [], set()
        for entry in alert.evidence or []:
            source = entry.get("source") if isinstance(entry, dict) else None
            if not isinstance(source, dict):
                continue
            key = (source.get("type"), int(source.get("id") or 0))
            submission = loaded.get(key)
            if submission is None or key in seen:
                continue
            seen.add(key)
            items.append(
                {
                    "type": SOURCE_TYPES[key[0]],
                    "id": submission.pk,
                    "recorded_at": submission.recorded_at,
                    "note": getattr(submission, "note", "") or "",
                    "reported_by": _reporter(submission),
                    "reported_via": getattr(submission, "reported_via", "") or DEFAULT_REPORTED_VIA,
                }
            )
        items.sort(key=lambda item: (item["recorded_at"], item["id"]), reverse=True)
        result[alert.pk] = items
    return result


def other_active_alert_ids(alerts: Iterable[Alert]) -> dict[int, list[int]]:
    """For each alert id, the ids of the same patient's other open or acknowledged alerts (one query)."""
    alerts = list(alerts)
    by_patient: dict[int, list[int]] = defaultdict(list)
    rows = (
        Alert.objects.filter(patient_id__in={a.patient_id for a in alerts}, status__in=ACTIVE_STATUSES)
        .order_by("id")
        .values_list("patient_id", "id")
    )
    for patient_id, alert_id in rows:
        by_patient[patient_id].append(alert_id)
    return {a.pk: [pk for pk in by_patient[a.patient_id] if pk != a.pk] for a in alerts}


def other_active_alerts(alert: Alert) -> QuerySet[Alert]:
    """The patient's other open or acknowledged alerts, most severe and oldest first (for the alert page)."""
    return alerts_ordered(
        Alert.objects.filter(patient_id=alert.patient_id, status__in=ACTIVE_STATUSES).exclude(pk=alert.pk)
    )


def alert_contacts(alert: Alert) -> QuerySet[AlertContact]:
    """The care team's contact attempts for this alert, newest first."""
    return AlertContact.objects.filter(alert=alert).select_related("by").order_by("-at", "-id")


def with_latest_contact(queryset: QuerySet[Alert]) -> QuerySet[Alert]:
    """Annotate each alert with its latest contact attempt (``latest_contact_at``, ``_method``,
    ``_result``), as subqueries of the same query: a queue of any length still costs one query."""
    latest = AlertContact.objects.filter(alert=OuterRef("pk")).order_by("-at", "-id")
    return queryset.annotate(
        latest_contact_at=Subquery(latest.values("at")[:1]),
        latest_contact_method=Subquery(latest.values("method")[:1]),
        latest_contact_result=Subquery(latest.values("result")[:1]),
    )
