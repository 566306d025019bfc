from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared mechanisms with no domain: jobs, history, tabular I/O, private files, API helpers,
    and the data version that keys cached page bodies (``core.freshness``)."""

    name = "core"
    verbose_name = "核心"

    def ready(self):
        from core import freshness

        freshness.connect()
