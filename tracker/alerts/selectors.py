"""Reads of alerts. Every page, endpoint and job that lists alerts for a person goes through here.

- :func:`alerts_visible_to` is THE scope for staff: the alerts of the patients whose care team they are
  on (all for admins), most severe and oldest first. Patients see no alert queue (they get their advice
  at the moment they report), so it is empty for them.
- :func:`patient_has_open_alert` answers "is there an unresolved alert of this rule" for other apps
  (rehab pauses a plan while a ``neuro_deficit`` alert is unresolved).
"""

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from tracker.accounts.selectors import scope_to_user
from tracker.alerts.models import ACTIVE_STATUSES, Alert, AlertEvent
from tracker.core.vocab import SEVERITY_RANK, STAFF_ROLES

SEVERITY_ORDER = Case(
    *[When(severity=severity, then=Value(rank)) for severity, rank in SEVERITY_RANK.items()],
    default=Value(len(SEVERITY_RANK)),
    output_field=IntegerField(),
)


def alerts_ordered(queryset: QuerySet[Alert]) -> QuerySet[Alert]:
    """Most severe first, then oldest first (API.md "Alerts", the triage order)."""
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
