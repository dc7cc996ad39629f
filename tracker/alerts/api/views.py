"""Alerts API (API.md "Alerts"): staff on the patient's care team; patients get 403."""

from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from tracker.accounts.api.permissions import IsStaff
from tracker.accounts.selectors import get_patient_for
from tracker.alerts.api.serializers import (
    AlertConflictSerializer,
    AlertDetailSerializer,
    AlertFilterSerializer,
    AlertResolveSerializer,
    AlertSerializer,
)
from tracker.alerts.models import AlertEvent
from tracker.alerts.selectors import alert_get_for, alerts_visible_to
from tracker.alerts.services import AlertStateConflict, alert_acknowledge, alert_resolve
from tracker.audit.models import AuditAction
from tracker.audit.services import audit_log, audit_many
from tracker.core.vocab import AlertStatus, RuleCode


def _conflict(conflict: AlertStateConflict) -> Response:
    return Response(
        {"detail": conflict.message, "alert": AlertSerializer(conflict.alert).data}, status=status.HTTP_409_CONFLICT
    )


@extend_schema(
    parameters=[
        OpenApiParameter("status", OpenApiTypes.STR, enum=AlertStatus.values),
        OpenApiParameter("patient", OpenApiTypes.INT, description="A patient id on the caller's care teams."),
        OpenApiParameter("rule", OpenApiTypes.STR, enum=RuleCode.values),
    ]
)
class AlertListView(generics.ListAPIView):
    """Alerts of the caller's patients, most severe and oldest first. Unknown filter values are a 400;
    a patient outside the caller's care teams is a 404."""

    serializer_class = AlertSerializer
    permission_classes = [IsStaff]

    def get_queryset(self):
        filters = AlertFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = alerts_visible_to(self.request.user)
        data = filters.validated_data
        if "patient" in data:
            queryset = queryset.filter(patient=get_patient_for(self.request.user, data["patient"]))
        if "status" in data:
            queryset = queryset.filter(status=data["status"])
        if "rule" in data:
            queryset = queryset.filter(rule=data["rule"])
        return queryset

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        page = getattr(self.paginator, "page", None)
        if page is not None:
            patients = {alert.patient_id: alert.patient for alert in page.object_list}
            audit_many(actor=request.user, action=AuditAction.VIEW, patients=patients.values(), target="alerts")
        return response


class AlertDetailView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses={200: AlertDetailSerializer, 404: OpenApiResponse(description="Not found")})
    def get(self, request, pk: int):
        alert = alert_get_for(request.user, pk)
        alert = (
            alerts_visible_to(request.user)
            .prefetch_related(Prefetch("events", queryset=AlertEvent.objects.select_related("actor")))
            .get(pk=alert.pk)
        )
        audit_log(actor=request.user, action=AuditAction.VIEW, patient=alert.patient, target=f"alert {alert.pk}")
        return Response(AlertDetailSerializer(alert).data)


class AlertAcknowledgeView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        request=None,
        responses={
            200: AlertSerializer,
            404: OpenApiResponse(description="Not found"),
            409: OpenApiResponse(AlertConflictSerializer, description="Someone else acknowledged or resolved it first"),
        },
    )
    @transaction.atomic
    def post(self, request, pk: int):
        alert = alert_get_for(request.user, pk)
        try:
            alert = alert_acknowledge(alert=alert, user=request.user)
        except AlertStateConflict as conflict:
            return _conflict(conflict)
        return Response(AlertSerializer(alert).data)


class AlertResolveView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        request=AlertResolveSerializer,
        responses={
            200: AlertSerializer,
            400: OpenApiResponse(description="Missing or unknown outcome, or no note"),
            404: OpenApiResponse(description="Not found"),
            409: OpenApiResponse(AlertConflictSerializer, description="Someone else already resolved it"),
        },
    )
    @transaction.atomic
    def post(self, request, pk: int):
        alert = alert_get_for(request.user, pk)
        serializer = AlertResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            alert = alert_resolve(alert=alert, user=request.user, **serializer.validated_data)
        except AlertStateConflict as conflict:
            return _conflict(conflict)
        return Response(AlertSerializer(alert).data)
