"""Writes for psychological support: screens, referrals, programme assignment and content delivery."""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import islice

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.accounts.models import PatientProfile
from tracker.accounts.selectors import care_team
from tracker.alerts import rules
from tracker.alerts.evaluation import submission_saved
from tracker.alerts.models import Alert
from tracker.alerts.services import AlertStateConflict, alert_acknowledge, alert_resolve
from tracker.audit.models import AuditAction
from tracker.audit.services import audit_log
from tracker.core.vocab import AdviceLevel, AlertStatus, DistressProblem, Instrument, Role, RuleCode
from tracker.notifications.models import Notification, NotificationStatus
from tracker.notifications.services import notification_create, notifications_send_after_commit
from tracker.psych import scoring
from tracker.psych.models import (
    CONTACT_RESOLVES_WITH,
    ITEM_COUNT,
    AssignmentStatus,
    ContactOutcome,
    ContactResult,
    ContentDelivery,
    Programme,
    ProgrammeAssignment,
    ProgrammeModule,
    Referral,
    ReferralContactAttempt,
    ReferralService,
    Screen,
    ScreenSchedule,
)
from tracker.psych.selectors import DISTRESS_RULES, INSTRUMENT_ORDER, referral_alerts

logger = logging.getLogger(__name__)

# How far from "now" a patient may date a submission (same window as check-ins, docs/api.md).
RECORDED_AT_MAX_FUTURE = timedelta(minutes=5)
RECORDED_AT_MAX_PAST = timedelta(days=7)

BATCH_SIZE = 1000


# ------------------------------------------------------------------------------------------------
# Screens
# ------------------------------------------------------------------------------------------------


def validate_recorded_at(recorded_at: datetime, *, now: datetime) -> None:
    if recorded_at > now + RECORDED_AT_MAX_FUTURE:
        raise ValidationError({"recorded_at": [_("This time is in the future.")]})
    if recorded_at < now - RECORDED_AT_MAX_PAST:
        raise ValidationError({"recorded_at": [_("This is more than 7 days ago; it can no longer be recorded.")]})


def screen_input_errors(
    instrument: str, *, score=None, problems: Sequence[str] | None = None, answers: Sequence | None = None
) -> dict[str, list[str]]:
    """Field errors for a questionnaire's answers ({} when complete and in range).

    The distress thermometer needs ``score`` 0-10 and takes ``problems`` from the problem list; PHQ-9
    and GAD-7 need exactly 9 or 7 ``answers``, each 0-3. A PHQ-9 with 8 answers is an error, never a
    lower score.
    """
    errors: dict[str, list[str]] = {}
    if instrument not in Instrument.values:
        return {"instrument": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Instrument.values)}]}
    if instrument == Instrument.DISTRESS_THERMOMETER:
        if score is None:
            errors["score"] = [_("Choose a number from 0 to 10.")]
        elif isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
            errors["score"] = [_("The score must be a whole number from 0 to 10.")]
        bad = [p for p in problems or [] if p not in DistressProblem.values]
        if bad:
            errors["problems"] = [_("Unknown problem area(s): %(bad)s.") % {"bad": ", ".join(map(str, bad))}]
        elif len(set(problems or [])) != len(problems or []):
            errors["problems"] = [_("Each problem area may be given once.")]
        if answers:
            errors["answers"] = [_("The distress thermometer takes a score, not answers.")]
        return errors
    expected = ITEM_COUNT[Instrument(instrument)]
    if answers is None:
        errors["answers"] = [_("Please answer all %(n)s questions.") % {"n": expected}]
    elif len(answers) != expected:
        errors["answers"] = [
            _("Please answer all %(n)s questions (%(given)s answered).") % {"n": expected, "given": len(answers)}
        ]
    elif any(isinstance(a, bool) or not isinstance(a, int) or not 0 <= a <= 3 for a in answers):
        errors["answers"] = [_("Each answer must be 0, 1, 2 or 3.")]
    if score is not None:
        errors["score"] = [_("This questionnaire takes answers, not a score.")]
    if problems:
        errors["problems"] = [_("Only the distress thermometer has a problem list.")]
    return errors


def screen_submit(
    *,
    patient: PatientProfile,
    instrument: str,
    score: int | None = None,
    problems: Sequence[str] | None = None,
    answers: Sequence[int] | None = None,
    client_id: uuid.UUID | None = None,
    recorded_at: datetime | None = None,
    now: datetime | None = None,
) -> tuple[Screen, bool]:
    """Save a patient's questionnaire and queue its alert evaluation. Returns (screen, created).

    With a ``client_id`` the call is idempotent: a repeat returns the original screen and stores
    nothing new. Bad input raises ``ValidationError`` with field errors and saves nothing.
    """
    now = now or timezone.now()
    errors = screen_input_errors(instrument, score=score, problems=problems, answers=answers)
    if errors:
        raise ValidationError(errors)
    if recorded_at is None:
        recorded_at = now
    else:
        validate_recorded_at(recorded_at, now=now)

    if client_id is not None:
        existing = Screen.objects.filter(patient=patient, client_id=client_id).first()
        if existing is not None:
            return existing, False

    t = rules.thresholds_from_settings()
    if instrument == Instrument.DISTRESS_THERMOMETER:
        total = scoring.screen_total(instrument, score=score)
        stored_answers, stored_problems = [], list(problems or [])
    else:
        total = scoring.screen_total(instrument, answers=list(answers))
        stored_answers, stored_problems = list(answers), []
    self_harm = instrument == Instrument.PHQ9 and stored_answers[scoring.PHQ9_SELF_HARM_ITEM - 1] > 0
    try:
        with transaction.atomic():
            screen = Screen.objects.create(
                patient=patient,
                instrument=instrument,
                score=score if instrument == Instrument.DISTRESS_THERMOMETER else None,
                problems=stored_problems,
                answers=stored_answers,
                total=total,
                positive=scoring.screen_positive(instrument, total, t),
                self_harm=self_harm,
                client_id=client_id,
                recorded_at=recorded_at,
            )
            submission_saved(screen)
    except IntegrityError:
        if client_id is not None:  # the same phone sent it twice at once: the first one won
            existing = Screen.objects.filter(patient=patient, client_id=client_id).first()
            if existing is not None:
                return existing, False
        raise
    return screen, True


def screen_findings(screen: Screen) -> list[rules.Finding]:
    """The red-flag engine's evaluator for screens (registered in PsychConfig.ready())."""
    return screen.findings(rules.thresholds_from_settings())


@dataclass(frozen=True)
class ScreenAdvice:
    """What the patient is told straight after a questionnaire (docs/clinical.md "Immediate advice")."""

    level: str
    message: str
    positive: bool
    show_crisis_line: bool
    show_emergency_number: bool
    crisis_line: str
    emergency_number: str

    def as_api(self) -> dict[str, str]:
        return {"level": self.level, "message": self.message}


def screen_advice(screen: Screen) -> ScreenAdvice:
    """Advice computed from the same rule functions the background job uses.

    PHQ-9 item 9 above 0: the emergency advice with the crisis line (from ``rules.advice_for``).
    A positive screen: that the care team will be in touch, and what support there is.
    """
    findings = screen.findings(rules.thresholds_from_settings())
    emergency_number = screen.patient.effective_emergency_number
    advice = rules.advice_for(findings, emergency_number=emergency_number, crisis_line=settings.TRACKER_CRISIS_LINE)
    positive = any(f.rule == RuleCode.DISTRESS for f in findings)
    message = advice.message
    if positive and advice.level == AdviceLevel.NONE:
        message = _(
            "Thank you for telling us how you are. Your answers suggest that things have been hard for you "
            "lately. Someone from your care team will contact you in the next few days to talk about how you "
            "are and what support might help. If you feel worse before then, please call your care team on "
            "%(number)s."
        ) % {"number": emergency_number}
    elif positive:
        message += "\n\n" + _(
            "Someone from your care team will also contact you to talk about support that might help."
        )
    return ScreenAdvice(
        level=advice.level,
        message=message,
        positive=positive,
        show_crisis_line=advice.show_crisis_line,
        show_emergency_number=advice.show_emergency_number,
        crisis_line=settings.TRACKER_CRISIS_LINE,
        emergency_number=emergency_number,
    )


@transaction.atomic
def screen_schedule_set(*, patient: PatientProfile, every_days: dict[str, int], changed_by) -> None:
    """Set how often each questionnaire is due for this patient (0 = not scheduled).

    All or nothing: every value is checked before any is stored, and the rows and the audit entry are
    written in one transaction.
    """
    chosen = {}
    for instrument in INSTRUMENT_ORDER:
        if instrument.value not in every_days:
            continue
        days = int(every_days[instrument.value])
        if not 0 <= days <= 365:
            raise ValidationError({instrument.value: [_("Give a number of days from 0 to 365.")]})
        chosen[instrument.value] = days
    for instrument, days in chosen.items():
        ScreenSchedule.objects.update_or_create(patient=patient, instrument=instrument, defaults={"every_days": days})
    audit_log(actor=changed_by, action=AuditAction.UPDATE, patient=patient, target="questionnaire schedule")


def screen_reminders_send(*, now: datetime, batch_size: int = BATCH_SIZE) -> int:
    """An in-app notice to each patient with a questionnaire due, once per due period.

    The database picks out the patients who may have something due (most are up to date), in one
    query read ``batch_size`` at a time in id order; per batch of them: one query for their latest
    screens, one for their own schedules, one for the reminders already sent and, when there are new
    ones, one insert and one count. The notice's dedupe key names the patient, the questionnaire and the
    day it fell due, so it is sent once however often the job runs.
    """
    from tracker.psych.selectors import (
        default_screen_intervals,
        due_screens,
        last_screen_times,
        screen_reminder_candidates,
    )

    today = timezone.localdate(now)
    defaults = default_screen_intervals()
    link = reverse("psych:screen_list")
    subject = _("A short questionnaire is ready for you")
    bodies = {
        instrument.value: _("Please take a few minutes to answer the %(name)s.") % {"name": instrument.label}
        for instrument in Instrument
    }
    candidates = (
        screen_reminder_candidates(today)
        .order_by("pk")
        .values_list("pk", "user_id", "enrolled_at")
        .iterator(chunk_size=batch_size)
    )
    created = 0
    while patients := list(islice(candidates, batch_size)):
        ids = [p[0] for p in patients]
        last_times = last_screen_times(ids)
        overrides: dict[int, dict[str, int]] = {}
        for pid, instrument, days in ScreenSchedule.objects.filter(patient_id__in=ids).values_list(
            "patient_id", "instrument", "every_days"
        ):
            overrides.setdefault(pid, {})[instrument] = days
        due = {}  # dedupe key -> (recipient, instrument)
        for pid, user_id, enrolled_at in patients:
            intervals = {**defaults, **overrides.get(pid, {})}
            for screen in due_screens(
                intervals=intervals, last_recorded=last_times.get(pid, {}), enrolled_at=enrolled_at, today=today
            ):
                key = f"psych-screen-due:{pid}:{screen.instrument}:{screen.due_on.isoformat()}"
                due[key] = (user_id, screen.instrument)
        if not due:
            continue
        sent = set(
            Notification.objects.filter(dedupe_key__in=list(due), channel="in_app").values_list("dedupe_key", flat=True)
        )
        rows = [
            Notification(
                recipient_id=user_id,
                channel="in_app",
                kind="psych_screen_due",
                subject=subject,
                body=bodies[instrument],
                link=link,
                dedupe_key=key,
                status=NotificationStatus.SENT,
                sent_at=now,
            )
            for key, (user_id, instrument) in due.items()
            if key not in sent
        ]
        if rows:
            Notification.objects.bulk_create(rows, ignore_conflicts=True)  # another run may have just sent some
            created += Notification.objects.filter(
                dedupe_key__in=[row.dedupe_key for row in rows], channel="in_app"
            ).count()
    return created


# ------------------------------------------------------------------------------------------------
# Referrals
# ------------------------------------------------------------------------------------------------


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


# ------------------------------------------------------------------------------------------------
# Programmes and content delivery
# ------------------------------------------------------------------------------------------------


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
