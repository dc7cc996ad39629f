"""Red-flag latency: from a patient's POST to the care team's alert being readable, next to a no-op
Celery task's round trip, in one run.

    python bench/redflag_latency.py [--count 200] [--quick]

For each of `count` patients (one alert each): POST /api/v1/checkins/ with a new moderate leg weakness
(a neuro_deficit, emergency), then poll GET /api/v1/alerts/?patient=<id> as their nurse until the alert
is there. The floor: `bench.noop.apply_async().get()` through the same Redis and worker. Goal: the
red flag's p95 within 20x the no-op's p95.
"""

import random
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness, seed  # noqa: E402

GOAL = 20
POLL_EVERY = 0.002  # seconds between two reads of the alert list


def main() -> int:
    p = harness.parser(__doc__.split("\n")[0])
    p.add_argument("--count", type=int, default=200, help="red-flag check-ins (one per patient)")
    args = p.parse_args()
    if args.quick:
        args.count = 40
    warmup = 10

    with harness.Stack("redflag_latency", args) as stack:
        stack.setup_django()
        from rest_framework.authtoken.models import Token

        from tracker.alerts.models import Alert
        from tracker.core.vocab import Role
        from tracker.symptoms.models import CheckIn

        rng = random.Random(2)
        now = seed.now()
        print(f"Seeding {args.count + warmup} patients with 7 days of check-ins:")
        with seed.Timer("staff and patients"):
            nurses = seed.make_staff(Role.NURSE, 10)
            Token.objects.bulk_create([Token(key=Token.generate_key(), user=n) for n in nurses])
            patients = seed.make_patients(
                args.count + warmup, teams=[[n] for n in nurses], now=now, rng=rng, tokens=True
            )
        with seed.Timer("check-in history"):
            seed.copy_instances(CheckIn, seed.checkin_history([pt.pk for pt in patients], days=7, end=now, rng=rng))
        nurse_token = {n.pk: f"Token {Token.objects.get(user=n).key}" for n in nurses}
        nurse_of = [nurses[i % len(nurses)].pk for i in range(len(patients))]

        stack.start()
        from bench.worker import noop

        client = stack.http()

        def red_flag(i: int) -> tuple[float, float]:
            """-> (seconds until the POST answered, seconds until the alert was readable)."""
            patient = patients[i]
            body = seed.checkin_payload(red_flag=True, client_id=str(uuid.uuid4()))
            auth = {"Authorization": f"Token {patient.user.auth_token.key}"}
            read = {"Authorization": nurse_token[nurse_of[i]]}
            started = time.perf_counter()
            status, _h, payload, posted = client.post("/api/v1/checkins/", body, headers=auth)
            assert status == 201, (status, payload[:300])
            assert b'"emergency"' in payload, payload[:300]
            while True:
                status, _h, payload, _s = client.get(f"/api/v1/alerts/?patient={patient.pk}&status=open", headers=read)
                assert status == 200, (status, payload[:300])
                if b'"neuro_deficit"' in payload:
                    return posted, time.perf_counter() - started
                if time.perf_counter() - started > 30:
                    raise TimeoutError(f"no alert for patient #{patient.pk} after 30s")
                time.sleep(POLL_EVERY)

        def noop_round_trip() -> float:
            started = time.perf_counter()
            noop.apply_async().get(timeout=30)
            return time.perf_counter() - started

        print("Warming up ...", flush=True)
        for _ in range(warmup):
            noop_round_trip()
        for i in range(args.count, args.count + warmup):
            red_flag(i)
        print(f"Measuring {args.count} no-op round trips and {args.count} red flags (interleaved) ...", flush=True)
        noops, posts, alerts = [], [], []
        for i in range(args.count):
            noops.append(noop_round_trip())
            posted, readable = red_flag(i)
            posts.append(posted)
            alerts.append(readable)
        stack.wait_for_queue_to_drain()
        made = Alert.objects.filter(rule="neuro_deficit").count()
        expected = args.count + warmup

        ratio = harness.p95(alerts) / harness.p95(noops)
        rows = [
            [
                "no-op Celery task round trip (apply_async().get())",
                len(noops),
                harness.ms(harness.p50(noops)),
                harness.ms(harness.p95(noops)),
            ],
            [
                "red-flag POST /api/v1/checkins/ (response)",
                len(posts),
                harness.ms(harness.p50(posts)),
                harness.ms(harness.p95(posts)),
            ],
            [
                "red flag: POST to alert readable in GET /api/v1/alerts/",
                len(alerts),
                harness.ms(harness.p50(alerts)),
                harness.ms(harness.p95(alerts)),
            ],
        ]
        code = harness.report(
            "redflag_latency",
            title="Red-flag latency",
            headers=["what", "n", "p50", "p95"],
            rows=rows,
            verdicts=[
                (f"red-flag p95 / no-op p95 = {ratio:.1f}x (goal <= {GOAL}x)", ratio <= GOAL),
            ],
            checks=[
                (f"{made} neuro_deficit alerts for {expected} red flags (one each, none doubled)", made == expected),
            ],
            data={"ratio": ratio, "noop": noops, "post": posts, "alert": alerts, "poll_every_s": POLL_EVERY},
            stack=stack,
            quick=args.quick,
        )
    return code


if __name__ == "__main__":
    sys.exit(main())
