from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared mechanisms with no domain: jobs, history, tabular I/O, private files, API helpers."""

    name = "core"
    verbose_name = "核心"
