"""Production settings: refuses to start without SECRET_KEY, ALLOWED_HOSTS and a real broker.

The broker must be Redis (``redis://``, ``rediss://``, ``redis+socket:///path``, ``sentinel://``)
or AMQP (``amqp://``, ``amqps://``, ``pyamqp://``): kombu's SQLAlchemy transport, the development
fallback, never restores a message fetched by a worker that died and can drop a publish on a busy
SQLite file. ``make run`` starts a Redis of its own under ``var/`` when ``REDIS_URL`` is not given.
"""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, durable_broker, env_bool, env_list, private_storages

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY or len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment (at least 32 characters).")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in the environment.")
DEBUG = env_bool("DEBUG", False)
if not durable_broker(CELERY_BROKER_URL):
    raise ImproperlyConfigured(
        "The Celery broker must be Redis or AMQP: set REDIS_URL (e.g. redis://127.0.0.1:6379/0 or "
        "redis+socket:///path/to/redis.sock) or CELERY_BROKER_URL. "
        f"Refusing {urlsplit(CELERY_BROKER_URL).scheme or CELERY_BROKER_URL!r}."
    )
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
# HTTPS is often terminated by a gateway in front of the application: these opt in from the environment.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The sign-in lock-out counts per client address: behind one proxy, that is the address the
    # proxy appended last to X-Forwarded-For (earlier entries are whatever the client claimed).
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": private_storages(os.environ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
