"""The periodic sweep over 10,000 and 100,000 patients, run by a real Celery worker, in one run.

    python bench/sweep.py [--sizes 10000 100000] [--quick]

For each size, a fresh database is seeded with a steady-state population (in proportion to its size):
everyone on a care team, with a check-in in the last hour and the two days before, and their distress
thermometer, PHQ-9 and GAD-7 done recently; then the work a sweep exists for:
  - 5% silent for 5 days (missed_checkins, and their check-in reminders),
  - 2% with a positive distress screen 4 days ago whose `distress` alert nobody acted on (untreated_distress),
  - 1% with an urgent alert nobody acknowledged for 5 hours (escalate_alerts),
  - 10% on a support programme with modules due (deliver_content),
  - 0.1% with a check-in whose evaluation message was lost (evaluate_pending).
Then every job in settings.TRACKER_PERIODIC_JOBS is sent to the worker in order, as beat sends them
(`tracker.core.tasks.run_job`, through `bench.run_job`, which keeps its result), and timed until its
result is back; then the sweep is run a second time
(nothing new to do). Goals: the time grows linearly or better with the patients (100,000 / 10,000 <= 10x),
and 100,000 patients are swept in under a minute.
"""

import json
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import time as clock
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness, seed  # noqa: E402

LINEAR = 10  # 10x the patients may take at most 10x the time
MINUTE = 60.0


def seed_population(n: int, rng: random.Random) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from tracker.alerts.models import Alert
    from tracker.alerts.rules import Finding
    from tracker.alerts.services import alert_raise, submission_evaluate
    from tracker.core.vocab import Role
    from tracker.psych.models import AssignmentStatus, Programme, ProgrammeAssignment, Screen
    from tracker.symptoms.models import CheckIn

    now = timezone.now()
    today = timezone.localdate(now)
    counts = {}
    with seed.Timer(f"{n} patients and their care teams"):
        nurses = seed.make_staff(Role.NURSE, max(1, n // 200))
        psychologists = seed.make_staff(Role.PSYCHOLOGIST, max(1, n // 500))
        therapists = seed.make_staff(Role.THERAPIST, max(1, n // 500))
        physicians = seed.make_staff(Role.PHYSICIAN, max(1, n // 1000))
        teams = [
            [
                nurses[i % len(nurses)],
                psychologists[i % len(psychologists)],
                therapists[i % len(therapists)],
                physicians[i % len(physicians)],
            ]
            for i in range(len(nurses))
        ]
        # Reminder time 00:00: the check-in reminder job has the same work whatever the time of day.
        patients = seed.make_patients(n, teams=teams, now=now, rng=rng, reminder_time=clock(0, 0))
    ids = [p.pk for p in patients]
    silent = set(ids[::20])  # 5%
    distressed = ids[1::50]  # 2%
    unacknowledged = ids[2::100]  # 1%
    on_programme = ids[3::10]  # 10%
    lost = ids[4::1000] or ids[:1]  # 0.1%

    def checkins():
        for pid in ids:
            days = (5, 6) if pid in silent else (0, 1, 2)
            for d in days:
                at = now - timedelta(days=d, minutes=30 + rng.randint(0, 20))
                yield seed.benign_checkin(pid, at, rng)

    with seed.Timer("check-ins"):
        counts["checkins"] = seed.copy_instances(CheckIn, checkins())

    def screen(pid, instrument, at, *, positive=False):
        if instrument == "distress_thermometer":
            score = 7 if positive else 2
            fields = {"score": score, "total": score, "problems": ["emotional"] if positive else []}
        else:
            fields = {"answers": [0] * (9 if instrument == "phq9" else 7), "total": 0}
        return Screen(
            patient_id=pid,
            instrument=instrument,
            recorded_at=at,
            submitted_at=at,
            evaluated_at=at,
            positive=positive,
            **fields,
        )

    def screens():
        for pid in ids:
            yield screen(pid, "distress_thermometer", now - timedelta(days=3))
            yield screen(pid, "phq9", now - timedelta(days=10))
            yield screen(pid, "gad7", now - timedelta(days=10))

    with seed.Timer("screens"):
        counts["screens"] = seed.copy_instances(Screen, screens())

    with seed.Timer(f"{len(distressed)} positive distress screens 4 days ago, evaluated (distress alerts)"):
        four_days = now - timedelta(days=4)
        seed.copy_instances(
            Screen, (screen(pid, "distress_thermometer", four_days, positive=True) for pid in distressed)
        )
        Screen.objects.filter(patient_id__in=distressed, positive=True).update(evaluated_at=None)
        for pk in Screen.objects.filter(patient_id__in=distressed, positive=True).values_list("pk", flat=True):
            submission_evaluate(label="psych.screen", pk=pk)
        Alert.objects.filter(rule="distress").update(created_at=four_days)

    with seed.Timer(f"{len(unacknowledged)} urgent alerts unacknowledged for 5 hours"):
        five_hours = now - timedelta(hours=5)
        finding = Finding(
            rule="pain_escalation",
            severity="urgent",
            summary="Worst pain 8, up from 3",
            evidence={"worst_24h": 8, "baseline": 3, "rule_version": 1},
        )
        for pid in unacknowledged:
            source = CheckIn.objects.filter(patient_id=pid).order_by("-recorded_at").values_list("pk", flat=True)[0]
            with transaction.atomic():
                alert_raise(
                    patient_id=pid,
                    finding=finding,
                    source=("symptoms.checkin", source),
                    reported_at=five_hours,
                    now=five_hours,
                )
        Alert.objects.filter(rule="pain_escalation").update(created_at=five_hours)

    with seed.Timer(f"{len(on_programme)} support programmes with modules due"):
        programme = Programme.objects.order_by("pk").first()
        start = today - timedelta(days=5)
        seed.copy_instances(
            ProgrammeAssignment,
            (
                ProgrammeAssignment(
                    patient_id=pid,
                    programme=programme,
                    start_date=start,
                    next_due_on=start,
                    status=AssignmentStatus.ACTIVE,
                    assigned_by=psychologists[0],
                    assigned_at=now,
                )
                for pid in on_programme
            ),
        )

    with seed.Timer(f"{len(lost)} check-ins whose evaluation message was lost"):
        seed.copy_instances(
            CheckIn,
            (seed.benign_checkin(pid, now - timedelta(minutes=10), rng) for pid in lost),
        )
        CheckIn.objects.filter(patient_id__in=lost, recorded_at__gte=now - timedelta(minutes=11)).update(
            evaluated_at=None
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts.update(
        patients=n,
        silent=len(silent),
        distressed=len(distressed),
        unacknowledged=len(unacknowledged),
        on_programme=len(on_programme),
        lost=len(lost),
    )
    return counts


def sweep_once(stack: harness.Stack) -> dict[str, dict]:
    """Each job in turn, as beat sends it; after each, the worker also finishes what the job queued
    (notification e-mails), timed apart so that the next job runs on an idle worker."""
    from django.conf import settings

    from bench.worker import run_job

    timings, followups, summaries = {}, {}, {}
    for name in settings.TRACKER_PERIODIC_JOBS:
        started = time.perf_counter()
        summaries[name] = run_job.apply_async(args=[name]).get(timeout=1800)
        timings[name] = time.perf_counter() - started
        stack.wait_for_queue_to_drain(timeout=1800)
        followups[name] = time.perf_counter() - started - timings[name]
        print(
            f"    {name}: {timings[name]:.2f}s, then {followups[name]:.2f}s of queued tasks ({summaries[name]})",
            flush=True,
        )
    return {"timings": timings, "followups": followups, "summaries": summaries}


def one_size(n: int, args, out: Path) -> None:
    with harness.Stack(f"sweep_{n}", args) as stack:
        stack.setup_django()
        rng = random.Random(n)
        print(f"Seeding {n} patients:", flush=True)
        started = time.perf_counter()
        counts = seed_population(n, rng)
        seeded = time.perf_counter() - started
        stack.start(web=False)
        stack.wait_for_queue_to_drain(timeout=1800)  # the e-mails the seeding's alerts queued
        print(f"Sweep over {n} patients (first run):", flush=True)
        first = sweep_once(stack)
        print(f"Sweep over {n} patients (second run, nothing new):", flush=True)
        second = sweep_once(stack)
        from django.db.models import Count

        from tracker.alerts.models import Alert

        alerts = dict(Alert.objects.values_list("rule").annotate(n=Count("id")))
        machine = stack.machine()
    out.write_text(
        json.dumps(
            {
                "n": n,
                "seed_s": seeded,
                "counts": counts,
                "first": first,
                "second": second,
                "alerts": alerts,
                "machine": machine,
            }
        )
    )


def main() -> int:
    p = harness.parser(__doc__.split("\n")[0])
    p.add_argument("--sizes", type=int, nargs=2, default=[10_000, 100_000], metavar=("SMALL", "LARGE"))
    p.add_argument("--one", type=int, help=argparse_hidden())
    p.add_argument("--out", type=Path, help=argparse_hidden())
    args = p.parse_args()
    if args.one:
        one_size(args.one, args, args.out)
        return 0
    if args.quick:
        args.sizes = [500, 5000]

    results = []
    for n in args.sizes:
        out = Path(tempfile.mkstemp(suffix=f"-sweep-{n}.json")[1])
        child = [sys.executable, __file__, "--one", str(n), "--out", str(out)]
        for flag in ("postgres", "redis_url", "web_workers", "web_threads", "worker_concurrency"):
            value = getattr(args, flag)
            if value is not None:
                child += [f"--{flag.replace('_', '-')}", str(value)]
        if args.keep:
            child.append("--keep")
        subprocess.run(child, check=True)
        results.append(json.loads(out.read_text()))
        out.unlink()

    small, large = results
    jobs = list(small["first"]["timings"])
    rows = []
    for job in jobs:
        a, b = small["first"]["timings"][job], large["first"]["timings"][job]
        fa, fb = small["first"]["followups"][job], large["first"]["followups"][job]
        rows.append(
            [
                job,
                f"{a:.2f}s",
                f"{b:.2f}s",
                f"{b / a:.1f}x" if a > 0.005 else "-",
                f"{fa:.1f}s / {fb:.1f}s",
                large["first"]["summaries"][job],
            ]
        )
    total_small = sum(small["first"]["timings"].values())
    total_large = sum(large["first"]["timings"].values())
    again_large = sum(large["second"]["timings"].values())
    ratio = total_large / total_small
    size_ratio = large["n"] / small["n"]
    queued_small, queued_large = (sum(r["first"]["followups"].values()) for r in (small, large))
    rows.append(
        [
            "**whole sweep**",
            f"{total_small:.2f}s",
            f"{total_large:.2f}s",
            f"{ratio:.1f}x",
            f"{queued_small:.1f}s / {queued_large:.1f}s",
            "",
        ]
    )
    rows.append(
        [
            "whole sweep again (nothing new)",
            f"{sum(small['second']['timings'].values()):.2f}s",
            f"{again_large:.2f}s",
            "",
            "",
            "",
        ]
    )
    code = harness.report(
        "sweep",
        title=f"Sweep over {small['n']:,} and {large['n']:,} patients",
        headers=[
            "job",
            f"{small['n']:,} patients",
            f"{large['n']:,} patients",
            "ratio",
            "then the tasks it queued (e-mails), small / large",
            f"what it did at {large['n']:,}",
        ],
        rows=rows,
        verdicts=[
            (
                f"{size_ratio:.0f}x the patients took {ratio:.1f}x the time (goal: linear or better, <= "
                f"{size_ratio:.0f}x)",
                ratio <= size_ratio,
            ),
            (f"{large['n']:,} patients swept in {total_large:.1f}s (goal < {MINUTE:.0f}s)", total_large < MINUTE),
        ],
        data={"small": small, "large": large},
        checks=[
            (
                f"the second sweep raised nothing again ({job}: {large['second']['summaries'][job]})",
                re.search(r"(?:^|, )0 raised", large["second"]["summaries"][job]) is not None,
            )
            for job in ("untreated_distress", "missed_checkins")
        ],
        quick=args.quick,
        machine=large["machine"],
    )
    print(
        f"(seeding took {small['seed_s']:.0f}s and {large['seed_s']:.0f}s; alerts at {large['n']:,}: {large['alerts']})"
    )
    return code


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS


if __name__ == "__main__":
    sys.exit(main())
