"""Who hears about an alert, and how (docs/clinical.md ("Alert lifecycle": routing, escalation)).

Everything here is called inside the transaction that changes the alert: notification rows are
recorded in it (so a rolled-back change notifies nobody) and sent after it commits, by the
notifications app (in-app + e-mail through its channel interface) or, for on-call addresses that
are not user accounts, by :func:`oncall_page_send`. E-mails carry no health details: a neutral
subject and a link to the alert page, which is behind sign-in and the care-team check.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.accounts.models import CareTeamMembership, User
from tracker.alerts.models import Alert, OncallPage, OncallPageStatus
from tracker.alerts.rules import ROUTING
from tracker.core.vocab import SEVERITY_RANK, Role, Severity
from tracker.notifications.services import notification_create

logger = logging.getLogger(__name__)

MAX_PAGE_ATTEMPTS = 5


def alert_link(alert: Alert) -> str:
    return reverse("alerts:detail", args=[alert.pk])


def team_members(patient_id: int, roles: tuple[str, ...] | None = None) -> list[User]:
    """Active members of the patient's care team (in these team roles), one indexed join."""
    condition = {"memberships__patient_id": patient_id}
    if roles:
        condition["memberships__role__in"] = roles  # the same membership row, not any of theirs
    return list(User.objects.filter(is_active=True, **condition).distinct().order_by("id"))


def routed_recipients(alert: Alert) -> list[User]:
    """The care-team members the rule routes to; if the team has nobody in those roles, the whole team;
    if the patient has no care team at all, the site's admins (an alert must always reach someone)."""
    roles = ROUTING.get(alert.rule, ())
    people = team_members(alert.patient_id, roles) if roles else []
    if not people:
        people = team_members(alert.patient_id)
    if not people:
        people = list(admins())
    return people


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


# --- many alerts at once (the periodic jobs) ---------------------------------------------------


def queue_link(alerts: Sequence[Alert]) -> str:
    """The alert itself when there is one; otherwise the triage queue (or home, without the dashboard)."""
    if len(alerts) == 1:
        return alert_link(alerts[0])
    try:
        return reverse("dashboard:triage")
    except NoReverseMatch:
        return reverse("home")


def recipients_by_alert(alerts: Sequence[Alert], *, routed: bool) -> dict[int, set[int]]:
    """{alert id: user ids} for many alerts in two queries: the rule's routed roles on each patient's team
    (``routed``) or the whole team; the whole team when nobody has those roles; the admins when no team."""
    members: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for patient_id, clinician_id, role in CareTeamMembership.objects.filter(
        patient_id__in={a.patient_id for a in alerts}, clinician__is_active=True
    ).values_list("patient_id", "clinician_id", "role"):
        members[patient_id].append((clinician_id, role))
    admin_ids: set[int] | None = None
    result = {}
    for alert in alerts:
        team = members.get(alert.patient_id, [])
        roles = ROUTING.get(alert.rule, ()) if routed else ()
        people = {uid for uid, role in team if role in roles} or {uid for uid, _role in team}
        if not people:
            if admin_ids is None:
                admin_ids = set(admins().values_list("pk", flat=True))
            people = set(admin_ids)
        result[alert.pk] = people
    return result


def notify_digest(*, alerts: Sequence[Alert], people_by_alert: dict[int, set[int]], event: str, why: str) -> int:
    """One notification per person for a batch of alerts (a periodic job's run), however many alerts it
    holds: a single alert reads like any other alert notice; several name how many and link to the queue."""
    alerts_for: dict[int, list[Alert]] = defaultdict(list)
    for alert in alerts:
        for person_id in people_by_alert.get(alert.pk, ()):
            alerts_for[person_id].append(alert)
    people = User.objects.in_bulk(list(alerts_for))
    sent = 0
    for person_id, theirs in alerts_for.items():
        theirs.sort(key=lambda a: (SEVERITY_RANK[a.severity], a.pk))
        if len(theirs) == 1:
            body = _body(theirs[0], why)
        else:
            rules = sorted({str(a.get_rule_display()) for a in theirs})
            body = _("%(why)s: %(count)s alerts (%(rules)s). Open the triage queue to see them.") % {
                "why": why,
                "count": len(theirs),
                "rules": ", ".join(rules),
            }
        sent += bool(
            notification_create(
                recipient=people[person_id],
                kind=f"alert_{event.split(':')[0]}",
                subject=neutral_subject(theirs[0].severity),
                body=body,
                link=queue_link(theirs),
                dedupe_key=f"alerts-{event}-{min(a.pk for a in theirs)}-n{len(theirs)}-u{person_id}",
            )
        )
    return sent


def notify_escalated_many(alerts: Sequence[Alert]) -> int:
    """Tell the next tier about alerts that have just moved up a level (their ``escalation_level`` is the
    new one): level 1 the whole care team, level 2 and up the admins and the on-call addresses (recorded
    as OncallPage rows, sent by :func:`oncall_pages_retry` at the end of the escalation job)."""
    count = 0
    by_level: dict[int, list[Alert]] = defaultdict(list)
    for alert in alerts:
        by_level[alert.escalation_level].append(alert)
    for level, batch in sorted(by_level.items()):
        why = _("Not yet acknowledged (escalation level %(level)s)") % {"level": level}
        if level <= 1:
            people = recipients_by_alert(batch, routed=False)
        else:
            admin_ids = set(admins().values_list("pk", flat=True))
            people = {alert.pk: admin_ids for alert in batch}
            addresses = getattr(settings, "TRACKER_ONCALL_EMAILS", []) or []
            OncallPage.objects.bulk_create(
                [OncallPage(alert=alert, level=level, address=address) for alert in batch for address in addresses],
                ignore_conflicts=True,
            )
        count += notify_digest(alerts=batch, people_by_alert=people, event=f"escalated:{level}", why=why)
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
