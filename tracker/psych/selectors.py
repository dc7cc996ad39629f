"""Reads for psychological support. Every staff-facing query is scoped with the accounts selectors."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tracker.accounts.models import PatientProfile
from tracker.accounts.selectors import scope_to_user
from tracker.alerts.models import ACTIVE_STATUSES, Alert, AlertTrigger
from tracker.alerts.services import UNTREATED_SOURCE
from tracker.core.vocab import SEVERITY_RANK, AlertStatus, Instrument, RuleCode
from tracker.psych.models import (
    AssignmentStatus,
    ContentDelivery,
    ProgrammeAssignment,
    Referral,
    ReferralContactAttempt,
    Screen,
    ScreenSchedule,
)

# Alerts whose resolution with an outcome counts as acting on a positive screen.
DISTRESS_RULES = (RuleCode.DISTRESS, RuleCode.SELF_HARM, RuleCode.UNTREATED_DISTRESS)

# The order questionnaires are offered in.
INSTRUMENT_ORDER = (Instrument.DISTRESS_THERMOMETER, Instrument.PHQ9, Instrument.GAD7)


# ------------------------------------------------------------------------------------------------
# Schedules: which questionnaires are due
# ------------------------------------------------------------------------------------------------


def default_screen_intervals() -> dict[str, int]:
    """Days between questionnaires when a patient has no schedule of their own (settings)."""
    configured = getattr(settings, "TRACKER_SCREEN_EVERY_DAYS", {}) or {}
    defaults = {Instrument.DISTRESS_THERMOMETER.value: 7, Instrument.PHQ9.value: 28, Instrument.GAD7.value: 28}
    return {instrument: int(configured.get(instrument, days)) for instrument, days in defaults.items()}


def screen_intervals_for(patient: PatientProfile) -> dict[str, int]:
    """{instrument: every_days} for one patient: their own schedule over the site defaults."""
    intervals = default_screen_intervals()
    intervals.update(dict(ScreenSchedule.objects.filter(patient=patient).values_list("instrument", "every_days")))
    return intervals


@dataclass(frozen=True)
class DueScreen:
    instrument: str
    due_on: date
    last_recorded_at: datetime | None

    @property
    def label(self) -> str:
        return str(Instrument(self.instrument).label)


def due_screens(
    *,
    intervals: Mapping[str, int],
    last_recorded: Mapping[str, datetime],
    enrolled_at: datetime,
    today: date,
) -> list[DueScreen]:
    """Pure: the questionnaires due on ``today``.

    A questionnaire is due from the day ``every_days`` after the last one was done (in the site's
    time zone), or from the day of enrolment when it has never been done. ``every_days`` 0 means
    not scheduled.
    """
    due = []
    for instrument in INSTRUMENT_ORDER:
        every = intervals.get(instrument, 0)
        if not every:
            continue
        last = last_recorded.get(instrument)
        due_on = timezone.localdate(last) + timedelta(days=every) if last else timezone.localdate(enrolled_at)
        if due_on <= today:
            due.append(DueScreen(instrument=instrument, due_on=due_on, last_recorded_at=last))
    return due


def screen_reminder_candidates(today: date) -> QuerySet[PatientProfile]:
    """Active patients who may have a questionnaire due on ``today``, found by the database.

    A superset of the patients :func:`due_screens` finds something due for, and a small one when most
    patients are up to date, so that the reminder job need not load everyone's screens. On the site's
    default schedule a questionnaire falls due ``every_days`` after the day it was last done, so it is
    not due while it has been done since the start of the day ``every_days - 1`` days before ``today``
    (in the site's time zone). A patient with a schedule of their own is always a candidate.
    """
    own_schedule = ScreenSchedule.objects.values("patient_id")
    active = PatientProfile.objects.filter(user__is_active=True)
    scheduled = {instrument: every for instrument, every in default_screen_intervals().items() if every}
    if not scheduled:
        return active.filter(pk__in=own_schedule)
    done_lately = Q()
    for instrument, every in scheduled.items():
        since = timezone.make_aware(datetime.combine(today - timedelta(days=every - 1), time.min))
        done_lately |= Q(instrument=instrument, recorded_at__gte=since)
    up_to_date = (
        Screen.objects.filter(done_lately)
        .values("patient_id")
        .annotate(done=Count("instrument", distinct=True))
        .filter(done=len(scheduled))
        .values("patient_id")
    )
    return active.filter(Q(pk__in=own_schedule) | ~Q(pk__in=up_to_date))


def last_screen_times(patient_ids: Iterable[int]) -> dict[int, dict[str, datetime]]:
    """{patient_id: {instrument: latest recorded_at}} in one grouped query."""
    rows = (
        Screen.objects.filter(patient_id__in=list(patient_ids))
        .values("patient_id", "instrument")
        .annotate(last=Max("recorded_at"))
        .order_by()
    )
    result: dict[int, dict[str, datetime]] = {}
    for row in rows:
        result.setdefault(row["patient_id"], {})[row["instrument"]] = row["last"]
    return result


def screens_due(patient: PatientProfile, today: date | None = None) -> list[DueScreen]:
    """The questionnaires this patient should fill in now (for their home page and the API)."""
    today = today or timezone.localdate()
    return due_screens(
        intervals=screen_intervals_for(patient),
        last_recorded=last_screen_times([patient.pk]).get(patient.pk, {}),
        enrolled_at=patient.enrolled_at,
        today=today,
    )


# ------------------------------------------------------------------------------------------------
# Screens
# ------------------------------------------------------------------------------------------------


def screens_of(patient: PatientProfile) -> QuerySet[Screen]:
    return Screen.objects.filter(patient=patient).order_by("-recorded_at", "-id")


def screen_for_patient(patient: PatientProfile, pk) -> Screen | None:
    return Screen.objects.filter(patient=patient, pk=pk).first()


# ------------------------------------------------------------------------------------------------
# Untreated distress: what stops the clock
# ------------------------------------------------------------------------------------------------


def distress_action_taken_since(patient, since: datetime) -> bool:
    """Whether the care team acted on distress at or after ``since`` (docs/clinical.md, ``untreated_distress``).

    Counts a referral for this patient whose first contact (``contacted_at``) is at or after ``since``.
    (The other qualifying action, resolving the distress alert with an outcome, lives in the alerts
    app.) ``patient`` may be a PatientProfile or its id. Registered with
    ``tracker.alerts.evaluation.register_distress_action_check`` in PsychConfig.ready(), which calls it
    as ``check(patient=..., since=...)`` from the ``untreated_distress`` job.
    """
    patient_id = getattr(patient, "pk", patient)
    return Referral.objects.filter(patient_id=patient_id, contacted_at__gte=since).exists()


def latest_contact_times(patient_ids: Iterable[int]) -> dict[int, datetime]:
    """{patient_id: latest referral contact time}: the bulk form of :func:`distress_action_taken_since`.

    A patient's positive screen recorded at ``t`` is acted on by a referral contact when
    ``latest_contact_times(...)[patient_id] >= t``. One grouped query for any number of patients.
    """
    rows = (
        Referral.objects.filter(patient_id__in=list(patient_ids), contacted_at__isnull=False)
        .values("patient_id")
        .annotate(last=Max("contacted_at"))
        .order_by()
    )
    return {row["patient_id"]: row["last"] for row in rows}


def _treated_expressions():
    contacted = Referral.objects.filter(patient_id=OuterRef("patient_id"), contacted_at__gte=OuterRef("recorded_at"))
    resolved = Alert.objects.filter(
        patient_id=OuterRef("patient_id"),
        rule__in=DISTRESS_RULES,
        status=AlertStatus.RESOLVED,
        resolved_at__gte=OuterRef("recorded_at"),
    ).exclude(outcome="")
    return Exists(contacted), Exists(resolved)


def flagged_screens(user) -> QuerySet[Screen]:
    """Positive screens (and PHQ-9 item 9 > 0) of the patients ``user`` may see, annotated with
    ``contacted`` / ``alert_resolved`` (what stopped the clock) and the latest referral's status."""
    contacted, resolved = _treated_expressions()
    latest_referral = Referral.objects.filter(patient_id=OuterRef("patient_id")).order_by("-created_at", "-id")
    queryset = Screen.objects.filter(Q(positive=True) | Q(self_harm=True)).select_related("patient__user")
    return scope_to_user(user, queryset).annotate(
        contacted=contacted,
        alert_resolved=resolved,
        referral_id=Subquery(latest_referral.values("pk")[:1]),
        referral_service=Subquery(latest_referral.values("service")[:1]),
        referral_created_at=Subquery(latest_referral.values("created_at")[:1]),
        referral_contacted_at=Subquery(latest_referral.values("contacted_at")[:1]),
    )


def distress_queue(user, *, waiting_only: bool = True, days: int = 30, now: datetime | None = None) -> QuerySet[Screen]:
    """The psychologist's queue: flagged screens with nothing done since, oldest first.

    With ``waiting_only=False``: every flagged screen of the last ``days`` days, newest first, with
    what was done about it.
    """
    queryset = flagged_screens(user)
    if waiting_only:
        return queryset.filter(contacted=False, alert_resolved=False).order_by("-self_harm", "recorded_at", "id")
    now = now or timezone.now()
    return queryset.filter(recorded_at__gte=now - timedelta(days=days)).order_by("-recorded_at", "-id")


def waiting_counts(user, patient_ids: Iterable[int]) -> dict[int, int]:
    """{patient_id: number of flagged screens with no action yet}, for these patients, in one query."""
    rows = (
        flagged_screens(user)
        .filter(patient_id__in=list(patient_ids), contacted=False, alert_resolved=False)
        .values("patient_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["patient_id"]: row["n"] for row in rows}


def waiting_summary(user) -> dict:
    """{"count", "oldest"} of the waiting queue, in one query."""
    return (
        flagged_screens(user)
        .filter(contacted=False, alert_resolved=False)
        .aggregate(count=Count("id"), oldest=Min("recorded_at"))
    )


# ------------------------------------------------------------------------------------------------
# Referrals
# ------------------------------------------------------------------------------------------------


def referrals_for(user, patient: PatientProfile | None = None) -> QuerySet[Referral]:
    queryset = scope_to_user(
        user,
        Referral.objects.select_related("created_by", "contact_recorded_by", "alert__acknowledged_by").prefetch_related(
            Prefetch("attempts", ReferralContactAttempt.objects.select_related("recorded_by"))
        ),
    )
    if patient is not None:
        queryset = queryset.filter(patient=patient)
    return queryset.order_by("-created_at", "-id")


SCREEN_SOURCE = "psych.screen"  # Screen._meta.label_lower, the source of its alerts' triggers


def referral_alerts(*, patient_id: int, alert_id: int | None = None, screen_id: int | None = None) -> list[Alert]:
    """The open or acknowledged distress alerts a referral acts on, most severe first.

    That is the alert it was made from, the ``distress`` / ``self_harm`` alerts of the questionnaire(s) behind
    it (one PHQ-9 may raise both: they are one report seen by two rules) and the ``untreated_distress`` alert
    that followed a ``distress`` one. Only this patient's alerts of the distress rules. Four queries at most.
    """
    alert_ids = {alert_id} if alert_id else set()
    screen_ids = {screen_id} if screen_id else set()
    if alert_id:
        sources = AlertTrigger.objects.filter(alert_id=alert_id, source_type=SCREEN_SOURCE)
        screen_ids |= set(sources.values_list("source_id", flat=True))
    if screen_ids:
        alert_ids |= set(
            AlertTrigger.objects.filter(
                source_type=SCREEN_SOURCE, source_id__in=screen_ids, rule__in=DISTRESS_RULES
            ).values_list("alert_id", flat=True)
        )
    if not alert_ids:
        return []
    alert_ids |= set(
        AlertTrigger.objects.filter(
            source_type=UNTREATED_SOURCE, source_id__in=alert_ids, rule=RuleCode.UNTREATED_DISTRESS
        ).values_list("alert_id", flat=True)
    )
    alerts = Alert.objects.filter(
        pk__in=alert_ids, patient_id=patient_id, rule__in=DISTRESS_RULES, status__in=ACTIVE_STATUSES
    ).select_related("patient")
    return sorted(alerts, key=lambda a: (SEVERITY_RANK[a.severity], a.pk))


def screen_alerts(screen_ids: Iterable[int]) -> dict[int, Alert]:
    """{screen_id: the most severe distress alert the screen raised or fed}, with who acknowledged and
    resolved it, in one query: the distress queue shows it next to the screen, as triage shows it."""
    triggers = AlertTrigger.objects.filter(
        source_type=SCREEN_SOURCE, source_id__in=list(screen_ids), rule__in=DISTRESS_RULES
    ).select_related("alert__acknowledged_by", "alert__resolved_by")
    found: dict[int, Alert] = {}
    for trigger in triggers:
        alert, current = trigger.alert, found.get(trigger.source_id)
        if current is None or (SEVERITY_RANK[alert.severity], alert.pk) < (SEVERITY_RANK[current.severity], current.pk):
            found[trigger.source_id] = alert
    return found


def get_referral_for(user, pk) -> Referral:
    from django.http import Http404

    try:
        queryset = Referral.objects.select_related("patient__user", "created_by").prefetch_related(
            Prefetch("attempts", ReferralContactAttempt.objects.select_related("recorded_by"))
        )
        return scope_to_user(user, queryset).get(pk=int(pk))
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404("No such referral.") from None


# ------------------------------------------------------------------------------------------------
# Support content
# ------------------------------------------------------------------------------------------------


def deliveries_of(patient: PatientProfile) -> QuerySet[ContentDelivery]:
    """Everything delivered to this patient, newest first."""
    return (
        ContentDelivery.objects.filter(patient=patient)
        .select_related("module", "assignment__programme")
        .order_by("-due_on", "-id")
    )


def content_due_today(patient: PatientProfile, today: date | None = None) -> list[ContentDelivery]:
    """Support content delivered on or before ``today`` and not yet marked done, oldest first.

    For the patient's "today" page (shown next to the day's exercises) and home panel. Each item has
    ``module`` loaded: ``item.module.title``, ``item.module.minutes``, ``item.module.kind``; link to it
    with ``reverse("psych:content_detail", args=[item.pk])``.
    """
    today = today or timezone.localdate()
    return list(
        ContentDelivery.objects.filter(patient=patient, completed_at__isnull=True, due_on__lte=today)
        .select_related("module")
        .order_by("due_on", "id")
    )


def delivery_for_patient(patient: PatientProfile, pk) -> ContentDelivery | None:
    return deliveries_of(patient).filter(pk=pk).first()


def assignments_of(patient: PatientProfile) -> QuerySet[ProgrammeAssignment]:
    """A patient's programmes with completion counts (one query)."""
    return (
        ProgrammeAssignment.objects.filter(patient=patient)
        .select_related("programme", "assigned_by")
        .annotate(
            module_count=Count("programme__items", distinct=True),
            delivered_count=Count("deliveries", distinct=True),
            done_count=Count("deliveries", filter=Q(deliveries__completed_at__isnull=False), distinct=True),
            helpful_count=Count("deliveries", filter=Q(deliveries__helpful=True), distinct=True),
            unhelpful_count=Count("deliveries", filter=Q(deliveries__helpful=False), distinct=True),
        )
        .order_by("-status", "-start_date", "-id")
    )


def active_assignment_counts(patient_ids: Iterable[int]) -> dict[int, int]:
    rows = (
        ProgrammeAssignment.objects.filter(patient_id__in=list(patient_ids), status=AssignmentStatus.ACTIVE)
        .values("patient_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["patient_id"]: row["n"] for row in rows}


def support_content_today(patient: PatientProfile, today: date) -> list[dict]:
    """The day's support sessions as the rehab app's "today" shows them (registered with
    tracker.core.panels.register_content_for_today)."""
    items = []
    for delivery in content_due_today(patient, today):
        try:
            url = reverse("psych:content_detail", args=[delivery.pk])
        except NoReverseMatch:
            url = ""
        module = delivery.module
        items.append(
            {
                "id": delivery.pk,
                "title": module.title,
                "kind": module.kind,
                "kind_label": module.get_kind_display(),
                "minutes": module.minutes,
                "due_on": delivery.due_on,
                "url": url,
            }
        )
    return items
