"""Rehabilitation pages: the patient's exercises for today and progress; the therapist's plan builder,
plan history and adherence. Thin: forms, selectors and services do the work."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker.accounts.decorators import patient_required, staff_required
from tracker.accounts.selectors import get_patient_for, patient_of, patients_visible_to
from tracker.alerts.outcomes import outcome_label
from tracker.alerts.selectors import patients_with_open_alert
from tracker.audit.models import AuditAction
from tracker.audit.services import audit_log, audit_many
from tracker.core.vocab import Role, RuleCode
from tracker.rehab import charts, rules, selectors, services
from tracker.rehab.forms import ExerciseLogForm, PlanBuilderForm, ReminderForm, ResumeForm
from tracker.rehab.models import Exercise, ExerciseLog, ExercisePlan, PlanStatus

ADHERENCE_WEEKS = 8

# ------------------------------------------------------------------------------------------------
# Patient pages
# ------------------------------------------------------------------------------------------------


LOGGED_KEY = "rehab_logged"


def _render_today(request, patient, *, bound: ExerciseLogForm | None = None, status: int = 200):
    day = timezone.localdate()
    today = selectors.today_for(patient, today=day)
    # What the patient just logged: shown first in that exercise's card (or at the top when the card is gone).
    logged = request.session.pop(LOGGED_KEY, None) if bound is None else None
    rows = []
    for entry in today.items:
        form = None
        if not today.paused and not entry.on_hold:
            if bound is not None and bound.prefix == f"log-{entry.item.pk}":
                form = bound
            else:
                form = ExerciseLogForm(prefix=f"log-{entry.item.pk}", initial={"plan_item": entry.item.pk})
        shown = logged is not None and logged.get("item") == entry.item.pk and not today.paused
        rows.append({"entry": entry, "form": form, "logged": logged if shown else None})
    reminder_form = ReminderForm(initial={"reminder_time": today.plan.reminder_time}) if today.plan else None
    context = {
        "patient": patient,
        "today": today,
        "rows": rows,
        "logged_elsewhere": logged if logged and not any(row["logged"] for row in rows) else None,
        "content": selectors.support_content(patient, day),
        "reminder_form": reminder_form,
    }
    return render(request, "rehab/today.html", context, status=status)


@patient_required
def today(request, patient):
    return _render_today(request, patient)


@login_required
@require_POST
@patient_required
def log_exercise(request, patient):
    item = selectors.loggable_item(patient, request.POST.get("item"))
    if item is None:
        raise Http404("No such exercise in your plan.")
    form = ExerciseLogForm(request.POST, prefix=f"log-{item.pk}")
    if not form.is_valid():
        return _render_today(request, patient, bound=form, status=400)
    data = form.cleaned_data
    result = services.exercise_log_create(
        patient=patient,
        plan_item=item,
        completed=data["completed"],
        pain_before=data["pain_before"],
        pain_during=data["pain_during"],
        difficulty=data["difficulty"],
        note=data["note"],
        client_id=data["client_id"],
    )
    # Not a flash message at the top of the page: the answer (a warning when the pain was high) is shown
    # first in the card the patient just used, focused and announced (templates/rehab/includes/logged.html).
    # The redirect names it: a browser focuses a focusable fragment target, and clears focus for any other.
    request.session[LOGGED_KEY] = {
        "item": item.pk,
        "warning": result.tell_therapist,
        "message": services.log_message(
            tell_therapist=result.tell_therapist, emergency_number=patient.effective_emergency_number
        ),
        "call": patient.effective_emergency_number,
    }
    return redirect(f"{reverse('rehab:today')}#log-result")


@login_required
@require_POST
@patient_required
def set_reminder(request, patient):
    plan = ExercisePlan.objects.filter(patient=patient, status=PlanStatus.ACTIVE).first()
    if plan is None:
        raise Http404("No active plan.")
    form = ReminderForm(request.POST)
    if form.is_valid():
        services.plan_set_reminder(plan=plan, reminder_time=form.cleaned_data["reminder_time"])
        if form.cleaned_data["reminder_time"]:
            messages.success(request, _("Saved. We will remind you on exercise days."))
        else:
            messages.success(request, _("Saved. You will not get exercise reminders."))
    else:
        messages.error(request, _("Please enter a time such as 09:30, or leave it empty."))
    return redirect("rehab:today")


def _charts(patient, *, today):
    weeks = selectors.adherence_for(patient, today=today, weeks=ADHERENCE_WEEKS)
    points = selectors.exercise_pain_points(patient, since=today - timedelta(weeks=ADHERENCE_WEEKS))
    return {
        "weeks": [w for w in weeks if w.prescribed],
        "adherence_chart": charts.adherence_chart(weeks),
        "points": points,
        "pain_chart": charts.pain_chart(points),
    }


@patient_required
def progress(request, patient):
    context = {"patient": patient, **_charts(patient, today=timezone.localdate())}
    return render(request, "rehab/progress.html", context)


def patient_home_panel(request):
    """Home page: today's exercises (how many done) or the pause, for patients."""
    patient = patient_of(request.user)
    if patient is None:
        return None
    today = selectors.today_for(patient)
    if today.plan is None:
        return None
    return {"today": today}


# ------------------------------------------------------------------------------------------------
# Staff pages
# ------------------------------------------------------------------------------------------------


def _therapist_required(user) -> None:
    if user.role != Role.THERAPIST:
        raise PermissionDenied


@staff_required
def exercise_list(request):
    exercises = list(selectors.library())
    return render(request, "rehab/exercise_list.html", {"exercises": exercises})


@staff_required
def exercise_detail(request, pk):
    exercise = get_object_or_404(Exercise, pk=pk)
    return render(request, "rehab/exercise_detail.html", {"exercise": exercise})


def _last_full_week(weeks: list[rules.WeekAdherence]) -> rules.WeekAdherence | None:
    return weeks[-2] if len(weeks) >= 2 else None


@staff_required
def patient_list(request):
    """The caller's patients with their plan status, pause (an open alert) or hold (waiting for clearance) and
    the last two weeks' adherence. Queries: patients, plans (with the hold), open alerts, then adherence's six,
    whatever the number of patients."""
    patients = list(patients_visible_to(request.user).order_by("user__last_name", "user__first_name"))
    ids = [p.pk for p in patients]
    today = timezone.localdate()
    active = {
        plan.patient_id: plan
        for plan in ExercisePlan.objects.filter(patient_id__in=ids, status=PlanStatus.ACTIVE)
        .select_related("current_version")
        .annotate(held=selectors.waiting_for_clearance())
    }
    paused = patients_with_open_alert(ids, RuleCode.NEURO_DEFICIT)
    adherence = selectors.adherence_for_patients(ids, today=today, weeks=2)
    rows = [
        {
            "patient": p,
            "plan": active.get(p.pk),
            "paused": p.pk in paused,
            "held": p.pk not in paused and p.pk in active and active[p.pk].held,
            "last_week": _last_full_week(adherence[p.pk]),
            "this_week": adherence[p.pk][-1] if adherence[p.pk] else None,
        }
        for p in patients
    ]
    audit_many(actor=request.user, action=AuditAction.VIEW, patients=patients, target="exercise plans list")
    return render(request, "rehab/patient_list.html", {"rows": rows})


def therapist_home_panel(request):
    """Home page for therapists: patients whose plan is paused or waits for clearance, or whose adherence was
    under half last week."""
    patients = list(patients_visible_to(request.user))
    if not patients:
        return None
    ids = [p.pk for p in patients]
    today = timezone.localdate()
    paused = patients_with_open_alert(ids, RuleCode.NEURO_DEFICIT)
    adherence = selectors.adherence_for_patients(ids, today=today, weeks=2)
    plans = dict(
        ExercisePlan.objects.filter(patient_id__in=ids, status=PlanStatus.ACTIVE)
        .annotate(held=selectors.waiting_for_clearance())
        .values_list("patient_id", "held")
    )
    with_plan = set(plans)
    attention = []
    for p in patients:
        week = _last_full_week(adherence[p.pk])
        low = week is not None and week.ratio is not None and week.ratio < 0.5
        held = p.pk not in paused and plans.get(p.pk, False)
        if p.pk in paused or held or low:
            attention.append({"patient": p, "paused": p.pk in paused, "held": held, "week": week if low else None})
    audit_many(
        actor=request.user, action=AuditAction.VIEW, patients=[a["patient"] for a in attention], target="rehab panel"
    )
    return {"attention": attention, "without_plan": len(ids) - len(with_plan & set(ids))}


@staff_required
def patient_plans(request, pk):
    """One patient's precautions, active plan (paused, or waiting for clearance with the form to resume it),
    version history, adherence and exercise pain."""
    patient = get_patient_for(request.user, pk)
    return _render_patient_plans(request, patient)


def _render_patient_plans(request, patient, *, resume_form: ResumeForm | None = None, status: int = 200):
    audit_log(actor=request.user, action=AuditAction.VIEW, patient=patient, target="exercise plans")
    plans = list(selectors.plans_of([patient.pk]))
    active = next((p for p in plans if p.is_active), None)
    precautions = rules.Precautions.of(patient)
    current = []
    if active is not None and active.current_version is not None:
        version = next(v for v in active.versions.all() if v.pk == active.current_version_id)
        for item in version.items.all():
            now_conflicts = rules.exercise_conflicts(item.exercise.movements, precautions)
            current.append(
                {
                    "item": item,
                    "conflicts": now_conflicts,
                    "uncovered": rules.uncovered_conflicts(now_conflicts, item.overridden_codes),
                }
            )
    today = timezone.localdate()
    pause = selectors.plan_pause(patient, active)
    context = {
        "patient": patient,
        "plans": plans,
        "active": active,
        "current": current,
        "pause": pause,
        "pause_outcome": outcome_label(pause.alert.outcome) if pause and pause.waiting_for_clearance else "",
        "can_edit": request.user.role == Role.THERAPIST,
        "can_resume": request.user.role in services.RESUME_ROLES,
        "resume_form": resume_form or ResumeForm(),
        "recent_logs": list(selectors.logs_of([patient.pk])[:20]),
        **_charts(patient, today=today),
    }
    return render(request, "rehab/patient_plans.html", context, status=status)


@staff_required
def plan_builder(request, pk):
    """Build a plan (or the next version of the active one) from the library, with the patient's
    precautions in view and conflicts shown before saving. Works without JavaScript: "Check" shows
    the conflicts; "Save" refuses them unless an override reason is given."""
    patient = get_patient_for(request.user, pk)
    _therapist_required(request.user)
    page = selectors.plan_builder_page(patient)
    if request.method != "POST":
        audit_log(actor=request.user, action=AuditAction.VIEW, patient=patient, target="exercise plan builder")
        builder = PlanBuilderForm(page=page, template_id=request.GET.get("template"))
        return _render_plan_builder(request, page, builder)
    builder = PlanBuilderForm(request.POST, page=page)
    if builder.is_valid() and builder.action == "save":
        try:
            version, _created = services.plan_save(therapist=request.user, **builder.save_kwargs())
        except services.PlanConflictError as exc:
            builder.refused(exc)
        else:
            messages.success(request, _("Plan saved (version %(number)s).") % {"number": version.number})
            return redirect("rehab:patient_plans", pk=patient.pk)
    return _render_plan_builder(request, page, builder, status=400 if builder.action == "save" else 200)


def _render_plan_builder(request, page: selectors.PlanBuilderPage, builder: PlanBuilderForm, *, status: int = 200):
    context = {
        "patient": page.patient,
        "active": page.active,
        "form": builder.plan_form,
        "formset": builder.formset,
        "rows": builder.rows(),
        "templates": page.templates,
        "template": builder.template,
        "found": builder.found,
        "checked": builder.checked,
        "conflicts_json": page.conflicts_json(),
        "defaults_json": page.defaults_json(),
    }
    return render(request, "rehab/plan_builder.html", context, status=status)


@staff_required
def version_detail(request, pk, plan_id, number):
    patient = get_patient_for(request.user, pk)
    plan = get_object_or_404(ExercisePlan, pk=plan_id, patient=patient)
    version = selectors.version_detail(plan, number)
    if version is None:
        raise Http404("No such version.")
    audit_log(
        actor=request.user,
        action=AuditAction.VIEW,
        patient=patient,
        target=f"exercise plan {plan.pk}",
        detail=f"version {number}",
    )
    log_counts = dict(
        ExerciseLog.objects.filter(plan_item__version=version)
        .values("plan_item_id")
        .annotate(n=Count("id"))
        .values_list("plan_item_id", "n")
    )
    precautions = rules.Precautions.of(patient)
    rows = []
    for item in version.items.all():
        now_conflicts = rules.exercise_conflicts(item.exercise.movements, precautions)
        rows.append(
            {
                "item": item,
                "logs": log_counts.get(item.pk, 0),
                "uncovered": rules.uncovered_conflicts(now_conflicts, item.overridden_codes) if plan.is_active else [],
            }
        )
    return render(
        request, "rehab/version_detail.html", {"patient": patient, "plan": plan, "version": version, "rows": rows}
    )


@staff_required
@require_POST
def plan_resume(request, pk, plan_id):
    """A therapist or physician on the care team clears a plan that waits for clearance."""
    patient = get_patient_for(request.user, pk)
    if request.user.role not in services.RESUME_ROLES:
        raise PermissionDenied
    plan = get_object_or_404(ExercisePlan, pk=plan_id, patient=patient)
    form = ResumeForm(request.POST)
    if form.is_valid():
        try:
            services.plan_resume(plan=plan, user=request.user, note=form.cleaned_data["note"])
        except services.PlanNotHeld as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("Exercises resumed. The patient sees their plan again and has been sent a message.")
            )
            return redirect("rehab:patient_plans", pk=patient.pk)
    return _render_patient_plans(request, patient, resume_form=form, status=400)


@staff_required
@require_POST
def plan_end(request, pk, plan_id):
    patient = get_patient_for(request.user, pk)
    _therapist_required(request.user)
    plan = get_object_or_404(ExercisePlan, pk=plan_id, patient=patient)
    services.plan_end(plan=plan, therapist=request.user)
    messages.success(request, _("The plan has ended. Its history is kept."))
    return redirect("rehab:patient_plans", pk=patient.pk)
