"""API for screens, support content, referrals and programme assignment (docs/api.md)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from tracker.accounts.api.permissions import IsPatient, role_in
from tracker.accounts.selectors import get_patient_for, patient_of, scope_to_user
from tracker.alerts.raised_by import attach_raised_alerts
from tracker.audit.models import AuditAction
from tracker.audit.services import audit_log, audit_many
from tracker.core.vocab import CLINICIAN_ROLES, STAFF_ROLES, Role
from tracker.psych import selectors, services
from tracker.psych.api.serializers import (
    AssignmentCreateSerializer,
    AssignmentSerializer,
    ContentCompleteSerializer,
    ContentSerializer,
    DueScreenSerializer,
    ProgrammeSerializer,
    ReferralContactSerializer,
    ReferralCreateSerializer,
    ReferralSerializer,
    ScreenCreatedSerializer,
    ScreenCreateSerializer,
    ScreenSerializer,
)
from tracker.psych.models import Programme, ProgrammeModule, Screen

CAN_ACT = (*CLINICIAN_ROLES, Role.ADMIN)
PATIENT_PARAM = OpenApiParameter(
    "patient",
    OpenApiTypes.INT,
    description="Staff: the patient (required; on their care team, else 404). Patients may leave it out (they "
    "only ever get their own); naming another patient is 404, as for check-ins.",
)


def _drf_error(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})


def _patient_from_query(request, target: str):
    """Patients: themselves (naming anyone else is 404). Staff: ?patient=<id> in their reach (404 otherwise),
    audit-logged."""
    patient = patient_of(request.user)
    if patient is not None:
        requested = request.query_params.get("patient")
        if requested not in (None, "") and requested != str(patient.pk):
            raise Http404("No such patient.")
        return patient
    patient_id = request.query_params.get("patient")
    if not patient_id:
        raise ValidationError({"patient": [_("Give ?patient=<id>.")]})
    patient = get_patient_for(request.user, patient_id)
    audit_log(actor=request.user, action=AuditAction.VIEW, patient=patient, target=target)
    return patient


def _with_advice(screen: Screen) -> dict:
    screen.advice = services.screen_advice(screen).as_api()
    return ScreenCreatedSerializer(screen).data


class ScreenListCreateView(generics.ListCreateAPIView):
    """Patients send a questionnaire (201 with advice; a repeated client_id gives 200 and the original).
    GET: own screens for patients, ?patient=<id> for staff on the care team; newest first."""

    serializer_class = ScreenSerializer

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsPatient()]
        return [role_in(Role.PATIENT, *STAFF_ROLES)()]

    def get_queryset(self):
        patient = _patient_from_query(self.request, "screens")
        return selectors.screens_of(patient)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)  # each screen's `alerts` for the page in one query
        return attach_raised_alerts(page) if page is not None else page

    @extend_schema(parameters=[PATIENT_PARAM])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=ScreenCreateSerializer, responses={201: ScreenCreatedSerializer, 200: ScreenCreatedSerializer}
    )
    def post(self, request, *args, **kwargs):
        serializer = ScreenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            screen, created = services.screen_submit(
                patient=patient_of(request.user),
                instrument=data["instrument"],
                score=data.get("score"),
                problems=data.get("problems"),
                answers=data.get("answers"),
                client_id=data.get("client_id"),
                recorded_at=data.get("recorded_at"),
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None
        return Response(_with_advice(screen), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class ScreenDueView(APIView):
    """The questionnaires due for the signed-in patient now."""

    permission_classes = [IsPatient]

    @extend_schema(responses=DueScreenSerializer(many=True))
    def get(self, request):
        due = selectors.screens_due(patient_of(request.user), timezone.localdate())
        return Response(DueScreenSerializer(due, many=True).data)


class ContentListView(generics.ListAPIView):
    """Support content delivered to the patient, newest first (staff: ?patient=<id>, audit-logged)."""

    serializer_class = ContentSerializer

    def get_permissions(self):
        return [role_in(Role.PATIENT, *STAFF_ROLES)()]

    @extend_schema(parameters=[PATIENT_PARAM])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.deliveries_of(_patient_from_query(self.request, "support content"))


class ContentCompleteView(APIView):
    """Mark a delivered module done, optionally rating it helpful or not. Safe to repeat."""

    permission_classes = [IsPatient]

    @extend_schema(request=ContentCompleteSerializer, responses=ContentSerializer)
    @transaction.atomic
    def post(self, request, pk):
        delivery = selectors.delivery_for_patient(patient_of(request.user), pk)
        if delivery is None:
            raise Http404
        serializer = ContentCompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.content_complete(delivery=delivery, helpful=serializer.validated_data.get("helpful"))
        delivery = selectors.delivery_for_patient(patient_of(request.user), pk)
        return Response(ContentSerializer(delivery, context={"request": request}).data)


class ReferralListCreateView(generics.ListCreateAPIView):
    """Referrals of the patients in the caller's reach (?patient=<id> to narrow); clinicians make them."""

    serializer_class = ReferralSerializer

    def get_permissions(self):
        if self.request.method == "POST":
            return [role_in(*CAN_ACT)()]
        return [role_in(*STAFF_ROLES)()]

    def get_queryset(self):
        patient_id = self.request.query_params.get("patient")
        patient = get_patient_for(self.request.user, patient_id) if patient_id else None
        return selectors.referrals_for(self.request.user, patient).select_related("patient")

    @extend_schema(parameters=[OpenApiParameter("patient", OpenApiTypes.INT)])
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        page = getattr(self.paginator, "page", None)
        if page is not None:
            patients = {r.patient_id: r.patient for r in page.object_list}
            audit_many(actor=request.user, action=AuditAction.VIEW, patients=patients.values(), target="referrals")
        return response

    @extend_schema(
        request=ReferralCreateSerializer,
        responses={
            201: ReferralSerializer,
            200: OpenApiResponse(ReferralSerializer, description="Repeated client_id: the original referral."),
        },
    )
    @transaction.atomic  # the reply reads the referral's attempts: written and read in one transaction
    def post(self, request, *args, **kwargs):
        from tracker.alerts.models import Alert

        serializer = ReferralCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        patient = get_patient_for(request.user, data.pop("patient"))
        alert_id, screen_id = data.pop("alert", None), data.pop("screen", None)
        alert = screen = None
        if alert_id is not None:
            alert = scope_to_user(request.user, Alert.objects.filter(patient=patient)).filter(pk=alert_id).first()
            if alert is None:
                raise ValidationError({"alert": [_("No such alert for this patient.")]})
        if screen_id is not None:
            screen = selectors.screen_for_patient(patient, screen_id)
            if screen is None:
                raise ValidationError({"screen": [_("No such questionnaire for this patient.")]})
        try:
            referral, created = services.referral_create(
                patient=patient, created_by=request.user, alert=alert, screen=screen, **data
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None
        return Response(
            ReferralSerializer(referral).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class ReferralContactView(APIView):
    """Record the first contact after a referral and its outcome (once; 400 if already recorded), or with
    ``result`` other than "reached" a call that did not reach the patient. Updates the referral's distress
    alerts (see :func:`tracker.psych.services.referral_record_contact`)."""

    def get_permissions(self):
        return [role_in(*CAN_ACT)()]

    @extend_schema(request=ReferralContactSerializer, responses=ReferralSerializer)
    @transaction.atomic
    def post(self, request, pk):
        referral = selectors.get_referral_for(request.user, pk)
        serializer = ReferralContactSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            referral = services.referral_record_contact(
                referral=referral,
                contacted_at=data["contacted_at"],
                result=data["result"],
                outcome=data["outcome"],
                note=data["note"],
                recorded_by=request.user,
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None
        return Response(ReferralSerializer(selectors.get_referral_for(request.user, referral.pk)).data)


class ProgrammeListView(generics.ListAPIView):
    """The support programmes that can be assigned, with their modules and days."""

    serializer_class = ProgrammeSerializer

    def get_permissions(self):
        return [role_in(*STAFF_ROLES)()]

    def get_queryset(self):
        items = ProgrammeModule.objects.select_related("module").order_by("day_offset", "id")
        return Programme.objects.filter(is_active=True).prefetch_related(Prefetch("items", queryset=items))


class AssignmentListCreateView(generics.ListCreateAPIView):
    """A patient's programmes with completion counts (?patient=<id>); clinicians assign one."""

    serializer_class = AssignmentSerializer

    def get_permissions(self):
        if self.request.method == "POST":
            return [role_in(*CAN_ACT)()]
        return [role_in(*STAFF_ROLES)()]

    def get_queryset(self):
        patient = _patient_from_query(self.request, "programme assignments")
        return selectors.assignments_of(patient)

    @extend_schema(parameters=[PATIENT_PARAM])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=AssignmentCreateSerializer,
        responses={
            201: AssignmentSerializer,
            200: OpenApiResponse(AssignmentSerializer, description="Repeated client_id: the assignment it made."),
        },
    )
    @transaction.atomic
    def post(self, request, *args, **kwargs):
        serializer = AssignmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        patient = get_patient_for(request.user, data.pop("patient"))
        if data["start_date"] < timezone.localdate():
            raise ValidationError({"start_date": [_("The start date cannot be in the past.")]})
        try:
            assignment, created = services.programme_assign(patient=patient, assigned_by=request.user, **data)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None
        assignment = selectors.assignments_of(patient).get(pk=assignment.pk)
        return Response(
            AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )
