#!/usr/bin/env python3
"""The two commands of the README, for a machine that has only Python 3.11.

    python3 run.py            install (.venv), migrate, collect static files, seed the demo if empty,
                              then start web + worker + beat on http://127.0.0.1:8000/ with DEBUG off
    python3 run.py --dev      the same with DEBUG on (config.settings.dev), for development
    python3 run.py test       install (.venv with test tools) and run the whole test suite (extra args go to pytest)
    python3 run.py manage ... a manage.py command with the settings `python3 run.py` serves with

Set DATABASE_URL and REDIS_URL to use PostgreSQL and Redis instead of the embedded defaults. Each command first
makes var/ (TRACKER_VAR_DIR), the filesystem broker's folders and this checkout's secret key (var/secret_key),
which the settings only read.
"""

import hashlib
import os
import secrets
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("TRACKER_VENV", ROOT / ".venv"))
BIN = VENV / "bin"
PY = BIN / "python"


def sh(*args, **kwargs) -> None:
    subprocess.run([str(a) for a in args], check=True, cwd=ROOT, **kwargs)


def ensure_venv(requirements: str) -> None:
    if not PY.exists():
        print(f"Creating virtualenv in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    req = ROOT / requirements
    digest = hashlib.sha256(b"".join((ROOT / f).read_bytes() for f in ("requirements.txt", requirements))).hexdigest()
    stamp = VENV / f".installed-{requirements}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    print(f"Installing {requirements} ...", flush=True)
    sh(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", req)
    stamp.write_text(digest)


# Kombu's filesystem broker's folders under var/ (config/settings/base.py, CELERY_BROKER_TRANSPORT_OPTIONS).
BROKER_FOLDERS = ("queue", "processed", "control")


def var_dir(e: dict) -> Path:
    """Where the settings put the embedded database, broker folders, media and the checkout's key."""
    return Path(e.get("TRACKER_VAR_DIR") or ROOT / "var")


def make_var(e: dict) -> Path:
    """var/ and, unless Redis or another broker is named, the filesystem broker's folders. Settings create no
    files, so this runs before any process that needs them."""
    var = var_dir(e)
    var.mkdir(parents=True, exist_ok=True)
    if (e.get("CELERY_BROKER_URL") or e.get("REDIS_URL") or "filesystem://").startswith("filesystem://"):
        for folder in BROKER_FOLDERS:
            (var / "broker" / folder).mkdir(parents=True, exist_ok=True)
    return var


def make_secret_key(var: Path) -> Path:
    """This checkout's secret key, `var/secret_key`: random, made once, mode 0600, so that no key anyone can read
    in the repository ever signs a session. Web, worker and beat started together read the same file: it is
    written whole, then linked into place, so a process never reads half a key."""
    path = var / "secret_key"
    if not path.exists():
        var.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".secret_key.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(64))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            draft.unlink()
    return path


def env(settings: str) -> dict:
    """The environment of every process run.py starts, after the start-up steps: var/ is there and, unless
    SECRET_KEY or SECRET_KEY_FILE is given, SECRET_KEY_FILE names the checkout's key."""
    e = dict(os.environ)
    e.setdefault("DJANGO_SETTINGS_MODULE", settings)
    e["PATH"] = f"{BIN}{os.pathsep}{e.get('PATH', '')}"
    e["PYTHONUNBUFFERED"] = "1"
    var = make_var(e)
    if not e.get("SECRET_KEY") and not e.get("SECRET_KEY_FILE"):
        e["SECRET_KEY_FILE"] = str(make_secret_key(var))
    return e


# What `python3 run.py` serves with: DEBUG off, plain HTTP on the loopback, a per-checkout secret key in var/.
LOCAL_SETTINGS = "config.settings.local"
DEV_SETTINGS = "config.settings.dev"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def serve(*, dev: bool = False) -> None:
    ensure_venv("requirements.txt")
    e = env(LOCAL_SETTINGS)
    if dev:
        e["DJANGO_SETTINGS_MODULE"] = DEV_SETTINGS
    host = e.setdefault("HOST", "127.0.0.1")
    if host not in LOOPBACK and e["DJANGO_SETTINGS_MODULE"] in (LOCAL_SETTINGS, DEV_SETTINGS):
        sys.exit(
            f"run.py serves plain HTTP on the loopback only (HOST={host}). To serve a network, run the processes "
            "with production settings behind HTTPS (README: Production and scaling)."
        )
    sh(PY, "manage.py", "migrate", "--noinput", env=e)
    sh(PY, "manage.py", "collectstatic", "--noinput", "-v", "0", env=e)
    sh(PY, "manage.py", "seed_demo", "--if-empty", env=e)
    port = e.setdefault("PORT", "8000")
    # Honcho gives each process its own PORT; links in the worker's e-mails must name the web server's.
    e.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
    print(
        f"\nSpine Tracker is starting at http://127.0.0.1:{port}/ with {e['DJANGO_SETTINGS_MODULE']}"
        "  (Ctrl-C stops web, worker and beat)\n"
        "Demo logins (password demo-pass-2026): nurse, therapist, psychologist, physician, admin, patient\n",
        flush=True,
    )
    os.execve(str(BIN / "honcho"), [str(BIN / "honcho"), "-f", str(ROOT / "Procfile"), "start", "--port", port], e)


def manage(args: list[str]) -> None:
    ensure_venv("requirements.txt")
    e = env(LOCAL_SETTINGS)
    sys.exit(subprocess.run([str(PY), "manage.py", *args], cwd=ROOT, env=e).returncode)


def test(args: list[str]) -> None:
    ensure_venv("requirements-dev.txt")
    e = env("config.settings.test")
    e["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    result = subprocess.run([str(PY), "-m", "pytest", *args], cwd=ROOT, env=e)
    sys.exit(result.returncode)


if __name__ == "__main__":
    if sys.version_info < (3, 11):  # noqa: UP036 - run.py may be started by an older python3
        sys.exit("Python 3.11 or newer is needed.")
    if len(sys.argv) > 1 and sys.argv[1] == "test":
        test(sys.argv[2:])
    elif len(sys.argv) > 1 and sys.argv[1] == "manage":
        manage(sys.argv[2:])
    elif sys.argv[1:] in ([], ["--dev"]):
        serve(dev=sys.argv[1:] == ["--dev"])
    else:
        sys.exit(__doc__)
