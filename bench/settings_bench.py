"""Settings of ``bench/bench_load.py``: the production settings, plus what only the benchmark needs.

- ``ROOT_URLCONF`` is ``bench.urls_bare``: the project's URLs and one bare signed-in view, the
  baseline every page is compared with.
- The ``demo`` app (``seed_scale``) is installed if the project settings do not list it yet.

Like production it refuses to start without ``SECRET_KEY`` and ``ALLOWED_HOSTS``; the benchmark
passes both (and ``DATABASE_URL``) in the environment.
"""

from config.settings.production import *  # noqa: F403
from config.settings.production import INSTALLED_APPS

ROOT_URLCONF = "bench.urls_bare"
if "demo" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "demo"]

# Hashed names exactly as in production (pages look them up in the same manifest), but without
# WhiteNoise's gzip/brotli copies: compressing the vendored API-docs bundles takes minutes on two
# cores and changes nothing the benchmark measures (it requests no static files).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
