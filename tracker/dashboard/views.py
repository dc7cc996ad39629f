"""The care team's workspace pages. Thin: forms validate GET parameters, selectors read, audit records.

Acknowledging and resolving are the alerts app's pages (``alerts:acknowledge``, ``alerts:resolve``): the
queue's buttons post there with a ``next`` back to the queue as the nurse left it.
"""

from __future__ import annotations

import csv

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import JsonResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html_join
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tracker.accounts.decorators import staff_required
from tracker.accounts.selectors import get_patient_for
from tracker.alerts.outcomes import outcome_choices
from tracker.alerts.rules import thresholds_from_settings
from tracker.audit.models import AuditAction
from tracker.audit.services import audit_log, audit_many
from tracker.dashboard import selectors
from tracker.dashboard.charts import timeline_charts
from tracker.dashboard.export import patient_export_rows
from tracker.dashboard.forms import (
    DEFAULT_PERIOD,
    PERIOD_CHOICES,
    PanelFilterForm,
    TimelinePeriodForm,
    TriageFilterForm,
    cleaned_or_defaults,
)
from tracker.dashboard.panel import panel_page
from tracker.dashboard.timeline import period_ending, timeline_for

TRIAGE_PAGE_SIZE = 25
PANEL_PAGE_SIZE = 25
HOME_PREVIEW_SIZE = 5


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _sort_links(*, search: str, sort: str, descending: bool) -> dict[str, dict]:
    """For each column: the URL that sorts by it (the current column flips direction)."""
    links = {}
    for key in selectors.PANEL_SORTS:
        # Names read best A-Z first; numbers (pain, alerts...) highest first.
        link_descending = not descending if key == sort else key != "name"
        params = QueryDict(mutable=True)
        if search:
            params["q"] = search
        params["sort"] = key
        if link_descending:
            params["desc"] = "1"
        links[key] = {"url": f"?{params.urlencode()}", "descending": link_descending}
    return links


def _outcome_options() -> str:
    """The resolve forms' <option>s, rendered once per page rather than once per alert."""
    return format_html_join("", '<option value="{}">{}</option>', outcome_choices())


def _warn(request, problems: list[str]) -> None:
    for problem in problems:
        messages.warning(request, problem)


def _audit_alert_patients(user, alerts, target: str) -> None:
    patients = {alert.patient_id: alert.patient for alert in alerts}
    audit_many(actor=user, action=AuditAction.VIEW, patients=patients.values(), target=target)


@require_GET
@staff_required
def triage(request):
    """The triage queue: the user's open and acknowledged alerts, most dangerous and oldest first."""
    form = TriageFilterForm(request.GET or None, user=request.user)
    values, problems = cleaned_or_defaults(form) if request.GET else ({}, [])
    _warn(request, problems)
    filters = {key: values.get(key) or None for key in ("severity", "rule", "status")}
    counts = selectors.triage_counts(request.user)
    paginator = Paginator(selectors.triage_queue(request.user, **filters), TRIAGE_PAGE_SIZE)
    if not any(filters.values()):
        paginator.count = counts["total"]  # the whole queue: already counted, no second COUNT query
    page = paginator.get_page(request.GET.get("page"))
    _audit_alert_patients(request.user, page.object_list, "triage queue")
    context = {
        "page": page,
        "form": form,
        "filtered": any(filters.values()),
        "counts": counts,
        "poll_seconds": settings.TRACKER_TRIAGE_POLL_SECONDS,
        "outcome_options": _outcome_options(),
        "now": timezone.now(),
        "back": request.get_full_path(),
        "query": _query_without_page(request),
    }
    return render(request, "dashboard/triage.html", context)


@never_cache
@require_GET
@staff_required
def triage_count(request):
    """Numbers only, for the queue's poll: how many alerts wait, by severity. No health data."""
    return JsonResponse(selectors.triage_counts(request.user))


def home_triage_panel(request) -> dict:
    """The staff home page's panel: the queue's counts and its first few alerts."""
    alerts = list(selectors.triage_queue(request.user)[:HOME_PREVIEW_SIZE])
    _audit_alert_patients(request.user, alerts, "home triage preview")
    return {
        "alerts": alerts,
        "counts": selectors.triage_counts(request.user),
        "poll_seconds": settings.TRACKER_TRIAGE_POLL_SECONDS,
        "outcome_options": _outcome_options(),
        "now": timezone.now(),
        "back": request.get_full_path(),
    }


@require_GET
@staff_required
def panel(request):
    """All the user's patients with trends at a glance; sortable and searchable by name."""
    form = PanelFilterForm(request.GET or None)
    values, problems = cleaned_or_defaults(form) if request.GET else ({}, [])
    _warn(request, problems)
    search, sort, descending = values.get("q") or "", values.get("sort") or "name", bool(values.get("desc"))
    now = timezone.now()
    page, rows = panel_page(
        request.user,
        search=search,
        sort=sort,
        descending=descending,
        page_number=request.GET.get("page"),
        now=now,
        thresholds=thresholds_from_settings(),
        per_page=PANEL_PAGE_SIZE,
    )
    audit_many(actor=request.user, action=AuditAction.VIEW, patients=[row.patient for row in rows], target="panel")
    context = {
        "page": page,
        "rows": rows,
        "search": search,
        "sort": sort,
        "descending": descending,
        "workspace": selectors.workspace_for(request.user),
        "now": now,
        "sort_links": _sort_links(search=search, sort=sort, descending=descending),
        "query": _query_without_page(request),
    }
    return render(request, "dashboard/panel.html", context)


@require_GET
@staff_required
def timeline(request, pk):
    """One patient's charts and everything recorded in a chosen period, newest first."""
    patient = get_patient_for(request.user, pk)
    form = TimelinePeriodForm(request.GET or None)
    values, problems = cleaned_or_defaults(form) if request.GET else ({}, [])
    _warn(request, problems)
    period = period_ending(days=values.get("days") or DEFAULT_PERIOD, last_day=values.get("end"))
    data = timeline_for(patient, period)
    charts = timeline_charts(
        data, start=period.start, end=period.end, role=request.user.role, thresholds=thresholds_from_settings()
    )
    audit_log(
        actor=request.user,
        action=AuditAction.VIEW,
        patient=patient,
        target="timeline",
        detail=f"{period.days} days to {period.last_day.isoformat()}",
    )
    context = {
        "patient": patient,
        "period": period,
        "periods": PERIOD_CHOICES,
        "form": form,
        "charts": charts,
        "timeline": data,
        "feed": data.feed(),
        "now": timezone.now(),
        "back": request.get_full_path(),
    }
    return render(request, "dashboard/timeline.html", context)


class _Echo:
    """A file-like object whose write() returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


@require_GET
@staff_required
def export(request, pk):
    """The patient's data as CSV (long form, see tracker/dashboard/export.py); recorded in the audit log."""
    patient = get_patient_for(request.user, pk)
    audit_log(actor=request.user, action=AuditAction.EXPORT, patient=patient, target="patient data CSV")
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in patient_export_rows(patient)), content_type="text/csv; charset=utf-8"
    )
    filename = f"patient-{patient.pk}-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
