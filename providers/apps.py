from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvidersConfig(AppConfig):
    name = "providers"
    verbose_name = _("服务体系")

    def ready(self):
        from . import home  # noqa: F401  (registers this app's home-page panels and to-dos)
