"""WSGI entry point (gunicorn ``config.wsgi:application``).

Without ``DJANGO_SETTINGS_MODULE`` it serves ``config.settings.production``, which refuses to start
without its secrets, rather than the development settings with DEBUG on. ``manage.py`` (runserver,
``make dev``) sets its own module first.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()
