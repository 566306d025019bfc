"""The Celery application. Configuration comes from Django settings (``CELERY_*``)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="config.ping", ignore_result=False)
def ping(value: str = "pong") -> str:
    """Echo a value: lets a health check or a test see a round trip through a worker.

    The one task that asks for its result to be stored (``CELERY_TASK_IGNORE_RESULT`` is on for
    the rest); it is only readable where a result backend is configured (``CELERY_RESULT_BACKEND``,
    set by the test settings), and is a no-op store otherwise.
    """
    return value
