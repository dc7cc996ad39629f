"""Check-in reminders: once per due check-in, in-app and by e-mail, for any number of patients.

A check-in is due each local day (daily schedule) or once the seventh local day after the last one
begins (weekly; see `selectors.checkin_period_start`). When it is not done by the patient's reminder
time, one reminder goes out for that period. "Not done" and "not yet reminded" are both worked out in
the database in one query, so the job costs a few queries whether 10 or 100,000 patients are due:
the reminders are inserted in bulk, and their e-mails are sent by batch tasks after commit.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.accounts.models import PatientProfile
from tracker.core.vocab import CheckinSchedule
from tracker.notifications.models import Notification, NotificationStatus
from tracker.notifications.services import notifications_send_after_commit
from tracker.symptoms.models import CheckIn
from tracker.symptoms.selectors import checkin_period_start

REMINDER_KIND = "checkin_reminder"
INSERT_BATCH = 2000


def _due_in_period(schedule: str, start: datetime) -> Q:
    not_done = ~Exists(CheckIn.objects.filter(patient=OuterRef("pk"), recorded_at__gte=start))
    not_reminded = ~Exists(
        Notification.objects.filter(recipient=OuterRef("user_id"), kind=REMINDER_KIND, created_at__gte=start)
    )
    return Q(checkin_schedule=schedule) & Q(not_done) & Q(not_reminded)


def patients_due_reminder(*, now: datetime):
    """(patient id, user id, e-mail) of every active patient whose check-in is due, not done by their
    reminder time (site time zone), and not yet reminded about in this period. One query."""
    local_time = timezone.localtime(now).time()
    due = Q()
    for schedule in CheckinSchedule.values:
        due |= _due_in_period(schedule, checkin_period_start(schedule=schedule, now=now))
    return (
        PatientProfile.objects.filter(user__is_active=True, reminder_time__lte=local_time, enrolled_at__lte=now)
        .filter(due)
        .order_by()
        .values_list("pk", "user_id", "user__email")
    )


def checkin_reminders_send(*, now: datetime) -> int:
    """Send every due check-in reminder once (in-app and e-mail); returns how many patients were reminded.

    The dedupe key (patient and local date) makes a second reminder for the same day impossible even
    when two sweeps run at once; the period check above keeps weekly patients to one per week.
    E-mails say nothing about health: a neutral subject and a link to sign in.
    """
    due = list(patients_due_reminder(now=now))
    if not due:
        return 0
    today = timezone.localtime(now).date().isoformat()
    link = reverse("symptoms:checkin")
    # Neutral, like every e-mail subject here: nothing about health, not even the site's name (which may
    # say what it is for) in what a lock screen or a shared inbox shows.
    subject = _("You have a new reminder")
    body = _("Your check-in is waiting. It takes about a minute.")
    keys = {pk: f"{REMINDER_KIND}:{pk}:{today}" for pk, _user, _email in due}
    sent_at = timezone.now()

    def rows(channel: str, **extra):
        for pk, user_id, email in due:
            if channel == "email" and not email:
                continue  # no address: in-app only
            yield Notification(
                recipient_id=user_id,
                channel=channel,
                kind=REMINDER_KIND,
                subject=subject,
                body=body,
                link=link,
                dedupe_key=keys[pk],
                **extra,
            )

    with transaction.atomic():
        Notification.objects.bulk_create(
            rows("in_app", status=NotificationStatus.SENT, sent_at=sent_at),
            batch_size=INSERT_BATCH,
            ignore_conflicts=True,
        )
        Notification.objects.bulk_create(
            rows("email", status=NotificationStatus.PENDING), batch_size=INSERT_BATCH, ignore_conflicts=True
        )
        # The e-mail rows this run inserted (rows another run inserted first are that run's to send).
        email_ids = list(
            Notification.objects.filter(
                kind=REMINDER_KIND, channel="email", status=NotificationStatus.PENDING, created_at__gte=sent_at
            ).values_list("pk", flat=True)
        )
        notifications_send_after_commit(email_ids)
    return len(due)
