"""Pages: the patient's check-in, its confirmation with advice, their history and reminder time;
the staff view of a patient's check-in history."""

from __future__ import annotations

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
from tracker.symptoms.forms import SECTION_NAMES, CheckInForm, ReminderForm, checkin_initial
from tracker.symptoms.home import tel_href
from tracker.symptoms.rules import SECTIONS
from tracker.symptoms.selectors import checkin_status, checkins_between, checkins_of
from tracker.symptoms.services import checkin_advice, checkin_advice_unsaved, checkin_create

HISTORY_PERIODS = (30, 90, 180, 365)  # days a history page can show
DEFAULT_HISTORY_DAYS = 90
EARLIER_AFTER = timedelta(hours=12)  # a confirmation page opened this long after sending says so


def _advice_context(advice, patient) -> dict:
    number = patient.effective_emergency_number
    return {
        "advice": advice,
        "paragraphs": [p for p in advice.message.split("\n\n") if p],
        "emergency_number": number,
        "emergency_tel": tel_href(number),
        "crisis_line": settings.TRACKER_CRISIS_LINE,
    }


@patient_required
def checkin_new(request, patient):
    """The check-in form. Sent with errors, nothing the patient reported is lost: every section whose
    answers are all valid is stored at once (and evaluated like any check-in), the page shows the advice
    it calls for on top, and asks again, in plain words, only for what is missing, with the answers kept.
    Re-sent, those sections are stored as a check-in of their own. When no section can be stored, the
    advice the valid answers call for is still shown above the form."""
    previous = checkins_of(patient).first()
    initial, last_time = checkin_initial(previous)
    context: dict = {}
    if request.method == "POST":
        sections = [name for name in SECTIONS if name in request.POST.getlist("sections")] or SECTIONS
        with_note = request.POST.get("note_sent") != "1"
        form = CheckInForm(request.POST, sections=sections, with_note=with_note)
        if form.is_valid():
            checkin, _created = checkin_create(patient=patient, **form.service_kwargs())
            return redirect("symptoms:checkin_done", pk=checkin.pk)
        stored = form.valid_sections()
        if stored and stored != form.section_names:  # (all valid but the note: nothing is missing to ask again)
            checkin, _created = checkin_create(patient=patient, **form.service_kwargs(stored))
            note_sent = not with_note or "note" in form.cleaned_data
            missing = [name for name in form.section_names if name not in stored]
            context.update(_advice_context(checkin_advice(checkin), patient))
            context.update(saved=checkin, missing=[SECTION_NAMES[name] for name in missing], note_sent=note_sent)
            form = CheckInForm(request.POST, sections=missing, with_note=not note_sent)
            form.is_valid()  # the same errors again, for what is still missing
        else:
            context.update(_advice_context(checkin_advice_unsaved(patient=patient, **form.service_kwargs()), patient))
            missing = [name for name in form.section_names if name not in stored]
            context.update(missing=[SECTION_NAMES[name] for name in missing], note_sent=not with_note)
    else:  # ?sections=pain: only what an earlier check-in left out (the result page links here)
        sections = [name for name in SECTIONS if name in request.GET.getlist("sections")] or SECTIONS
        form = CheckInForm(initial=initial, sections=sections)
    context.update(form=form, sections=form.sections(last_time), section_codes=form.section_names)
    return render(request, "symptoms/checkin_form.html", context)


@patient_required
def checkin_done(request, patient, pk):
    checkin = get_object_or_404(checkins_of(patient), pk=pk)
    context = _advice_context(checkin_advice(checkin), patient)
    context.update(
        checkin=checkin,
        # Opened again later (from the history, a bookmark): say which check-in the advice was about.
        earlier=timezone.now() - checkin.submitted_at > EARLIER_AFTER,
        missing=[SECTION_NAMES[name] for name in checkin.sections_missing],
    )
    return render(request, "symptoms/checkin_done.html", context)


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
