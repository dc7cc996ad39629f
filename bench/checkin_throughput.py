"""Check-in POST throughput next to a bare Django JSON view, in the same gunicorn, in one run.

    python bench/checkin_throughput.py [--patients 500] [--requests 3000] [--concurrency 8] [--quick]

Each check-in request is a real POST /api/v1/checkins/ from one of the seeded patients (token auth),
validated, saved, with its advice computed and its evaluation queued to Redis; a real Celery worker
evaluates them meanwhile. The bare view is a Django JSON view behind the same middleware that touches no
database. A third view, measured in the same rounds, is a lower bound for any check-in endpoint (bench
only, `bench.views.checkin_lower_bound`): one SELECT for the token, one INSERT, one Celery message, no
validation, transaction or advice; it shows how close any implementation could come on this machine.
Each measured round starts with the worker idle (the evaluations queued before it are done), so a round
never shares the machine with evaluations left from the check-ins sent before it. Also reported:
check-ins per second until the last one is evaluated, and the CPU time each request costs in each part
of the system (gunicorn, PostgreSQL, the worker, Redis, the load generator). Goal: check-in throughput
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

        def checkin_to(path):
            def make(i):
                payload = dict(body, client_id=str(uuid.uuid4()))
                return "POST", path, payload, {"Authorization": tokens[rng.randrange(len(tokens))]}

            return make

        views = {
            "bare": (bare, 200),
            "lower_bound": (checkin_to("/bench/checkin-lower-bound/"), 201),
            "checkin": (checkin_to("/api/v1/checkins/"), 201),
        }
        print("Warming up ...", flush=True)
        posted = 0
        for name, (make, _status) in views.items():
            warm = harness.run_load(stack.base_url, make, total=200, concurrency=args.concurrency)
            if name != "bare":
                posted += warm.requests
        results = {name: [] for name in views}
        evaluated = []  # check-ins per second of each check-in round, until the worker has evaluated them all
        cpu = {name: [] for name in (*views, "checkin_evaluated")}  # CPU ms per request by part, per round
        for r in range(args.rounds):
            for name, (make, _status) in views.items():
                stack.wait_for_queue_to_drain()  # start every round with the worker idle
                before = stack.cpu_seconds()
                res = harness.run_load(stack.base_url, make, total=args.requests, concurrency=args.concurrency)
                cpu[name].append(harness.cpu_per_request(before, stack.cpu_seconds(), res.requests))
                print(f"  round {r + 1} {name}: {res.rps:.0f} req/s {dict(res.statuses)}", flush=True)
                results[name].append(res)
                if name != "bare":
                    posted += res.requests
                if name == "checkin":
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

        b, lb, c = best("bare"), best("lower_bound"), best("checkin")
        ratio, lower_ratio = c.rps / b.rps, lb.rps / b.rps
        bad = sum(
            n
            for name, (_make, status) in views.items()
            for res in results[name]
            for s, n in res.statuses.items()
            if s != status
        )
        labels = {
            "bare": "bare Django JSON view",
            "lower_bound": "lower bound: SELECT, INSERT, enqueue (bench only)",
            "checkin": "POST /api/v1/checkins/",
        }
        rows = [
            [
                labels[name],
                res.requests,
                args.concurrency,
                f"{res.rps:.0f}",
                harness.ms(harness.p50(res.latencies)),
                harness.ms(harness.p95(res.latencies)),
            ]
            for name, res in (("bare", b), ("lower_bound", lb), ("checkin", c))
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
            cpu_labels = {
                "bare": "bare Django JSON view",
                "lower_bound": "lower bound (bench only), while sent",
                "checkin": "check-in, while they are sent",
                "checkin_evaluated": "check-in, until all are evaluated",
            }
            for key, label in cpu_labels.items():
                mean = {part: sum(round_[part] for round_ in cpu[key]) / len(cpu[key]) for part in parts}
                cpu_rows.append([label, *(f"{mean[part]:.2f}" for part in parts), f"{sum(mean.values()):.2f}"])
            budget = float(cpu_rows[0][-1]) / GOAL
            cpu_notes.append(f"at the goal, a check-in could use about {budget:.1f} ms of CPU in all")
        lower_note = f"the lower bound reaches {lower_ratio:.2f} of the bare view"
        if lower_ratio < GOAL:
            lower_note += (
                ": below the goal, so on this machine no check-in endpoint that stores the check-in and"
                " sends a Celery message for its evaluation can meet it, however lean"
            )
        code = harness.report(
            "checkin_throughput",
            title="Check-in throughput",
            headers=["view", "requests", "concurrency", "req/s (best round)", "p50", "p95"],
            rows=rows,
            verdicts=[
                (f"check-in throughput / bare view = {ratio:.2f} (goal >= {GOAL})", ratio >= GOAL),
            ],
            notes=[lower_note],
            checks=[
                (f"every response 201/200 ({bad} others)", bad == 0),
                (f"{stored} of {posted} check-ins stored, {pending} left unevaluated", all_done),
            ],
            extra=[("CPU time per request (ms; mean of the rounds, from /proc)", cpu_headers, cpu_rows, cpu_notes)],
            data={
                "ratio": ratio,
                "lower_bound_ratio": lower_ratio,
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
