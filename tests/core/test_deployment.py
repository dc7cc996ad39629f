"""Processes started as the README says run the settings it says.

Each test starts the real command (`gunicorn config.wsgi`, `celery -A config worker|beat`, `python3 run.py`)
in a clean environment: only PATH, HOME and what the test names, never this test run's own settings module.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

from run import make_secret_key, make_var

ROOT = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent
DEBUG_PAGE_MARKS = ("DEBUG = True", "Traceback", "URLconf", "Django tried these URL patterns", "technical_500")
MISSING_KEY = "need SECRET_KEY"

pytestmark = pytest.mark.worker


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        "PATH": f"{BIN}{os.pathsep}/usr/local/bin:/usr/bin:/bin",
        "HOME": os.environ.get("HOME", "/root"),
        "PYTHONUNBUFFERED": "1",
        "TRACKER_VAR_DIR": str(tmp_path / "var"),
    }
    env.update(extra)
    return env


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    # No var/ made beforehand: an operator starts these without run.py, and the processes make the embedded
    # broker's folders when they start (config/celery.py), the settings never do.
    return clean_env(tmp_path, SECRET_KEY=secrets.token_urlsafe(60), ALLOWED_HOSTS="tracker.example.org", **extra)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Started:
    """A command in its own process group, its output in a file."""

    def __init__(self, command: list[str], *, env: dict[str, str], log: Path):
        self.log_path = log
        self._log = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603 - our own commands
            command, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_exit(self, timeout: float = 60) -> int:
        try:
            return self.process.wait(timeout=timeout)
        finally:
            self.stop()

    def wait_for(self, text: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output():
            if self.process.poll() is not None:
                pytest.fail(f"exited with {self.process.returncode} before {text!r}:\n{self.output()[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"no {text!r} after {timeout}s:\n{self.output()[-3000:]}")
            time.sleep(0.2)

    def stop(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=15)
                break
            except subprocess.TimeoutExpired:
                continue
        try:  # whatever is left of the group (a pool child, a gunicorn worker)
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._log.close()


@pytest.fixture
def start(tmp_path):
    started: list[Started] = []

    def _start(*command: str, env: dict[str, str]) -> Started:
        proc = Started(list(command), env=env, log=tmp_path / f"process-{len(started)}.log")
        started.append(proc)
        return proc

    yield _start
    for proc in started:
        proc.stop()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer to look at, not to follow


_opener = urllib.request.build_opener(_NoRedirects)


def get(url: str, *, headers: dict[str, str] | None = None, timeout: float = 90) -> tuple[int, dict, str]:
    """GET `url`, retrying while the server is not yet listening; (status, headers, body)."""
    deadline = time.monotonic() + timeout
    while True:
        request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - a local test server
        try:
            with _opener.open(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


GUNICORN = (str(BIN / "gunicorn"), "config.wsgi")
WORKER = (str(BIN / "celery"), "-A", "config", "worker")
BEAT = (str(BIN / "celery"), "-A", "config", "beat")


@pytest.mark.parametrize("command", [GUNICORN, WORKER, BEAT], ids=["gunicorn", "worker", "beat"])
def test_each_process_refuses_to_start_without_a_secret_key(start, tmp_path, command):
    extra = ("--bind", f"127.0.0.1:{free_port()}") if command == GUNICORN else ()
    proc = start(*command, *extra, env=clean_env(tmp_path, ALLOWED_HOSTS="tracker.example.org"))

    assert proc.wait_exit(timeout=60) != 0
    assert MISSING_KEY in proc.output()
    assert "config.settings.production" in proc.output()


def test_each_process_refuses_to_start_without_allowed_hosts(start, tmp_path):
    proc = start(*WORKER, env=clean_env(tmp_path, SECRET_KEY=secrets.token_urlsafe(60)))

    assert proc.wait_exit(timeout=60) != 0
    assert "need ALLOWED_HOSTS" in proc.output()


def test_gunicorn_as_the_readme_starts_it_runs_production_settings_without_debug_pages(start, tmp_path):
    port = free_port()
    start(*GUNICORN, "--bind", f"127.0.0.1:{port}", env=production_env(tmp_path))
    # Behind the site's HTTPS proxy, as production settings expect (they redirect plain HTTP to HTTPS).
    proxied = {"Host": "tracker.example.org", "X-Forwarded-Proto": "https"}

    status, headers, body = get(f"http://127.0.0.1:{port}/no-such-page/", headers=proxied)

    assert status == 404
    assert not any(mark in body for mark in DEBUG_PAGE_MARKS), body[:2000]
    assert "Strict-Transport-Security" in headers  # only production settings send HSTS
    status, headers, _ = get(f"http://127.0.0.1:{port}/accounts/login/", headers={"Host": "tracker.example.org"})
    assert status == 301 and headers["Location"].startswith("https://")
    status, _, body = get(
        f"http://127.0.0.1:{port}/", headers={"Host": "evil.example.com", "X-Forwarded-Proto": "https"}
    )
    assert status == 400 and not any(mark in body for mark in DEBUG_PAGE_MARKS)


def test_the_celery_worker_as_the_readme_starts_it_runs_production_settings(start, tmp_path):
    proc = start(*WORKER, env=production_env(tmp_path))

    proc.wait_for("Spine Tracker worker running config.settings.production (DEBUG off)")
    assert all((tmp_path / "var" / "broker" / folder).is_dir() for folder in ("queue", "processed", "control"))


def _database_url_of_this_test_run() -> dict[str, str]:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return {"SQLITE_PATH": str(db["NAME"])}
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return {
        "DATABASE_URL": f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    }


def test_celery_beat_as_the_readme_starts_it_runs_production_settings(start, tmp_path, transactional_db):
    from django.db import connections

    for conn in connections.all():
        conn.close()  # SQLite: no write lock held by this process while beat syncs its schedule
    proc = start(*BEAT, env=production_env(tmp_path, **_database_url_of_this_test_run()))

    proc.wait_for("Spine Tracker beat running config.settings.production (DEBUG off)")


def test_run_py_serves_with_debug_off_and_a_private_key_of_its_own(start, tmp_path):
    port = free_port()
    proc = start(
        "python3",
        "run.py",
        env=clean_env(tmp_path, TRACKER_VENV=str(BIN.parent), PORT=str(port)),
    )

    status, _, body = get(f"http://127.0.0.1:{port}/no-such-page/", timeout=240)

    assert status == 404, proc.output()[-3000:]
    assert not any(mark in body for mark in DEBUG_PAGE_MARKS), body[:2000]
    proc.wait_for("Spine Tracker worker running config.settings.local (DEBUG off)")
    proc.wait_for("Spine Tracker beat running config.settings.local (DEBUG off)")
    key = tmp_path / "var" / "secret_key"
    assert key.stat().st_mode & 0o777 == 0o600
    assert len(key.read_text().strip()) >= 50
    # The login page's static files are served, compressed, with hashed names cached for a long time.
    _, _, login = get(f"http://127.0.0.1:{port}/accounts/login/")
    css = next(part for part in login.split('"') if part.startswith("/static/") and part.endswith(".css"))
    status, headers, _ = get(f"http://127.0.0.1:{port}{css}", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("Content-Encoding") == "gzip"
    assert "immutable" in headers.get("Cache-Control", "")


def _dev_settings_key_and_debug(env: dict[str, str]) -> list[str]:
    """[SECRET_KEY, DEBUG] as a process started with `env` reads them."""
    script = (
        "import django, config; django.setup(); from django.conf import settings as s; print(s.SECRET_KEY, s.DEBUG)"
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()


def test_the_dev_settings_never_sign_with_a_key_from_the_repository(tmp_path):
    env = clean_env(tmp_path, DJANGO_SETTINGS_MODULE="config.settings.dev")
    make_secret_key(make_var(env))  # what `python3 run.py --dev` does first: the settings only read the key
    first = _dev_settings_key_and_debug(env)
    other_checkout = clean_env(tmp_path / "other", DJANGO_SETTINGS_MODULE="config.settings.dev")
    make_secret_key(make_var(other_checkout))
    second = _dev_settings_key_and_debug(other_checkout)

    assert first[1] == "True"
    assert len(first[0]) >= 50 and first[0] != second[0]
    repository_text = "\n".join(p.read_text(errors="replace") for p in (ROOT / "config").rglob("*.py"))
    assert first[0] not in repository_text
    assert (tmp_path / "var" / "secret_key").stat().st_mode & 0o777 == 0o600
