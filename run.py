#!/usr/bin/env python3
"""The two commands of the README, for a machine that has only Python 3.11.

    python3 run.py          install (.venv), migrate, seed the demo if empty, start web + worker + beat
    python3 run.py test     install (.venv with test tools) and run the whole test suite (extra args go to pytest)

Set DATABASE_URL and REDIS_URL to use PostgreSQL and Redis instead of the embedded defaults.
"""

import hashlib
import os
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


def env(settings: str) -> dict:
    e = dict(os.environ)
    e.setdefault("DJANGO_SETTINGS_MODULE", settings)
    e["PATH"] = f"{BIN}{os.pathsep}{e.get('PATH', '')}"
    e["PYTHONUNBUFFERED"] = "1"
    return e


def serve() -> None:
    ensure_venv("requirements.txt")
    e = env("config.settings.dev")
    sh(PY, "manage.py", "migrate", "--noinput", env=e)
    sh(PY, "manage.py", "seed_demo", "--if-empty", env=e)
    port = e.setdefault("PORT", "8000")
    print(
        f"\nSpine Tracker is starting at http://127.0.0.1:{port}/  (Ctrl-C stops web, worker and beat)\n"
        "Demo logins (password demo-pass-2026): nurse, therapist, psychologist, physician, admin, patient\n",
        flush=True,
    )
    os.execve(str(BIN / "honcho"), [str(BIN / "honcho"), "-f", str(ROOT / "Procfile"), "start", "--port", port], e)


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
    elif len(sys.argv) == 1:
        serve()
    else:
        sys.exit(__doc__)
