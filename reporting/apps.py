from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("统计与通报")

    def ready(self) -> None:
        from core.jobs import register_sweep
        from reporting import home  # noqa: F401  (registers the statistics panel of the home page)
        from reporting.models import EvaluationRun
        from reporting.services.evaluation import evaluation_catch_up, evaluation_enqueue

        register_sweep(EvaluationRun, enqueue=evaluation_enqueue, catch_up=evaluation_catch_up)

        from reporting.models import DerivationRun
        from reporting.services.derive import derivation_catch_up, derivation_enqueue

        register_sweep(DerivationRun, enqueue=derivation_enqueue, catch_up=derivation_catch_up)

        from reporting.models import BulletinRender
        from reporting.services.bulletin_pdf import bulletin_render_enqueue

        register_sweep(BulletinRender, enqueue=bulletin_render_enqueue)
