"""Helpers shared by the alert tests (check-ins come from tests.factories.CheckInFactory)."""

LABEL = "symptoms.checkin"
