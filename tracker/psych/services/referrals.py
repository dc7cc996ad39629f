"""Referrals to support services and the contact that follows, and what both do to the patient's distress
alerts: a referral or an attempt acknowledges them, a first contact that agreed a plan resolves them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.accounts.models import PatientProfile
from tracker.accounts.selectors import care_team
from tracker.alerts.models import Alert
from tracker.alerts.services import AlertStateConflict, alert_acknowledge, alert_resolve
from tracker.audit.models import AuditAction
from tracker.audit.services import audit_log
from tracker.core.vocab import AlertStatus, Role
from tracker.notifications.services import notification_create
from tracker.psych.models import (
    CONTACT_RESOLVES_WITH,
    ContactOutcome,
    ContactResult,
    Referral,
    ReferralContactAttempt,
    ReferralService,
    Screen,
)
from tracker.psych.selectors import DISTRESS_RULES, referral_alerts
from tracker.psych.services.screens import RECORDED_AT_MAX_FUTURE, RECORDED_AT_MAX_PAST


def referral_create(
    *,
    patient: PatientProfile,
    service: str,
    created_by,
    service_other: str = "",
    reason: str = "",
    alert=None,
    screen: Screen | None = None,
    client_id: uuid.UUID | None = None,
) -> tuple[Referral, bool]:
    """Refer a patient to a support service (audit-logged); returns (referral, created).

    The alert and screen, when given, must be this patient's; the caller has checked the patient is in
    reach. With a ``client_id`` the call is idempotent: a repeat (a double click, a retry after a lost
    reply) returns the original referral with created=False and stores and notifies nothing new.

    A referral made from a distress alert, or from a questionnaire whose alert is still unresolved, is
    recorded on that alert (``referral.alert``; from a questionnaire, its most severe alert) and
    acknowledges the alerts it acts on (:func:`tracker.psych.selectors.referral_alerts`) that are still
    open, through the alerts app, as the person who referred: someone has the patient in hand, so the
    escalation clock stops and the triage queue says who. An alert someone else acknowledged stays as it is.
    """
    if service not in ReferralService.values:
        raise ValidationError({"service": [_("Choose one of the listed services.")]})
    service_other = (service_other or "").strip()
    if service == ReferralService.OTHER and not service_other:
        raise ValidationError({"service_other": [_("Say which service.")]})
    if service != ReferralService.OTHER:
        service_other = ""
    if alert is not None and (alert.patient_id != patient.pk or alert.rule not in DISTRESS_RULES):
        raise ValidationError({"alert": [_("This alert is not a distress alert of this patient.")]})
    if screen is not None and screen.patient_id != patient.pk:
        raise ValidationError({"screen": [_("This questionnaire is not this patient's.")]})
    if client_id is not None:
        existing = Referral.objects.filter(patient=patient, client_id=client_id).first()
        if existing is not None:
            return existing, False
    linked = referral_alerts(
        patient_id=patient.pk, alert_id=alert.pk if alert else None, screen_id=screen.pk if screen else None
    )
    if alert is None and linked:
        alert = linked[0]
    try:
        referral = _referral_store(
            linked=linked,
            patient=patient,
            service=service,
            service_other=service_other,
            reason=reason,
            created_by=created_by,
            alert=alert,
            screen=screen,
            client_id=client_id,
        )
    except IntegrityError:
        existing = Referral.objects.filter(patient=patient, client_id=client_id).first() if client_id else None
        if existing is None:
            raise
        return existing, False  # the same referral arrived twice at once: the other request stored it
    return referral, True


@transaction.atomic
def _referral_store(*, patient: PatientProfile, created_by, linked: list[Alert], **fields) -> Referral:
    """Insert the referral, its audit row, the acknowledgement of its open alerts and the psychologists'
    notifications, all or nothing."""
    referral = Referral.objects.create(patient=patient, created_by=created_by, **fields)
    _acknowledge_open(linked, user=created_by)
    service, alert = fields["service"], fields["alert"]
    audit_log(
        actor=created_by,
        action=AuditAction.CREATE,
        patient=patient,
        target=f"referral {referral.pk}",
        detail=f"service={service}" + (f" alert={alert.pk}" if alert else ""),
    )
    if service == ReferralService.PSYCHOLOGY:
        for member in care_team(patient, roles=(Role.PSYCHOLOGIST,)).exclude(pk=created_by.pk):
            notification_create(
                recipient=member,
                kind="psych_referral",
                subject=_("New referral"),
                body=_("A patient on your team has been referred to psychology."),
                link=reverse("psych:patient_detail", args=[patient.pk]),
                dedupe_key=f"psych-referral:{referral.pk}:{member.pk}",
            )
    return referral


def referral_record_contact(
    *,
    referral: Referral,
    contacted_at: datetime,
    outcome: str = "",
    recorded_by,
    note: str = "",
    result: str = ContactResult.REACHED,
    now: datetime | None = None,
) -> Referral:
    """Record a call or visit after a referral (audit-logged).

    ``result`` "reached" (the default) records the first contact and what came of it, once: the same contact
    sent again by the same person is not an error, the referral is returned as it is. It stops the
    untreated-distress clock of every positive screen recorded at or before ``contacted_at``. Any other
    ``result`` (no answer, a message left, a wrong number) is an attempt: stored, but not a first contact.

    The referral's distress alerts (:func:`tracker.psych.selectors.referral_alerts`) follow, through the alerts
    app: any attempt acknowledges those still open (someone is trying to reach the patient); a first contact
    whose outcome agreed a plan (``CONTACT_RESOLVES_WITH``) resolves them, by the person who recorded it, with
    the outcome mapped to the alerts' vocabulary and a note naming the referral. "Declined" and unanswered
    calls leave them acknowledged: the loop is not closed until someone has spoken with the patient and a
    plan is agreed. ``contacted_at`` may not be in the future, nor more than 7 days ago.
    """
    now = now or timezone.now()
    if result not in ContactResult.values:
        raise ValidationError({"result": [_("Choose one of the listed results.")]})
    if result != ContactResult.REACHED:
        attempt = {"at": contacted_at, "result": result, "outcome": outcome, "note": note}
        return _attempt_record(referral=referral, recorded_by=recorded_by, now=now, **attempt)
    contact = {"contacted_at": contacted_at, "outcome": outcome, "note": note, "recorded_by": recorded_by}
    if referral.is_contacted:
        return _contact_sent_again(referral, **contact)
    if outcome not in ContactOutcome.values:
        raise ValidationError({"outcome": [_("Choose one of the listed outcomes.")]})
    _check_contact_time(contacted_at, now=now)
    with transaction.atomic():
        claimed = Referral.objects.filter(pk=referral.pk, contacted_at__isnull=True).update(
            contacted_at=contacted_at, contact_outcome=outcome, contact_note=note, contact_recorded_by=recorded_by
        )
        if not claimed:  # recorded by another request since this one read the referral
            referral.refresh_from_db()
            return _contact_sent_again(referral, **contact)
        audit_log(
            actor=recorded_by,
            action=AuditAction.UPDATE,
            patient=referral.patient,
            target=f"referral {referral.pk}",
            detail=f"first contact recorded, outcome={outcome}",
        )
        linked = _alerts_of(referral)
        resolution = CONTACT_RESOLVES_WITH.get(outcome)
        if resolution is None:
            _acknowledge_open(linked, user=recorded_by)
        else:
            note_text = _("First contact after the referral to %(service)s on %(when)s: %(outcome)s.") % {
                "service": referral.service_label.lower(),
                "when": timezone.localtime(contacted_at).strftime("%d %b %H:%M"),
                "outcome": ContactOutcome(outcome).label,
            }
            if note.strip():
                note_text += " " + note.strip()
            for alert in linked:
                try:
                    alert_resolve(alert=alert, user=recorded_by, outcome=resolution, note=note_text[:4000])
                except AlertStateConflict:
                    pass  # resolved by someone else a moment ago: the loop is closed either way
    referral.refresh_from_db()
    return referral


def _alerts_of(referral: Referral) -> list[Alert]:
    return referral_alerts(patient_id=referral.patient_id, alert_id=referral.alert_id, screen_id=referral.screen_id)


def _check_contact_time(at: datetime, *, now: datetime) -> None:
    if at > now + RECORDED_AT_MAX_FUTURE:
        raise ValidationError({"contacted_at": [_("This time is in the future.")]})
    if at < now - RECORDED_AT_MAX_PAST:
        raise ValidationError({"contacted_at": [_("This is more than 7 days ago.")]})


def _acknowledge_open(alerts: Sequence[Alert], *, user) -> None:
    """Acknowledge those of ``alerts`` still open, as ``user`` (the alerts app's conditional update: of two
    people at once, one acknowledges; the other's referral or contact is stored all the same)."""
    for alert in alerts:
        if alert.status != AlertStatus.OPEN:
            continue
        try:
            alert_acknowledge(alert=alert, user=user)
        except AlertStateConflict:
            pass  # someone else acknowledged it first: it stays as they left it


def _attempt_record(
    *, referral: Referral, at: datetime, result: str, outcome: str, note: str, recorded_by, now: datetime
) -> Referral:
    """A call that did not reach the patient: stored once (a double click adds nothing), audit-logged, and
    acknowledging the referral's open distress alerts. Not a first contact: the untreated clock runs on."""
    if outcome:
        raise ValidationError({"outcome": [_("Give an outcome only when you reached the patient.")]})
    if referral.is_contacted:
        raise ValidationError({"contacted_at": [_("The first contact has already been recorded.")]})
    _check_contact_time(at, now=now)
    with transaction.atomic():
        _attempt, created = ReferralContactAttempt.objects.get_or_create(
            referral=referral, at=at, result=result, note=note, recorded_by=recorded_by
        )
        if created:
            audit_log(
                actor=recorded_by,
                action=AuditAction.UPDATE,
                patient=referral.patient,
                target=f"referral {referral.pk}",
                detail=f"contact attempt recorded, result={result}",
            )
            _acknowledge_open(_alerts_of(referral), user=recorded_by)
    return referral


def _contact_sent_again(referral: Referral, *, contacted_at, outcome, note, recorded_by) -> Referral:
    """A referral whose first contact is recorded: the same contact from the same person (a double click, a
    resend after a lost reply) is done already; any other is refused."""
    recorded = (referral.contact_recorded_by_id, referral.contacted_at, referral.contact_outcome, referral.contact_note)
    if recorded == (recorded_by.pk, contacted_at, outcome, note):
        return referral
    raise ValidationError({"contacted_at": [_("The first contact has already been recorded.")]})
