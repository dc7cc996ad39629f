"""Writes for check-ins, and the patient's immediate advice (docs/clinical.md "What patients report",
"Immediate advice").

Pages and the API both call `checkin_create` and `checkin_advice`; the care-team alert itself is made
later by the alerts app's background evaluation (queued here through `submission_saved`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tracker.accounts.models import PatientProfile
from tracker.alerts import evaluation
from tracker.alerts.rules import Advice, advice_for, thresholds_from_settings
from tracker.core.vocab import Bladder, Bowel, Limb, NumbnessSite, PainSite, Walking, WeaknessLevel
from tracker.symptoms.models import SIDE_EFFECT_FIELDS, WEAKNESS_FIELDS, CheckIn
from tracker.symptoms.rules import evaluate_checkin
from tracker.symptoms.selectors import checkin_history_facts

__all__ = [
    "checkin_advice",
    "checkin_advice_unsaved",
    "checkin_create",
    "checkin_for_client_id",
    "checkin_history_facts",
]


def _in_vocabulary_order(values: Iterable[str], vocabulary) -> list[str]:
    chosen = set(values)
    return [value for value in vocabulary.values if value in chosen]


def checkin_create(
    *,
    patient: PatientProfile,
    pain_now: int | None,
    pain_worst_24h: int | None,
    pain_sites: Iterable[str] = (),
    night_pain: bool = False,
    worse_with_straining: bool = False,
    breakthrough_doses: int = 0,
    weakness: Mapping[str, str] | None = None,
    numbness: Iterable[str] = (),
    walking: str = Walking.NORMAL,
    falls: int = 0,
    bladder: str = Bladder.NORMAL,
    bowel: str = Bowel.NORMAL,
    side_effects: Mapping[str, int] | None = None,
    note: str = "",
    neuro_answered: bool = True,
    side_effects_answered: bool = True,
    client_id: uuid.UUID | None = None,
    recorded_at: datetime | None = None,
) -> tuple[CheckIn, bool]:
    """Store a patient's check-in and queue its alert evaluation; returns (check-in, created).

    Idempotent on `client_id`: when the patient already sent a check-in with it, that one is returned
    with created=False and nothing new is stored (whatever the repeat says), also when two requests race.
    The database's unique constraint decides; no query asks first: the insert that breaks it is rolled
    back and the row already there is returned. Values are validated by the callers' forms and
    serializers; the model's validators and database constraints are the last line.
    Limbs missing from `weakness` and side effects missing from `side_effects` are none / 0.

    Sections may be left out: pain with `pain_now=pain_worst_24h=None`, the neurological questions with
    `neuro_answered=False`, the side effects with `side_effects_answered=False`; at least one must be
    answered (ValueError otherwise), and a section left out may not carry answers (ValueError).
    """
    weakness = dict(weakness or {})
    side_effects = dict(side_effects or {})
    unknown = (set(weakness) - set(Limb.values)) | (set(side_effects) - set(SIDE_EFFECT_FIELDS))
    pain_sites, numbness = list(pain_sites), list(numbness)
    pain_answered = pain_now is not None or pain_worst_24h is not None
    section_problem = None
    if not (pain_answered or neuro_answered or side_effects_answered):
        section_problem = "a check-in must answer at least one section"
    elif not pain_answered and (pain_sites or night_pain or worse_with_straining or breakthrough_doses):
        section_problem = "pain details without pain scores"
    elif not neuro_answered and (
        any(level != WeaknessLevel.NONE for level in weakness.values())
        or numbness
        or walking != Walking.NORMAL
        or falls
        or bladder != Bladder.NORMAL
        or bowel != Bowel.NORMAL
    ):
        section_problem = "neurological answers in a check-in that left them out"
    elif not side_effects_answered and any(side_effects.values()):
        section_problem = "side effects in a check-in that left them out"
    checkin = CheckIn(
        patient=patient,
        client_id=client_id,
        recorded_at=recorded_at or timezone.now(),
        pain_now=pain_now,
        pain_worst_24h=pain_worst_24h,
        pain_sites=_in_vocabulary_order(pain_sites, PainSite),
        night_pain=night_pain,
        worse_with_straining=worse_with_straining,
        breakthrough_doses=breakthrough_doses,
        numbness=_in_vocabulary_order(numbness, NumbnessSite),
        walking=walking,
        falls=falls,
        bladder=bladder,
        bowel=bowel,
        note=note,
        neuro_answered=neuro_answered,
        side_effects_answered=side_effects_answered,
        **{field: weakness.get(limb, WeaknessLevel.NONE) for limb, field in WEAKNESS_FIELDS.items()},
        **{name: side_effects.get(name, 0) for name in SIDE_EFFECT_FIELDS},
    )
    try:
        if unknown:
            raise ValueError(f"unknown limb or side effect: {', '.join(sorted(unknown))}")
        if section_problem:
            raise ValueError(section_problem)
        checkin.full_clean(exclude=["patient"], validate_unique=False, validate_constraints=False)
        # A transaction even for this one INSERT (BEGIN and COMMIT cost two round trips): if the database
        # connection drops between the INSERT and the COMMIT, the row is rolled back and the API's 503
        # ("Nothing was saved") is true (tests/proof/test_drills.py).
        with transaction.atomic():
            checkin.save()
            evaluation.submission_saved(checkin)
    except (ValueError, ValidationError, IntegrityError):
        existing = checkin_for_client_id(patient, client_id)
        if existing is None:
            raise
        return existing, False
    return checkin, True


def checkin_for_client_id(patient: PatientProfile, client_id: uuid.UUID | None) -> CheckIn | None:
    """The patient's check-in sent with this client_id, if any (what a repeat gets back)."""
    if client_id is None:
        return None
    return CheckIn.objects.filter(patient=patient, client_id=client_id).first()


def checkin_advice_unsaved(*, patient: PatientProfile, **answers) -> Advice:
    """The advice the answers given so far call for, without storing anything.

    For a check-in page sent with errors where no section could be stored: the patient still sees the
    emergency or urgent advice that their valid answers call for. `answers` are `checkin_create`'s.
    """
    weakness = answers.pop("weakness", None) or {}
    side_effects = answers.pop("side_effects", None) or {}
    answers.pop("client_id", None)
    checkin = CheckIn(
        patient=patient,
        recorded_at=timezone.now(),
        **{key: value for key, value in answers.items() if key != "note"},
        **{field: weakness.get(limb, WeaknessLevel.NONE) for limb, field in WEAKNESS_FIELDS.items()},
        **{name: side_effects.get(name, 0) for name in SIDE_EFFECT_FIELDS},
    )
    checkin.pain_sites = list(checkin.pain_sites)
    checkin.numbness = list(checkin.numbness)
    return checkin_advice(checkin)


def checkin_advice(checkin: CheckIn) -> Advice:
    """What the patient is told at once about this check-in (docs/clinical.md "Immediate advice").

    Runs the same pure rules as the background job (`tracker.symptoms.rules.evaluate_checkin`) against
    the patient's earlier check-ins (`checkin_history_facts`) and turns the findings into advice with
    the patient's emergency number (the site's, or their own override) and the site's crisis line.
    """
    thresholds = thresholds_from_settings()
    earlier = checkin_history_facts(checkin.patient, before=checkin.recorded_at, thresholds=thresholds)
    findings = evaluate_checkin(checkin.to_facts(), earlier, thresholds)
    return advice_for(
        findings,
        emergency_number=checkin.patient.effective_emergency_number,
        crisis_line=settings.TRACKER_CRISIS_LINE,
    )
