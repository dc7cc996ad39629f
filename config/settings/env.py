"""Reading the environment: the one place configuration comes in.

Every variable is documented in the README's "Configuration" table. Bad values
fail at start-up with a message that names the variable.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    """A string from NAME, or from the file named by NAME_FILE (for secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_name}: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    raw = os.environ.get(name, default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def checkout_secret_key(var_dir: Path, *, start_with: str) -> str:
    """SECRET_KEY (or SECRET_KEY_FILE) when set, else this checkout's own key in `var_dir/secret_key`, which
    run.py makes once (random, mode 0600), so that no key anyone can read in the repository ever signs a
    session. Settings only read it; with neither, start-up stops and says how to get one."""
    configured = env_str("SECRET_KEY")
    if configured:
        return configured
    path = Path(var_dir) / "secret_key"
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    except OSError as exc:
        raise ImproperlyConfigured(f"Cannot read the secret key in {path}: {exc}") from exc
    if not key:
        raise ImproperlyConfigured(
            f"No secret key: run `{start_with}` (it makes one for this checkout in {path}), "
            "or set SECRET_KEY (or SECRET_KEY_FILE)."
        )
    return key
