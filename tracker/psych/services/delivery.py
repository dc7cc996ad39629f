"""Delivering a programme's modules on their day, telling the patient, and the patient opening and
completing them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.notifications.models import Notification, NotificationStatus
from tracker.notifications.services import notifications_send_after_commit
from tracker.psych.models import AssignmentStatus, ContentDelivery, ProgrammeAssignment, ProgrammeModule

BATCH_SIZE = 1000  # assignments, or deliveries to notify, read per batch by the delivery job


def _programme_plans() -> dict[int, list[tuple[int, int]]]:
    """{programme_id: [(module_id, day_offset), ...]} of active modules, in one query."""
    plans: dict[int, list[tuple[int, int]]] = {}
    rows = ProgrammeModule.objects.filter(module__is_active=True).values_list("programme_id", "module_id", "day_offset")
    for programme_id, module_id, offset in rows:
        plans.setdefault(programme_id, []).append((module_id, offset))
    return plans


@dataclass
class DeliveryResult:
    delivered: int = 0
    notified: int = 0
    finished: int = 0

    def __str__(self) -> str:
        return f"{self.delivered} delivered, {self.notified} notified, {self.finished} programmes finished"


def content_deliver_due(
    *, now: datetime, assignment_ids: Sequence[int] | None = None, batch_size: int = BATCH_SIZE
) -> DeliveryResult:
    """Deliver every module whose day has come, once, then notify the patients.

    Reads only active assignments whose ``next_due_on`` cursor has arrived (a partial index), in id
    order, ``batch_size`` at a time. Per batch: one query for the assignments, one for what they have
    already received, one insert of the new deliveries (a unique constraint per assignment and module
    makes a second run, or two workers at once, deliver nothing twice) and an update of the cursors per
    distinct next due day.
    Modules whose day was missed (the job did not run) are delivered on the next run.
    """
    today = timezone.localdate(now)
    plans = _programme_plans()
    result = DeliveryResult()
    last_id = 0
    while True:
        queryset = ProgrammeAssignment.objects.filter(
            status=AssignmentStatus.ACTIVE, next_due_on__isnull=False, next_due_on__lte=today, pk__gt=last_id
        )
        if assignment_ids is not None:
            queryset = queryset.filter(pk__in=list(assignment_ids))
        batch = list(queryset.order_by("pk").only("pk", "patient_id", "programme_id", "start_date")[:batch_size])
        if not batch:
            break
        last_id = batch[-1].pk
        delivered_pairs = set(
            ContentDelivery.objects.filter(assignment_id__in=[a.pk for a in batch]).values_list(
                "assignment_id", "module_id"
            )
        )
        new_rows = []
        for assignment in batch:
            upcoming = []
            for module_id, offset in plans.get(assignment.programme_id, []):
                if (assignment.pk, module_id) in delivered_pairs:
                    continue
                day = assignment.day_of(offset)
                if day <= today:
                    new_rows.append(
                        ContentDelivery(
                            assignment_id=assignment.pk,
                            module_id=module_id,
                            patient_id=assignment.patient_id,
                            due_on=day,
                            delivered_at=now,
                        )
                    )
                else:
                    upcoming.append(day)
            assignment.next_due_on = min(upcoming) if upcoming else None
            assignment.status = AssignmentStatus.ACTIVE if upcoming else AssignmentStatus.FINISHED
            result.finished += not upcoming
        with transaction.atomic():
            if new_rows:
                before = ContentDelivery.objects.filter(assignment_id__in=[a.pk for a in batch]).count()
                ContentDelivery.objects.bulk_create(new_rows, ignore_conflicts=True)
                after = ContentDelivery.objects.filter(assignment_id__in=[a.pk for a in batch]).count()
                result.delivered += after - before
            # One UPDATE per distinct new (cursor, status), not bulk_update's CASE over every row: a batch's
            # assignments share a few next days (the programmes' module offsets), and building bulk_update's
            # CASE cost more than the rest of the job.
            moved: dict[tuple, list[int]] = defaultdict(list)
            for assignment in batch:
                moved[assignment.next_due_on, assignment.status].append(assignment.pk)
            for (next_due_on, status), pks in moved.items():
                ProgrammeAssignment.objects.filter(pk__in=pks).update(next_due_on=next_due_on, status=status)
    result.notified = content_notify_pending(now=now, batch_size=batch_size, assignment_ids=assignment_ids)
    return result


def content_notify_pending(
    *, now: datetime, batch_size: int = BATCH_SIZE, assignment_ids: Sequence[int] | None = None
) -> int:
    """Tell patients about delivered content: an in-app notice, and an e-mail when the assignment
    asks for one (neutral subject, no health details). Once per delivery (dedupe key), claimed with
    ``notified_at`` so the work is done by whichever run gets there first."""
    notified = 0
    while True:
        pending = ContentDelivery.objects.filter(notified_at__isnull=True)
        if assignment_ids is not None:
            pending = pending.filter(assignment_id__in=list(assignment_ids))
        rows = list(
            pending.order_by("delivered_at", "pk").values_list(
                "pk", "patient__user_id", "patient__user__is_active", "assignment__notify_by_email"
            )[:batch_size]
        )
        if not rows:
            break
        with transaction.atomic():
            notifications = []
            email_keys = []
            for pk, user_id, active, by_email in rows:
                if not active:
                    continue
                key = f"psych-content:{pk}"
                link = reverse("psych:content_detail", args=[pk])
                notifications.append(
                    Notification(
                        recipient_id=user_id,
                        channel="in_app",
                        kind="psych_content",
                        subject=_("New support session ready"),
                        body=_("A new session from your support programme is ready to read."),
                        link=link,
                        dedupe_key=key,
                        status=NotificationStatus.SENT,
                        sent_at=now,
                    )
                )
                if by_email:
                    email_keys.append(key)
                    notifications.append(
                        Notification(
                            recipient_id=user_id,
                            channel="email",
                            kind="psych_content",
                            subject=_("Something new is waiting for you"),
                            link=link,
                            dedupe_key=key,
                            status=NotificationStatus.PENDING,
                        )
                    )
            Notification.objects.bulk_create(notifications, ignore_conflicts=True)
            claimed = ContentDelivery.objects.filter(pk__in=[r[0] for r in rows], notified_at__isnull=True).update(
                notified_at=now
            )
            notified += claimed
            if email_keys:
                pending = Notification.objects.filter(
                    channel="email", dedupe_key__in=email_keys, status=NotificationStatus.PENDING, attempts=0
                ).values_list("pk", flat=True)
                notifications_send_after_commit(list(pending))
    return notified


def content_open(*, delivery: ContentDelivery, now: datetime | None = None) -> None:
    """Note the first time the patient opened a delivered module."""
    if delivery.opened_at is None:
        now = now or timezone.now()
        ContentDelivery.objects.filter(pk=delivery.pk, opened_at__isnull=True).update(opened_at=now)
        delivery.opened_at = now


def content_complete(*, delivery: ContentDelivery, helpful: bool | None = None, now: datetime | None = None) -> None:
    """Mark a delivered module done (the first time counts) and, optionally, rate it helpful or not.

    Safe to repeat: a second call keeps the first completion time and only changes the rating when
    one is given. Reads nothing after its commit (callers read the item again if they show it), so a
    database failure here means nothing changed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        ContentDelivery.objects.filter(pk=delivery.pk, completed_at__isnull=True).update(
            completed_at=now, opened_at=delivery.opened_at or now
        )
        if helpful is not None:
            ContentDelivery.objects.filter(pk=delivery.pk).update(helpful=helpful)
