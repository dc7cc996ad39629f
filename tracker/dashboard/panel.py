"""One page of the panel: the annotated patients of the page, their sparklines and this week's adherence.

Queries for a page, whatever the number of patients: the page and the paginator's count, one for the
page's 14 days of pain, and the rehab app's five for adherence. Sorting by adherence (computed in Python
from the plans) first ranks every matching patient's id in those same five queries plus one for the ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.paginator import Page, Paginator
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from tracker.accounts.models import PatientProfile
from tracker.alerts.rules import Thresholds
from tracker.dashboard.selectors import SPARKLINE_DAYS, pain_points, panel_patients, workspace_for
from tracker.dashboard.trends import Direction, Trend, pain_trend, sparkline_svg, trend_words
from tracker.rehab.selectors import adherence_for_patients
from tracker.symptoms.rules import missed_checkins


@dataclass(frozen=True)
class PanelRow:
    patient: PatientProfile
    last_checkin_at: datetime | None
    missed: bool
    latest_pain: int | None
    pain_severe: bool
    trend: Trend
    trend_words: str  # what the arrow measures, for its title and screen readers
    sparkline: SafeString
    open_alerts: int
    has_emergency: bool
    latest_distress: int | None
    distress_positive: bool
    referrals_waiting: int | None
    adherence_percent: int | None


def _trend_label(trend: Trend) -> str:
    if trend.direction == Direction.UNKNOWN:
        return gettext("Pain over %(days)s days: too few check-ins to show a direction.") % {"days": SPARKLINE_DAYS}
    return gettext("Pain over %(days)s days: %(count)s check-ins, from %(first)s to %(last)s, %(direction)s.") % {
        "days": SPARKLINE_DAYS,
        "count": trend.count,
        "first": trend.first,
        "last": trend.last,
        "direction": str(trend.direction.label).lower(),
    }


def adherence_this_week(patient_ids: list[int], *, today) -> dict[int, int | None]:
    """Percent of this week's prescribed exercises done so far, per patient (None: nothing prescribed)."""
    weeks = adherence_for_patients(patient_ids, today=today, weeks=1)
    return {pk: (weeks[pk][-1].percent if weeks.get(pk) else None) for pk in patient_ids}


def panel_page(
    user, *, search: str, sort: str, descending: bool, page_number, now: datetime, thresholds: Thresholds, per_page: int
) -> tuple[Page, list[PanelRow]]:
    """The requested page of the user's panel and its rows."""
    workspace = workspace_for(user)
    with_adherence = workspace.shows("adherence")
    patients = panel_patients(user, search=search, sort=sort, descending=descending)
    today = timezone.localdate(now)
    if sort == "adherence" and with_adherence:
        ids = list(patients.values_list("pk", flat=True))  # in name order
        adherence = adherence_this_week(ids, today=today)
        # No plan sorts last either way; ties keep name order (sorted() is stable).
        ids.sort(key=lambda pk: (adherence[pk] is None, -(adherence[pk] or 0) if descending else adherence[pk] or 0))
        page = Paginator(ids, per_page).get_page(page_number)
        by_id = {p.pk: p for p in patients.filter(pk__in=list(page.object_list))}
        page_patients = [by_id[pk] for pk in page.object_list if pk in by_id]
    else:
        page = Paginator(patients, per_page).get_page(page_number)
        page_patients = list(page.object_list)
        adherence = adherence_this_week([p.pk for p in page_patients], today=today) if with_adherence else {}
    return page, panel_rows(page_patients, now=now, thresholds=thresholds, adherence=adherence)


def panel_rows(
    patients: list[PatientProfile], *, now: datetime, thresholds: Thresholds, adherence: dict[int, int | None]
) -> list[PanelRow]:
    """Rows for patients annotated by ``selectors.panel_patients``; one query for all their sparklines."""
    points = pain_points([p.pk for p in patients], now=now)
    start = now - timedelta(days=SPARKLINE_DAYS)
    rows = []
    for patient in patients:
        series = points.get(patient.pk, [])
        trend = pain_trend(series, important_change=thresholds.pain_rise_points)
        missed = (
            missed_checkins(
                last_recorded_at=patient.last_checkin_at,
                enrolled_at=patient.enrolled_at,
                schedule=patient.checkin_schedule,
                now=now,
                has_open_pain_escalation=False,
                t=thresholds,
            )
            is not None
        )
        distress = getattr(patient, "latest_distress", None)
        rows.append(
            PanelRow(
                patient=patient,
                last_checkin_at=patient.last_checkin_at,
                missed=missed,
                latest_pain=patient.latest_pain,
                pain_severe=patient.latest_pain is not None and patient.latest_pain >= thresholds.pain_severe,
                trend=trend,
                trend_words=trend_words(trend, days=SPARKLINE_DAYS),
                sparkline=sparkline_svg(
                    series, start=start, end=now, label=_trend_label(trend), severe=thresholds.pain_severe
                ),
                open_alerts=patient.open_alerts,
                has_emergency=patient.has_emergency,
                latest_distress=distress,
                distress_positive=distress is not None and distress >= thresholds.distress_thermometer_positive,
                referrals_waiting=getattr(patient, "referrals_waiting", None),
                adherence_percent=adherence.get(patient.pk),
            )
        )
    return rows
