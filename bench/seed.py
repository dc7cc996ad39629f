"""Fast seeding at scale: bulk_create for rows whose ids are needed, PostgreSQL COPY for the rest.

Call after `Stack.setup_django()`. Rows are built as ordinary (unsaved) model instances, so every
field's own conversion to the database applies; COPY only skips the per-row INSERT overhead.
"""

import random
import time
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

PASSWORD = "bench-pass-2026"
BATCH = 5_000


def batched(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def copy_instances(model, instances: Iterable, *, batch: int = 50_000) -> int:
    """COPY unsaved instances of `model` into its table (ids from the sequence). -> rows written."""
    auto = ("AutoField", "BigAutoField", "SmallAutoField")
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.get_internal_type() in auto)]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    written = 0
    for chunk in batched(instances, batch):
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # noqa: S608 - our own names
                for obj in chunk:
                    row = []
                    for f in fields:
                        value = getattr(obj, f.attname)
                        if value is None:
                            value = f.pre_save(obj, add=True)  # auto_now_add and the like
                        row.append(f.get_db_prep_save(value, connection))
                    copy.write_row(row)
        written += len(chunk)
    return written


class Timer:
    def __init__(self, what: str):
        self.what = what

    def __enter__(self):
        self.started = time.perf_counter()
        print(f"  {self.what} ...", end="", flush=True)
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        print(f" {self.seconds:.1f}s", flush=True)


def make_staff(role: str, count: int, *, prefix: str | None = None) -> list:
    from tracker.accounts.models import User

    prefix = prefix or role
    password = make_password(PASSWORD)
    users = [
        User(
            username=f"{prefix}{i}",
            role=role,
            is_staff=True,
            password=password,
            first_name=role.title(),
            last_name=str(i),
        )
        for i in range(count)
    ]
    return User.objects.bulk_create(users, batch_size=BATCH)


def make_patients(
    count: int,
    *,
    teams: list[list],
    now: datetime,
    rng: random.Random,
    prefix: str = "patient",
    enrolled_days_ago: int = 400,
    tokens: bool = False,
    reminder_time=None,
) -> list:
    """`count` patients (users, profiles and care teams written with COPY); patient i is on the care team
    teams[i % len(teams)] (a list of clinicians). -> the profiles in order, with `.user` loaded."""
    from rest_framework.authtoken.models import Token

    from tracker.accounts.models import CareTeamMembership, PatientProfile, User
    from tracker.core.vocab import Role

    password = make_password(PASSWORD)
    copy_instances(
        User,
        (
            User(
                username=f"{prefix}{i}",
                role=Role.PATIENT,
                password=password,
                first_name="Pat",
                last_name=f"{prefix.title()} {i}",
                email=f"{prefix}{i}@example.org",
                date_joined=now,
            )
            for i in range(count)
        ),
    )
    user_ids = dict(User.objects.filter(role=Role.PATIENT, username__startswith=prefix).values_list("username", "pk"))
    extra = {"reminder_time": reminder_time} if reminder_time is not None else {}
    copy_instances(
        PatientProfile,
        (
            PatientProfile(
                user_id=user_ids[f"{prefix}{i}"],
                date_of_birth=datetime(1940 + rng.randrange(45), 1 + rng.randrange(12), 1).date(),
                primary_cancer=rng.choice(["Breast", "Prostate", "Lung", "Kidney", "Myeloma"]),
                spinal_levels=[rng.choice(["T4", "T8", "T11", "L1", "L3"])],
                enrolled_at=now - timedelta(days=enrolled_days_ago),
                **extra,
            )
            for i in range(count)
        ),
    )
    profiles = list(
        PatientProfile.objects.filter(user_id__in=user_ids.values()).select_related("user").order_by("user_id")
    )
    memberships = (
        CareTeamMembership(patient_id=p.pk, clinician_id=c.pk, role=c.role, added_at=now)
        for i, p in enumerate(profiles)
        for c in teams[i % len(teams)]
    )
    copy_instances(CareTeamMembership, memberships)
    if tokens:
        copy_instances(Token, (Token(key=Token.generate_key(), user_id=p.user_id, created=now) for p in profiles))
    return profiles


def benign_checkin(patient_id: int, at: datetime, rng: random.Random):
    """A stable day: mild pain, nothing neurological, mild side effects (evaluated already)."""
    from tracker.symptoms.models import CheckIn

    pain = rng.randint(1, 4)
    return CheckIn(
        patient_id=patient_id,
        recorded_at=at,
        submitted_at=at,
        evaluated_at=at,
        pain_now=pain,
        pain_worst_24h=min(10, pain + rng.randint(0, 1)),
        pain_sites=["mid_back"],
        breakthrough_doses=rng.randint(0, 1),
        fatigue=rng.randint(0, 2),
        nausea=rng.randint(0, 1),
    )


def checkin_history(patient_ids: Iterable[int], *, days: int, end: datetime, rng: random.Random) -> Iterator:
    """One benign check-in a day for `days` days up to `end`, for every patient."""
    for pid in patient_ids:
        for d in range(days, 0, -1):
            yield benign_checkin(pid, end - timedelta(days=d, minutes=rng.randint(0, 600)), rng)


def checkin_payload(*, red_flag: bool, client_id: str | None = None) -> dict:
    """A check-in as a phone sends it (docs/api.md). A red flag: new moderate weakness in the left leg."""
    body = {
        "pain": {
            "now": 3,
            "worst_24h": 4,
            "sites": ["mid_back"],
            "night_pain": False,
            "worse_with_straining": False,
            "breakthrough_doses": 1,
        },
        "neuro": {
            "weakness": {"left_leg": "moderate"} if red_flag else {},
            "numbness": [],
            "walking": "normal",
            "falls": 0,
            "bladder": "normal",
            "bowel": "normal",
        },
        "side_effects": {"fatigue": 1, "nausea": 0, "diarrhoea": 0, "skin_reaction": 0, "rash": 0},
        "note": "",
    }
    if client_id:
        body["client_id"] = client_id
    return body


def now() -> datetime:
    return timezone.now()
