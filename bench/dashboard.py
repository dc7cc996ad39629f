"""The care team's pages at scale: triage queue, panel and timeline at 2,000 patients / 730,000 check-ins
and 500 open alerts, next to bare Django views in the same server, in one run.

    python bench/dashboard.py [--patients 2000] [--days 365] [--alerts 500] [--requests 200] [--quick]

One nurse (with a therapist, a psychologist and a physician) cares for every patient, the worst case for
the queue and the panel. Each patient has a daily check-in for `days` days and a weekly distress
thermometer; `alerts` open alerts are raised through the alert engine. Then one signed-in client asks,
in turn, for /triage/, /panel/, /patients/<id>/timeline/ (a different patient each time) and two
floors: a bare JSON view, and a bare page (the signed-in layout, base.html, with no content). Server
time is the time inside Django, from bench.middleware's Server-Timing header. Goal: the median and p95
of each page within 10x of the bare page's.
"""

import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness, seed  # noqa: E402

GOAL = 10


def seed_dashboard(args, rng: random.Random):
    from django.db import connection, transaction
    from django.utils import timezone

    from tracker.alerts.models import Alert
    from tracker.alerts.rules import Finding
    from tracker.alerts.services import alert_raise
    from tracker.core.vocab import Role
    from tracker.psych.models import Screen
    from tracker.symptoms.models import CheckIn

    now = timezone.now()
    with seed.Timer(f"{args.patients} patients on one care team"):
        team = [seed.make_staff(role, 1)[0] for role in (Role.NURSE, Role.THERAPIST, Role.PSYCHOLOGIST, Role.PHYSICIAN)]
        patients = seed.make_patients(args.patients, teams=[team], now=now, rng=rng, enrolled_days_ago=args.days + 5)
    ids = [p.pk for p in patients]

    def checkins():
        for pid in ids:
            pain = rng.randint(1, 5)
            for d in range(args.days, 0, -1):
                pain = max(0, min(9, pain + rng.choice((-1, 0, 0, 1))))
                at = now - timedelta(days=d - 1, hours=rng.randint(1, 10))
                c = seed.benign_checkin(pid, at, rng)
                c.pain_now, c.pain_worst_24h = pain, min(10, pain + rng.randint(0, 2))
                yield c

    with seed.Timer(f"{args.patients * args.days:,} check-ins"):
        seed.copy_instances(CheckIn, checkins())

    def screens():
        for pid in ids:
            for w in range(args.days // 7):
                at = now - timedelta(days=7 * w + 2)
                score = rng.randint(0, 6)
                yield Screen(
                    patient_id=pid,
                    instrument="distress_thermometer",
                    score=score,
                    total=score,
                    recorded_at=at,
                    submitted_at=at,
                    evaluated_at=at,
                    positive=score >= 4,
                )

    with seed.Timer("weekly distress thermometers"):
        seed.copy_instances(Screen, screens())

    rules = [
        ("neuro_deficit", "emergency", "New weakness in the left leg"),
        ("pain_escalation", "urgent", "Worst pain 8, up from 4"),
        ("side_effect", "urgent", "Nausea severe (3), was 1"),
        ("missed_checkins", "routine", "No check-in for 4 days"),
        ("distress", "routine", "Distress thermometer 7"),
    ]
    with seed.Timer(f"{args.alerts} open alerts through the alert engine"):
        latest = dict(
            CheckIn.objects.filter(patient_id__in=ids, recorded_at__gte=now - timedelta(days=2))
            .order_by("patient_id", "recorded_at")
            .values_list("patient_id", "pk")
        )
        for i in range(args.alerts):
            pid = ids[i % len(ids)]
            rule, severity, summary = rules[(i // len(ids)) % len(rules)] if args.alerts > len(ids) else rules[i % 5]
            at = now - timedelta(minutes=rng.randint(5, 60 * 24 * 3))
            with transaction.atomic():
                alert_raise(
                    patient_id=pid,
                    finding=Finding(rule=rule, severity=severity, summary=summary, evidence={"rule_version": 1}),
                    source=("symptoms.checkin", latest[pid]),
                    reported_at=at,
                    now=at,
                )
        assert Alert.objects.filter(status="open").count() == args.alerts
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return team[0], patients


def session_cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def main() -> int:
    p = harness.parser(__doc__.split("\n")[0])
    p.add_argument("--patients", type=int, default=2000)
    p.add_argument("--days", type=int, default=365, help="days of daily check-ins per patient")
    p.add_argument("--alerts", type=int, default=500, help="open alerts")
    p.add_argument("--requests", type=int, default=200, help="measured requests per page")
    args = p.parse_args()
    if args.quick:
        args.patients, args.days, args.alerts, args.requests = 200, 60, 50, 40

    with harness.Stack("dashboard", args) as stack:
        stack.setup_django()
        rng = random.Random(3)
        print(f"Seeding {args.patients} patients x {args.days} days:", flush=True)
        started = time.perf_counter()
        nurse, patients = seed_dashboard(args, rng)
        seeded = time.perf_counter() - started
        stack.start(worker=True)
        client = stack.http()
        cookie = {"Cookie": session_cookie(nurse)}

        pages = {
            "bare JSON view": lambda: "/bench/bare/",
            "bare page (signed-in layout)": lambda: "/bench/bare-page/",
            "triage queue /triage/": lambda: "/triage/",
            "panel /panel/": lambda: "/panel/",
            "timeline /patients/<id>/timeline/": lambda: f"/patients/{rng.choice(patients).pk}/timeline/",
        }
        samples = {name: {"server": [], "client": []} for name in pages}

        def one_round(record: bool) -> None:
            for name, path in pages.items():
                status, headers, body, seconds = client.get(path(), headers=cookie)
                assert status == 200, (name, status, body[:300])
                if record:
                    samples[name]["server"].append(harness.server_ms(headers))
                    samples[name]["client"].append(seconds * 1000)

        print("Warming up ...", flush=True)
        for _ in range(10):
            one_round(False)
        print(f"Measuring {args.requests} requests of each, interleaved ...", flush=True)
        for _ in range(args.requests):
            one_round(True)

        floor = samples["bare page (signed-in layout)"]["server"]
        f50, f95 = harness.p50(floor), harness.p95(floor)
        rows, verdicts = [], []
        for name, s in samples.items():
            m50, m95 = harness.p50(s["server"]), harness.p95(s["server"])
            rows.append(
                [
                    name,
                    len(s["server"]),
                    f"{m50:.1f} ms",
                    f"{m95:.1f} ms",
                    f"{m50 / f50:.1f}x",
                    f"{m95 / f95:.1f}x",
                    f"{harness.p50(s['client']):.1f} ms",
                ]
            )
            if name.startswith(("triage", "panel", "timeline")):
                verdicts.append(
                    (
                        f"{name}: median {m50 / f50:.1f}x, p95 {m95 / f95:.1f}x the bare page's (goal <= {GOAL}x)",
                        m50 / f50 <= GOAL and m95 / f95 <= GOAL,
                    )
                )
        from tracker.alerts.models import Alert
        from tracker.symptoms.models import CheckIn

        data_note = (
            f"{len(patients):,} patients, {CheckIn.objects.count():,} check-ins, "
            f"{Alert.objects.filter(status='open').count()} open alerts (seeded in {seeded:.0f}s)"
        )
        code = harness.report(
            "dashboard",
            title=f"Care-team pages at {data_note}",
            headers=["page", "n", "server p50", "server p95", "p50 / bare page", "p95 / bare page", "client p50"],
            rows=rows,
            verdicts=verdicts,
            data={"samples": samples, "seeded_s": seeded, "note": data_note},
            stack=stack,
            quick=args.quick,
        )
    return code


if __name__ == "__main__":
    sys.exit(main())
