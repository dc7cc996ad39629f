"""Questionnaires: checking and saving a patient's answers, the advice that follows, how often each is due
and the reminders when one is."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.accounts.models import PatientProfile
from tracker.alerts import rules
from tracker.alerts.evaluation import submission_saved
from tracker.audit.models import AuditAction
from tracker.audit.services import audit_log
from tracker.core.vocab import AdviceLevel, DistressProblem, Instrument, RuleCode
from tracker.notifications.models import Notification, NotificationStatus
from tracker.psych import scoring
from tracker.psych.models import ITEM_COUNT, Screen, ScreenSchedule
from tracker.psych.selectors import (
    INSTRUMENT_ORDER,
    default_screen_intervals,
    due_screens,
    last_screen_times,
    screen_reminder_candidates,
)

# How far from "now" a patient may date a submission (same window as check-ins, docs/api.md).
RECORDED_AT_MAX_FUTURE = timedelta(minutes=5)
RECORDED_AT_MAX_PAST = timedelta(days=7)

BATCH_SIZE = 1000  # patients read per batch by the reminder job


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
