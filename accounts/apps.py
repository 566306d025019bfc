from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("用户与权限")

    def ready(self) -> None:
        from accounts import home  # noqa: F401  (registers the unread-notifications to-do)
