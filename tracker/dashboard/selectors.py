"""Reads for the care-team workspace. Every query starts from the access selectors.

Query shapes are fixed whatever the number of patients or alerts:
- triage queue: one page query (alerts joined to patient, user and acknowledger) plus the paginator's count;
- triage counts: one aggregate;
- panel: one page query whose per-patient columns are correlated subqueries on indexed columns, plus the
  paginator's count, plus one query for the page's 14 days of pain (the sparklines).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from tracker.accounts.selectors import patients_visible_to
from tracker.alerts.models import ACTIVE_STATUSES, Alert
from tracker.alerts.rules import ROUTING
from tracker.alerts.selectors import alerts_visible_to, with_latest_contact
from tracker.core.vocab import AlertStatus, Instrument, Role, RuleCode, Severity
from tracker.psych.models import Referral, Screen
from tracker.symptoms.models import CheckIn

SPARKLINE_DAYS = 14


# --------------------------------------------------------------------------------------------------
# What each role's workspace shows
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Workspace:
    """The slice of the workspace a role handles.

    ``rules`` is the alert rules routed to the role (docs/clinical.md "Alert lifecycle", routing; None = every rule,
    for physicians and admins); ``columns`` the panel columns it sees.
    """

    rules: tuple[str, ...] | None
    columns: frozenset[str]

    def shows(self, column: str) -> bool:
        return column in self.columns


_ALL_COLUMNS = frozenset({"checkin", "pain", "alerts", "distress", "referrals", "adherence"})
_COLUMNS_BY_ROLE = {
    Role.NURSE: frozenset({"checkin", "pain", "alerts", "distress", "adherence"}),
    Role.THERAPIST: frozenset({"checkin", "pain", "alerts", "adherence"}),
    Role.PSYCHOLOGIST: frozenset({"checkin", "alerts", "distress", "referrals"}),
}


def workspace_for(user) -> Workspace:
    if user.role in (Role.PHYSICIAN, Role.ADMIN):
        return Workspace(rules=None, columns=_ALL_COLUMNS)
    rules = tuple(rule for rule, roles in ROUTING.items() if user.role in roles)
    return Workspace(rules=rules, columns=_COLUMNS_BY_ROLE.get(user.role, _ALL_COLUMNS))


def rule_choices_for(user) -> list[tuple[str, str]]:
    rules = workspace_for(user).rules
    return [(value, label) for value, label in RuleCode.choices if rules is None or value in rules]


# --------------------------------------------------------------------------------------------------
# Triage queue
# --------------------------------------------------------------------------------------------------


def _active_alerts_for(user) -> QuerySet[Alert]:
    alerts = alerts_visible_to(user).filter(status__in=ACTIVE_STATUSES)
    rules = workspace_for(user).rules
    if rules is not None:
        alerts = alerts.filter(rule__in=rules)
    return alerts


_NAME = ("first_name", "last_name", "username")
_TRIAGE_COLUMNS = (
    "patient_id",
    "rule",
    "severity",
    "status",
    "summary",
    "created_at",
    "reported_at",
    "escalation_level",
    "acknowledged_at",
    *(f"acknowledged_by__{field}" for field in _NAME),
    *(f"patient__user__{field}" for field in _NAME),
)


def triage_queue(
    user, *, severity: str | None = None, rule: str | None = None, status: str | None = None
) -> QuerySet[Alert]:
    """Open and acknowledged alerts of the user's patients that the user's role handles.

    Emergency first, then urgent, then routine; oldest first within each (the alerts app's order, the
    same as the API's), with the patient, the people and the latest contact attempt ("Called, no answer")
    joined in: one query for a page.
    """
    alerts = with_latest_contact(
        _active_alerts_for(user)
        # Active alerts have no resolver; a row needs only these columns (the tests count the queries,
        # so a template reaching for a deferred one fails them).
        .select_related(None)
        .select_related("patient__user", "acknowledged_by")
        .only(*_TRIAGE_COLUMNS)
    )
    if severity:
        alerts = alerts.filter(severity=severity)
    if rule:
        alerts = alerts.filter(rule=rule)
    if status:
        alerts = alerts.filter(status=status)
    return alerts


def triage_counts(user) -> dict[str, int]:
    """How many alerts wait in the user's queue, by severity and status: numbers only, no health data.

    ``newest`` is the highest alert id in the queue, so a poll can tell that the queue changed even when
    the total did not (one resolved while another arrived).
    """
    counts = _active_alerts_for(user).aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(status=AlertStatus.OPEN)),
        emergency=Count("id", filter=Q(severity=Severity.EMERGENCY)),
        urgent=Count("id", filter=Q(severity=Severity.URGENT)),
        routine=Count("id", filter=Q(severity=Severity.ROUTINE)),
        newest=Max("id"),
    )
    counts["newest"] = counts["newest"] or 0
    return counts


# --------------------------------------------------------------------------------------------------
# Panel
# --------------------------------------------------------------------------------------------------

# sort key -> the annotations to order by (nulls last in both directions). Adherence is computed in
# Python by the rehab app's rules, so the panel sorts by it outside the database (see panel.panel_page).
PANEL_SORTS = {
    "name": ("user__last_name", "user__first_name"),
    "checkin": ("last_checkin_at",),
    "pain": ("latest_pain",),
    "alerts": ("open_alerts",),
    "distress": ("latest_distress",),
    "referrals": ("referrals_waiting",),
    "adherence": (),
}


def _latest(queryset: QuerySet, field: str) -> Subquery:
    """The newest row's ``field`` for the outer patient (answered from the (patient, recorded_at) indexes)."""
    return Subquery(queryset.filter(patient=OuterRef("pk")).order_by("-recorded_at", "-id").values(field)[:1])


def _count(queryset: QuerySet) -> Coalesce:
    """How many rows of ``queryset`` (already filtered on the outer patient) there are, as a subquery."""
    return Coalesce(Subquery(queryset.order_by().values("patient").annotate(n=Count("id")).values("n")[:1]), Value(0))


def panel_patients(user, *, search: str = "", sort: str = "name", descending: bool = False) -> QuerySet:
    """The user's patients with the panel's columns as annotations: one query for a page, no per-row queries.

    Each column is a correlated subquery on an indexed (patient, time) pair, so the cost grows with the
    number of patients on the page, not with the length of their history. The user's role picks which
    alerts count (the rules routed to it) and which of the distress and referral columns are computed at all.
    """
    workspace = workspace_for(user)
    patients = patients_visible_to(user)
    for term in search.split()[:5]:
        patients = patients.filter(Q(user__first_name__icontains=term) | Q(user__last_name__icontains=term))
    active = Alert.objects.filter(patient=OuterRef("pk"), status__in=ACTIVE_STATUSES)
    if workspace.rules is not None:
        active = active.filter(rule__in=workspace.rules)
    checkins = CheckIn.objects.all()
    patients = patients.annotate(
        last_checkin_at=_latest(checkins, "recorded_at"),
        latest_pain=_latest(checkins.filter(pain_worst_24h__isnull=False), "pain_worst_24h"),  # pain answered
        open_alerts=_count(active),
        has_emergency=Exists(active.filter(severity=Severity.EMERGENCY)),
    )
    if workspace.shows("distress"):
        distress = Screen.objects.filter(instrument=Instrument.DISTRESS_THERMOMETER)
        patients = patients.annotate(latest_distress=_latest(distress, "total"))
    if workspace.shows("referrals"):
        waiting = Referral.objects.filter(patient=OuterRef("pk"), contacted_at__isnull=True)
        patients = patients.annotate(referrals_waiting=_count(waiting))
    if sort not in PANEL_SORTS or (sort != "name" and not workspace.shows(sort)):
        sort = "name"
    fields = PANEL_SORTS[sort] or PANEL_SORTS["name"]
    order = [F(f).desc(nulls_last=True) if descending else F(f).asc(nulls_last=True) for f in fields]
    return patients.order_by(*order, "user__last_name", "user__first_name", "id")


def pain_points(patient_ids: list[int], *, now: datetime, days: int = SPARKLINE_DAYS) -> dict[int, list]:
    """Worst-pain-in-24h points of the last ``days`` days for these patients, oldest first, in one query."""
    rows = (
        CheckIn.objects.filter(
            patient_id__in=patient_ids, recorded_at__gte=now - timedelta(days=days), pain_worst_24h__isnull=False
        )
        .order_by("patient_id", "recorded_at", "id")
        .values_list("patient_id", "recorded_at", "pain_worst_24h")
    )
    points: dict[int, list] = defaultdict(list)
    for patient_id, recorded_at, pain in rows:
        points[patient_id].append((recorded_at, pain))
    return points
