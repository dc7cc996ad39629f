"""Rehabilitation API (docs/api.md "Rehabilitation"). Thin: scoping through the
accounts selectors, writes through tracker.rehab.services."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from tracker.accounts.api.permissions import IsPatient, role_in
from tracker.accounts.selectors import get_patient_for, patient_of, patients_visible_to, scope_to_user
from tracker.audit.models import AuditAction
from tracker.audit.services import audit_log, audit_many
from tracker.core.vocab import STAFF_ROLES, AdviceLevel, Role
from tracker.rehab import rules, selectors, services
from tracker.rehab.api.serializers import (
    AdherenceSerializer,
    ExerciseLogCreatedSerializer,
    ExerciseLogCreateSerializer,
    ExerciseLogSerializer,
    ExerciseSerializer,
    PlanCheckSerializer,
    PlanConflictsSerializer,
    PlanCreateSerializer,
    PlanRejectedSerializer,
    PlanResumeSerializer,
    PlanSerializer,
    ReminderUpdateSerializer,
    TodaySerializer,
)
from tracker.rehab.models import Exercise, ExerciseLog, ExercisePlan, PlanItem, PlanStatus, PlanVersion

EVERYONE = (*STAFF_ROLES, Role.PATIENT)
PATIENT_PARAM = OpenApiParameter(
    "patient", int, description="A patient id (staff: in reach, else 404; patients: only their own)."
)


def _patient_filter(request):
    """The patients a list covers: ?patient=<id> (404 outside reach), else everyone in reach."""
    raw = request.query_params.get("patient")
    if raw is None:
        return None
    return get_patient_for(request.user, raw)


def _audit_page(request, rows, target: str) -> None:
    patients = {row.patient_id: row.patient for row in rows}
    audit_many(actor=request.user, action=AuditAction.VIEW, patients=list(patients.values()), target=target)


def _conflicts_body(found: list[services.ItemConflicts]) -> list[dict]:
    return [
        {"item": c.index, "exercise": c.exercise.pk, "name": c.exercise.name, "codes": c.codes, "reasons": c.reasons}
        for c in found
    ]


def _plans_queryset():
    versions = PlanVersion.objects.select_related("created_by", "template").prefetch_related(
        Prefetch("items", queryset=PlanItem.objects.select_related("exercise").order_by("position", "id"))
    )
    return (
        ExercisePlan.objects.select_related("patient", "resumed_by")
        .prefetch_related(Prefetch("versions", queryset=versions.order_by("-number")))
        .annotate(held=selectors.waiting_for_clearance())
    )


# ------------------------------------------------------------------------------------------------
# Library
# ------------------------------------------------------------------------------------------------


class ExerciseListView(generics.ListAPIView):
    """The exercise library (any signed-in user)."""

    serializer_class = ExerciseSerializer
    permission_classes = [role_in(*EVERYONE)]

    def get_queryset(self):
        return selectors.library()


class ExerciseDetailView(generics.RetrieveAPIView):
    """One exercise (also one no longer offered for new plans, since older plans refer to it)."""

    serializer_class = ExerciseSerializer
    permission_classes = [role_in(*EVERYONE)]
    queryset = Exercise.objects.all()


# ------------------------------------------------------------------------------------------------
# Plans
# ------------------------------------------------------------------------------------------------


def _validated_items(raw_items: list[dict]) -> list[services.ItemSpec]:
    """Turn validated item dicts into specs; an exercise id outside the library is a 400 on that item."""
    library = {e.pk: e for e in selectors.library().filter(pk__in=[i["exercise"] for i in raw_items])}
    errors, specs = [], []
    for raw in raw_items:
        exercise = library.get(raw["exercise"])
        if exercise is None:
            errors.append({"exercise": [_("No such exercise in the library.")]})
            continue
        errors.append({})
        specs.append(
            services.ItemSpec(
                exercise=exercise,
                sets=raw.get("sets", exercise.default_sets),
                reps=raw.get("reps", exercise.default_reps),
                hold_seconds=raw.get("hold_seconds", exercise.default_hold_seconds),
                days_mask=rules.days_to_mask(raw["days"]),
                notes=raw.get("notes", ""),
            )
        )
    if any(errors):
        raise ValidationError({"items": errors})
    return specs


def _patient_in_reach(request, patient_id):
    patient = patients_visible_to(request.user).filter(pk=patient_id).first()
    if patient is None:
        raise ValidationError({"patient": [_("No such patient.")]})
    return patient


class PlanListCreateView(generics.GenericAPIView):
    """Exercise plans. GET: staff see the plans of patients in reach, patients their own.
    POST (therapists): prescribe a plan, or the next version of the patient's active plan."""

    serializer_class = PlanSerializer

    def get_permissions(self):
        if self.request.method == "POST":
            return [role_in(Role.THERAPIST)()]
        return [role_in(*EVERYONE)()]

    def get_queryset(self):
        queryset = scope_to_user(self.request.user, _plans_queryset())
        patient = _patient_filter(self.request)
        if patient is not None:
            queryset = queryset.filter(patient=patient)
        return queryset.order_by("-created_at", "-id")

    @extend_schema(parameters=[PATIENT_PARAM], responses=PlanSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        _audit_page(request, page, "exercise plans")
        return self.get_paginated_response(PlanSerializer(page, many=True).data)

    @extend_schema(
        request=PlanCreateSerializer,
        responses={
            201: PlanSerializer,
            200: OpenApiResponse(PlanSerializer, description="Repeated client_id: the plan, with no new version."),
            400: OpenApiResponse(
                PlanRejectedSerializer,
                description="Field errors, or `conflicts` naming each exercise that conflicts with the "
                "patient's precautions (with `override_reason` saying a reason is needed).",
            ),
        },
    )
    @transaction.atomic
    def post(self, request):
        body = PlanCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        patient = _patient_in_reach(request, data["patient"])
        specs = _validated_items(data["items"])
        extra = {"reminder_time": data["reminder_time"]} if "reminder_time" in data else {}
        try:
            version, created = services.plan_save(
                patient=patient,
                therapist=request.user,
                items=specs,
                starts_on=data["start"],
                ends_on=data["end"],
                override_reason=data["override_reason"],
                change_note=data["change_note"],
                client_id=data["client_id"],
                **extra,
            )
        except services.PlanConflictError as exc:
            return Response(
                {
                    "override_reason": [services.override_required_message(exc.conflicts)],
                    "conflicts": _conflicts_body(exc.conflicts),
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        plan = _plans_queryset().get(pk=version.plan_id)
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class PlanCheckView(APIView):
    """Therapists: which of these items conflict with the patient's precautions (nothing is saved)."""

    permission_classes = [role_in(Role.THERAPIST)]

    @extend_schema(request=PlanCheckSerializer, responses={200: PlanConflictsSerializer})
    def post(self, request):
        body = PlanCheckSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        patient = _patient_in_reach(request, body.validated_data["patient"])
        specs = _validated_items(body.validated_data["items"])
        audit_log(actor=request.user, action=AuditAction.VIEW, patient=patient, target="exercise plan check")
        found = services.plan_conflicts(patient=patient, items=specs)
        return Response({"conflicts": _conflicts_body(found)})


class PlanDetailView(generics.GenericAPIView):
    """One plan. PATCH (the patient, on their active plan): the exercise reminder time."""

    serializer_class = PlanSerializer

    def get_permissions(self):
        if self.request.method == "PATCH":
            return [IsPatient()]
        return [role_in(*EVERYONE)()]

    def get_object(self):
        try:
            return scope_to_user(self.request.user, _plans_queryset()).get(pk=self.kwargs["pk"])
        except ExercisePlan.DoesNotExist:
            raise NotFound() from None

    @extend_schema(responses=PlanSerializer)
    def get(self, request, pk):
        plan = self.get_object()
        audit_log(actor=request.user, action=AuditAction.VIEW, patient=plan.patient, target=f"exercise plan {pk}")
        return Response(PlanSerializer(plan).data)

    @extend_schema(request=ReminderUpdateSerializer, responses=PlanSerializer)
    @transaction.atomic
    def patch(self, request, pk):
        plan = self.get_object()
        if plan.status != PlanStatus.ACTIVE:
            raise ValidationError({"non_field_errors": [_("This plan has ended.")]})
        body = ReminderUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.plan_set_reminder(plan=plan, reminder_time=body.validated_data["reminder_time"])
        return Response(PlanSerializer(self.get_object()).data)


class PlanResumeView(APIView):
    """A therapist or physician on the care team resumes a plan that waits for clearance after a neuro_deficit
    alert was resolved with an outcome other than no_action_needed (docs/clinical.md "Exercise safety")."""

    permission_classes = [role_in(*services.RESUME_ROLES)]

    @extend_schema(
        request=PlanResumeSerializer,
        responses={
            200: PlanSerializer,
            400: OpenApiResponse(description="No note, or the plan is not held (the message says why)."),
        },
    )
    @transaction.atomic
    def post(self, request, pk):
        try:
            plan = scope_to_user(request.user, ExercisePlan.objects.select_related("patient")).get(pk=pk)
        except ExercisePlan.DoesNotExist:
            raise NotFound() from None
        body = PlanResumeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.plan_resume(plan=plan, user=request.user, note=body.validated_data["note"])
        except services.PlanNotHeld as exc:
            raise ValidationError({"non_field_errors": [exc.message]}) from None
        return Response(PlanSerializer(_plans_queryset().get(pk=plan.pk)).data)


# ------------------------------------------------------------------------------------------------
# Today, logs, adherence
# ------------------------------------------------------------------------------------------------


class TodayView(APIView):
    """The patient's exercises for today, or that the plan is paused (or waits for clearance) and why, plus
    support content due."""

    permission_classes = [IsPatient]

    @extend_schema(responses=TodaySerializer)
    def get(self, request):
        patient = patient_of(request.user)
        day = timezone.localdate()
        today = selectors.today_for(patient, today=day)
        body = {
            "date": day,
            "paused": today.paused,
            "waiting_for_clearance": bool(today.pause and today.pause.waiting_for_clearance),
            "reason": today.pause.reason if today.pause else None,
            "call": today.pause.call if today.pause else None,
            "plan": today.plan.pk if today.plan else None,
            "reminder_time": today.plan.reminder_time if today.plan else None,
            "exercises": [] if today.paused else today.items,
            "content": selectors.support_content(patient, day),
        }
        return Response(TodaySerializer(body, context={"request": request}).data)


class ExerciseLogListCreateView(generics.GenericAPIView):
    """Exercise logs. GET: patients their own, staff those of patients in reach (newest first).
    POST (patients): log one session of an item of their active plan."""

    serializer_class = ExerciseLogSerializer

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsPatient()]
        return [role_in(*EVERYONE)()]

    def get_queryset(self):
        queryset = scope_to_user(
            self.request.user,
            ExerciseLog.objects.select_related("patient", "plan_item__exercise", "plan_item__version"),
        )
        patient = _patient_filter(self.request)
        if patient is not None:
            queryset = queryset.filter(patient=patient)
        return queryset.order_by("-recorded_at", "-id")

    @extend_schema(parameters=[PATIENT_PARAM], responses=ExerciseLogSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        _audit_page(request, page, "exercise logs")
        return self.get_paginated_response(ExerciseLogSerializer(page, many=True).data)

    @extend_schema(
        request=ExerciseLogCreateSerializer,
        responses={
            201: ExerciseLogCreatedSerializer,
            200: OpenApiResponse(ExerciseLogCreatedSerializer, description="A repeated client_id: the first log."),
        },
    )
    @transaction.atomic
    def post(self, request):
        body = ExerciseLogCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        patient = patient_of(request.user)
        item = selectors.loggable_item(patient, data["plan_item"])
        if item is None:
            raise ValidationError({"plan_item": [_("This is not an exercise in your current plan.")]})
        result = services.exercise_log_create(
            patient=patient,
            plan_item=item,
            completed=data["completed"],
            pain_before=data["pain_before"],
            pain_during=data["pain_during"],
            difficulty=data["difficulty"],
            note=data["note"],
            client_id=data["client_id"],
            recorded_at=data.get("recorded_at"),
        )
        log = ExerciseLog.objects.select_related("plan_item__exercise", "plan_item__version").get(pk=result.log.pk)
        out = ExerciseLogSerializer(log).data
        out["advice"] = {
            "level": AdviceLevel.NONE.value,
            "message": services.log_message(
                tell_therapist=result.tell_therapist, emergency_number=patient.effective_emergency_number
            ),
        }
        out["therapist_told"] = result.tell_therapist
        return Response(out, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class AdherenceView(APIView):
    """Sessions done over sessions prescribed, per week. Patients: their own; staff: ?patient=<id>."""

    permission_classes = [role_in(*EVERYONE)]

    @extend_schema(
        parameters=[
            PATIENT_PARAM,
            OpenApiParameter("weeks", int, description="How many weeks, 1-52 (default 8)."),
        ],
        responses=AdherenceSerializer,
    )
    def get(self, request):
        weeks = request.query_params.get("weeks", "8")
        if not weeks.isdecimal() or not 1 <= int(weeks) <= 52:
            raise ValidationError({"weeks": [_("Give a whole number of weeks from 1 to 52.")]})
        if request.user.role == Role.PATIENT:
            patient = patient_of(request.user)
            raw = request.query_params.get("patient")
            if raw is not None and raw != str(patient.pk):
                raise NotFound()
        else:
            raw = request.query_params.get("patient")
            if raw is None:
                raise ValidationError({"patient": [_("Give the patient's id.")]})
            patient = get_patient_for(request.user, raw)
            audit_log(actor=request.user, action=AuditAction.VIEW, patient=patient, target="exercise adherence")
        rows = selectors.adherence_for(patient, weeks=int(weeks))
        body = {
            "patient": patient.pk,
            "weeks": [
                {"week_start": w.week_start, "prescribed": w.prescribed, "done": w.done, "percent": w.percent}
                for w in rows
            ],
        }
        return Response(AdherenceSerializer(body).data)
