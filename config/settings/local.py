"""What `python3 run.py` serves with: the whole system on one machine, over plain HTTP on the loopback.

As in production, DEBUG is off (no debug pages; errors are logged, not shown) and static files are served
compressed with hashed names (run.py runs collectstatic first). Unlike production, it needs no configuration:
the secret key is SECRET_KEY (or SECRET_KEY_FILE) if set, else the random key run.py made once for this
checkout in var/secret_key (mode 0600), and ALLOWED_HOSTS defaults to the loopback names.
Exposing it to a network is what production settings are for.
"""

from .base import *  # noqa: F403
from .base import VAR_DIR
from .env import checkout_secret_key

SECRET_KEY = checkout_secret_key(VAR_DIR, start_with="python3 run.py")
DEBUG = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
