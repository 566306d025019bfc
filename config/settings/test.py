"""Test settings: SQLite (or DATABASE_URL) and eager Celery unless CELERY_REAL_WORKER=1.

With ``CELERY_REAL_WORKER=1`` tasks go to the broker in ``REDIS_URL`` and a real worker process
runs them (see ``tests/conftest.py``).
"""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import env_bool

SECRET_KEY = "test-secret-key"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="dsp-test-media-"))
CELERY_REAL_WORKER = env_bool("CELERY_REAL_WORKER", False)
CELERY_TASK_ALWAYS_EAGER = not CELERY_REAL_WORKER
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
LOGGING = {"version": 1, "disable_existing_loggers": False}
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
