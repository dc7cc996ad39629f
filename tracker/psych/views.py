"""Pages for patients (questionnaires, support content) and staff (distress queue, referrals,
programmes). Thin: they check access through the accounts selectors and call services."""

from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker.accounts.decorators import patient_required, role_required, staff_required
from tracker.accounts.selectors import get_patient_for, patients_visible_to, scope_to_user
from tracker.alerts import rules
from tracker.audit.models import AuditAction
from tracker.audit.services import audit_log, audit_many
from tracker.core.vocab import CLINICIAN_ROLES, AlertStatus, Instrument, Role
from tracker.psych import questionnaires, selectors, services
from tracker.psych.charts import screen_chart
from tracker.psych.content import render_markdown
from tracker.psych.forms import FORMS, AssignForm, CompleteForm, ContactForm, ReferralForm, ScheduleForm
from tracker.psych.models import (
    ContactResult,
    ContentModule,
    Programme,
    ProgrammeAssignment,
    ReferralService,
    Screen,
)

CAN_ACT = (*CLINICIAN_ROLES, Role.ADMIN)


clinician_required = role_required(*CAN_ACT)


def _form_errors_to(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# ------------------------------------------------------------------------------------------------
# Patients: questionnaires
# ------------------------------------------------------------------------------------------------


@patient_required
def screen_list(request, patient):
    due = selectors.screens_due(patient, timezone.localdate())
    due_instruments = {d.instrument for d in due}
    others = [questionnaires.SPECS[i] for i in selectors.INSTRUMENT_ORDER if i not in due_instruments]
    history = list(selectors.screens_of(patient)[:20])
    return render(
        request,
        "psych/screen_list.html",
        {
            "due": [(d, questionnaires.SPECS[d.instrument]) for d in due],
            "others": others,
            "history": history,
        },
    )


@patient_required
def screen_new(request, patient, instrument):
    try:
        instrument = Instrument(instrument)
    except ValueError:
        raise Http404("No such questionnaire.") from None
    form_class = FORMS[instrument]
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if instrument == Instrument.DISTRESS_THERMOMETER:
                screen, _created = services.screen_submit(
                    patient=patient,
                    instrument=instrument,
                    score=form.cleaned_data["score"],
                    problems=form.cleaned_data["problems"],
                    client_id=form.cleaned_data["client_id"],
                )
            else:
                screen, _created = services.screen_submit(
                    patient=patient,
                    instrument=instrument,
                    answers=form.answers,
                    client_id=form.cleaned_data["client_id"],
                )
        except ValidationError as exc:
            _form_errors_to(form, exc)
        else:
            return redirect("psych:screen_result", pk=screen.pk)
    spec = questionnaires.SPECS[instrument]
    return render(
        request,
        "psych/screen_form.html",
        {"form": form, "spec": spec, "attribution": questionnaires.ATTRIBUTION if spec.items else ""},
    )


@patient_required
def screen_result(request, patient, pk):
    screen = selectors.screen_for_patient(patient, pk)
    if screen is None:
        raise Http404("No such questionnaire.")
    advice = services.screen_advice(screen)
    return render(
        request,
        "psych/screen_result.html",
        {"screen": screen, "advice": advice, "paragraphs": advice.message.split("\n\n")},
    )


# ------------------------------------------------------------------------------------------------
# Patients: support content
# ------------------------------------------------------------------------------------------------


@patient_required
def content_list(request, patient):
    items = list(selectors.deliveries_of(patient)[:100])
    return render(
        request,
        "psych/content_list.html",
        {"new": [i for i in items if not i.is_done], "done": [i for i in items if i.is_done], **_help_numbers(patient)},
    )


def _help_numbers(patient) -> dict[str, str]:
    """The numbers every support page shows as tap-to-call (psych/includes/help_numbers.html)."""
    return {"emergency_number": patient.effective_emergency_number, "crisis_line": settings.TRACKER_CRISIS_LINE}


@patient_required
def content_detail(request, patient, pk):
    delivery = selectors.delivery_for_patient(patient, pk)
    if delivery is None:
        raise Http404("No such session.")
    services.content_open(delivery=delivery)
    initial = {"helpful": {True: "yes", False: "no"}.get(delivery.helpful, "")}
    return render(
        request,
        "psych/content_detail.html",
        {
            "delivery": delivery,
            "module": delivery.module,
            "body": render_markdown(delivery.module.body),
            "form": CompleteForm(initial=initial),
            **_help_numbers(patient),
        },
    )


@require_POST
@patient_required
def content_complete(request, patient, pk):
    delivery = selectors.delivery_for_patient(patient, pk)
    if delivery is None:
        raise Http404("No such session.")
    form = CompleteForm(request.POST)
    helpful = form.cleaned_data["helpful"] if form.is_valid() else None
    services.content_complete(delivery=delivery, helpful=helpful)
    messages.success(request, _("Marked as done. Well done for making time for this."))
    return redirect("psych:content_list")


# ------------------------------------------------------------------------------------------------
# Staff: queue, patient page, referrals, programmes
# ------------------------------------------------------------------------------------------------


@staff_required
def queue(request):
    waiting = request.GET.get("show") != "recent"
    queryset = selectors.distress_queue(request.user, waiting_only=waiting)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    seen = {}
    for screen in rows:
        seen.setdefault(screen.patient_id, screen.patient)
    audit_many(actor=request.user, action=AuditAction.VIEW, patients=seen.values(), target="distress queue")
    now = timezone.now()
    limit_hours = rules.thresholds_from_settings().untreated_distress_hours
    alerts = selectors.screen_alerts(screen.pk for screen in rows)
    for screen in rows:
        screen.alert = alerts.get(screen.pk)
        screen.waiting_hours = int((now - screen.recorded_at).total_seconds() // 3600)
        screen.overdue = screen.waiting_hours >= limit_hours and not (screen.contacted or screen.alert_resolved)
        screen.referral_service_label = ReferralService(screen.referral_service).label if screen.referral_id else ""
    return render(
        request,
        "psych/queue.html",
        {
            "page": page,
            "rows": rows,
            "waiting": waiting,
            "limit_hours": limit_hours,
            "can_act": request.user.role in CAN_ACT,
        },
    )


@staff_required
def patient_overview(request):
    page = Paginator(patients_visible_to(request.user).order_by("user__last_name", "user__first_name", "pk"), 100)
    page = page.get_page(request.GET.get("page"))
    patients = list(page.object_list)
    ids = [p.pk for p in patients]
    last = selectors.last_screen_times(ids)
    active = selectors.active_assignment_counts(ids)
    waiting = selectors.waiting_counts(request.user, ids)
    audit_many(actor=request.user, action=AuditAction.VIEW, patients=patients, target="psych overview")
    rows = [
        {
            "patient": p,
            "last": {i.value: last.get(p.pk, {}).get(i.value) for i in selectors.INSTRUMENT_ORDER},
            "active_programmes": active.get(p.pk, 0),
            "waiting": waiting.get(p.pk, 0),
        }
        for p in patients
    ]
    return render(request, "psych/patient_overview.html", {"rows": rows, "page": page})


def _patient_page_context(request, patient, **forms):
    screens = list(selectors.screens_of(patient)[:60])
    assignments = list(selectors.assignments_of(patient))
    deliveries = sorted(selectors.deliveries_of(patient), key=lambda d: (d.assignment_id, d.due_on, d.pk))
    by_assignment = {key: list(group) for key, group in groupby(deliveries, key=lambda d: d.assignment_id)}
    for assignment in assignments:
        assignment.delivered = by_assignment.get(assignment.pk, [])
    intervals = selectors.screen_intervals_for(patient)
    context = {
        "patient": patient,
        "screens": screens,
        "referrals": list(selectors.referrals_for(request.user, patient)),
        "assignments": assignments,
        "due": selectors.screens_due(patient, timezone.localdate()),
        "can_act": request.user.role in CAN_ACT,
        "assign_form": forms.get("assign_form") or AssignForm(),
        "schedule_form": forms.get("schedule_form") or ScheduleForm(initial=intervals),
        "chart": screen_chart(screens),
    }
    return context


@staff_required
def patient_detail(request, pk):
    patient = get_patient_for(request.user, pk)
    audit_log(actor=request.user, action=AuditAction.VIEW, patient=patient, target="psychological support")
    return render(request, "psych/patient_detail.html", _patient_page_context(request, patient))


@clinician_required
def referral_create(request, pk):
    patient = get_patient_for(request.user, pk)
    alert = screen = None
    alert_id = request.POST.get("alert") or request.GET.get("alert")
    screen_id = request.POST.get("screen") or request.GET.get("screen")
    if alert_id:
        from tracker.alerts.models import Alert

        alert = scope_to_user(request.user, Alert.objects.filter(patient=patient)).filter(pk=_int(alert_id)).first()
        if alert is None:
            raise Http404("No such alert.")
    if screen_id:
        screen = scope_to_user(request.user, Screen.objects.filter(patient=patient)).filter(pk=_int(screen_id)).first()
        if screen is None:
            raise Http404("No such questionnaire.")
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_create(
                patient=patient,
                created_by=request.user,
                alert=alert,
                screen=screen,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            _form_errors_to(form, exc)
        else:
            messages.success(request, _("Referral made. Record the first contact when it happens."))
            return redirect("psych:patient_detail", pk=patient.pk)
    audit_log(actor=request.user, action=AuditAction.VIEW, patient=patient, target="referral form")
    return render(
        request, "psych/referral_form.html", {"patient": patient, "form": form, "alert": alert, "screen": screen}
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


@clinician_required
def referral_contact(request, pk):
    referral = selectors.get_referral_for(request.user, pk)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:  # the same contact sent again by the same person (a double click) is taken as done
            referral = services.referral_record_contact(
                referral=referral,
                contacted_at=data["contacted_at"],
                result=data["result"],
                outcome=data["outcome"],
                note=data["note"],
                recorded_by=request.user,
            )
        except ValidationError as exc:
            _form_errors_to(form, exc)
        else:
            messages.success(request, _contact_message(referral, reached=data["result"] == ContactResult.REACHED))
            return redirect("psych:patient_detail", pk=referral.patient_id)
    if request.method == "POST" and referral.is_contacted:
        messages.error(request, _("The first contact for this referral has already been recorded."))
        return redirect("psych:patient_detail", pk=referral.patient_id)
    audit_log(actor=request.user, action=AuditAction.VIEW, patient=referral.patient, target=f"referral {referral.pk}")
    return render(request, "psych/referral_contact.html", {"referral": referral, "form": form})


def _contact_message(referral, *, reached: bool) -> str:
    """What the page says after a call: what it did to the referral's alert too."""
    if not reached:
        return _("Call recorded. The referral still waits for a first contact.")
    alert = referral.alert
    if alert is not None and alert.status == AlertStatus.RESOLVED:
        return _("First contact recorded. The alert is resolved with this contact.")
    if alert is not None and alert.is_active:
        return _("First contact recorded. The alert stays acknowledged: resolve it when the plan is agreed.")
    return _("First contact recorded.")


@require_POST
@clinician_required
def programme_assign(request, pk):
    patient = get_patient_for(request.user, pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            services.programme_assign(patient=patient, assigned_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors_to(form, exc)
        else:
            messages.success(request, _("Programme assigned."))
            return redirect("psych:patient_detail", pk=patient.pk)
    return render(
        request, "psych/patient_detail.html", _patient_page_context(request, patient, assign_form=form), status=400
    )


@require_POST
@clinician_required
def programme_stop(request, pk):
    assignment = get_object_or_404(
        scope_to_user(request.user, ProgrammeAssignment.objects.select_related("patient")), pk=pk
    )
    if services.programme_stop(assignment=assignment, stopped_by=request.user):
        messages.success(request, _("Programme stopped. Sessions already delivered stay with the patient."))
    return redirect("psych:patient_detail", pk=assignment.patient_id)


@require_POST
@clinician_required
def schedule_update(request, pk):
    patient = get_patient_for(request.user, pk)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        services.screen_schedule_set(patient=patient, every_days=form.cleaned_data, changed_by=request.user)
        messages.success(request, _("Questionnaire schedule saved."))
        return redirect("psych:patient_detail", pk=patient.pk)
    return render(
        request, "psych/patient_detail.html", _patient_page_context(request, patient, schedule_form=form), status=400
    )


@staff_required
def library(request):
    programmes = Programme.objects.prefetch_related("items__module").order_by("title")
    modules = ContentModule.objects.order_by("kind", "title")
    return render(request, "psych/library.html", {"programmes": programmes, "modules": modules})


@staff_required
def library_module(request, slug):
    module = get_object_or_404(ContentModule, slug=slug)
    return render(request, "psych/library_module.html", {"module": module, "body": render_markdown(module.body)})
