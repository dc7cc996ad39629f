"""Putting a patient on a support programme and taking them off it."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.accounts.models import PatientProfile
from tracker.audit.models import AuditAction
from tracker.audit.services import audit_log
from tracker.psych.models import AssignmentStatus, Programme, ProgrammeAssignment
from tracker.psych.services.delivery import content_deliver_due


def programme_assign(
    *,
    patient: PatientProfile,
    programme: Programme,
    start_date: date,
    assigned_by,
    notify_by_email: bool = True,
    client_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> tuple[ProgrammeAssignment, bool]:
    """Put a patient on a programme from ``start_date`` (audit-logged); returns (assignment, created).

    Modules already due are delivered at once; the rest arrive on their day through the delivery job.
    With a ``client_id`` the call is idempotent: a repeat (a double click, a retry after a lost reply, also
    two at once) returns the assignment it made with created=False instead of "already on this programme".
    """
    now = now or timezone.now()
    if client_id is not None and (existing := _assignment_with(patient, client_id)):
        return existing, False
    if not programme.is_active:
        raise ValidationError({"programme": [_("This programme can no longer be assigned.")]})
    try:
        with transaction.atomic():
            assignment = ProgrammeAssignment.objects.create(
                patient=patient,
                programme=programme,
                start_date=start_date,
                notify_by_email=notify_by_email,
                assigned_by=assigned_by,
                next_due_on=start_date,
                client_id=client_id,
            )
            audit_log(
                actor=assigned_by,
                action=AuditAction.CREATE,
                patient=patient,
                target=f"programme assignment {assignment.pk}",
                detail=f"programme={programme.slug} start={start_date.isoformat()}",
            )
    except IntegrityError:
        if client_id is not None and (existing := _assignment_with(patient, client_id)):
            return existing, False  # the same assignment arrived twice at once: the other request stored it
        raise ValidationError(
            {"programme": [_("This patient is already on this programme. Stop it first to start again.")]}
        ) from None
    if start_date <= timezone.localdate(now):
        content_deliver_due(now=now, assignment_ids=[assignment.pk])
    return assignment, True


def _assignment_with(patient: PatientProfile, client_id: uuid.UUID) -> ProgrammeAssignment | None:
    return ProgrammeAssignment.objects.filter(patient=patient, client_id=client_id).first()


def programme_stop(*, assignment: ProgrammeAssignment, stopped_by, now: datetime | None = None) -> bool:
    """Stop delivering a programme to a patient. Already delivered modules stay. Returns False if it
    was not active."""
    now = now or timezone.now()
    with transaction.atomic():
        stopped = ProgrammeAssignment.objects.filter(pk=assignment.pk, status=AssignmentStatus.ACTIVE).update(
            status=AssignmentStatus.STOPPED, stopped_at=now, next_due_on=None
        )
        if stopped:
            audit_log(
                actor=stopped_by,
                action=AuditAction.UPDATE,
                patient=assignment.patient,
                target=f"programme assignment {assignment.pk}",
                detail="stopped",
            )
    return bool(stopped)


def programme_changed(*, programme: Programme) -> int:
    """After an editor changes a programme's modules: make the delivery job look at its active
    assignments again (a module added with an early day is then delivered on the next run)."""
    return ProgrammeAssignment.objects.filter(programme=programme, status=AssignmentStatus.ACTIVE).update(
        next_due_on=F("start_date")
    )
