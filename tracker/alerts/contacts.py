"""Writes of the contact log: the care team's attempts to reach a patient about an alert.

Recording a contact on an open alert acknowledges it (the person is looking after it), through
:func:`tracker.alerts.services.alert_acknowledge`: the same conditional update, event and audit row as
the Acknowledge button. If someone else acknowledged or resolved the alert a moment before, the contact
is still recorded and the alert keeps their acknowledgement (a race is never an error).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from tracker.alerts.models import Alert, AlertContact, ContactMethod, ContactResult
from tracker.alerts.services import MAX_NOTE_LENGTH, AlertStateConflict, alert_acknowledge
from tracker.audit.models import AuditAction
from tracker.audit.services import audit_log
from tracker.core.vocab import AlertStatus


@dataclass(frozen=True)
class ContactRecorded:
    contact: AlertContact
    alert: Alert
    acknowledged: bool  # True when this contact acknowledged the alert


def alert_contact_record(
    *, alert: Alert, user, method: str, result: str, note: str = "", at: datetime | None = None
) -> ContactRecorded:
    """Record one contact attempt; acknowledge the alert if it is still open.

    A method or result outside the vocabulary, or a note too long, raises ``ValueError`` (forms and
    serializers check these first, so people see field errors; the database checks them too).
    """
    note = (note or "").strip()
    if method not in ContactMethod.values:
        raise ValueError(f"unknown contact method {method!r}")
    if result not in ContactResult.values:
        raise ValueError(f"unknown contact result {result!r}")
    if len(note) > MAX_NOTE_LENGTH:
        raise ValueError(f"the note is longer than {MAX_NOTE_LENGTH} characters")
    acknowledged = False
    with transaction.atomic():
        contact = AlertContact.objects.create(
            alert=alert, by=user, method=method, result=result, note=note, at=at or timezone.now()
        )
        audit_log(
            actor=user,
            action=AuditAction.CREATE,
            patient=alert.patient,
            target=f"alert {alert.pk}",
            detail=f"contact {contact.pk}: {method}, {result}",
        )
        if Alert.objects.filter(pk=alert.pk, status=AlertStatus.OPEN).exists():
            try:
                alert = alert_acknowledge(alert=alert, user=user)
                acknowledged = alert.acknowledged_by_id == user.pk
            except AlertStateConflict as conflict:
                alert = conflict.alert  # someone else got there first: theirs stands, the contact is kept
    return ContactRecorded(contact=contact, alert=alert, acknowledged=acknowledged)
