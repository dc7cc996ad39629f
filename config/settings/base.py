"""Settings shared by every environment, in three sections: Django, third-party apps, the tracker.

The environment is read in env.py only. Settings only read: they create no file or folder. `run.py` makes
var/ (and the filesystem broker's folders and the checkout's secret key) before it starts a process; the
tests' conftest makes what a test run needs.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
import plotly
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# The embedded database, the filesystem broker's folders, media and the checkout's secret key.
VAR_DIR = Path(env_str("TRACKER_VAR_DIR", str(BASE_DIR / "var")))

# ==================================================================================================
# Django
# ==================================================================================================

# No default: production requires one; local and dev read the key run.py made (see those modules).
SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "tracker.core",
    "tracker.accounts",
    "tracker.audit",
    "tracker.notifications",
]
# Domain apps add themselves here as they land.
INSTALLED_APPS += [
    "tracker.symptoms",
    "tracker.alerts",
    "tracker.rehab",
    "tracker.psych",
    "tracker.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tracker.core.middleware.never_stored",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tracker.core.context_processors.site",
                "tracker.notifications.context_processors.unread",
            ],
        },
    },
]

# Database: SQLite (WAL, busy timeout, immediate transactions so web, worker and beat
# can share it) unless DATABASE_URL names another database.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "tracker.sqlite3")),
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis (optional): the cache here, and Celery's broker and results below.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
SESSION_COOKIE_HTTPONLY = True

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # plotly.js from the pinned plotly package, served by the project (no CDN):
    # {% static 'vendor/plotly/plotly.min.js' %}, included by templates/includes/plotly.html.
    ("vendor/plotly", str(Path(plotly.__file__).parent / "package_data")),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 256 * 1024)

# E-mail: console by default; configure SMTP in production.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Spine Tracker <no-reply@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.db.backends": {"level": "WARNING"},
        # Which settings a worker or beat runs (config/celery.py), shown at Celery's default log level too.
        "tracker.startup": {"level": "INFO"},
    },
}

# ==================================================================================================
# Third-party apps
# ==================================================================================================

# Celery: Redis when configured, otherwise kombu's filesystem transport (no server needed).
# With Redis down, publishing fails at once (one retry, no sleeping) instead of retrying for
# CELERY_BROKER_CONNECTION_TIMEOUT seconds: the request has saved its data, logs the failure and
# the periodic sweep does the work (tracker.core.tasks.enqueue_on_commit).
REDIS_BROKER_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "visibility_timeout": 3600,
    "max_retries": 1,
    "interval_start": 0,
}
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
if CELERY_BROKER_URL.startswith("filesystem://"):
    # These folders must exist before a process uses the broker: run.py (BROKER_FOLDERS there) and the tests'
    # conftest make them.
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_BROKER_OPTIONS
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or REDIS_URL or None
# Nothing in the app reads a task's return value (the worker logs it), so sending a task never waits on
# the result store: with Redis down, that wait was about 20 s per request. A task that is waited on
# says so itself (ignore_result=False).
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# CELERY_BEAT_SCHEDULE is made from TRACKER_PERIODIC_JOBS, in the tracker section.

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # DRF's token authentication, loading the patient profile in the same query.
        "tracker.accounts.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"login": env_str("LOGIN_THROTTLE_RATE", "20/min")},
    "EXCEPTION_HANDLER": "tracker.core.api.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Bodies over DATA_UPLOAD_MAX_MEMORY_SIZE get 413, JSON nested too deep 400 (tracker/core/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "tracker.core.parsers.BoundedJSONParser",
        "tracker.core.parsers.BoundedFormParser",
        "tracker.core.parsers.BoundedMultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Spine Tracker API",
    "DESCRIPTION": "Symptom, alert and rehabilitation tracking for people with spinal metastases.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # One OpenAPI name for each vocabulary used by several fields.
    "ENUM_NAME_OVERRIDES": {
        "WeaknessLevelEnum": "tracker.core.vocab.WeaknessLevel",  # the four limbs' weakness levels
        "ExercisePlanStatusEnum": "tracker.rehab.models.PlanStatus",
        "ConflictCodeEnum": "tracker.rehab.rules.ConflictCode",
        "WeekdayEnum": "tracker.rehab.rules.Weekday",
        "AlertOutcomeEnum": "tracker.core.vocab.Outcome",
        "AlertStatusEnum": "tracker.core.vocab.AlertStatus",
        "ContactOutcomeEnum": "tracker.psych.models.ContactOutcome",
        # One vocabulary for whether a call reached the patient: the alerts' contact log and a referral's attempts.
        "ContactResultEnum": "tracker.alerts.models.ContactResult",
    },
    # Swagger UI served from the project (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation's common error responses (400/401/403/404/413/415/429/503), documented once.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tracker.core.schema.add_error_responses",
    ],
}

# Login throttling (django-axes): lock a username+address pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# ==================================================================================================
# The tracker
# ==================================================================================================

# Absolute base for links in e-mails (the worker has no request to take the host from).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The site: what patients are told to call.
TRACKER_SITE_NAME = env_str("TRACKER_SITE_NAME", "Spine Tracker")
TRACKER_EMERGENCY_NUMBER = env_str("TRACKER_EMERGENCY_NUMBER", "+44 20 7946 0000")
TRACKER_CRISIS_LINE = env_str("TRACKER_CRISIS_LINE", "Samaritans: call 116 123, free, any time")
TRACKER_ONCALL_EMAILS = env_list("TRACKER_ONCALL_EMAILS")
# Clinical thresholds (docs/clinical.md defaults live in tracker.alerts.rules.Thresholds).
TRACKER_THRESHOLDS: dict = {}

# Periodic jobs: name -> (function, interval in seconds). Beat runs each through
# tracker.core.tasks.run_job; `manage.py sweep` runs them all once, in this order.
TRACKER_PERIODIC_JOBS = {
    # The red-flag engine (tracker.alerts.jobs): evaluation first, so the sweep judges fresh alerts.
    "evaluate_pending": ("tracker.alerts.jobs.evaluate_pending", 60),
    "untreated_distress": ("tracker.alerts.jobs.untreated_distress", 600),
    "missed_checkins": ("tracker.symptoms.jobs.missed_checkins", 900),
    "escalate_alerts": ("tracker.alerts.jobs.escalate_alerts", 60),
    "retry_notifications": ("tracker.notifications.jobs.retry_notifications", 300),
    "checkin_reminders": ("tracker.symptoms.jobs.send_checkin_reminders", 300),
    "exercise_reminders": ("tracker.rehab.jobs.exercise_reminders", 300),
    "deliver_content": ("tracker.psych.jobs.deliver_content", 900),
    "screen_reminders": ("tracker.psych.jobs.screen_reminders", 3600),
}
CELERY_BEAT_SCHEDULE = {
    name: {"task": "tracker.core.tasks.run_job", "schedule": interval, "args": [name]}
    for name, (_path, interval) in TRACKER_PERIODIC_JOBS.items()
}

# Alerts (tracker.alerts): outcomes a site adds to the six outcomes of docs/clinical.md ({"code": "Label"}), e.g.
# {"hospice_referral": "Referred to hospice care"}; checked at start-up.
TRACKER_EXTRA_OUTCOMES: dict[str, str] = {}

# Psychological support (tracker.psych): how often each questionnaire is due by default, in days
# (docs/clinical.md "What patients report"; clinicians change it per patient; 0 = not scheduled).
TRACKER_SCREEN_EVERY_DAYS = {
    "distress_thermometer": env_int("TRACKER_DISTRESS_EVERY_DAYS", 7),
    "phq9": env_int("TRACKER_PHQ9_EVERY_DAYS", 28),
    "gad7": env_int("TRACKER_GAD7_EVERY_DAYS", 28),
}

# Care-team workspace (tracker.dashboard): how often the triage page asks for the queue's counts.
TRACKER_TRIAGE_POLL_SECONDS = env_int("TRACKER_TRIAGE_POLL_SECONDS", 30)

# Demo data: each domain app's seeder `seed(*, patients, staff, now, rng)`, in this order. The alerts demo
# evaluates the histories the others stored and resolves the older alerts, so it comes last.
TRACKER_DEMO_SEEDERS: list[str] = [
    "tracker.symptoms.demo.seed",
    "tracker.rehab.demo.seed",
    "tracker.psych.demo.seed",
    "tracker.alerts.demo.seed",
]
