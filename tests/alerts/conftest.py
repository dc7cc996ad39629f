"""Real-process fixtures for the red-flag engine's failure tests (reusable by other apps' tests).

- ``celery_worker_process``: starts real ``celery -A config worker`` processes against the test run's
  own database and broker. Use it in ``@pytest.mark.django_db(transaction=True)`` tests (the worker is
  another process: it sees only committed data). The worker gets the test settings with
  ``TRACKER_USE_TEST_DB=1`` (config/settings/test.py), so it opens the database pytest-django created;
  ``DATABASE_URL``, ``REDIS_URL`` and ``TRACKER_VAR_DIR`` pass through from the environment, so the broker
  is the same Redis database (or the same filesystem-broker folder) the test process sends to.
- ``private_redis``: a redis-server of the test's own on a free port, which the test may stop and
  start (the machine's shared Redis is never touched), plus ``celery_app_broker(url)`` to point this
  process's Celery app at it for the duration of a test.

Without a redis-server binary the Redis tests skip, saying why; under CI=true they fail instead.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def wait_for(predicate, *, timeout: float = 30.0, interval: float = 0.1, what: str = "condition"):
    """Poll `predicate` until it returns something truthy (returned), or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def _close_db_connections() -> None:
    from django.db import connections

    for conn in connections.all():
        conn.close()


class WorkerProcess:
    """One `celery -A config worker` in its own process group, logging to a file."""

    def __init__(self, *, log_path: Path, concurrency: int, env: dict[str, str]):
        self.log_path = log_path
        self.name = f"alerts-test-{uuid.uuid4().hex[:8]}@%h"
        self._log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()/kill()
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            str(concurrency),
            "--pool",
            "prefork",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--include",
            "tests.worker_hooks",  # TRACKER_TEST_EVALUATION_DELAY: see that module
            "-n",
            self.name,
        ]
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_for_log(self, text: str, *, timeout: float = 60.0) -> None:
        def seen():
            if self.process.poll() is not None:
                pytest.fail(f"worker exited with {self.process.returncode}:\n{self.log_text()[-3000:]}")
            return text in self.log_text()

        wait_for(seen, timeout=timeout, what=f"{text!r} in the worker log")

    def wait_ready(self, timeout: float = 60.0) -> WorkerProcess:
        self.wait_for_log(" ready.", timeout=timeout)
        return self

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool children) at once, as the OOM killer would."""
        if self.alive:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self._log.close()

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL if it does not stop within 10 seconds."""
        if self.alive:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)  # any pool child left behind
        if not self._log.closed:
            self._log.close()


class WorkerFactory:
    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.workers: list[WorkerProcess] = []

    def start(self, *, concurrency: int = 2, env: dict[str, str] | None = None, purge: bool = True) -> WorkerProcess:
        """Start a worker (waiting until it is ready). `env` adds or overrides environment variables,
        e.g. {"TRACKER_TEST_EVALUATION_DELAY": "30"} or {"REDIS_URL": private_redis.url}."""
        full_env = dict(os.environ)
        full_env.update(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings.test",
                "TRACKER_USE_TEST_DB": "1",
                "PYTHONUNBUFFERED": "1",
                "TRACKER_VAR_DIR": str(settings.VAR_DIR),
            }
        )
        full_env.update(env or {})
        if purge:
            _purge_broker(full_env)
        _close_db_connections()  # SQLite: no open write transaction from this process
        worker = WorkerProcess(
            log_path=self.tmp_path / f"worker-{len(self.workers)}.log", concurrency=concurrency, env=full_env
        )
        self.workers.append(worker)
        return worker.wait_ready()

    def stop_all(self) -> None:
        for worker in self.workers:
            worker.stop()


def _purge_broker(env: dict[str, str]) -> None:
    """Drop messages earlier tests left in this broker (their rows are long gone)."""
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", "config", "purge", "-f"],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
        timeout=60,
    )


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """A factory of real Celery worker processes: `celery_worker_process.start(concurrency=2, env={...})`
    returns a started WorkerProcess (`.kill()`, `.stop()`, `.wait_for_log(text)`, `.log_text()`); all are
    stopped at the end of the test, before the database is flushed."""
    factory = WorkerFactory(tmp_path)
    yield factory
    factory.stop_all()


# --- a private Redis ----------------------------------------------------------------------------


def redis_server_binary() -> str | None:
    return shutil.which("redis-server")


def need_redis_server() -> str:
    binary = redis_server_binary()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed; CI must install it (apt-get install redis-server).")
        pytest.skip("redis-server is not installed here, so this test cannot stop and restart a Redis of its own.")
    return binary


def redis_port_base() -> int:
    """Where private Redis ports start. Two test runs at once (CI runs its two database passes side by side)
    each take their own range, so that one never takes the port of the other's Redis while it is stopped."""
    return int(os.environ.get("TRACKER_TEST_REDIS_PORT_BASE", "6390"))


def _free_port(start: int | None = None) -> int:
    start = start or redis_port_base()
    for port in range(start, start + 200):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port for a private redis-server")


class PrivateRedis:
    def __init__(self, binary: str, port: int, workdir: Path):
        self.binary, self.port, self.workdir = binary, port, workdir
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.responds, timeout=20, what=f"redis-server on port {self.port}")

    def responds(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None
        wait_for(lambda: not self.responds(), timeout=10, what="redis-server to stop")


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server of this test's own (started), on a free port from 6390 (or TRACKER_TEST_REDIS_PORT_BASE):
    `.stop()`, `.start()`, `.url`."""
    server = PrivateRedis(need_redis_server(), _free_port(), tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def celery_app_broker():
    """celery_app_broker(url): point this process's Celery app at another broker until the test ends."""
    from config.celery import app
    from config.settings.base import REDIS_BROKER_OPTIONS

    # The app reads Django's CELERY_* settings (namespace "CELERY"), so override those keys.
    saved = {
        "CELERY_BROKER_URL": app.conf.broker_url,
        "CELERY_BROKER_TRANSPORT_OPTIONS": app.conf.broker_transport_options,
        "CELERY_RESULT_BACKEND": app.conf.result_backend,
    }

    def _reset_pools():
        # Drop this app's references; kombu's global pool registry keeps one pool per broker URL.
        app._pool = None
        app.amqp._producer_pool = None
        # ... and the result store client, made again from the settings when next used.
        app._backend_cache = None
        app._local.__dict__.pop("backend", None)

    def point(url: str) -> None:
        _reset_pools()
        # As in production: the broker and the result store are the same Redis, with the same options.
        app.conf.update(
            CELERY_BROKER_URL=url,
            CELERY_BROKER_TRANSPORT_OPTIONS=REDIS_BROKER_OPTIONS,
            CELERY_RESULT_BACKEND=url,
        )
        assert app.connection_for_write().as_uri().startswith(url.split("/")[0])

    yield point
    _reset_pools()
    app.conf.update(saved)
