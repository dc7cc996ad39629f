"""Writes for rehabilitation: saving plans (with the safety check), ending them, resuming a plan that
waits for clearance, logging exercise, and the exercise reminders and pause notices jobs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.accounts.models import PatientProfile, User
from tracker.alerts.evaluation import submission_saved
from tracker.alerts.models import Alert
from tracker.audit.models import AuditAction
from tracker.audit.services import audit_log
from tracker.core.vocab import Role, RuleCode
from tracker.notifications.models import Notification, NotificationStatus
from tracker.notifications.services import notifications_send_after_commit
from tracker.rehab import rules, selectors
from tracker.rehab.evaluation import exercise_log_findings
from tracker.rehab.models import (
    DEFAULT_REMINDER_TIME,
    Exercise,
    ExerciseLog,
    ExercisePlan,
    PlanItem,
    PlanResume,
    PlanStatus,
    PlanTemplate,
    PlanVersion,
)

# ------------------------------------------------------------------------------------------------
# Plans
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemSpec:
    """One exercise as the therapist wants it prescribed (validated ranges; exercise already in reach)."""

    exercise: Exercise
    sets: int
    reps: int
    hold_seconds: int
    days_mask: int
    notes: str = ""


@dataclass(frozen=True)
class ItemConflicts:
    index: int  # position of the item in the request
    exercise: Exercise
    conflicts: list[rules.Conflict] = field(default_factory=list)

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.conflicts]

    @property
    def reasons(self) -> list[str]:
        return [c.message for c in self.conflicts]


class PlanConflictError(Exception):
    """Some items conflict with the patient's precautions and no override reason was given."""

    def __init__(self, conflicts: list[ItemConflicts]):
        self.conflicts = conflicts
        names = ", ".join(c.exercise.name for c in conflicts)
        super().__init__(f"conflicts with precautions: {names}")


def plan_conflicts(*, patient: PatientProfile, items: list[ItemSpec]) -> list[ItemConflicts]:
    """The items that conflict with the patient's current precautions (docs/clinical.md "Exercise safety")."""
    precautions = rules.Precautions.of(patient)
    found = []
    for index, spec in enumerate(items):
        conflicts = rules.exercise_conflicts(spec.exercise.movements, precautions)
        if conflicts:
            found.append(ItemConflicts(index=index, exercise=spec.exercise, conflicts=conflicts))
    return found


def override_required_message(conflicts: list[ItemConflicts]) -> str:
    return _(
        "These exercises conflict with the patient's precautions: %(names)s. Remove them, or give an "
        "override reason to assign them anyway."
    ) % {"names": ", ".join(c.exercise.name for c in conflicts)}


UNCHANGED = object()


@transaction.atomic
def plan_save(
    *,
    patient: PatientProfile,
    therapist: User,
    items: list[ItemSpec],
    starts_on: date,
    ends_on: date | None = None,
    override_reason: str = "",
    change_note: str = "",
    template: PlanTemplate | None = None,
    reminder_time: time | None | object = UNCHANGED,
    client_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> tuple[PlanVersion, bool]:
    """Prescribe `items` to the patient: a new plan, or a new version of their active plan.

    Returns (version, created). With a `client_id` the call is idempotent: a repeat (a double click, a
    retry after a lost reply, also two at once: the patient lock makes the second wait) returns the
    version it saved with created=False and stores nothing new.

    Refused with :class:`PlanConflictError` when an item conflicts with the patient's precautions
    and `override_reason` is blank. With a reason, each conflicting item keeps its conflict codes and
    the reason, and one OVERRIDE audit entry per item records who overrode what and why.
    The new version governs from today (or its later start date); earlier versions and the logs
    made against them are kept unchanged. `reminder_time`: left as it is unless given (10:00 for a new plan).
    """
    if therapist.role != Role.THERAPIST:
        raise PermissionError("only therapists prescribe exercise plans")
    if not items:
        raise ValueError("a plan needs at least one exercise")
    if ends_on is not None and ends_on < starts_on:
        raise ValueError("the end date is before the start date")
    override_reason = override_reason.strip()
    # Lock the patient row: two therapists saving at once get consecutive versions, not a clash.
    patient = PatientProfile.objects.select_for_update().get(pk=patient.pk)
    if client_id is not None:
        saved = PlanVersion.objects.filter(plan__patient=patient, client_id=client_id).first()
        if saved is not None:
            return saved, False
    conflicts = plan_conflicts(patient=patient, items=items)
    if conflicts and not override_reason:
        raise PlanConflictError(conflicts)
    now = now or timezone.now()
    today = timezone.localdate(now)

    plan = ExercisePlan.objects.filter(patient=patient, status=PlanStatus.ACTIVE).first()
    created = plan is None
    if created:
        plan = ExercisePlan.objects.create(
            patient=patient,
            created_by=therapist,
            reminder_time=DEFAULT_REMINDER_TIME if reminder_time is UNCHANGED else reminder_time,
        )
    elif reminder_time is not UNCHANGED:
        plan.reminder_time = reminder_time
    number = (plan.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = PlanVersion.objects.create(
        plan=plan,
        number=number,
        starts_on=starts_on,
        ends_on=ends_on,
        effective_from=max(starts_on, today),
        template=template,
        change_note=change_note.strip()[:500],
        created_by=therapist,
        client_id=client_id,
    )
    by_index = {c.index: c for c in conflicts}
    rows = []
    for position, spec in enumerate(items):
        found = by_index.get(position)
        rows.append(
            PlanItem(
                version=version,
                exercise=spec.exercise,
                position=position,
                sets=spec.sets,
                reps=spec.reps,
                hold_seconds=spec.hold_seconds,
                days_mask=spec.days_mask,
                notes=spec.notes.strip()[:500],
                conflict_codes=",".join(found.codes) if found else "",
                override_reason=override_reason if found else "",
            )
        )
    for row in rows:
        row.full_clean(exclude=["version", "exercise"])
    PlanItem.objects.bulk_create(rows)
    plan.current_version = version
    plan.save(update_fields=["current_version", "reminder_time"])

    audit_log(
        actor=therapist,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        patient=patient,
        target=f"exercise plan {plan.pk}",
        detail=f"version {number}: {len(items)} exercise(s)",
    )
    saved = {row.position: row for row in PlanItem.objects.filter(version=version)}
    for found in conflicts:
        audit_log(
            actor=therapist,
            action=AuditAction.OVERRIDE,
            patient=patient,
            target=f"plan item {saved[found.index].pk}",
            detail=f"exercise {found.exercise.pk} conflicts ({', '.join(found.codes)}); reason: {override_reason}",
        )
    return version, True


@transaction.atomic
def plan_end(*, plan: ExercisePlan, therapist: User, now: datetime | None = None) -> ExercisePlan:
    """Stop an active plan (its history stays). Safe to call twice."""
    now = now or timezone.now()
    # The lock `plan_save` takes: a version being saved at this moment is in the plan that ends, not added after.
    PatientProfile.objects.select_for_update().filter(pk=plan.patient_id).first()
    updated = ExercisePlan.objects.filter(pk=plan.pk, status=PlanStatus.ACTIVE).update(
        status=PlanStatus.ENDED, ended_at=now, ended_by=therapist
    )
    if updated:
        audit_log(
            actor=therapist,
            action=AuditAction.UPDATE,
            patient=plan.patient,
            target=f"exercise plan {plan.pk}",
            detail="ended",
        )
    plan.refresh_from_db()
    return plan


def plan_set_reminder(*, plan: ExercisePlan, reminder_time: time | None) -> ExercisePlan:
    """The patient's chosen reminder time for exercise days (None: no reminders)."""
    plan.reminder_time = reminder_time
    plan.save(update_fields=["reminder_time"])
    return plan


# ------------------------------------------------------------------------------------------------
# Clearance: resuming a plan held after a neuro_deficit alert was resolved
# ------------------------------------------------------------------------------------------------

RESUME_ROLES = (Role.THERAPIST, Role.PHYSICIAN)
MAX_RESUME_NOTE = 1000


class PlanNotHeld(Exception):
    """The plan does not wait for clearance; ``message`` says why, for the clinician."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@transaction.atomic
def plan_resume(*, plan: ExercisePlan, user: User, note: str, now: datetime | None = None) -> ExercisePlan:
    """Clear a plan that waits for clearance (docs/clinical.md "Exercise safety"): a therapist or physician on
    the care team (the caller checks the team) has checked it against the new situation. Records who, when and what they
    checked, audits it, and tells the patient they can start again.

    Raises PermissionError for other roles, ValueError for a missing or too long note, and
    :class:`PlanNotHeld` when the plan has ended, is still paused by an unresolved alert, or is not held.
    """
    if user.role not in RESUME_ROLES:
        raise PermissionError("only therapists and physicians resume exercise plans")
    note = (note or "").strip()
    if not note:
        raise ValueError("a note is required")
    if len(note) > MAX_RESUME_NOTE:
        raise ValueError(f"the note is longer than {MAX_RESUME_NOTE} characters")
    # The lock plan_save and plan_end take: one clearance at a time, and not on a plan ending at this moment.
    patient = PatientProfile.objects.select_for_update().select_related("user").get(pk=plan.patient_id)
    plan = ExercisePlan.objects.get(pk=plan.pk)
    if not plan.is_active:
        raise PlanNotHeld(_("This plan has ended, so there is nothing to resume."))
    pause = selectors.plan_pause(patient, plan)
    if pause is None:
        raise PlanNotHeld(
            _("This plan is not on hold: no neurological alert has been resolved since it was last cleared.")
        )
    if not pause.waiting_for_clearance:
        raise PlanNotHeld(
            _(
                "This plan is paused by an unresolved alert for new or worse neurological symptoms. It can be "
                "resumed once that alert is resolved."
            )
        )
    now = now or timezone.now()
    PlanResume.objects.create(plan=plan, at=now, by=user, note=note)
    plan.resumed_at, plan.resumed_by, plan.resume_note = now, user, note
    plan.save(update_fields=["resumed_at", "resumed_by", "resume_note"])
    audit_log(
        actor=user,
        action=AuditAction.UPDATE,
        patient=patient,
        target=f"exercise plan {plan.pk}",
        detail=f"resumed after alert {pause.alert.pk} ({pause.alert.outcome})",
    )
    if plan.pause_told:
        _notices_send([(plan.pk, patient.user_id, pause.alert.pk)], event=RESUMED, now=now)
        ExercisePlan.objects.filter(pk=plan.pk).update(pause_told=False)
        plan.pause_told = False
    return plan


# ------------------------------------------------------------------------------------------------
# Pause notices: the patient is told when the plan pauses and when it resumes
# ------------------------------------------------------------------------------------------------

PAUSED, RESUMED = "paused", "resumed"
NOTICE_KIND = "exercise_plan_notice"


def _notice_body(event: str) -> str:
    if event == PAUSED:
        return _(
            "Your exercises are on hold for now, after what you told us about your nerves. Please do not do "
            "them until your care team tells you it is safe. Open your exercises to see why and whom to call."
        )
    return _("Good news: your care team has checked your exercise plan, and you can start your exercises again.")


def _notices_send(rows: list[tuple[int, int, int | None]], *, event: str, now: datetime) -> int:
    """One in-app notice and one e-mail (a neutral subject; it says only that something is waiting) per
    (plan id, patient's user id, id of the neuro_deficit alert behind it); sent once per plan, alert and
    event, however often this runs. Returns how many were new."""
    if not rows:
        return 0
    subject = _("A message from %(site)s") % {"site": settings.TRACKER_SITE_NAME}
    link = reverse("rehab:today")
    keys = {plan_id: f"exercise-{event}:{plan_id}:{alert_id}" for plan_id, _user, alert_id in rows}
    notices = []
    for plan_id, user_id, _alert in rows:
        common = {"recipient_id": user_id, "kind": NOTICE_KIND, "subject": subject, "dedupe_key": keys[plan_id]}
        body = _notice_body(event)
        notices.append(
            Notification(channel="in_app", body=body, link=link, status=NotificationStatus.SENT, sent_at=now, **common)
        )
        notices.append(Notification(channel="email", link="/", **common))
    before = Notification.objects.filter(dedupe_key__in=list(keys.values()), channel="in_app").count()
    Notification.objects.bulk_create(notices, ignore_conflicts=True)
    sent = Notification.objects.filter(dedupe_key__in=list(keys.values()), channel="in_app").count() - before
    email_ids = Notification.objects.filter(
        dedupe_key__in=list(keys.values()), channel="email", status=NotificationStatus.PENDING
    ).values_list("pk", flat=True)
    notifications_send_after_commit(list(email_ids))
    return sent


def _latest_neuro_alert() -> Subquery:
    return Subquery(
        Alert.objects.filter(patient_id=OuterRef("patient_id"), rule=RuleCode.NEURO_DEFICIT)
        .order_by("-created_at", "-id")
        .values("pk")[:1]
    )


def pause_notices_send(*, now: datetime) -> dict[str, int]:
    """Tell patients whose active plan has paused since they were last told (an unresolved neuro_deficit
    alert, or waiting for clearance), and those whose plan has resumed (an alert resolved as a false alarm,
    or a clearance the resume did not announce itself). Set-based: two candidate queries, then per event
    four queries for the notices and one conditional update of the marker."""
    paused_now = selectors.paused_q()
    active = ExercisePlan.objects.filter(status=PlanStatus.ACTIVE).annotate(alert_id=_latest_neuro_alert())
    counts = {}
    for event, candidates, told in (
        (PAUSED, active.filter(paused_now, pause_told=False), True),
        (RESUMED, active.filter(~paused_now, pause_told=True), False),
    ):
        rows = list(candidates.values_list("pk", "patient__user_id", "alert_id"))
        with transaction.atomic():
            counts[event] = _notices_send(rows, event=event, now=now)
            ExercisePlan.objects.filter(pk__in=[pk for pk, _u, _a in rows], pause_told=not told).update(pause_told=told)
    return counts


# ------------------------------------------------------------------------------------------------
# Exercise logs
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogResult:
    log: ExerciseLog
    created: bool
    tell_therapist: bool


def exercise_log_create(
    *,
    patient: PatientProfile,
    plan_item: PlanItem,
    completed: bool,
    pain_before: int,
    pain_during: int,
    difficulty: str,
    note: str = "",
    client_id: uuid.UUID | None = None,
    recorded_at: datetime | None = None,
) -> LogResult:
    """Save one exercise session and queue its red-flag evaluation (exercise_pain goes to the therapist).

    `plan_item` must already be checked to belong to the patient's active plan. A repeated
    `client_id` returns the first log and stores nothing new. `tell_therapist` comes from the same
    pure rule the background evaluation uses, so the patient is told at once.
    """
    if client_id is not None:
        existing = ExerciseLog.objects.filter(patient=patient, client_id=client_id).first()
        if existing is not None:
            return LogResult(existing, False, bool(exercise_log_findings(existing)))
    recorded_at = recorded_at or timezone.now()
    log = ExerciseLog(
        patient=patient,
        plan_item=plan_item,
        client_id=client_id,
        recorded_at=recorded_at,
        performed_on=timezone.localdate(recorded_at),
        completed=completed,
        pain_before=pain_before,
        pain_during=pain_during,
        difficulty=difficulty,
        note=note.strip(),
    )
    log.full_clean(exclude=["patient", "plan_item"])
    try:
        with transaction.atomic():
            log.save()
            submission_saved(log)
    except IntegrityError:
        # The same client_id arrived twice at once: the other request stored it.
        existing = ExerciseLog.objects.filter(patient=patient, client_id=client_id).first() if client_id else None
        if existing is None:
            raise
        return LogResult(existing, False, bool(exercise_log_findings(existing)))
    return LogResult(log, True, bool(exercise_log_findings(log)))


def log_message(*, tell_therapist: bool, emergency_number: str) -> str:
    """What the patient reads after logging an exercise."""
    if tell_therapist:
        return _(
            "Saved. That is more pain than we would like during exercise, so your therapist will be told and "
            "will be in touch. Rest, and leave this exercise out until they have spoken to you. If you have new "
            "weakness, numbness, or trouble with your bladder or bowels, call %(number)s now."
        ) % {"number": emergency_number}
    return _("Saved. Well done.")


# ------------------------------------------------------------------------------------------------
# Reminders
# ------------------------------------------------------------------------------------------------

REMINDER_KIND = "exercise_reminder"
REMINDER_CHUNK = 500


def reminder_candidates(*, now: datetime):
    """Active plans to remind now: local time past the chosen time, today is an exercise day of the
    version in effect, not reminded today, nothing logged yet today, and not paused (no unresolved
    neuro_deficit alert, not waiting for clearance). One query; ids only."""
    local = timezone.localtime(now)
    today = local.date()
    in_effect = _version_in_effect_sql(today)
    due_today = PlanItem.objects.alias(today_bit=F("days_mask").bitand(rules.day_bit(today))).filter(
        Q(version__ends_on__isnull=True) | Q(version__ends_on__gte=today),
        version_id=OuterRef("version_in_effect"),
        today_bit__gt=0,
    )
    logged_today = ExerciseLog.objects.filter(patient_id=OuterRef("patient_id"), performed_on=today)
    return (
        ExercisePlan.objects.filter(status=PlanStatus.ACTIVE, reminder_time__isnull=False)
        .filter(reminder_time__lte=local.time().replace(microsecond=0))
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
        .alias(version_in_effect=Subquery(in_effect))
        .filter(Exists(due_today), ~selectors.paused_q(), ~Exists(logged_today))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _version_in_effect_sql(today: date):
    """SQL form of rules.version_in_effect: the latest version effective by `today`, per plan."""
    return (
        PlanVersion.objects.filter(plan_id=OuterRef("pk"), effective_from__lte=today)
        .order_by("-effective_from", "-number")
        .values("pk")[:1]
    )


def reminders_send(*, now: datetime) -> int:
    """Send today's exercise reminders that are due; each plan at most once a day, however many
    workers run this at once. Returns how many plans were reminded.

    Per chunk of plans: claim them with a conditional update (only rows still not reminded today
    are taken, and a claim token says which ones this run took), then bulk-insert one in-app and one
    e-mail notification each (the e-mail says only that something is waiting), then queue the
    e-mails. Queries: 1 + 5 per chunk of 500.
    """
    today = timezone.localdate(now)
    ids = list(reminder_candidates(now=now))
    link = reverse("rehab:today")
    subject = _("A reminder from %(site)s") % {"site": settings.TRACKER_SITE_NAME}
    body = _("It is time for today's exercises. Open your exercises to see them and log how they went.")
    sent = 0
    for start in range(0, len(ids), REMINDER_CHUNK):
        chunk = ids[start : start + REMINDER_CHUNK]
        claim = uuid.uuid4()
        with transaction.atomic():
            ExercisePlan.objects.filter(pk__in=chunk, status=PlanStatus.ACTIVE).filter(
                Q(reminded_on__isnull=True) | Q(reminded_on__lt=today)
            ).update(reminded_on=today, reminder_claim=claim)
            claimed = list(ExercisePlan.objects.filter(reminder_claim=claim).values_list("pk", "patient__user_id"))
            if not claimed:
                continue
            keys = {pk: f"exercise-reminder:{pk}:{today.isoformat()}" for pk, _user in claimed}
            rows = []
            for pk, user_id in claimed:
                common = {"recipient_id": user_id, "kind": REMINDER_KIND, "subject": subject, "dedupe_key": keys[pk]}
                rows.append(
                    Notification(
                        channel="in_app", body=body, link=link, status=NotificationStatus.SENT, sent_at=now, **common
                    )
                )
                # The e-mail links to the home page: not even its address says what it is about.
                rows.append(Notification(channel="email", link="/", **common))
            Notification.objects.bulk_create(rows, ignore_conflicts=True)
            email_ids = list(
                Notification.objects.filter(
                    dedupe_key__in=list(keys.values()), channel="email", status=NotificationStatus.PENDING
                ).values_list("pk", flat=True)
            )
            notifications_send_after_commit(email_ids)
            sent += len(claimed)
    return sent
