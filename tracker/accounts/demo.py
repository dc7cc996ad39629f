"""Demo accounts: four clinicians, an admin and twelve patients with varied profiles.

Other apps add histories through settings.TRACKER_DEMO_SEEDERS: each is a function
`seed(*, patients, staff, now, rng)` that must be safe to run twice.
"""

import random
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from tracker.accounts.models import PatientProfile, User
from tracker.accounts.services import care_team_add, patient_create, staff_create
from tracker.core.vocab import CheckinSchedule, Role, SpinalStability

DEMO_PASSWORD = "demo-pass-2026"

STAFF = [
    ("nurse", Role.NURSE, "Nadia", "Okafor"),
    ("therapist", Role.THERAPIST, "Tom", "Reyes"),
    ("psychologist", Role.PSYCHOLOGIST, "Priya", "Shah"),
    ("physician", Role.PHYSICIAN, "Hugo", "Lindqvist"),
    ("admin", Role.ADMIN, "Ada", "Mensah"),
    ("nurse2", Role.NURSE, "Noor", "Haddad"),  # another team's nurse: sees none of the demo patients
]

# username, first, last, birth year, primary, levels, stability, restrictions, schedule
PATIENTS = [
    ("patient", "Maria", "Santos", 1958, "Breast", ["T8", "T9"], SpinalStability.STABLE, {}, CheckinSchedule.DAILY),
    (
        "patient2",
        "James",
        "Whitfield",
        1951,
        "Prostate",
        ["L2", "L3"],
        SpinalStability.POTENTIALLY_UNSTABLE,
        {"no_spinal_flexion": True, "no_lifting_over_kg": 5},
        CheckinSchedule.DAILY,
    ),
    (
        "patient3",
        "Aiko",
        "Tanaka",
        1966,
        "Lung",
        ["T4"],
        SpinalStability.UNSTABLE,
        {"no_spinal_flexion": True, "no_spinal_rotation": True, "no_axial_loading": True},
        CheckinSchedule.DAILY,
    ),
    (
        "patient4",
        "Samuel",
        "Adeyemi",
        1949,
        "Myeloma",
        ["T11", "L1"],
        SpinalStability.UNKNOWN,
        {},
        CheckinSchedule.DAILY,
    ),
    (
        "patient5",
        "Elena",
        "Petrova",
        1972,
        "Renal cell",
        ["C6"],
        SpinalStability.STABLE,
        {"no_spinal_extension": True},
        CheckinSchedule.DAILY,
    ),
    (
        "patient6",
        "David",
        "Cohen",
        1955,
        "Prostate",
        ["L4", "L5", "S1"],
        SpinalStability.STABLE,
        {},
        CheckinSchedule.WEEKLY,
    ),
    (
        "patient7",
        "Grace",
        "Mwangi",
        1961,
        "Breast",
        ["T6"],
        SpinalStability.POTENTIALLY_UNSTABLE,
        {"no_spinal_rotation": True},
        CheckinSchedule.DAILY,
    ),
    ("patient8", "Liam", "O'Connor", 1969, "Lung", ["T10", "T12"], SpinalStability.STABLE, {}, CheckinSchedule.DAILY),
    (
        "patient9",
        "Fatima",
        "Al-Sayed",
        1975,
        "Thyroid",
        ["C4", "C5"],
        SpinalStability.STABLE,
        {},
        CheckinSchedule.DAILY,
    ),
    (
        "patient10",
        "Henrik",
        "Larsen",
        1947,
        "Myeloma",
        ["T7", "L2"],
        SpinalStability.UNSTABLE,
        {
            "no_spinal_flexion": True,
            "no_spinal_extension": True,
            "no_spinal_rotation": True,
            "no_axial_loading": True,
            "no_lifting_over_kg": 2,
        },
        CheckinSchedule.DAILY,
    ),
    ("patient11", "Rosa", "Jimenez", 1963, "Breast", ["L1"], SpinalStability.STABLE, {}, CheckinSchedule.DAILY),
    (
        "patient12",
        "Kwame",
        "Boateng",
        1957,
        "Prostate",
        ["T9", "S2"],
        SpinalStability.POTENTIALLY_UNSTABLE,
        {"no_axial_loading": True},
        CheckinSchedule.WEEKLY,
    ),
]


@transaction.atomic
def seed_accounts(*, now=None) -> tuple[list[PatientProfile], dict[str, User]]:
    now = now or timezone.now()
    staff: dict[str, User] = {}
    for username, role, first, last in STAFF:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = staff_create(
                username=username,
                role=role,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                email=f"{username}@example.org",
            )
        staff[username] = user
    team = [staff["nurse"], staff["therapist"], staff["psychologist"], staff["physician"]]
    patients = []
    for index, (username, first, last, year, cancer, levels, stability, restrictions, schedule) in enumerate(PATIENTS):
        profile = PatientProfile.objects.filter(user__username=username).first()
        if profile is None:
            profile = patient_create(
                created_by=None,
                username=username,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                email=f"{username}@example.org",
                date_of_birth=date(year, 1 + index % 12, 1 + (index * 3) % 27),
                primary_cancer=cancer,
                spinal_levels=levels,
                care_team=team,
                spinal_stability=stability,
                checkin_schedule=schedule,
                enrolled_at=now - timedelta(days=42 + index),
                **restrictions,
            )
        for member in team:
            care_team_add(patient=profile, clinician=member)
        patients.append(profile)
    return patients, staff


def seed_demo(*, now=None, stdout=None) -> tuple[list[PatientProfile], dict[str, User]]:
    now = now or timezone.now()
    patients, staff = seed_accounts(now=now)
    for path in getattr(settings, "TRACKER_DEMO_SEEDERS", []):
        seeder = import_string(path)
        with transaction.atomic():
            result = seeder(patients=patients, staff=staff, now=now, rng=random.Random(2026))
        if stdout is not None and result:
            stdout.write(f"  {path.rsplit('.', 2)[-2]}: {result}")
    return patients, staff
