"""Who hears about an alert, and how (CLINICAL.md section 2, "Routing" and "Escalation").

Everything here is called inside the transaction that changes the alert: notification rows are
recorded in it (so a rolled-back change notifies nobody) and sent after it commits, by the
notifications app (in-app + e-mail through its channel interface) or, for on-call addresses that
are not user accounts, by :func:`oncall_page_send`. E-mails carry no health details: a neutral
subject and a link to the alert page, which is behind sign-in and the care-team check.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.accounts.models import User
from tracker.accounts.selectors import care_team
from tracker.alerts.models import Alert, OncallPage, OncallPageStatus
from tracker.alerts.rules import ROUTING
from tracker.core.tasks import enqueue_on_commit
from tracker.core.vocab import Role, Severity
from tracker.notifications.services import notification_create

logger = logging.getLogger(__name__)

MAX_PAGE_ATTEMPTS = 5


def alert_link(alert: Alert) -> str:
    return reverse("alerts:detail", args=[alert.pk])


def routed_recipients(alert: Alert) -> list[User]:
    """The care-team members the rule routes to; if the team has nobody in those roles, the whole team;
    if the patient has no care team at all, the site's admins (an alert must always reach someone)."""
    roles = ROUTING.get(alert.rule, ())
    people = list(care_team(alert.patient, roles=roles)) if roles else []
    if not people:
        people = list(care_team(alert.patient))
    if not people:
        people = list(admins())
    return people


def whole_team(alert: Alert) -> list[User]:
    return list(care_team(alert.patient)) or list(admins())


def admins() -> Iterable[User]:
    return User.objects.filter(role=Role.ADMIN, is_active=True).order_by("id")


def neutral_subject(severity: str) -> str:
    """An e-mail subject with no patient, no rule and no values: only how soon to look."""
    if severity == Severity.EMERGENCY:
        return _("%(site)s: an alert needs your attention now") % {"site": settings.TRACKER_SITE_NAME}
    return _("%(site)s: an alert needs your attention") % {"site": settings.TRACKER_SITE_NAME}


def _subject(alert: Alert) -> str:
    return neutral_subject(alert.severity)


def _body(alert: Alert, why: str) -> str:
    # Shown only in the recipient's in-app messages; no name and no reported values, just what and where.
    return _(
        "%(why)s: %(severity)s alert \u201c%(rule)s\u201d for patient #%(patient)s. Open it to see the details."
    ) % {
        "why": why,
        "severity": alert.get_severity_display(),
        "rule": alert.get_rule_display(),
        "patient": alert.patient_id,
    }


def notify_people(*, alert: Alert, people: Iterable[User], event: str, why: str) -> int:
    """One in-app + e-mail notification per person for this alert event (sent once per event and person)."""
    count = 0
    for person in people:
        created = notification_create(
            recipient=person,
            kind=f"alert_{event.split(':')[0]}",
            subject=_subject(alert),
            body=_body(alert, why),
            link=alert_link(alert),
            dedupe_key=f"alert-{alert.pk}-{event}-u{person.pk}",
        )
        count += bool(created)
    return count


def notify_created(alert: Alert) -> int:
    return notify_people(alert=alert, people=routed_recipients(alert), event="created", why=_("New"))


def notify_severity_raised(alert: Alert) -> int:
    return notify_people(
        alert=alert, people=routed_recipients(alert), event=f"severity:{alert.severity}", why=_("More serious now")
    )


def notify_escalated(alert: Alert, *, level: int) -> int:
    """Level 1: the whole care team. Level 2 and up: the site's admins and the on-call addresses."""
    why = _("Not yet acknowledged (escalation level %(level)s)") % {"level": level}
    if level <= 1:
        return notify_people(alert=alert, people=whole_team(alert), event=f"escalated:{level}", why=why)
    count = notify_people(alert=alert, people=admins(), event=f"escalated:{level}", why=why)
    for address in getattr(settings, "TRACKER_ONCALL_EMAILS", []) or []:
        page, created = OncallPage.objects.get_or_create(alert=alert, level=level, address=address)
        if created:
            from tracker.alerts.tasks import send_oncall_page

            enqueue_on_commit(send_oncall_page, page.pk)
            count += 1
    return count


def oncall_page_send(*, page_id: int) -> str:
    """Send one on-call e-mail if nobody else is sending it; safe to call twice."""
    claimed = OncallPage.objects.filter(
        pk=page_id, status__in=[OncallPageStatus.PENDING, OncallPageStatus.FAILED], attempts__lt=MAX_PAGE_ATTEMPTS
    ).update(status=OncallPageStatus.SENDING, attempts=F("attempts") + 1)
    if not claimed:
        return "not claimed"
    page = OncallPage.objects.select_related("alert").get(pk=page_id)
    link = f"{settings.SITE_URL}{alert_link(page.alert)}"
    body = _(
        "Hello,\n\nAn alert in %(site)s has not been acknowledged and has been escalated to the on-call list.\n"
        "Please sign in to see it:\n%(link)s\n\nThis e-mail does not contain any health information.\n"
    ) % {"site": settings.TRACKER_SITE_NAME, "link": link}
    try:
        send_mail(_subject(page.alert), body, None, [page.address], fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - record any delivery failure; the escalation job retries
        logger.warning("on-call page %s failed: %s", page_id, type(exc).__name__)
        OncallPage.objects.filter(pk=page_id).update(status=OncallPageStatus.FAILED, last_error=type(exc).__name__)
        return "failed"
    OncallPage.objects.filter(pk=page_id).update(status=OncallPageStatus.SENT, sent_at=timezone.now())
    return "sent"


def oncall_pages_retry(*, now) -> int:
    """Send on-call e-mails that are pending or failed, or that a dead worker left 'sending'."""
    from datetime import timedelta

    OncallPage.objects.filter(status=OncallPageStatus.SENDING, created_at__lt=now - timedelta(minutes=10)).update(
        status=OncallPageStatus.FAILED
    )
    ids = list(
        OncallPage.objects.filter(
            status__in=[OncallPageStatus.PENDING, OncallPageStatus.FAILED], attempts__lt=MAX_PAGE_ATTEMPTS
        ).values_list("pk", flat=True)[:500]
    )
    return sum(oncall_page_send(page_id=pk) == "sent" for pk in ids)
