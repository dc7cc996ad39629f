"""Reads of check-ins: history for the rules, the patient's due status, lists for pages and the API.

Every function takes an already-authorised patient (from `tracker.accounts.selectors`); none of them
decides who may see what.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from tracker.accounts.models import PatientProfile
from tracker.accounts.selectors import scope_to_user
from tracker.alerts.models import ACTIVE_STATUSES, Alert
from tracker.alerts.raised_by import CLOCK_RULES
from tracker.alerts.rules import Thresholds, thresholds_from_settings
from tracker.core.vocab import AlertStatus, CheckinSchedule, Severity
from tracker.symptoms.models import FACT_FIELDS, SECTION_ANSWERED, CheckIn, checkin_facts
from tracker.symptoms.rules import SECTIONS, CheckInFacts

# A weekly check-in is due again this many local days after the last one.
WEEKLY_PERIOD_DAYS = 7


def checkins_of(patient: PatientProfile) -> QuerySet[CheckIn]:
    """A patient's check-ins, newest `recorded_at` first (served by the patient + recorded_at index)."""
    return CheckIn.objects.filter(patient=patient).order_by("-recorded_at", "-id")


def recent_checkins(patient: PatientProfile, n: int) -> list[CheckIn]:
    """The patient's last `n` check-ins, newest first (the alert page's, registered with tracker.alerts)."""
    return list(checkins_of(patient)[:n])


def checkins_count(user, start: datetime, end: datetime) -> int:
    """How many check-ins of the patients `user` may see were made in [start, end) (the alert statistics')."""
    return scope_to_user(user, CheckIn.objects.filter(recorded_at__gte=start, recorded_at__lt=end)).count()


def checkin_history_facts(
    patient: PatientProfile | int, *, before: datetime, thresholds: Thresholds | None = None
) -> list[CheckInFacts]:
    """The earlier check-ins the check-in rules need, as facts, oldest first.

    That is every check-in recorded in the `pain_baseline_days` (7) days before `before` (the pain
    baseline window of `tracker.symptoms.rules.pain_baseline`) plus the latest one before `before` even
    when it is older than that (the "previous check-in"). Pass the result as `earlier` to
    `tracker.symptoms.rules.evaluate_checkin(current, earlier, t)`. `patient` may be a profile or its id.

    Check-ins may leave out sections, and each rule compares with the latest earlier check-in that
    answered its section: so for a section that none of those rows answered, the latest check-in that
    did is added too (one more query per such section, none in the usual case).
    One query, two when the window is empty; only the columns the rules read, no model instances.
    """
    t = thresholds or thresholds_from_settings()
    earlier = (
        CheckIn.objects.filter(patient=patient, recorded_at__lt=before)
        .order_by("-recorded_at", "-id")
        .values(*FACT_FIELDS)
    )
    window = list(earlier.filter(recorded_at__gte=before - timedelta(days=t.pain_baseline_days)))
    if not window:
        window = list(earlier[:1])
    facts = [checkin_facts(row) for row in reversed(window)]
    further_back = []  # all older than `facts` (which hold the latest check-in before `before`)
    if facts:  # with no check-in at all before this one, there is nothing further back either
        for section in SECTIONS:
            if not any(fact.answered(section) for fact in facts):
                row = earlier.filter(**SECTION_ANSWERED[section]).first()
                if row is not None and all(row["recorded_at"] != f.recorded_at for f in further_back):
                    further_back.append(checkin_facts(row))
    return [*sorted(further_back, key=lambda fact: fact.recorded_at), *facts]


def checkins_between(patient: PatientProfile, *, start: datetime, end: datetime | None = None) -> list[CheckIn]:
    """Check-ins recorded in [start, end), oldest first: what the charts draw."""
    rows = CheckIn.objects.filter(patient=patient, recorded_at__gte=start)
    if end is not None:
        rows = rows.filter(recorded_at__lt=end)
    return list(rows.order_by("recorded_at", "id"))


# --------------------------------------------------------------------------------------------------
# Schedule: is a check-in due?
# --------------------------------------------------------------------------------------------------


def local_day_start(day: date) -> datetime:
    """Midnight at the start of `day` in the site's time zone (settings.TIME_ZONE), as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def checkin_period_start(*, schedule: str, now: datetime) -> datetime:
    """The start of the check-in period that contains `now`, in the site's time zone.

    Daily: today's local midnight (a check-in is due each local day). Weekly: local midnight six days
    ago, so a check-in is due again on the seventh local day after the last one. A check-in recorded at
    or after this moment means the period's check-in is done; a reminder sent at or after it means the
    period's reminder went out.
    """
    today = timezone.localtime(now).date()
    if schedule == CheckinSchedule.WEEKLY:
        return local_day_start(today - timedelta(days=WEEKLY_PERIOD_DAYS - 1))
    return local_day_start(today)


@dataclass(frozen=True)
class CheckinStatus:
    schedule: str
    due: bool
    last_recorded_at: datetime | None
    next_due: date | None  # the local day the next check-in is due, when one is not due now


def checkin_status(patient: PatientProfile, *, now: datetime | None = None) -> CheckinStatus:
    """Whether the patient's scheduled check-in is due now, for the home panel. One query."""
    now = now or timezone.now()
    schedule = patient.checkin_schedule
    last = (
        checkins_of(patient)
        .filter(recorded_at__lte=now + timedelta(minutes=5))
        .values_list("recorded_at", flat=True)[:1]
    )
    last_recorded_at = last[0] if last else None
    start = checkin_period_start(schedule=schedule, now=now)
    due = last_recorded_at is None or last_recorded_at < start
    next_due = None
    if not due:
        last_day = timezone.localtime(last_recorded_at).date()
        days = WEEKLY_PERIOD_DAYS if schedule == CheckinSchedule.WEEKLY else 1
        next_due = last_day + timedelta(days=days)
    return CheckinStatus(schedule=schedule, due=due, last_recorded_at=last_recorded_at, next_due=next_due)


# --------------------------------------------------------------------------------------------------
# The care team's answer, for the patient's home page
# --------------------------------------------------------------------------------------------------

# How long after it was resolved the home page still says who saw a report.
SEEN_SHOWN_FOR = timedelta(hours=24)


@dataclass(frozen=True)
class CareTeamAnswer:
    """What the home page says about the alerts the patient's check-ins raised.

    `waiting`: emergency or urgent alerts no clinician has acknowledged yet (the call-now card stays);
    `seen`: the latest such alert a clinician acknowledged, unresolved or resolved in the last day.
    """

    waiting: list[Alert]
    seen: Alert | None

    @property
    def level(self) -> str | None:
        """The most severe waiting alert's severity (emergency before urgent), or None."""
        severities = {alert.severity for alert in self.waiting}
        for severity in (Severity.EMERGENCY, Severity.URGENT):
            if severity in severities:
                return severity
        return None


def care_team_answer(patient: PatientProfile, *, now: datetime | None = None) -> CareTeamAnswer:
    """The emergency and urgent alerts the patient's check-ins raised, as the home page tells them. One query."""
    now = now or timezone.now()
    alerts = list(
        Alert.objects.filter(
            patient=patient,
            severity__in=(Severity.EMERGENCY, Severity.URGENT),
            triggers__source_type=CheckIn._meta.label_lower,
        )
        .exclude(rule__in=CLOCK_RULES)
        .filter(Q(status__in=ACTIVE_STATUSES) | Q(resolved_at__gte=now - SEEN_SHOWN_FOR))
        .select_related("acknowledged_by")
        .distinct()
        .order_by("-reported_at", "-id")
    )
    waiting = [alert for alert in alerts if alert.status == AlertStatus.OPEN]
    seen = max(
        (alert for alert in alerts if alert.acknowledged_at is not None),
        key=lambda alert: alert.acknowledged_at,
        default=None,
    )
    return CareTeamAnswer(waiting=waiting, seen=seen)
