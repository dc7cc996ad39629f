import copy

from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tracker.accounts.decorators import patient_required, staff_required
from tracker.accounts.forms import CONTACT_FIELDS, MyDetailsForm, PatientEnrolForm, PrecautionsForm
from tracker.accounts.models import CareTeamMembership
from tracker.accounts.selectors import get_patient_for, patient_enrolled_with, patient_of, patients_visible_to
from tracker.accounts.services import USERNAME_TAKEN, patient_create, patient_update
from tracker.audit.models import AuditAction
from tracker.audit.services import audit_log, audit_many
from tracker.core import panels
from tracker.core.vocab import CLINICIAN_ROLES, Role


@login_required
def home(request):
    """The role-aware home page: each app contributes panels for the roles it serves (tracker.core.panels)."""
    context = {"panels": panels.home_panels_for(request), "patient": patient_of(request.user)}
    return render(request, "core/home.html", context)


@staff_required
def patient_list(request):
    patients = list(patients_visible_to(request.user).order_by("user__last_name", "user__first_name"))
    audit_many(actor=request.user, action=AuditAction.VIEW, patients=patients, target="patient list")
    return render(request, "accounts/patient_list.html", {"patients": patients})


@staff_required
def patient_detail(request, pk):
    patient = get_patient_for(request.user, pk)
    audit_log(actor=request.user, action=AuditAction.VIEW, patient=patient, target="patient profile")
    memberships = CareTeamMembership.objects.filter(patient=patient).select_related("clinician").order_by("role")
    can_edit = request.user.role in (*CLINICIAN_ROLES, Role.ADMIN)
    form = PrecautionsForm(instance=patient) if can_edit else None
    return render(
        request, "accounts/patient_detail.html", {"patient": patient, "memberships": memberships, "form": form}
    )


@staff_required
def patient_precautions(request, pk):
    patient = get_patient_for(request.user, pk)
    if request.user.role not in (*CLINICIAN_ROLES, Role.ADMIN):
        raise PermissionDenied
    form = PrecautionsForm(request.POST or None, instance=copy.copy(patient))  # the facts show what is stored
    if request.method == "POST" and form.is_valid():
        patient_update(patient=patient, changed_by=request.user, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("accounts:patient_detail", pk=patient.pk)
    audit_log(actor=request.user, action=AuditAction.VIEW, patient=patient, target="patient precautions")
    memberships = CareTeamMembership.objects.filter(patient=patient).select_related("clinician")
    return render(
        request, "accounts/patient_detail.html", {"patient": patient, "memberships": memberships, "form": form}
    )


@patient_required
def my_details(request, patient):
    """A patient's own phone number and emergency contact, which the care team calls."""
    # The form works on its own copy: a refused form must not show its values as the stored ones.
    form = MyDetailsForm(request.POST or None, instance=copy.copy(patient))
    if request.method == "POST" and form.is_valid():
        patient_update(patient=patient, changed_by=request.user, **form.cleaned_data)
        messages.success(request, _("Thank you. Your details are saved."))
        return redirect("accounts:my_details")
    return render(request, "accounts/my_details.html", {"patient": patient, "form": form})


ENROLLING_ROLES = (Role.NURSE, Role.PHYSICIAN, Role.ADMIN)


@staff_required
def patient_enrol(request):
    """Enrol a patient; the enrolling clinician joins the care team."""
    if request.user.role not in ENROLLING_ROLES:
        raise PermissionDenied
    form = PatientEnrolForm(request.POST or None)
    if request.method == "POST":
        # The same form sent again (its reply was lost, say): the patient it enrolled, not "that username is taken".
        if enrolled := patient_enrolled_with(request.user, form["client_id"].value()):
            return _enrolled_already(request, enrolled)
        if form.is_valid():
            data = form.cleaned_data
            try:
                patient = _enrol(request.user, data)
            except IntegrityError:
                # Sent twice at the same moment: the other request stored the username first.
                if enrolled := patient_enrolled_with(request.user, data["client_id"]):
                    return _enrolled_already(request, enrolled)
                form.add_error("username", USERNAME_TAKEN)
            else:
                messages.success(request, _("Patient enrolled. Give them their username and first password in person."))
                return redirect("accounts:patient_detail", pk=patient.pk)
    return render(request, "accounts/patient_enrol.html", {"form": form})


def _enrolled_already(request, patient):
    messages.info(request, _("This patient is enrolled."))
    return redirect("accounts:patient_detail", pk=patient.pk)


def _enrol(created_by, data: dict):
    return patient_create(
        created_by=created_by,
        username=data["username"],
        password=data["password"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        email=data["email"],
        date_of_birth=data["date_of_birth"],
        primary_cancer=data["primary_cancer"],
        spinal_levels=data["spinal_levels"],
        care_team=list(data["care_team"]),
        checkin_schedule=data["checkin_schedule"],
        client_id=data["client_id"],
        **{name: data[name] for name in CONTACT_FIELDS},
    )


# --- Password reset by e-mail (Django's views, the site's templates) ---------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for an e-mail address and answers the same whether or not an account has it (Django's own
    behaviour: the same redirect, and no e-mail for an unknown address). The e-mail says nothing about
    health, not even the site's name: just the link."""

    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Sets the new password. Whoever holds the e-mailed link owns the address, so a lockout from earlier
    wrong passwords (django-axes) is lifted for that username: they can sign in with the new password now."""

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=form.user.get_username())
        return response
