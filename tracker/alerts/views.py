"""Alert pages: one alert (evidence, history, acknowledge and resolve), and per-rule statistics.

The alert page is where the nurse acts: the patient's phone and emergency contact as tap-to-call links,
what the patient reported (with their note), the last few check-ins, the patient's other unresolved
alerts and the contact log, whose form records a call (acknowledging an open alert).

The acknowledge and resolve URLs are also the targets of the triage queue and the patient pages
(the dashboard app): they accept a safe ``next`` (same host only) to return to.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker.accounts.decorators import role_required, staff_required
from tracker.alerts.charts import stats_figure
from tracker.alerts.contacts import alert_contact_record
from tracker.alerts.evaluation import recent_checkins
from tracker.alerts.forms import ContactForm, ResolveForm
from tracker.alerts.outcomes import outcome_label
from tracker.alerts.presentation import describe_evidence, describe_sources
from tracker.alerts.selectors import (
    alert_contacts,
    alert_events,
    alert_get_for,
    alert_sources,
    other_active_alerts,
)
from tracker.alerts.services import AlertStateConflict, alert_acknowledge, alert_resolve
from tracker.audit.models import AuditAction
from tracker.audit.services import audit_log
from tracker.core.vocab import Role

STATS_ROLES = (Role.PHYSICIAN, Role.ADMIN)
RECENT_CHECKINS = 5


def safe_next(request, default: str) -> str:
    """The ``next`` parameter (POST or GET) if it is a path on this site, else ``default``."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _render_detail(request, alert, *, resolve_form=None, contact_form=None, status=200):
    context = {
        "alert": alert,
        "patient": alert.patient,
        "sources": describe_sources(alert_sources([alert])[alert.pk]),
        "recent_checkins": recent_checkins(alert.patient, RECENT_CHECKINS),
        "other_alerts": list(other_active_alerts(alert)),
        "contacts": list(alert_contacts(alert)),
        "contact_form": contact_form or ContactForm(),
        "events": list(alert_events(alert)),
        "evidence": describe_evidence(alert),
        "resolve_form": resolve_form or ResolveForm(),
        "outcome_label": outcome_label(alert.outcome) if alert.outcome else "",
        "next": safe_next(request, ""),
    }
    return render(request, "alerts/detail.html", context, status=status)


@staff_required
def alert_detail(request, pk):
    alert = alert_get_for(request.user, pk)
    audit_log(actor=request.user, action=AuditAction.VIEW, patient=alert.patient, target=f"alert {alert.pk}")
    return _render_detail(request, alert)


@staff_required
@require_POST
def alert_acknowledge_view(request, pk):
    alert = alert_get_for(request.user, pk)
    try:
        alert_acknowledge(alert=alert, user=request.user)
        messages.success(request, _("Alert acknowledged."))
    except AlertStateConflict as conflict:
        messages.warning(request, conflict.message)
    return redirect(safe_next(request, reverse("alerts:detail", args=[alert.pk])))


@staff_required
@require_POST
def alert_resolve_view(request, pk):
    alert = alert_get_for(request.user, pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        # Show the alert with the form errors and what was typed, so nothing is lost.
        audit_log(actor=request.user, action=AuditAction.VIEW, patient=alert.patient, target=f"alert {alert.pk}")
        return _render_detail(request, alert, resolve_form=form)
    try:
        alert_resolve(
            alert=alert, user=request.user, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"]
        )
        messages.success(request, _("Alert resolved."))
    except AlertStateConflict as conflict:
        messages.warning(request, conflict.message)
    return redirect(safe_next(request, reverse("alerts:detail", args=[alert.pk])))


@staff_required
@require_POST
def alert_contact_view(request, pk):
    """Record a contact attempt from the alert page; an open alert is acknowledged by it."""
    alert = alert_get_for(request.user, pk)
    form = ContactForm(request.POST)
    if not form.is_valid():
        audit_log(actor=request.user, action=AuditAction.VIEW, patient=alert.patient, target=f"alert {alert.pk}")
        return _render_detail(request, alert, contact_form=form)
    recorded = alert_contact_record(alert=alert, user=request.user, **form.cleaned_data)
    if recorded.acknowledged:
        messages.success(request, _("Contact recorded. The alert is now acknowledged by you."))
    else:
        messages.success(request, _("Contact recorded."))
    return redirect(safe_next(request, reverse("alerts:detail", args=[alert.pk]) + "#alert-contacts"))


stats_required = role_required(*STATS_ROLES)


@stats_required
def alert_stats(request):
    """Per-rule alert statistics over a chosen period (admins and physicians)."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from tracker.alerts.forms import StatsPeriodForm
    from tracker.alerts.stats import alert_statistics, duration_words

    form = StatsPeriodForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "alerts/stats.html", {"form": form, "stats": None}, status=400)
    if not request.GET:
        form = StatsPeriodForm({"period": "30"})
        form.is_valid()
    first_day, last_day = form.bounds()
    tz = timezone.get_current_timezone()
    start = datetime.combine(first_day, time.min, tzinfo=tz)
    end = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=tz)
    stats = alert_statistics(user=request.user, start=start, end=end)
    audit_log(actor=request.user, action=AuditAction.VIEW, patient=None, target="alert statistics")
    rows = [
        {
            "stats": r,
            "median_ack": duration_words(r.median_time_to_acknowledge),
        }
        for r in stats.rules
    ]
    context = {"form": form, "stats": stats, "rows": rows, "first_day": first_day, "last_day": last_day}
    context["chart"] = stats_figure(stats)
    return render(request, "alerts/stats.html", context)
