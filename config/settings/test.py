"""Test settings: SQLite (or DATABASE_URL), eager Celery in the test process, real workers on demand.

Celery
- The test process runs tasks eagerly (``CELERY_TASK_ALWAYS_EAGER``, env, default on), so the
  suite needs no broker and a test sees a task's effect at once.
- The worker tests (``tests/integration``, marker ``worker``) switch eagerness off for their own
  duration and start a real ``celery worker`` process from these settings, with
  ``CELERY_TASK_ALWAYS_EAGER=0`` and the broker, database and media root of the test process in
  its environment.
- Broker: with ``CELERY_REAL_WORKER=1`` and ``REDIS_URL`` (``make test-pg``), Redis; otherwise a
  throwaway SQLite broker (kombu's SQLAlchemy transport) in a temporary directory of this process,
  so ``make test`` proves a real worker round trip too, and never feeds the ``make run`` worker.
- Queue: each test process sends to a queue of its own (``dsp-test-<pid>``, or
  ``CELERY_TASK_DEFAULT_QUEUE`` from the environment, which is how the worker it starts listens
  to the same one), so parallel test processes (pytest-xdist) sharing one Redis never take each
  other's tasks.
- Results: the product stores none (``base``); here a result backend next to the broker lets the
  worker tests see ``config.ping``'s answer (the one task that asks for its result).

Sign-in lock-out (django-axes) is off here because Django's test ``Client.login()`` and bare
``authenticate()`` calls carry no request, which axes refuses; ``tests/accounts/test_lockout.py``
turns it on to test it.

Database
- SQLite tests use a file (one per test process, in the temp directory) rather than memory,
  because the worker process must read and write the very database the test uses.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, REDIS_URL, env_bool, private_storages

SECRET_KEY = "test-secret-key"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if os.environ.get("MEDIA_ROOT"):
    MEDIA_ROOT = Path(os.environ["MEDIA_ROOT"])
else:
    MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="dsp-test-media-"))
    atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
if os.environ.get("PRIVATE_MEDIA_ROOT"):
    PRIVATE_MEDIA_ROOT = Path(os.environ["PRIVATE_MEDIA_ROOT"])
else:
    PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="dsp-test-private-"))
    atexit.register(shutil.rmtree, PRIVATE_MEDIA_ROOT, ignore_errors=True)

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("TEST_DATABASE_FILE")
        or str(Path(tempfile.gettempdir()) / f"dsp-test-{os.getpid()}.sqlite3")
    }

CELERY_REAL_WORKER = env_bool("CELERY_REAL_WORKER", False)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE") or f"dsp-test-{os.getpid()}"
# Reports go to the same per-process queue here, so the worker a test starts renders them too.
REPORT_QUEUE = CELERY_TASK_DEFAULT_QUEUE
CELERY_TASK_ROUTES = {"diagnosis.tasks.render_report": {"queue": REPORT_QUEUE}}
if not os.environ.get("CELERY_BROKER_URL") and not (CELERY_REAL_WORKER and REDIS_URL):
    _celery_dir = tempfile.mkdtemp(prefix="dsp-test-celery-")
    atexit.register(shutil.rmtree, _celery_dir, ignore_errors=True)
    CELERY_BROKER_URL = f"sqla+sqlite:///{_celery_dir}/broker.sqlite3"
    CELERY_RESULT_BACKEND = f"db+sqlite:///{_celery_dir}/results.sqlite3"
else:
    CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or REDIS_URL or None

AXES_ENABLED = False

# This process's memory, whatever REDIS_URL says: parallel test processes must not share cached
# page bodies. Inside TestCase's transaction nothing is cached once a test wrote (core.freshness);
# tests/core/test_fragments.py commits for real to test hits and invalidation.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": private_storages(os.environ),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
LOGGING = {"version": 1, "disable_existing_loggers": False}
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Test hook of core.jobs: every job heartbeat sleeps this long, so a worker test can kill a job
# mid-run (set in the environment of the worker it starts; 0 everywhere else).
JOB_TEST_DELAY_SECONDS = float(os.environ.get("JOB_TEST_DELAY_SECONDS") or 0)
