"""Settings only read: importing them creates no file or folder. run.py makes var/, the filesystem broker's
folders and the checkout's secret key before it starts a process, and the settings read what it made."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

import run

ROOT = Path(settings.BASE_DIR)
KEY = "k" * 60
PRINT = "from django.conf import settings; import json; print(json.dumps(settings.{}))"


def settings_process(tmp_path: Path, module: str, code: str = "", **extra: str) -> subprocess.CompletedProcess:
    """`django.setup()` with `module` in a clean environment whose var/ is tmp_path/var; then `code`."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "TRACKER_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": module,
        **extra,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", f"import django, config; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("module", ["local", "dev", "test", "production"])
def test_loading_the_settings_creates_nothing(tmp_path, module):
    done = settings_process(tmp_path, f"config.settings.{module}", SECRET_KEY=KEY, ALLOWED_HOSTS="example.org")

    assert done.returncode == 0, done.stderr[-2000:]
    assert not (tmp_path / "var").exists()


@pytest.mark.parametrize(
    ("module", "command"), [("dev", "python3 run.py --dev"), ("local", "python3 run.py")], ids=["dev", "local"]
)
def test_without_a_key_the_dev_and_local_settings_say_how_to_get_one(tmp_path, module, command):
    done = settings_process(tmp_path, f"config.settings.{module}")

    assert done.returncode != 0
    assert f"No secret key: run `{command}`" in done.stderr
    assert "or set SECRET_KEY" in done.stderr
    assert not (tmp_path / "var").exists()


def test_the_dev_settings_read_the_key_run_py_made(tmp_path):
    key = run.make_secret_key(tmp_path / "var")

    done = settings_process(tmp_path, "config.settings.dev", PRINT.format("SECRET_KEY"))

    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == key.read_text().strip()


def test_the_test_settings_without_a_key_use_a_new_one_per_process(tmp_path):
    runs = [settings_process(tmp_path, "config.settings.test", PRINT.format("SECRET_KEY")) for _ in range(2)]
    keys = {json.loads(done.stdout) for done in runs}

    assert len(keys) == 2 and all(len(key) >= 50 for key in keys)


def test_run_py_makes_var_the_broker_folders_the_settings_name_and_one_private_key(tmp_path):
    done = settings_process(tmp_path, "config.settings.test", PRINT.format("CELERY_BROKER_TRANSPORT_OPTIONS"))
    assert done.returncode == 0, done.stderr[-2000:]
    options = json.loads(done.stdout)
    named = {Path(options[k]) for k in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")}

    var = run.make_var({"TRACKER_VAR_DIR": str(tmp_path / "var")})
    key = run.make_secret_key(var)

    assert var == tmp_path / "var"
    assert {p for p in (var / "broker").iterdir() if p.is_dir()} == named
    assert key == var / "secret_key" and key.stat().st_mode & 0o777 == 0o600
    assert len(key.read_text().strip()) >= 50
    first = key.read_text()
    assert run.make_secret_key(var).read_text() == first  # made once, then kept
    assert [p.name for p in var.iterdir() if p.name.startswith(".secret_key")] == []  # no draft left behind


def test_run_py_makes_no_broker_folders_when_redis_is_the_broker(tmp_path):
    var = run.make_var({"TRACKER_VAR_DIR": str(tmp_path / "var"), "REDIS_URL": "redis://127.0.0.1:6379/0"})

    assert var.is_dir() and not (var / "broker").exists()


def test_run_py_passes_the_checkout_key_to_what_it_starts_unless_one_is_given(tmp_path, monkeypatch):
    for name in ("SECRET_KEY", "SECRET_KEY_FILE", "REDIS_URL", "CELERY_BROKER_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TRACKER_VAR_DIR", str(tmp_path / "var"))

    made = run.env("config.settings.local")
    monkeypatch.setenv("SECRET_KEY", KEY)
    given = run.env("config.settings.local")

    assert made["SECRET_KEY_FILE"] == str(tmp_path / "var" / "secret_key")
    assert (tmp_path / "var" / "broker" / "queue").is_dir()
    assert "SECRET_KEY_FILE" not in given and given["SECRET_KEY"] == KEY
