"""Production: refuses to start without a secret key and allowed hosts."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .env import env_bool, env_int, env_list, env_str

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY or SECRET_KEY.startswith("insecure") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "Production settings (config.settings.production, what gunicorn, celery and manage.py run unless "
        "DJANGO_SETTINGS_MODULE names others) need SECRET_KEY (or SECRET_KEY_FILE): a random value of 50+ "
        "characters. To try the system on this machine, run `python3 run.py` instead."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")  # no default in production
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "Production settings need ALLOWED_HOSTS: the site's host names, comma-separated (e.g. tracker.example.org)."
    )

# Links in e-mails: the worker has no request to take the host from, so it must be told, or use the site's name.
SITE_URL = env_str("SITE_URL") or ""
if not SITE_URL:
    if ALLOWED_HOSTS[0] in ("*", ".") or "*" in ALLOWED_HOSTS[0]:
        raise ImproperlyConfigured(
            "Production settings need SITE_URL (e.g. https://tracker.example.org) when "
            "ALLOWED_HOSTS starts with a wildcard."
        )
    SITE_URL = f"https://{ALLOWED_HOSTS[0].lstrip('.')}"
SITE_URL = SITE_URL.rstrip("/")

DEBUG = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
