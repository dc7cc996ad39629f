from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from tracker.accounts.api.permissions import role_in
from tracker.accounts.api.serializers import (
    MeSerializer,
    MeUpdateSerializer,
    PatientCreateSerializer,
    PatientSerializer,
    PatientUpdateSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
)
from tracker.accounts.models import CareTeamMembership
from tracker.accounts.selectors import get_patient_for, patient_enrolled_with, patient_of, patients_visible_to
from tracker.accounts.services import USERNAME_TAKEN, patient_create, patient_update
from tracker.audit.models import AuditAction
from tracker.audit.services import audit_log, audit_many
from tracker.core.vocab import CLINICIAN_ROLES, STAFF_ROLES, Role


class TokenView(APIView):
    """Exchange a username and password for an API token. Repeated failures are locked out."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer})
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        credentials = serializer.validated_data
        if AxesProxyHandler.is_locked(request._request, credentials={"username": credentials["username"]}):
            return Response(
                {"detail": "Too many failed attempts. Try again later."}, status=status.HTTP_429_TOO_MANY_REQUESTS
            )
        user = authenticate(request._request, username=credentials["username"], password=credentials["password"])
        if user is None or not user.is_active:
            return Response({"non_field_errors": ["Unable to log in with these credentials."]}, status=400)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeView(APIView):
    """Who is signed in; a patient also reads and changes their own phone and emergency contact."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(self._me(request.user, patient_of(request.user)))

    @extend_schema(request=MeUpdateSerializer, responses=MeSerializer)
    @transaction.atomic
    def patch(self, request):
        patient = patient_of(request.user)
        if patient is None:
            raise PermissionDenied("Only patients have contact details to change here.")
        serializer = MeUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        patient = patient_update(patient=patient, changed_by=request.user, **serializer.validated_data)
        return Response(self._me(request.user, patient))

    @staticmethod
    def _me(user, patient) -> dict:
        data = {"id": user.pk, "username": user.username, "role": user.role, "patient_id": patient and patient.pk}
        if patient is not None:
            data.update(phone=patient.phone, emergency_contact=patient.emergency_contact)
        return MeSerializer(data).data


def _patients_for(user):
    return patients_visible_to(user).prefetch_related(
        Prefetch("memberships", queryset=CareTeamMembership.objects.select_related("clinician").order_by("id"))
    )


class PatientListCreateView(generics.ListCreateAPIView):
    """Patients whose care team the caller is on (all for admins). Nurses, physicians and admins enrol."""

    serializer_class = PatientSerializer

    def get_permissions(self):
        if self.request.method == "POST":
            return [role_in(Role.NURSE, Role.PHYSICIAN, Role.ADMIN)()]
        return [role_in(*STAFF_ROLES)()]

    def get_serializer_class(self):
        return PatientCreateSerializer if self.request.method == "POST" else PatientSerializer

    def get_queryset(self):
        return _patients_for(self.request.user)

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        page = getattr(self.paginator, "page", None)
        if page is not None:
            audit_many(
                actor=request.user, action=AuditAction.VIEW, patients=list(page.object_list), target="patient list"
            )
        return response

    @extend_schema(
        request=PatientCreateSerializer,
        responses={
            201: PatientSerializer,
            200: OpenApiResponse(PatientSerializer, description="Repeated client_id: the patient it enrolled."),
        },
    )
    @transaction.atomic
    def create(self, request, *args, **kwargs):
        client_id = request.data.get("client_id") if isinstance(request.data, dict) else None
        if client_id and (enrolled := patient_enrolled_with(request.user, client_id)):
            return self._enrolled_already(enrolled)  # sent again: not "that username is taken"
        serializer = PatientCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        user_data = data.pop("user", {})
        restrictions = data.pop("restrictions", {}) or {}
        try:
            patient = patient_create(  # its own savepoint: this transaction outlives a refused insert
                created_by=request.user,
                username=data.pop("username"),
                password=data.pop("password"),
                first_name=user_data.get("first_name", ""),
                last_name=user_data.get("last_name", ""),
                care_team=data.pop("care_team", []),
                **data,
                **restrictions,
            )
        except IntegrityError:
            # Sent twice at the same moment: the other request stored the username first.
            if client_id and (enrolled := patient_enrolled_with(request.user, client_id)):
                return self._enrolled_already(enrolled)
            raise ValidationError({"username": [USERNAME_TAKEN]}) from None
        patient = _patients_for(request.user).filter(pk=patient.pk).first() or patient
        return Response(PatientSerializer(patient).data, status=status.HTTP_201_CREATED)

    def _enrolled_already(self, enrolled):
        patient = _patients_for(self.request.user).get(pk=enrolled.pk)
        return Response(PatientSerializer(patient).data, status=status.HTTP_200_OK)


class PatientDetailView(generics.RetrieveUpdateAPIView):
    """One patient; clinicians on the care team (and admins) may change the profile."""

    serializer_class = PatientSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_permissions(self):
        if self.request.method == "PATCH":
            return [role_in(*CLINICIAN_ROLES, Role.ADMIN)()]
        return [role_in(*STAFF_ROLES, Role.PATIENT)()]

    def get_object(self):
        patient = get_patient_for(self.request.user, self.kwargs["pk"])
        if self.request.method == "GET":
            audit_log(actor=self.request.user, action=AuditAction.VIEW, patient=patient, target="patient profile")
        return _patients_for(self.request.user).get(pk=patient.pk)

    @extend_schema(request=PatientUpdateSerializer, responses=PatientSerializer)
    @transaction.atomic
    def partial_update(self, request, *args, **kwargs):
        patient = self.get_object()
        serializer = PatientUpdateSerializer(patient, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.update(data.pop("user", {}))
        patient_update(patient=patient, changed_by=request.user, **data)
        return Response(PatientSerializer(self.get_object()).data)
