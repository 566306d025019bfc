"""Settings shared by every environment.

Everything that differs between machines comes from the environment:
``DATABASE_URL`` (default: a SQLite file under ``var/``), ``CONN_MAX_AGE`` (PostgreSQL only),
``REDIS_URL`` (the Celery broker; without it a SQLite broker that is only good enough for
development — ``config.settings.production`` refuses it), ``SECRET_KEY``, ``DEBUG``,
``ALLOWED_HOSTS``, ``API_TOKEN_TTL_DAYS``.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "regions",
    "accounts",
    "providers",
    "diagnosis",
    "reporting",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]


def database_config(url: str) -> dict:
    """Parse ``DATABASE_URL`` into Django's ``DATABASES["default"]``.

    - SQLite gets WAL, a busy timeout and IMMEDIATE transactions: the web server and the Celery
      worker share the file, so writers must wait for each other instead of failing with
      "database is locked". Connections are not kept (``CONN_MAX_AGE=0``): opening one is free.
    - Any other database (PostgreSQL) keeps its connection open for ``CONN_MAX_AGE`` seconds
      (environment, default 60; 0 turns it off) and checks it with a cheap query before reusing
      it (``CONN_HEALTH_CHECKS``), so a restarted server costs one failed-over request, not an
      error. A connection belongs to one thread of one process: nothing is shared across the fork
      of gunicorn or Celery workers (which is why this is preferred to psycopg's pool here).
    """
    if url.startswith("sqlite"):
        config = dj_database_url.parse(url, conn_max_age=0)
    else:
        conn_max_age = int(os.environ.get("CONN_MAX_AGE", "60"))
        config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=conn_max_age > 0)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return config


def durable_broker(url: str) -> bool:
    """Whether a Celery broker URL is Redis or AMQP, the brokers production accepts.

    Redis: ``redis://``, ``rediss://``, ``redis+socket:///path`` (unix socket), ``sentinel://``;
    AMQP: ``amqp://``, ``amqps://``, ``pyamqp://``. Not kombu's SQLAlchemy transport (the
    development fallback), which never restores a message fetched by a worker that died and can
    drop a publish on a busy SQLite file, nor the in-memory or filesystem ones.
    """
    return urlsplit(url).scheme.lower() in {
        "redis", "rediss", "redis+socket", "sentinel", "amqp", "amqps", "pyamqp",
    }  # fmt: skip


DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {"default": database_config(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out username + address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in lock-out (django-axes), for the login page and the API token exchange alike: after
# AXES_FAILURE_LIMIT wrong passwords for one username from one address, that pair is refused for
# AXES_COOLOFF_TIME, even with the right password. A success resets the count.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Chinese first, English second. Source strings are written in Chinese (the primary language),
# so a string nobody translated still shows correctly to the primary audience; locale/en holds
# the English catalogue.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Files only scoped views may serve (core.files.private_storage): never under MEDIA_ROOT or a URL.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))


def private_storages(environ) -> dict:
    """The ``STORAGES["private"]`` entry the environment asks for .

    Without ``S3_BUCKET``: ``PrivateFileSystemStorage`` (``PRIVATE_MEDIA_ROOT``). With it: django-storages'
    ``S3Storage`` on that bucket — ``S3_ENDPOINT_URL`` (MinIO, another S3-compatible store; empty
    for AWS), ``S3_ACCESS_KEY_ID`` / ``S3_SECRET_ACCESS_KEY``, ``S3_REGION`` (default
    ``us-east-1``), ``S3_PREFIX`` (default ``private``) — objects private, never overwritten under
    another name, addressed path-style (what MinIO serves), no signed URLs handed out.
    """
    bucket = environ.get("S3_BUCKET", "")
    if not bucket:
        return {"BACKEND": "core.files.PrivateFileSystemStorage"}
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": environ.get("S3_ENDPOINT_URL") or None,
            "access_key": environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": environ.get("S3_SECRET_ACCESS_KEY") or None,
            "region_name": environ.get("S3_REGION") or "us-east-1",
            "location": environ.get("S3_PREFIX", "private"),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
            "addressing_style": "path",
            "signature_version": "s3v4",
        },
    }


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": private_storages(os.environ),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded registers can be large (20,000+ rows); they stream to disk, not memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
IMPORT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024
#: Visit attachments (photos, documents): at most this many per visit, each at most this big.
VISIT_ATTACHMENTS_MAX = int(os.environ.get("VISIT_ATTACHMENTS_MAX", 10))
VISIT_ATTACHMENT_MAX_BYTES = int(os.environ.get("VISIT_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate challenge makes an anonymous request a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON numbers with a fraction are read as Decimal, never float (money and scores stay exact).
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.DecimalJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
# An API token is refused this long after it was issued; asking for a token again issues a new one.
API_TOKEN_TTL = timedelta(days=int(os.environ.get("API_TOKEN_TTL_DAYS", "30")))

SPECTACULAR_SETTINGS = {
    "TITLE": "数字化转型诊断服务平台 API",
    "DESCRIPTION": _("江西省制造业数字化转型诊断服务平台接口。所有数据按当前用户的管辖范围过滤。"),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models share field names with different choices: name each enum once.
    "ENUM_NAME_OVERRIDES": {
        "ClinicKindEnum": "providers.models.Clinic.Kind",
        "VisitKindEnum": "diagnosis.models.casework.Visit.Kind",
        "DiagnosisStatusEnum": "diagnosis.models.diagnoses.Diagnosis.Status",
        "SelfAssessmentStatusEnum": "diagnosis.models.portal.SelfAssessment.Status",
        "ContactCorrectionStatusEnum": "diagnosis.models.portal.ContactCorrection.Status",
        "EnterpriseRequestStatusEnum": "diagnosis.models.portal.EnterpriseRequest.Status",
        "EnterpriseRequestKindEnum": "diagnosis.models.portal.EnterpriseRequest.Kind",
        "ClinicStatusEnum": "providers.models.Clinic.Status",
        "CommissionerTierEnum": "providers.models.CommissionerProfile.Tier",
        "ProviderStatusEnum": "providers.models.Provider.Status",
        "SolutionStatusEnum": "providers.models.Solution.Status",
        "RecommendationRatingEnum": "diagnosis.models.findings.RATING_CHOICES",
        "RecommendationPriorityEnum": "diagnosis.models.findings.Priority",
        "RecommendationPhaseEnum": "diagnosis.models.findings.Phase",
        "FindingSubjectEnum": "diagnosis.models.findings.Subject",
        "ProjectStatusEnum": "diagnosis.models.projects.TransformationProject.Status",
        "VoucherStatusEnum": "diagnosis.models.funding.ServiceVoucher.Status",
        "VoucherEntryKindEnum": "diagnosis.models.funding.VoucherEntry.Kind",
    },
}

# Content-Security-Policy (django-csp 4): only this site's own scripts, styles, fonts and images
# (plus data: images); no inline script or style, no plugins, no framing. Templates keep their
# JavaScript in static/js/. A view that needs more says so with django-csp's decorators (the API
# docs page: see config/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Celery: JSON only, late acks (a task whose worker dies is redelivered), time limits.
# Broker: CELERY_BROKER_URL if given, else REDIS_URL (`make run` starts its own Redis), else
# kombu's SQLAlchemy transport on a SQLite file: development only — it never restores a message
# fetched by a worker that died and may drop a publish on a busy file, so production refuses it.
# Results: nothing in the product reads a task's return value (the job row is the truth), so
# none is stored unless CELERY_RESULT_BACKEND asks for a backend and a task for its result.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = (
    os.environ.get("CELERY_BROKER_URL") or REDIS_URL or f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
)
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None


def cache_location(url: str) -> str:
    """``REDIS_URL`` as redis-py wants it: Celery's ``redis+socket:///path`` is ``unix:///path``."""
    if url.startswith("redis+socket://"):
        return "unix://" + url[len("redis+socket://") :]
    return url


# The cache: Redis when there is one (shared by gunicorn's workers and Celery's, so a write in one
# process invalidates what the others cached: ``core.freshness``), else this process's memory.
# It holds the data version and the main pages' rendered bodies (``core.fragments``), kept for
# FRAGMENT_CACHE_SECONDS (0 turns that caching off).
if REDIS_URL and not REDIS_URL.startswith(("amqp", "pyamqp")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": cache_location(REDIS_URL),
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "dsp"),
            "OPTIONS": {"socket_timeout": 1, "socket_connect_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
FRAGMENT_CACHE_SECONDS = int(os.environ.get("FRAGMENT_CACHE_SECONDS", "600"))
# An enterprise is due for a visit again after this many days, unless its region sets its own
# interval (diagnosis.RevisitInterval, in the admin).
REVISIT_DAYS = int(os.environ.get("REVISIT_DAYS", "90"))
#: The daily reminders (diagnosis.services.reminders) are due at this hour, Beijing time; the job
#: sweep creates the day's run once it has come (later, if the machine was off then).
REMINDER_HOUR = int(os.environ.get("REMINDER_HOUR", "7"))

# E-mail: reminders also go by e-mail to people with an address while NOTIFY_BY_EMAIL is on.
# With EMAIL_HOST set, SMTP (EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS /
# EMAIL_USE_SSL); without it each message is written as a file under var/mail/ (the demo), so a
# machine without a mail server loses nothing and shows what would have been sent.
NOTIFY_BY_EMAIL = env_bool("NOTIFY_BY_EMAIL", True)
#: The address people reach the site at, for links in e-mails (empty: links are relative paths).
SITE_URL = os.environ.get("SITE_URL", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "数字化转型服务平台 <noreply@localhost>")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
# Queues: short tasks (imports, reminders, the sweep) on the default queue; report rendering on
# its own (REPORT_QUEUE), consumed by its own worker (`make run` starts both), so a batch of
# thousands of reports never holds up a short task. Render workers on other machines consume
# only REPORT_QUEUE (README: "More machines").
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
REPORT_QUEUE = os.environ.get("REPORT_QUEUE", "render")
CELERY_TASK_ROUTES = {
    "diagnosis.tasks.render_report": {"queue": REPORT_QUEUE},
    "reporting.tasks.render_bulletin": {"queue": REPORT_QUEUE},
}
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = False
# Beat schedules (e.g. the monthly evaluation at 02:00) are in Beijing time, not UTC.
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# One beat entry: the job sweep (core.jobs) re-rings waiting jobs, reclaims jobs whose worker died
# and catches up scheduled work that is due (the monthly provider evaluation, due the 1st at 02:00
# Beijing time, is created by the sweep, so a machine that was off then still runs it).
# The month under way is derived again (reporting.services.derive) at most this often after a
# change; with the sweep every 60 s, dashboards are at most ~3 minutes behind the casework.
STATS_REFRESH_SECONDS = int(os.environ.get("STATS_REFRESH_SECONDS", "120"))
CELERY_BEAT_SCHEDULE = {
    "sweep-jobs": {
        "task": "core.tasks.sweep_jobs",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
