"""Pages: the patient's check-in, its confirmation with advice, their history and reminder time;
the staff view of a patient's check-in history."""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.accounts.decorators import patient_required, staff_required
from tracker.accounts.selectors import get_patient_for
from tracker.accounts.services import patient_update
from tracker.audit.models import AuditAction
from tracker.audit.services import audit_log
from tracker.symptoms.charts import history_charts
from tracker.symptoms.forms import CheckInForm, ReminderForm, checkin_initial
from tracker.symptoms.selectors import checkin_status, checkins_between, checkins_of
from tracker.symptoms.services import checkin_advice, checkin_create

HISTORY_PERIODS = (30, 90, 180, 365)  # days a history page can show
DEFAULT_HISTORY_DAYS = 90
EARLIER_AFTER = timedelta(hours=12)  # a confirmation page opened this long after sending says so


def tel_href(number: str) -> str:
    """`tel:` link target for a phone number as people write it ("+44 20 7946 0000" -> "tel:+442079460000")."""
    return "tel:" + re.sub(r"[^0-9+]", "", number)


@patient_required
def checkin_new(request, patient):
    previous = checkins_of(patient).first()
    initial, last_time = checkin_initial(previous)
    if request.method == "POST":
        form = CheckInForm(request.POST)
        if form.is_valid():
            checkin, _created = checkin_create(patient=patient, **form.service_kwargs())
            return redirect("symptoms:checkin_done", pk=checkin.pk)
    else:
        form = CheckInForm(initial=initial)
    return render(request, "symptoms/checkin_form.html", {"form": form, "sections": form.sections(last_time)})


@patient_required
def checkin_done(request, patient, pk):
    checkin = get_object_or_404(checkins_of(patient), pk=pk)
    advice = checkin_advice(checkin)
    number = patient.effective_emergency_number
    return render(
        request,
        "symptoms/checkin_done.html",
        {
            "checkin": checkin,
            "advice": advice,
            "paragraphs": [p for p in advice.message.split("\n\n") if p],
            "emergency_number": number,
            "emergency_tel": tel_href(number),
            "crisis_line": settings.TRACKER_CRISIS_LINE,
            # Opened again later (from the history, a bookmark): say which check-in the advice was about.
            "earlier": timezone.now() - checkin.submitted_at > EARLIER_AFTER,
        },
    )


def _period(request) -> int:
    try:
        days = int(request.GET.get("days", DEFAULT_HISTORY_DAYS))
    except ValueError:
        return DEFAULT_HISTORY_DAYS
    return days if days in HISTORY_PERIODS else DEFAULT_HISTORY_DAYS


def _history_context(patient, days: int) -> dict:
    checkins = checkins_between(patient, start=timezone.now() - timedelta(days=days))
    return {
        "patient": patient,
        "days": days,
        "periods": HISTORY_PERIODS,
        "charts": history_charts(checkins),
        "rows": list(reversed(checkins)),
    }


@patient_required
def my_history(request, patient):
    return render(request, "symptoms/my_history.html", _history_context(patient, _period(request)))


@staff_required
def patient_history(request, pk):
    patient = get_patient_for(request.user, pk)
    audit_log(actor=request.user, action=AuditAction.VIEW, patient=patient, target="check-in history")
    return render(request, "symptoms/patient_history.html", _history_context(patient, _period(request)))


@patient_required
def reminder_settings(request, patient):
    form = ReminderForm(request.POST or None, initial={"reminder_time": patient.reminder_time})
    if request.method == "POST" and form.is_valid():
        patient_update(patient=patient, changed_by=request.user, reminder_time=form.cleaned_data["reminder_time"])
        messages.success(
            request,
            _("Saved. We will remind you at %(time)s.")
            % {"time": form.cleaned_data["reminder_time"].strftime("%H:%M")},
        )
        return redirect("symptoms:reminders")
    status = checkin_status(patient)
    return render(request, "symptoms/reminders.html", {"form": form, "patient": patient, "status": status})
