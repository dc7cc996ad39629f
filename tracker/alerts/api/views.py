"""Alerts API (docs/api.md "Alerts"): staff on the patient's care team; patients get 403."""

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
    AlertContactSerializer,
    AlertDetailSerializer,
    AlertFilterSerializer,
    AlertResolveSerializer,
    AlertSerializer,
)
from tracker.alerts.contacts import alert_contact_record
from tracker.alerts.models import AlertEvent
from tracker.alerts.selectors import (
    alert_contacts,
    alert_get_for,
    alert_sources,
    alerts_visible_to,
    other_active_alert_ids,
)
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
        # Queries: the page and its count, then for the whole page one per kind of source submission
        # present (at most three) and one for the patients' other alerts; then the audit rows.
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        alerts = list(page) if page is not None else list(self.filter_queryset(self.get_queryset()))
        context = {
            **self.get_serializer_context(),
            "sources": alert_sources(alerts),
            "other_open_alerts": other_active_alert_ids(alerts),
        }
        data = AlertSerializer(alerts, many=True, context=context).data
        response = self.get_paginated_response(data) if page is not None else Response(data)
        patients = {alert.patient_id: alert.patient for alert in alerts}
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


class AlertContactListView(generics.ListCreateAPIView):
    """The care team's contact attempts for one alert, newest first; POST records one (201) and
    acknowledges the alert if it is still open. Staff on the care team; patients 403; out of reach 404."""

    serializer_class = AlertContactSerializer
    permission_classes = [IsStaff]

    def _alert(self):
        if not hasattr(self, "_alert_cache"):
            self._alert_cache = alert_get_for(self.request.user, self.kwargs["pk"])
        return self._alert_cache

    def get_queryset(self):
        return alert_contacts(self._alert())

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        alert = self._alert()
        audit_log(actor=request.user, action=AuditAction.VIEW, patient=alert.patient, target=f"alert {alert.pk}")
        return response

    @extend_schema(
        request=AlertContactSerializer,
        responses={
            201: AlertContactSerializer,
            400: OpenApiResponse(description="Unknown method or result"),
            404: OpenApiResponse(description="Not found"),
        },
    )
    def post(self, request, *args, **kwargs):
        alert = self._alert()
        serializer = AlertContactSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        recorded = alert_contact_record(alert=alert, user=request.user, **serializer.validated_data)
        return Response(AlertContactSerializer(recorded.contact).data, status=status.HTTP_201_CREATED)
