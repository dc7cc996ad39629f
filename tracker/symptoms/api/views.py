import threading

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from tracker.accounts.api.permissions import IsPatient, role_in
from tracker.accounts.selectors import get_patient_for, patient_of, scope_to_user
from tracker.alerts.raised_by import attach_raised_alerts
from tracker.audit.models import AuditAction
from tracker.audit.services import audit_log
from tracker.core.api import DO_NOT_RESEND, RESEND_WITH_CLIENT_ID, already_saved
from tracker.core.forms import MAX_ID
from tracker.core.vocab import STAFF_ROLES, Role
from tracker.symptoms.api.serializers import CheckInCreatedSerializer, CheckInSerializer, StrictUUIDField
from tracker.symptoms.models import CheckIn
from tracker.symptoms.selectors import checkins_of
from tracker.symptoms.services import checkin_advice, checkin_create, checkin_for_client_id

_per_thread = threading.local()


def _checkin_serializer() -> CheckInSerializer:
    """This thread's CheckInSerializer, built once and reused for every check-in it validates or returns.

    Building one costs several times what validating or representing a check-in does (DRF deep-copies
    its ~35 nested fields for each instance). Its fields keep no state between calls (DRF's
    ListSerializer reuses its child for every item the same way); no instance is shared between threads.
    """
    serializer = getattr(_per_thread, "checkin_serializer", None)
    if serializer is None:
        serializer = _per_thread.checkin_serializer = CheckInSerializer()
    return serializer


def _created_body(checkin: CheckIn) -> dict:
    """CheckInCreatedSerializer's representation: the stored check-in plus the patient's advice."""
    advice = checkin_advice(checkin)
    body = _checkin_serializer().to_representation(checkin)
    body["advice"] = {"level": advice.level, "message": advice.message}
    return body


class CheckInListCreateView(generics.ListCreateAPIView):
    """Patients send check-ins for themselves; patients and their care team read them, newest first."""

    serializer_class = CheckInSerializer

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsPatient()]
        return [role_in(Role.PATIENT, *STAFF_ROLES)()]

    def _patient(self):
        user = self.request.user
        requested = self.request.query_params.get("patient")
        if user.role == Role.PATIENT:
            patient = patient_of(user)
            if patient is None or (requested not in (None, "") and requested != str(patient.pk)):
                raise Http404("No such patient.")
            return patient
        if not requested:
            raise serializers.ValidationError({"patient": ["Staff must say whose check-ins: ?patient=<id>."]})
        patient = get_patient_for(user, requested)
        audit_log(actor=user, action=AuditAction.VIEW, patient=patient, target="check-ins")
        return patient

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CheckIn.objects.none()
        return checkins_of(self._patient())

    def paginate_queryset(self, queryset):
        # Each check-in's `alerts`, for the whole page in one query (AlertTrigger has no foreign key
        # to the submission, so this is the prefetch).
        page = super().paginate_queryset(queryset)
        return attach_raised_alerts(page) if page is not None else page

    def list(self, request, *args, **kwargs):
        if self.paginator is None:  # unpaginated (not the default): attach to the whole list
            serializer = self.get_serializer(attach_raised_alerts(self.get_queryset()), many=True)
            return Response(serializer.data)
        return super().list(request, *args, **kwargs)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "patient",
                int,
                description="The patient's id. Required for staff (patients on their care team only; 404 "
                "otherwise); patients may leave it out (they only ever see their own).",
            )
        ],
        responses={200: CheckInSerializer(many=True), 400: OpenApiResponse(description="Staff without ?patient=")},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=CheckInSerializer,
        responses={
            201: CheckInCreatedSerializer,
            200: OpenApiResponse(CheckInCreatedSerializer, description="Repeated client_id: the original check-in."),
            400: OpenApiResponse(description="Field errors: {field: [messages]}, nested for pain/neuro/side_effects."),
            403: OpenApiResponse(description="Only patients send check-ins."),
        },
    )
    def post(self, request, *args, **kwargs):
        patient = patient_of(request.user)
        if patient is None:
            raise Http404("No patient profile.")
        try:
            data = _checkin_serializer().run_validation(request.data)
        except serializers.ValidationError:
            # A phone retrying a check-in that was stored gets the original back even if, by now, its
            # recorded_at has left the window: nothing is stored twice and the patient still sees the advice.
            existing = self._existing(patient, request.data)
            if existing is not None:
                return Response(_created_body(existing), status=status.HTTP_200_OK)
            # The errors exactly as DRF's is_valid() and .errors give them (a null body, for one, is
            # "No data provided", not run_validation's "This field may not be null.").
            serializer = CheckInSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data  # valid a moment later: a recorded_at on the window's edge
        checkin, created = checkin_create(patient=patient, **CheckInSerializer.service_kwargs(data))
        # The advice is worked out after the commit, so a fault in it never costs the patient the check-in.
        with already_saved("check-in advice", RESEND_WITH_CLIENT_ID if checkin.client_id else DO_NOT_RESEND):
            body = _created_body(checkin)
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @staticmethod
    def _existing(patient, data) -> CheckIn | None:
        if not isinstance(data, dict) or data.get("client_id") in (None, ""):
            return None
        try:
            client_id = StrictUUIDField().to_internal_value(data["client_id"])
        except serializers.ValidationError:
            return None
        return checkin_for_client_id(patient, client_id)


class CheckInDetailView(generics.RetrieveAPIView):
    """One check-in with its `alerts`: the patient's own, or any of a patient on the caller's care team
    (audit-logged as the staff list is); 404 for anything else."""

    serializer_class = CheckInSerializer
    queryset = CheckIn.objects.none()  # for the schema; get_object decides

    def get_permissions(self):
        return [role_in(Role.PATIENT, *STAFF_ROLES)()]

    def get_object(self):
        user = self.request.user
        if not 0 < self.kwargs["pk"] <= MAX_ID:  # a number no database can hold is not a check-in
            raise Http404("No such check-in.")
        checkins = scope_to_user(user, CheckIn.objects.select_related("patient"))
        checkin = get_object_or_404(checkins, pk=self.kwargs["pk"])
        if user.role != Role.PATIENT:
            audit_log(actor=user, action=AuditAction.VIEW, patient=checkin.patient, target="check-in")
        return checkin

    @extend_schema(responses={200: CheckInSerializer, 404: OpenApiResponse(description="Not yours to see.")})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
