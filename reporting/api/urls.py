"""API routes of reporting, mounted under /api/v1/: ``evaluations/`` (GET list), ``evaluations/{id}/`` (GET);
``stats/values/`` and ``stats/tables/``, ``stats/tables/{code}/`` (GET; ``reporting/api/stats.py``)."""

from rest_framework.routers import SimpleRouter

from reporting.api.stats import IndicatorValueViewSet, StatsTableViewSet
from reporting.api.views import ProviderEvaluationViewSet

router = SimpleRouter(trailing_slash=True)
router.register("evaluations", ProviderEvaluationViewSet, basename="api-evaluation")
router.register("stats/values", IndicatorValueViewSet, basename="api-stats-value")
router.register("stats/tables", StatsTableViewSet, basename="api-stats-table")

urlpatterns = router.urls
