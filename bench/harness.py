"""What every benchmark shares: its own PostgreSQL database and Redis, gunicorn and a real Celery worker
as subprocesses, an HTTP load generator, statistics, and the printed table.

A benchmark script does:

    args = harness.parser("what it measures").parse_args()
    with harness.Stack("name", args) as stack:      # database bench_<name>, private redis-server, migrate
        stack.setup_django()                         # this process now talks to the same database
        ... seed with bench.seed ...
        stack.start()                                # gunicorn + celery worker, waits until both answer
        ... measure with stack.http() / harness.run_load ...
        harness.report(...)                          # prints the table, writes bench/results-<name>.json
    # processes stopped, database dropped (unless --keep), redis-server stopped
"""

import argparse
import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS_DIR = ROOT / "bench"


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server (no database name): the benchmark creates and drops its own database",
    )
    p.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL"),
        help="Redis to use (it is FLUSHDB'd); default: start a private redis-server on a free port",
    )
    p.add_argument("--web-workers", type=int, default=2, help="gunicorn worker processes (default 2, as the Procfile)")
    p.add_argument("--web-threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    p.add_argument("--worker-concurrency", type=int, default=2, help="Celery worker processes (default 2)")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards (for inspection)")
    p.add_argument(
        "--quick", action="store_true", help="small sizes (CI): checks that it runs; exits 0 whatever the goals"
    )
    return p


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, *, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            result = predicate()
            if result:
                return result
        except Exception as exc:  # noqa: BLE001 - keep trying until the deadline
            last_error = exc
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what} (last error: {last_error!r})")


class Stack:
    """The system under test: PostgreSQL database, Redis, gunicorn (bench.settings) and a Celery worker."""

    def __init__(self, name: str, args: argparse.Namespace, *, settings: str = "bench.settings"):
        self.name = name
        self.args = args
        self.settings = settings
        self.database = f"bench_{name}"
        self.var_dir = Path(tempfile.gettempdir()) / f"tracker-bench-{name}"
        self.port = free_port()
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}
        self.redis_url = args.redis_url
        self._django_ready = False

    # --- lifecycle -------------------------------------------------------------------------------
    def __enter__(self) -> "Stack":
        self.var_dir.mkdir(parents=True, exist_ok=True)
        try:
            if not self.redis_url:
                self._start_private_redis()
            self._flush_redis()
            self._create_database()
            print(f"Database {self.database}: migrating ...", flush=True)
            self.manage("migrate", "--noinput")
            self.manage("collectstatic", "--noinput")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        if "bench.worker" in sys.modules:  # this process's result listener, before its Redis goes away
            consumer = sys.modules["bench.worker"].app.backend.result_consumer
            consumer.stop()
            consumer._pubsub = None
        for name in reversed(list(self.processes)):  # redis-server last
            self.stop_process(name)
        if self._django_ready:
            from django.db import connections

            connections.close_all()
        if not self.args.keep:
            self._drop_database()
        else:
            print(f"(kept database {self.database})")

    @property
    def database_url(self) -> str:
        return f"{self.args.postgres.rstrip('/')}/{self.database}"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        e = dict(os.environ)
        e.update(
            DJANGO_SETTINGS_MODULE=self.settings,
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url or "",
            SECRET_KEY=self._secret(),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            TRACKER_VAR_DIR=str(self.var_dir),
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
            PATH=f"{BIN}{os.pathsep}{e.get('PATH', '')}",
        )
        e.pop("CELERY_BROKER_URL", None)
        e.pop("CELERY_RESULT_BACKEND", None)
        e.pop("CELERY_TASK_ALWAYS_EAGER", None)
        return e

    def _secret(self) -> str:
        if not hasattr(self, "_secret_key"):
            self._secret_key = secrets.token_urlsafe(60)
        return self._secret_key

    def manage(self, *args: str) -> None:
        command = [sys.executable, "manage.py", *args]
        subprocess.run(command, cwd=ROOT, env=self.env(), check=True, stdout=subprocess.DEVNULL)

    def setup_django(self) -> None:
        """Configure this process for the same database, Redis and settings as the servers."""
        os.environ.update(self.env())
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        self._django_ready = True

    def start(self, *, web: bool = True, worker: bool = True) -> None:
        if web:
            self.start_web()
        if worker:
            self.start_worker()

    def start_web(self) -> None:
        a = self.args
        self._spawn(
            "web",
            [
                str(BIN / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(a.web_workers),
                "--threads",
                str(a.web_threads),
                "--keep-alive",
                "5",
            ],
        )
        wait_for(lambda: self.http().get("/healthz")[0] == 200, timeout=60, what="gunicorn")

    def start_worker(self) -> None:
        self._spawn(
            "worker",
            [
                str(BIN / "celery"),
                "-A",
                "bench.worker",
                "worker",
                "--loglevel",
                "WARNING",
                "--concurrency",
                str(self.args.worker_concurrency),
                "--hostname",
                f"bench-{self.name}@%h",
            ],
        )
        from bench.worker import app

        wait_for(lambda: app.control.ping(timeout=1.0), timeout=60, what="the Celery worker", interval=0.5)

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = self.var_dir / f"{name}.log"
        self.logs[name] = log
        handle = log.open("w")
        proc = subprocess.Popen(argv, cwd=ROOT, env=self.env(), stdout=handle, stderr=subprocess.STDOUT)
        self.processes[name] = proc
        return proc

    def stop_process(self, name: str) -> None:
        proc = self.processes.pop(name)
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    # --- services --------------------------------------------------------------------------------
    def _start_private_redis(self) -> None:
        server = shutil.which("redis-server")
        if not server:
            sys.exit("redis-server not found: install Redis or pass --redis-url")
        port = free_port()
        self._spawn(
            "redis",
            [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        )
        self.redis_url = f"redis://127.0.0.1:{port}/0"
        import redis

        wait_for(lambda: redis.Redis.from_url(self.redis_url).ping(), timeout=20, what="redis-server")

    def _flush_redis(self) -> None:
        import redis

        redis.Redis.from_url(self.redis_url).flushdb()

    def _admin_connection(self):
        import psycopg

        return psycopg.connect(f"{self.args.postgres.rstrip('/')}/postgres", autocommit=True)

    def _create_database(self) -> None:
        with self._admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.database}"')

    def _drop_database(self) -> None:
        with self._admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    # --- clients ---------------------------------------------------------------------------------
    def http(self) -> "Http":
        return Http(self.base_url)

    def wait_for_queue_to_drain(self, *, timeout: float = 300) -> None:
        """Until Redis holds no queued task and the worker holds none (running or prefetched)."""
        import redis

        from bench.worker import app

        r = redis.Redis.from_url(self.redis_url)

        def idle() -> bool:
            if r.llen("celery"):
                return False
            inspect = app.control.inspect(timeout=1.0, limit=1)  # one worker: answer at its first reply
            busy = [*(inspect.active() or {}).values(), *(inspect.reserved() or {}).values()]
            return not any(busy) and not r.llen("celery")

        wait_for(idle, timeout=timeout, what="the task queue to drain", interval=0.2)

    def machine(self) -> dict:
        return machine_description(self)

    def cpu_seconds(self) -> dict[str, dict[int, float]]:
        """CPU seconds (user + system) used so far by each process of each part of the system (Linux /proc).

        -> {"gunicorn": {pid: seconds}, "Celery worker": ..., "Redis": ..., "PostgreSQL": ..., "load
        generator": ...}: gunicorn and the worker with all their child processes, the private
        redis-server (absent with --redis-url), PostgreSQL's connections to this benchmark's database and
        its server processes (WAL writer, checkpointer, ...; not other databases' connections), and this
        process (the load generator's threads). Empty where /proc is missing (not Linux).
        """
        procs = _proc_table()
        if not procs:
            return {}
        out = {}
        for label, name in {"gunicorn": "web", "Celery worker": "worker", "Redis": "redis"}.items():
            if name in self.processes:
                out[label] = {pid: procs[pid][2] for pid in _descendants(procs, self.processes[name].pid)}

        def ours(title: str) -> bool:  # a backend's title: "postgres: user database host(port) state"
            client = "(" in title or "[local]" in title
            return f" {self.database} " in title or not client

        out["PostgreSQL"] = {
            pid: cpu for pid, (_p, comm, cpu, title) in procs.items() if comm == "postgres" and ours(title)
        }
        out["load generator"] = {os.getpid(): procs[os.getpid()][2]}
        return out


def _proc_table() -> dict[int, tuple[int, str, float, str]]:
    """{pid: (parent pid, command name, CPU seconds used, command line)} of every process, from /proc."""
    table_ = {}
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for entry in Path("/proc").glob("[0-9]*") if Path("/proc/self/stat").exists() else ():
        try:
            stat = (entry / "stat").read_text()
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # the process ended meanwhile
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()  # fields[0] is the state, the 3rd field of the line
        table_[int(entry.name)] = (int(fields[1]), comm, (int(fields[11]) + int(fields[12])) / ticks, title)
    return table_


def _descendants(procs: dict, root: int) -> set[int]:
    found, frontier = {root} & procs.keys(), [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, row in procs.items() if row[0] == parent and pid not in found]
        found.update(children)
        frontier.extend(children)
    return found


def cpu_per_request(before: dict, after: dict, requests: int) -> dict[str, float]:
    """Milliseconds of CPU per request each part used between two `Stack.cpu_seconds()` readings.

    Per process: a process started in between counts whole; one that ended in between loses what it used
    since `before` (none of the system's processes end during a round).
    """
    return {
        part: sum(cpu - before.get(part, {}).get(pid, 0.0) for pid, cpu in pids.items()) * 1000 / requests
        for part, pids in after.items()
    }


# --- HTTP ----------------------------------------------------------------------------------------


class Http:
    """One keep-alive HTTP/1.1 connection (use one per thread)."""

    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def request(self, method: str, path: str, body=None, headers: dict | None = None):
        """-> (status, headers, body bytes, seconds)."""
        data = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
        hdrs = {"Accept": "application/json", **(headers or {})}
        if data is not None:
            hdrs.setdefault("Content-Type", "application/json")
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=data, headers=hdrs)
                response = self.conn.getresponse()
                payload = response.read()
                elapsed = time.perf_counter() - started
                if response.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                return response.status, dict(response.getheaders()), payload, elapsed
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection before this request was read.
                self.conn.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def get(self, path: str, headers: dict | None = None):
        return self.request("GET", path, headers=headers)

    def post(self, path: str, body, headers: dict | None = None):
        return self.request("POST", path, body=body, headers=headers)


def server_ms(headers: dict) -> float | None:
    """The Server-Timing app duration (bench.middleware) in milliseconds."""
    value = headers.get("Server-Timing", "")
    if "dur=" not in value:
        return None
    return float(value.split("dur=", 1)[1].split(",", 1)[0])


@dataclass
class LoadResult:
    requests: int
    seconds: float
    statuses: Counter
    latencies: list[float] = field(repr=False)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def run_load(base_url: str, make_request, *, total: int, concurrency: int) -> LoadResult:
    """Send `total` requests from `concurrency` threads, each with its own keep-alive connection.

    `make_request(i)` -> (method, path, body, headers) for the i-th request.
    """
    counter = iter(range(total))
    lock = threading.Lock()
    statuses: Counter = Counter()
    latencies: list[float] = []

    def worker() -> None:
        client = Http(base_url)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            method, path, body, headers = make_request(i)
            status, _h, _b, elapsed = client.request(method, path, body=body, headers=headers)
            with lock:
                statuses[status] += 1
                latencies.append(elapsed)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return LoadResult(total, time.perf_counter() - started, statuses, latencies)


# --- statistics and reporting --------------------------------------------------------------------


def p50(values) -> float:
    return statistics.median(values)


def p95(values) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def machine_description(stack: Stack | None = None) -> dict:
    import django

    info = {
        "cpus": os.cpu_count(),
        "cpu": _cpu_model(),
        "ram_gib": round(_mem_total_kib() / 1024 / 1024, 1),
        "load_average_1_5_15_min": " / ".join(f"{x:.1f}" for x in os.getloadavg()),
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
    }
    for package in ("gunicorn", "celery", "psycopg"):
        try:
            from importlib.metadata import version

            info[package] = version(package)
        except Exception:  # noqa: BLE001
            pass
    if stack is not None:
        try:
            with stack._admin_connection() as conn:
                info["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
            import redis

            info["redis"] = redis.Redis.from_url(stack.redis_url).info("server")["redis_version"]
        except Exception:  # noqa: BLE001
            pass
        info["web"] = f"gunicorn {stack.args.web_workers} workers x {stack.args.web_threads} threads"
        info["worker"] = f"celery prefork concurrency {stack.args.worker_concurrency}"
    return info


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _mem_total_kib() -> int:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def table(headers: list[str], rows: list[list]) -> str:
    """A Markdown table (pasteable into bench/README.md)."""
    cells = [[str(c) for c in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |" for row in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def report(
    name: str,
    *,
    title: str,
    headers: list[str],
    rows: list[list],
    verdicts: list[tuple[str, bool]],
    data: dict,
    stack: Stack | None = None,
    checks: list[tuple[str, bool]] = (),
    quick: bool = False,
    machine: dict | None = None,
    extra: list[tuple[str, list[str], list[list], list[str]]] = (),
    notes: list[str] = (),
) -> int:
    """Print the table, the goals (`verdicts`), `notes` and the correctness `checks`; write bench/results-<name>.json.

    `extra`: further tables after those, each (caption, headers, rows, notes); a table with no rows is left out.
    -> the exit code: 1 if a check failed, or a goal was missed at full size (quick sizes only run)."""
    machine = machine or machine_description(stack)
    print()
    print(f"## {title}")
    print()
    print(table(headers, rows))
    print()
    for text, ok in verdicts:
        print(f"- {'MET' if ok else 'NOT MET'}: {text}")
    for text in notes:
        print(f"- {text}")
    for text, ok in checks:
        print(f"- {'OK' if ok else 'FAILED'}: {text}")
    for caption, extra_headers, extra_rows, extra_notes in extra:
        if extra_rows:
            print()
            print(f"{caption}:")
            print()
            print(table(extra_headers, extra_rows))
            for note in extra_notes:
                print(f"- {note}")
    if quick:
        print("(quick sizes: the goals are for the full sizes)")
    print()
    print("Machine: " + ", ".join(f"{k} {v}" for k, v in machine.items()))
    out = RESULTS_DIR / f"results-{name}.json"
    out.write_text(
        json.dumps(
            {
                "benchmark": name,
                "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "machine": machine,
                "headers": headers,
                "rows": rows,
                "verdicts": verdicts,
                "notes": list(notes),
                "checks": list(checks),
                "extra": [{"caption": c, "headers": h, "rows": r, "notes": n} for c, h, r, n in extra],
                "quick": quick,
                "data": data,
            },
            indent=2,
            default=str,
        )
    )
    print(f"(written to {out.relative_to(ROOT)})")
    if not all(ok for _t, ok in checks):
        return 1
    return 0 if quick or all(ok for _t, ok in verdicts) else 1
