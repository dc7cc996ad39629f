"""Check-in POST throughput next to a bare Django JSON view, in the same gunicorn, in one run.

    python bench/checkin_throughput.py [--patients 500] [--requests 3000] [--concurrency 8] [--quick]

Each check-in request is a real POST /api/v1/checkins/ from one of the seeded patients (token auth),
validated, saved, with its advice computed and its evaluation queued to Redis; a real Celery worker
evaluates them meanwhile. The bare view is a Django JSON view behind the same middleware that touches no
database. Each measured round starts with the worker idle (the evaluations queued before it are done), so
a bare round never shares the machine with evaluations left from the check-ins sent before it. Also
reported: check-ins per second until the last one is evaluated, and the CPU time each request costs in each
part of the system (gunicorn, PostgreSQL, the worker, Redis, the load generator). Goal: check-in throughput
>= 0.25 of the bare view's.
"""

import random
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness, seed  # noqa: E402

GOAL = 0.25


def main() -> int:
    p = harness.parser(__doc__.split("\n")[0])
    p.add_argument("--patients", type=int, default=500)
    p.add_argument("--requests", type=int, default=3000, help="requests per measured round and view")
    p.add_argument("--concurrency", type=int, default=8, help="client connections sending at once")
    p.add_argument("--rounds", type=int, default=2, help="alternating rounds (bare, check-in, bare, ...)")
    args = p.parse_args()
    if args.quick:
        args.patients, args.requests, args.rounds = 50, 300, 1

    with harness.Stack("checkin_throughput", args) as stack:
        stack.setup_django()
        from tracker.core.vocab import Role
        from tracker.symptoms.models import CheckIn

        rng = random.Random(1)
        now = seed.now()
        print(f"Seeding {args.patients} patients with 14 days of check-ins:")
        with seed.Timer("staff and patients"):
            nurses = seed.make_staff(Role.NURSE, 5)
            patients = seed.make_patients(args.patients, teams=[[n] for n in nurses], now=now, rng=rng, tokens=True)
        with seed.Timer("check-in history"):
            seed.copy_instances(CheckIn, seed.checkin_history([pt.pk for pt in patients], days=14, end=now, rng=rng))
        tokens = [f"Token {pt.user.auth_token.key}" for pt in patients]
        history = CheckIn.objects.count()

        stack.start()
        body = seed.checkin_payload(red_flag=False)

        def bare(i):
            return "POST", "/bench/bare/", body, {"Authorization": tokens[i % len(tokens)]}

        def checkin(i):
            payload = dict(body, client_id=str(uuid.uuid4()))
            return "POST", "/api/v1/checkins/", payload, {"Authorization": tokens[rng.randrange(len(tokens))]}

        print("Warming up ...", flush=True)
        harness.run_load(stack.base_url, bare, total=200, concurrency=args.concurrency)
        warm = harness.run_load(stack.base_url, checkin, total=200, concurrency=args.concurrency)
        posted = warm.requests
        results = {"bare": [], "checkin": []}
        evaluated = []  # check-ins per second of each check-in round, until the worker has evaluated them all
        cpu = {"bare": [], "checkin": [], "checkin_evaluated": []}  # CPU ms per request by part, per round
        for r in range(args.rounds):
            for name, make in (("bare", bare), ("checkin", checkin)):
                stack.wait_for_queue_to_drain()  # start every round with the worker idle
                before = stack.cpu_seconds()
                res = harness.run_load(stack.base_url, make, total=args.requests, concurrency=args.concurrency)
                cpu[name].append(harness.cpu_per_request(before, stack.cpu_seconds(), res.requests))
                print(f"  round {r + 1} {name}: {res.rps:.0f} req/s {dict(res.statuses)}", flush=True)
                results[name].append(res)
                if name == "checkin":
                    posted += res.requests
                    started = time.perf_counter()
                    stack.wait_for_queue_to_drain()
                    evaluated.append(res.requests / (res.seconds + time.perf_counter() - started))
                    cpu["checkin_evaluated"].append(harness.cpu_per_request(before, stack.cpu_seconds(), res.requests))
                    print(f"  round {r + 1} checkin until all evaluated: {evaluated[-1]:.0f} /s", flush=True)
        print("Waiting for the worker to evaluate every check-in ...", flush=True)
        stack.wait_for_queue_to_drain()
        stored = CheckIn.objects.count() - history
        pending = CheckIn.objects.filter(evaluated_at__isnull=True).count()

        def best(name):
            return max(results[name], key=lambda res: res.rps)

        b, c = best("bare"), best("checkin")
        ratio = c.rps / b.rps
        bad = sum(n for s, n in c.statuses.items() if s != 201) + sum(n for s, n in b.statuses.items() if s != 200)
        rows = [
            [
                label,
                res.requests,
                args.concurrency,
                f"{res.rps:.0f}",
                harness.ms(harness.p50(res.latencies)),
                harness.ms(harness.p95(res.latencies)),
            ]
            for label, res in (("bare Django JSON view", b), ("POST /api/v1/checkins/", c))
        ]
        rows.append(["check-ins until all evaluated", c.requests, args.concurrency, f"{max(evaluated):.0f}", "", ""])
        all_done = stored == posted and pending == 0
        # Both views keep the two cores busy, so the ratio is close to (CPU per bare request) / (CPU per
        # check-in): the goal means a check-in may use about 1/GOAL times a bare request's CPU, all parts
        # of the system together. The second table shows where it goes.
        cpu_headers, cpu_rows, cpu_notes = [], [], []
        if cpu["bare"] and cpu["bare"][0]:  # empty where /proc is missing
            parts = list(cpu["bare"][0])
            cpu_headers = ["view", *parts, "total"]
            labels = {
                "bare": "bare Django JSON view",
                "checkin": "check-in, while they are sent",
                "checkin_evaluated": "check-in, until all are evaluated",
            }
            for key, label in labels.items():
                mean = {part: sum(round_[part] for round_ in cpu[key]) / len(cpu[key]) for part in parts}
                cpu_rows.append([label, *(f"{mean[part]:.2f}" for part in parts), f"{sum(mean.values()):.2f}"])
            budget = float(cpu_rows[0][-1]) / GOAL
            cpu_notes.append(f"at the goal, a check-in could use about {budget:.1f} ms of CPU in all")
        code = harness.report(
            "checkin_throughput",
            title="Check-in throughput",
            headers=["view", "requests", "concurrency", "req/s (best round)", "p50", "p95"],
            rows=rows,
            verdicts=[
                (f"check-in throughput / bare view = {ratio:.2f} (goal >= {GOAL})", ratio >= GOAL),
            ],
            checks=[
                (f"every response 201/200 ({bad} others)", bad == 0),
                (f"{stored} of {posted} check-ins stored, {pending} left unevaluated", all_done),
            ],
            extra=[("CPU time per request (ms; mean of the rounds, from /proc)", cpu_headers, cpu_rows, cpu_notes)],
            data={
                "ratio": ratio,
                "cpu_ms_per_request": cpu,
                "rps": {name: [x.rps for x in rs] for name, rs in results.items()},
                "checkins_evaluated_per_s": evaluated,
            },
            stack=stack,
            quick=args.quick,
        )
    return code


if __name__ == "__main__":
    sys.exit(main())
