"""Reads for rehabilitation. Staff callers reach patients only through the accounts selectors first.

- The library: :func:`library`, :func:`exercise_choices`.
- A patient's plan: :func:`active_plan`, :func:`plans_of`, :func:`version_detail`.
- The patient's day: :func:`neuro_pause`, :func:`today_for`, :func:`support_content` (the psych app's).
- Adherence and pain: :func:`adherence_for_patients` (a fixed number of queries for any number of
  patients), :func:`adherence_for`, :func:`exercise_pain_points`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.db.models import Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.accounts.models import PatientProfile
from tracker.alerts.models import ACTIVE_STATUSES, Alert
from tracker.alerts.selectors import active_alert
from tracker.core.vocab import RuleCode
from tracker.rehab import rules
from tracker.rehab.models import (
    BodyRegion,
    Exercise,
    ExerciseLog,
    ExercisePlan,
    PlanItem,
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
        .select_related("created_by", "ended_by", "current_version")
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
# The patient's day
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pause:
    """The plan is paused: an unresolved neuro_deficit alert. What to tell the patient."""

    since: datetime
    reason: str
    call: str


def pause_reason() -> str:
    return _(
        "Your exercises are paused because you told us about a change in your nerves (such as new weakness, "
        "numbness, trouble walking, or a bladder or bowel problem). Your care team needs to check you first. "
        "Please do not do your exercises until they tell you it is safe."
    )


def neuro_pause(patient: PatientProfile) -> Pause | None:
    """The pause while the patient has an unresolved (open or acknowledged) neuro_deficit alert."""
    alert = active_alert(patient, RuleCode.NEURO_DEFICIT)
    if alert is None:
        return None
    return Pause(since=alert.created_at, reason=pause_reason(), call=patient.effective_emergency_number)


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
    items on hold because precautions changed since they were prescribed, and the neuro pause."""
    today = today or timezone.localdate()
    pause = neuro_pause(patient)
    plan = (
        ExercisePlan.objects.filter(patient=patient, status=PlanStatus.ACTIVE)
        .prefetch_related(Prefetch("versions", queryset=PlanVersion.objects.prefetch_related(_items_prefetch())))
        .first()
    )
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
    """The day's support content from the psych programme (empty when that app is not installed)."""
    if not apps.is_installed("tracker.psych"):
        return []
    from tracker.psych.selectors import content_due_today

    items = []
    for delivery in content_due_today(patient, today):
        try:
            url = reverse("psych:content_detail", args=[delivery.pk])
        except NoReverseMatch:
            url = ""
        module = delivery.module
        items.append(
            {
                "id": delivery.pk,
                "title": module.title,
                "kind": module.kind,
                "kind_label": module.get_kind_display(),
                "minutes": module.minutes,
                "due_on": delivery.due_on,
                "url": url,
            }
        )
    return items


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


def paused_days(patient_ids: Sequence[int], *, first_day: date, last_day: date) -> dict[int, set[date]]:
    """{patient_id: days on which a neuro_deficit alert was unresolved at any time, counted from when the
    patient reported what raised it} in one query."""
    start = timezone.make_aware(datetime.combine(first_day, time.min))
    alerts = Alert.objects.filter(patient_id__in=patient_ids, rule=RuleCode.NEURO_DEFICIT).exclude(
        resolved_at__lt=start
    )
    result: dict[int, set[date]] = {pk: set() for pk in patient_ids}
    for patient_id, created_at, reported_at, resolved_at, status in alerts.values_list(
        "patient_id", "created_at", "reported_at", "resolved_at", "status"
    ):
        end = last_day if status in ACTIVE_STATUSES or resolved_at is None else _local_day(resolved_at)
        # From when the patient reported it (an alert raised late, after a broker outage, still covers it).
        begin = max(_local_day(min(created_at, reported_at)), first_day)
        result[patient_id] |= rules.days_touched(begin, min(end, last_day))
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
    """Weekly adherence (oldest week first, the current week last) for each patient, in 5 queries:
    plans, versions, items, neuro_deficit alerts, completed logs."""
    patient_ids = list(patient_ids)
    first_day = rules.week_start(today) - timedelta(weeks=weeks - 1)
    plans: dict[int, list[ExercisePlan]] = {pk: [] for pk in patient_ids}
    versions = PlanVersion.objects.prefetch_related(
        Prefetch("items", queryset=PlanItem.objects.only("id", "version_id", "days_mask"))
    )
    for plan in ExercisePlan.objects.filter(patient_id__in=patient_ids).prefetch_related(
        Prefetch("versions", queryset=versions)
    ):
        plans[plan.patient_id].append(plan)
    paused = paused_days(patient_ids, first_day=first_day, last_day=today)
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
