"""One patient's timeline: what happened in a period, for the charts and the newest-first feed.

Takes a patient already authorised by ``get_patient_for``. A fixed number of queries whatever the period
or the history: check-ins, screens, alerts (and their events), referrals, exercise logs, exercise pain and
the rehab app's weekly adherence (five).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from tracker.accounts.models import PatientProfile
from tracker.alerts.models import ACTIVE_STATUSES, Alert, AlertEvent
from tracker.alerts.selectors import with_latest_contact
from tracker.core.vocab import (
    Bladder,
    Bowel,
    Limb,
    NumbnessSite,
    PainSite,
    SideEffect,
    SideEffectSeverity,
    WeaknessLevel,
)
from tracker.psych.models import Referral, Screen
from tracker.rehab.selectors import adherence_for_patients, exercise_pain_points, logs_of
from tracker.symptoms.models import CheckIn

FEED_LIMIT_PER_KIND = 500


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime
    days: int
    last_day: date


def period_ending(*, days: int, last_day: date | None) -> Period:
    """The ``days`` local days ending with ``last_day`` (today when None), as aware datetimes [start, end)."""
    tz = timezone.get_current_timezone()
    last = last_day or timezone.localdate()
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min), tz)
    start = timezone.make_aware(datetime.combine(last - timedelta(days=days - 1), time.min), tz)
    return Period(start=start, end=end, days=days, last_day=last)


@dataclass(frozen=True)
class Entry:
    """One row of the feed: ``kind`` picks its template (dashboard/feed/<kind>.html)."""

    kind: str
    at: datetime
    item: object


@dataclass
class Timeline:
    checkins: list = field(default_factory=list)  # oldest first, for the charts
    screens: list = field(default_factory=list)  # oldest first
    alerts: list = field(default_factory=list)  # created in the period, or still unresolved; newest first
    referrals: list = field(default_factory=list)
    exercise_logs: list = field(default_factory=list)
    exercise_pain: list = field(default_factory=list)  # rehab PainPoint, oldest first
    adherence: list = field(default_factory=list)  # rehab WeekAdherence, oldest week first

    @property
    def active_alerts(self) -> list:
        return [a for a in self.alerts if a.status in ACTIVE_STATUSES]

    def feed(self) -> list[Entry]:
        """Everything in the period, newest first."""
        entries = [Entry("checkin", c.recorded_at, {"checkin": c, "facts": describe_checkin(c)}) for c in self.checkins]
        entries += [Entry("screen", s.recorded_at, s) for s in self.screens]
        entries += [Entry("alert", a.created_at, a) for a in self.alerts]
        entries += [Entry("referral", r.created_at, r) for r in self.referrals]
        entries += [Entry("exercise_log", log.recorded_at, log) for log in self.exercise_logs]
        entries.sort(key=lambda e: e.at, reverse=True)
        return entries


def timeline_for(patient: PatientProfile, period: Period) -> Timeline:
    """Everything the timeline shows for one patient and period."""
    in_period = {"recorded_at__gte": period.start, "recorded_at__lt": period.end}
    timeline = Timeline()
    timeline.checkins = list(
        CheckIn.objects.filter(patient=patient, **in_period).order_by("recorded_at", "id")[:FEED_LIMIT_PER_KIND]
    )
    timeline.screens = list(
        Screen.objects.filter(patient=patient, **in_period).order_by("recorded_at", "id")[:FEED_LIMIT_PER_KIND]
    )
    events = AlertEvent.objects.select_related("actor").order_by("at", "id")
    timeline.alerts = list(
        with_latest_contact(Alert.objects.filter(patient=patient))
        .filter(Q(created_at__gte=period.start, created_at__lt=period.end) | Q(status__in=ACTIVE_STATUSES))
        .select_related("patient__user", "acknowledged_by", "resolved_by")
        .prefetch_related(Prefetch("events", queryset=events))
        .order_by("-created_at", "-id")[:FEED_LIMIT_PER_KIND]
    )
    timeline.referrals = list(
        Referral.objects.filter(patient=patient)
        .filter(
            Q(created_at__gte=period.start, created_at__lt=period.end)
            | Q(contacted_at__gte=period.start, contacted_at__lt=period.end)
        )
        .select_related("created_by", "contact_recorded_by")
        .order_by("-created_at", "-id")[:FEED_LIMIT_PER_KIND]
    )
    timeline.exercise_logs = list(logs_of([patient.pk]).filter(**in_period)[:FEED_LIMIT_PER_KIND])
    timeline.exercise_pain = [
        point
        for point in exercise_pain_points(patient, since=timezone.localdate(period.start))
        if point.recorded_at < period.end
    ]
    weeks = (period.days + 6) // 7 + 1
    timeline.adherence = adherence_for_patients([patient.pk], today=period.last_day, weeks=weeks)[patient.pk]
    return timeline


def describe_checkin(checkin: CheckIn) -> list[tuple[str, str]]:
    """A check-in as (heading, plain words) pairs, leaving out what was normal."""
    labels = {
        "limb": dict(Limb.choices),
        "weakness": dict(WeaknessLevel.choices),
        "numbness": dict(NumbnessSite.choices),
        "site": dict(PainSite.choices),
        "side_effect": dict(SideEffect.choices),
        "severity": dict(SideEffectSeverity.choices),
    }
    pain = gettext("%(now)s now, %(worst)s at worst in 24 hours") % {
        "now": checkin.pain_now,
        "worst": checkin.pain_worst_24h,
    }
    extras = []
    if checkin.pain_sites:
        extras.append(", ".join(str(labels["site"].get(s, s)) for s in checkin.pain_sites))
    if checkin.night_pain:
        extras.append(gettext("stops sleep at night"))
    if checkin.worse_with_straining:
        extras.append(gettext("worse on coughing or straining"))
    if checkin.breakthrough_doses:
        extras.append(
            ngettext("%(n)s extra dose", "%(n)s extra doses", checkin.breakthrough_doses)
            % {"n": checkin.breakthrough_doses}
        )
    not_answered = gettext("Not answered")
    rows = [(gettext("Pain"), "; ".join([pain, *extras]) if checkin.pain_now is not None else not_answered)]
    if not checkin.neuro_answered:
        rows.append((gettext("Weakness, feeling, walking, bladder and bowels"), not_answered))
    if checkin.weakness:
        rows.append(
            (
                gettext("Weakness"),
                "; ".join(
                    f"{labels['limb'].get(limb, limb)}: {labels['weakness'].get(level, level)}"
                    for limb, level in checkin.weakness.items()
                ),
            )
        )
    if checkin.numbness:
        rows.append(
            (gettext("Numbness or tingling"), ", ".join(str(labels["numbness"].get(s, s)) for s in checkin.numbness))
        )
    walking = str(checkin.get_walking_display())
    if checkin.falls:
        walking += "; " + ngettext("%(n)s fall", "%(n)s falls", checkin.falls) % {"n": checkin.falls}
    if checkin.neuro_answered:
        rows.append((gettext("Walking"), walking))
    if checkin.bladder != Bladder.NORMAL:
        rows.append((gettext("Bladder"), str(checkin.get_bladder_display())))
    if checkin.bowel != Bowel.NORMAL:
        rows.append((gettext("Bowels"), str(checkin.get_bowel_display())))
    effects = [
        f"{labels['side_effect'].get(name, name)}: {labels['severity'].get(value, value)}"
        for name, value in checkin.side_effects.items()
        if value
    ]
    if effects:
        rows.append((gettext("Side effects"), "; ".join(effects)))
    elif not checkin.side_effects_answered:
        rows.append((gettext("Side effects"), not_answered))
    return rows
