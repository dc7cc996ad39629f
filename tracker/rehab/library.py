"""Loading the starter library (library_data.py) and the starter plan templates into the database.

Used by the data migration (with historical models) so every fresh database has them, and safe to
run again: rows that already exist (by slug, or template name) are left as the admin edited them.
"""

from decimal import Decimal

from tracker.rehab.library_data import EXERCISES
from tracker.rehab.rules import EVERY_DAY, days_to_mask

MON_WED_FRI = days_to_mask(["mon", "wed", "fri"])
TUE_THU_SAT = days_to_mask(["tue", "thu", "sat"])

# name, description, [(slug, days mask)]; doses are the exercise's defaults.
STARTER_TEMPLATES = [
    (
        "Lying-down programme",
        "Breathing, still trunk holds, and gentle hand and leg movements done lying down. Suitable while the "
        "spine is unstable or not yet assessed.",
        [
            ("belly-breathing", EVERY_DAY),
            ("tummy-tighten-lying", EVERY_DAY),
            ("buttock-squeeze-lying", EVERY_DAY),
            ("ankle-pumps", EVERY_DAY),
            ("heel-slides-lying", EVERY_DAY),
            ("fist-and-stretch", EVERY_DAY),
            ("log-roll", EVERY_DAY),
        ],
    ),
    (
        "Early mobility (stable spine)",
        "Still trunk holds, sitting and standing up, and short walks indoors, for a stable spine.",
        [
            ("rib-expansion-breathing", EVERY_DAY),
            ("tummy-tighten-lying", EVERY_DAY),
            ("seated-trunk-hold", MON_WED_FRI),
            ("sit-to-stand", MON_WED_FRI),
            ("heel-raises-standing", TUE_THU_SAT),
            ("short-walk-indoors", EVERY_DAY),
        ],
    ),
    (
        "Strength and walking (stable spine, cleared to lift)",
        "Leg strength, light carrying and longer walks, for a stable spine with no lifting limit below 2 kg.",
        [
            ("sit-to-stand", MON_WED_FRI),
            ("mini-squat-at-counter", MON_WED_FRI),
            ("step-ups", TUE_THU_SAT),
            ("arm-raise-holding-tin", TUE_THU_SAT),
            ("carry-shopping-bag-2kg", TUE_THU_SAT),
            ("walk-outdoors", EVERY_DAY),
        ],
    ),
]


def exercise_fields(data: dict) -> dict:
    """A library_data entry as Exercise field values (lazy strings resolved; lists one per line)."""
    load = data["lifting_kg"]
    return {
        "name": str(data["name"]),
        "purpose": str(data["purpose"]),
        "instructions": "\n".join(str(step) for step in data["instructions"]),
        "safety_cues": "\n".join(str(cue) for cue in data["safety_cues"]),
        "body_region": data["body_region"],
        "involves_flexion": data["involves_flexion"],
        "involves_extension": data["involves_extension"],
        "involves_rotation": data["involves_rotation"],
        "involves_axial_loading": data["involves_axial_loading"],
        "lifting_kg": None if load is None else Decimal(str(load)),
        "suitable_for_unstable_spine": data["suitable_for_unstable_spine"],
        "default_sets": data["default_sets"],
        "default_reps": data["default_reps"],
        "default_hold_seconds": data["default_hold_seconds"],
    }


def load_library(*, exercise_model, template_model, template_item_model) -> tuple[int, int]:
    """Create missing starter exercises and templates; returns (exercises created, templates created)."""
    created_exercises = 0
    for data in EXERCISES:
        _obj, created = exercise_model.objects.get_or_create(slug=data["slug"], defaults=exercise_fields(data))
        created_exercises += created
    by_slug = {e.slug: e for e in exercise_model.objects.filter(slug__in=[d["slug"] for d in EXERCISES])}
    created_templates = 0
    for name, description, entries in STARTER_TEMPLATES:
        template, created = template_model.objects.get_or_create(name=name, defaults={"description": description})
        if not created:
            continue
        created_templates += 1
        for position, (slug, mask) in enumerate(entries):
            exercise = by_slug[slug]
            template_item_model.objects.create(
                template=template,
                exercise=exercise,
                position=position,
                sets=exercise.default_sets,
                reps=exercise.default_reps,
                hold_seconds=exercise.default_hold_seconds,
                days_mask=mask,
            )
    return created_exercises, created_templates
