"""Reads for rehabilitation. Staff callers reach patients only through the accounts selectors first.

- The library: :func:`library`, :func:`exercise_choices`.
- A patient's plan: :func:`active_plan`, :func:`plans_of`, :func:`version_detail`.
- The plan builder: :func:`plan_builder_page`, :func:`plan_template`, :func:`plan_builder_items`.
- The patient's day: :func:`plan_pause`, :func:`today_for`, :func:`support_content` (the psych app's).
- Paused and held plans, set-based: :func:`neuro_alert_open`, :func:`waiting_for_clearance` (SQL conditions
  on an outer ExercisePlan row), :func:`holding_resolutions`.
- Adherence and pain: :func:`adherence_for_patients` (a fixed number of queries for any number of
  patients), :func:`adherence_for`, :func:`exercise_pain_points`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property

from django.db.models import DateTimeField, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.accounts.models import PatientProfile
from tracker.alerts.models import ACTIVE_STATUSES, Alert
from tracker.alerts.selectors import active_alert
from tracker.core import panels
from tracker.core.vocab import AlertStatus, Outcome, RuleCode
from tracker.rehab import rules
from tracker.rehab.models import (
    BodyRegion,
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
# Library
# ------------------------------------------------------------------------------------------------


def library() -> QuerySet[Exercise]:
    """Exercises offered for new plans, grouped by body region then name."""
    return Exercise.objects.filter(is_active=True).order_by("body_region", "name", "id")


def exercise_choices(exercises: Iterable[Exercise], conflicts: dict[int, list[rules.Conflict]] | None = None):
    """<select> choices grouped by body region; exercises that conflict are marked in their label."""
    conflicts = conflicts or {}
    groups: dict[str, list] = {}
    for exercise in exercises:
        label = exercise.name
        if conflicts.get(exercise.pk):
            label = _("%(name)s (conflicts with precautions)") % {"name": exercise.name}
        groups.setdefault(exercise.body_region, []).append((exercise.pk, label))
    region_labels = dict(BodyRegion.choices)
    return [("", "—")] + [(str(region_labels.get(region, region)), items) for region, items in groups.items()]


def conflicts_by_exercise(exercises: Iterable[Exercise], patient: PatientProfile) -> dict[int, list[rules.Conflict]]:
    precautions = rules.Precautions.of(patient)
    return {exercise.pk: rules.exercise_conflicts(exercise.movements, precautions) for exercise in exercises}


def templates() -> QuerySet[PlanTemplate]:
    return PlanTemplate.objects.filter(is_active=True).order_by("name")


def template_items(template: PlanTemplate) -> QuerySet:
    return template.items.select_related("exercise").order_by("position", "id")


# ------------------------------------------------------------------------------------------------
# Plans
# ------------------------------------------------------------------------------------------------


def _items_prefetch() -> Prefetch:
    return Prefetch("items", queryset=PlanItem.objects.select_related("exercise").order_by("position", "id"))


def active_plan(patient: PatientProfile) -> ExercisePlan | None:
    return (
        ExercisePlan.objects.filter(patient=patient, status=PlanStatus.ACTIVE)
        .select_related("current_version", "current_version__created_by", "created_by")
        .first()
    )


def plans_of(patient_ids: Iterable[int]) -> QuerySet[ExercisePlan]:
    """Plans of these patients, newest first, with every version and its items (4 queries when listed)."""
    versions = PlanVersion.objects.select_related("created_by", "template").prefetch_related(_items_prefetch())
    return (
        ExercisePlan.objects.filter(patient_id__in=list(patient_ids))
        .select_related("created_by", "ended_by", "resumed_by", "current_version")
        .prefetch_related(Prefetch("versions", queryset=versions.order_by("-number")))
        .order_by("-created_at", "-id")
    )


def current_items(plan: ExercisePlan) -> list[PlanItem]:
    if plan.current_version_id is None:
        return []
    return list(PlanItem.objects.filter(version_id=plan.current_version_id).select_related("exercise"))


def version_detail(plan: ExercisePlan, number: int) -> PlanVersion | None:
    return (
        PlanVersion.objects.filter(plan=plan, number=number)
        .select_related("created_by", "template")
        .prefetch_related(_items_prefetch())
        .first()
    )


# ------------------------------------------------------------------------------------------------
# The plan builder
# ------------------------------------------------------------------------------------------------


@dataclass
class PlanBuilderPage:
    """What the plan builder shows around its form: the library, each exercise's conflicts with the patient's
    precautions (marked in the exercise choices), the active plan (a save makes its next version) and the
    templates to start from."""

    patient: PatientProfile
    exercises: list[Exercise]
    conflicts: dict[int, list[rules.Conflict]]
    active: ExercisePlan | None

    @cached_property
    def exercises_by_id(self) -> dict[int, Exercise]:
        return {exercise.pk: exercise for exercise in self.exercises}

    @cached_property
    def choices(self) -> list:
        return exercise_choices(self.exercises, self.conflicts)

    @cached_property
    def templates(self) -> list[PlanTemplate]:
        # Read when the page is drawn: a save that succeeds redirects without them.
        return list(templates())

    def conflicts_json(self) -> dict[str, list[str]]:
        """{exercise id: its conflicts in words}, for the page's script; exercises without conflicts left out."""
        return {str(pk): [c.message for c in listed] for pk, listed in self.conflicts.items() if listed}

    def defaults_json(self) -> dict[str, list[int]]:
        """{exercise id: [sets, repetitions, hold seconds]} of each exercise's usual dose, for the page's script."""
        return {str(e.pk): [e.default_sets, e.default_reps, e.default_hold_seconds] for e in self.exercises}


def plan_builder_page(patient: PatientProfile) -> PlanBuilderPage:
    """The plan builder's data for this patient (the caller has checked the patient is in reach)."""
    exercises = list(library())
    return PlanBuilderPage(
        patient=patient,
        exercises=exercises,
        conflicts=conflicts_by_exercise(exercises, patient),
        active=active_plan(patient),
    )


def plan_template(template_id: str | None, *, active_only: bool) -> PlanTemplate | None:
    """The template a plan-builder request names, or None if it names none (not digits, or no such template).

    A new form starts only from an active template (``active_only``); a form sent back keeps the template it
    was started from, even one withdrawn since.
    """
    if not template_id or not str(template_id).isdecimal():
        return None
    queryset = templates() if active_only else PlanTemplate.objects.all()
    return queryset.filter(pk=int(template_id)).first()


def plan_builder_items(active: ExercisePlan | None, template: PlanTemplate | None) -> list:
    """The rows a new plan-builder form starts with: the template's items, else those of the active plan's
    current version, else none."""
    if template is not None:
        return list(template_items(template))
    if active is not None:
        return current_items(active)
    return []


# ------------------------------------------------------------------------------------------------
# The patient's day
# ------------------------------------------------------------------------------------------------


def holding_resolutions() -> QuerySet[Alert]:
    """Resolved neuro_deficit alerts whose outcome does not by itself make exercise safe again: every
    outcome but no_action_needed (docs/clinical.md "Exercise safety")."""
    return Alert.objects.filter(rule=RuleCode.NEURO_DEFICIT, status=AlertStatus.RESOLVED).exclude(
        outcome=Outcome.NO_ACTION_NEEDED
    )


def neuro_alert_open() -> Exists:
    """SQL condition on an outer row with a patient_id: an unresolved neuro_deficit alert pauses the plan."""
    return Exists(
        Alert.objects.filter(patient_id=OuterRef("patient_id"), rule=RuleCode.NEURO_DEFICIT, status__in=ACTIVE_STATUSES)
    )


def waiting_for_clearance() -> Exists:
    """SQL condition on an outer ExercisePlan row: a holding resolution since the plan was created or last
    cleared, so it stays paused until a therapist or physician resumes it."""
    cleared_at = Coalesce(OuterRef("resumed_at"), OuterRef("created_at"), output_field=DateTimeField())
    return Exists(holding_resolutions().filter(patient_id=OuterRef("patient_id"), resolved_at__gt=cleared_at))


def paused_q() -> Q:
    """Active plans that are paused for either reason (an open alert, or waiting for clearance)."""
    return Q(neuro_alert_open()) | Q(waiting_for_clearance())


@dataclass(frozen=True)
class Pause:
    """Why the plan is paused, and what to tell the patient: an unresolved neuro_deficit alert, or (with
    `waiting_for_clearance`) such an alert resolved with an outcome that needs a clinician to resume the plan."""

    since: datetime
    reason: str
    call: str
    alert: Alert | None = None
    waiting_for_clearance: bool = False


def pause_reason() -> str:
    return _(
        "Your exercises are paused because you told us about a change in your nerves (such as new weakness, "
        "numbness, trouble walking, or a bladder or bowel problem). Your care team needs to check you first. "
        "Please do not do your exercises until they tell you it is safe."
    )


def hold_reason() -> str:
    return _(
        "Your exercises are on hold while your care team follows up the change in your nerves you told us "
        "about (for example with a scan or an appointment). Your therapist or doctor will check your exercises "
        "are still safe for you before you start again. Please do not do them until then: we will send you a "
        "message when you can."
    )


def plan_pause(patient: PatientProfile, plan: ExercisePlan | None) -> Pause | None:
    """The pause while the patient has an unresolved (open or acknowledged) neuro_deficit alert, or, for an
    active plan, while it waits for clearance after one was resolved (two queries at most)."""
    alert = active_alert(patient, RuleCode.NEURO_DEFICIT)
    call = patient.effective_emergency_number
    if alert is not None:
        return Pause(since=alert.created_at, reason=pause_reason(), call=call, alert=alert)
    if plan is None or not plan.is_active:
        return None
    resolution = (
        holding_resolutions()
        .filter(patient=patient, resolved_at__gt=plan.cleared_at)
        .select_related("resolved_by")
        .order_by("-resolved_at", "-id")
        .first()
    )
    if resolution is None:
        return None
    return Pause(
        since=resolution.resolved_at, reason=hold_reason(), call=call, alert=resolution, waiting_for_clearance=True
    )


@dataclass
class TodayItem:
    item: PlanItem
    logged: bool = False
    held: list[rules.Conflict] = field(default_factory=list)

    @property
    def exercise(self) -> Exercise:
        return self.item.exercise

    @property
    def on_hold(self) -> bool:
        return bool(self.held)


@dataclass
class Today:
    day: date
    plan: ExercisePlan | None
    version: PlanVersion | None
    items: list[TodayItem]
    pause: Pause | None

    @property
    def paused(self) -> bool:
        return self.pause is not None

    @property
    def due(self) -> list[TodayItem]:
        """What the patient should do today: not paused, not on hold."""
        return [] if self.paused else [t for t in self.items if not t.on_hold]

    @property
    def done_count(self) -> int:
        return sum(1 for t in self.due if t.logged)


def _spans(plan: ExercisePlan) -> list[rules.VersionSpan]:
    return [version.span(list(version.items.all())) for version in plan.versions.all()]


def today_for(patient: PatientProfile, *, today: date | None = None) -> Today:
    """Today's exercises (the version in effect today, items scheduled today), what is already logged,
    items on hold because precautions changed since they were prescribed, and the neuro pause (an open
    alert, or waiting for clearance after one was resolved)."""
    today = today or timezone.localdate()
    plan = (
        ExercisePlan.objects.filter(patient=patient, status=PlanStatus.ACTIVE)
        .prefetch_related(Prefetch("versions", queryset=PlanVersion.objects.prefetch_related(_items_prefetch())))
        .first()
    )
    pause = plan_pause(patient, plan)
    if plan is None:
        return Today(day=today, plan=None, version=None, items=[], pause=pause)
    spans = _spans(plan)
    span = rules.version_in_effect(spans, today)
    due_ids = set(rules.items_due(spans, today))
    version = next((v for v in plan.versions.all() if span is not None and v.pk == span.id), None)
    if version is None:
        return Today(day=today, plan=plan, version=None, items=[], pause=pause)
    logged = set(
        ExerciseLog.objects.filter(patient=patient, performed_on=today, plan_item__version=version).values_list(
            "plan_item_id", flat=True
        )
    )
    precautions = rules.Precautions.of(patient)
    items = [
        TodayItem(
            item=item,
            logged=item.pk in logged,
            held=rules.uncovered_conflicts(
                rules.exercise_conflicts(item.exercise.movements, precautions), item.overridden_codes
            ),
        )
        for item in version.items.all()
        if item.pk in due_ids
    ]
    return Today(day=today, plan=plan, version=version, items=items, pause=pause)


def support_content(patient: PatientProfile, today: date) -> list[dict]:
    """The day's support content from the apps that deliver it (the psych programme), in the shape of
    tracker.psych.selectors.support_content_today; empty when none is installed."""
    return panels.content_for_today(patient, today)


def loggable_item(patient: PatientProfile, plan_item_id) -> PlanItem | None:
    """A plan item the patient may log against: any version of their active plan (a phone that was
    offline while the plan changed still logs against what it showed). None otherwise."""
    try:
        pk = int(plan_item_id)
    except (TypeError, ValueError):
        return None
    return (
        PlanItem.objects.filter(pk=pk, version__plan__patient=patient, version__plan__status=PlanStatus.ACTIVE)
        .select_related("exercise", "version")
        .first()
    )


def logs_of(patient_ids: Iterable[int]) -> QuerySet[ExerciseLog]:
    return (
        ExerciseLog.objects.filter(patient_id__in=list(patient_ids))
        .select_related("plan_item__exercise", "plan_item__version")
        .order_by("-recorded_at", "-id")
    )


# ------------------------------------------------------------------------------------------------
# Adherence and exercise pain
# ------------------------------------------------------------------------------------------------


def _local_day(moment: datetime) -> date:
    return timezone.localdate(moment)


def paused_days(
    patient_ids: Sequence[int],
    *,
    first_day: date,
    last_day: date,
    plans: dict[int, list[ExercisePlan]] | None = None,
) -> dict[int, set[date]]:
    """{patient_id: days on which the plan was paused} in one query: days a neuro_deficit alert was
    unresolved at any time (counted from when the patient reported what raised it) and, for the `plans`
    given (with their `resumes` prefetched), days a plan waited for clearance after such an alert was resolved."""
    start = timezone.make_aware(datetime.combine(first_day, time.min))
    # Older resolutions that hold a plan may still hold it inside the period.
    alerts = Alert.objects.filter(patient_id__in=patient_ids, rule=RuleCode.NEURO_DEFICIT).exclude(
        resolved_at__lt=start, outcome=Outcome.NO_ACTION_NEEDED
    )
    result: dict[int, set[date]] = {pk: set() for pk in patient_ids}
    holding: dict[int, list[datetime]] = {pk: [] for pk in patient_ids}
    for patient_id, created_at, reported_at, resolved_at, status, outcome in alerts.values_list(
        "patient_id", "created_at", "reported_at", "resolved_at", "status", "outcome"
    ):
        if status == AlertStatus.RESOLVED and resolved_at is not None and outcome != Outcome.NO_ACTION_NEEDED:
            holding[patient_id].append(resolved_at)
        end = last_day if status in ACTIVE_STATUSES or resolved_at is None else _local_day(resolved_at)
        # From when the patient reported it (an alert raised late, after a broker outage, still covers it).
        begin = max(_local_day(min(created_at, reported_at)), first_day)
        result[patient_id] |= rules.days_touched(begin, min(end, last_day))
    for patient_id, theirs in (plans or {}).items():
        if not holding.get(patient_id):
            continue
        for plan in theirs:
            spans = rules.held_spans(
                resolutions=holding[patient_id],
                created_at=plan.created_at,
                ended_at=plan.ended_at,
                resumes=[resume.at for resume in plan.resumes.all()],
            )
            for begin, end in spans:
                end_day = last_day if end is None else min(_local_day(end), last_day)
                result[patient_id] |= rules.days_touched(max(_local_day(begin), first_day), end_day)
    return result


def completed_sessions(
    patient_ids: Sequence[int], *, first_day: date, last_day: date
) -> dict[int, set[tuple[int, date]]]:
    """{patient_id: {(plan_item_id, day)}} of completed logs, in one query."""
    result: dict[int, set[tuple[int, date]]] = {pk: set() for pk in patient_ids}
    rows = ExerciseLog.objects.filter(
        patient_id__in=patient_ids, completed=True, performed_on__gte=first_day, performed_on__lte=last_day
    ).values_list("patient_id", "plan_item_id", "performed_on")
    for patient_id, item_id, day in rows:
        result[patient_id].add((item_id, day))
    return result


def _history(plan: ExercisePlan) -> rules.PlanHistory:
    until = None
    if plan.status == PlanStatus.ENDED and plan.ended_at is not None:
        until = _local_day(plan.ended_at) - timedelta(days=1)
    return rules.PlanHistory(versions=tuple(_spans(plan)), until=until)


def adherence_for_patients(
    patient_ids: Sequence[int], *, today: date, weeks: int = 8
) -> dict[int, list[rules.WeekAdherence]]:
    """Weekly adherence (oldest week first, the current week last) for each patient, in 6 queries:
    plans, versions, items, clearances (plan resumes), neuro_deficit alerts, completed logs."""
    patient_ids = list(patient_ids)
    first_day = rules.week_start(today) - timedelta(weeks=weeks - 1)
    plans: dict[int, list[ExercisePlan]] = {pk: [] for pk in patient_ids}
    versions = PlanVersion.objects.prefetch_related(
        Prefetch("items", queryset=PlanItem.objects.only("id", "version_id", "days_mask"))
    )
    for plan in ExercisePlan.objects.filter(patient_id__in=patient_ids).prefetch_related(
        Prefetch("versions", queryset=versions), Prefetch("resumes", queryset=PlanResume.objects.only("plan_id", "at"))
    ):
        plans[plan.patient_id].append(plan)
    paused = paused_days(patient_ids, first_day=first_day, last_day=today, plans=plans)
    done = completed_sessions(patient_ids, first_day=first_day, last_day=today)
    return {
        pk: rules.weekly_adherence(
            plans=[_history(plan) for plan in plans[pk]],
            completed=done[pk],
            paused_days=paused[pk],
            first_day=first_day,
            last_day=today,
        )
        for pk in patient_ids
    }


def adherence_for(patient: PatientProfile, *, today: date | None = None, weeks: int = 8) -> list[rules.WeekAdherence]:
    today = today or timezone.localdate()
    return adherence_for_patients([patient.pk], today=today, weeks=weeks)[patient.pk]


@dataclass(frozen=True)
class PainPoint:
    recorded_at: datetime
    day: date
    exercise: str
    pain_before: int
    pain_during: int
    completed: bool


def exercise_pain_points(patient: PatientProfile, *, since: date) -> list[PainPoint]:
    """Pain before and during each exercise logged since `since`, oldest first (one query)."""
    rows = (
        ExerciseLog.objects.filter(patient=patient, performed_on__gte=since)
        .order_by("recorded_at", "id")
        .values_list(
            "recorded_at", "performed_on", "plan_item__exercise__name", "pain_before", "pain_during", "completed"
        )
    )
    return [PainPoint(*row) for row in rows]
