"""API routes of reporting, mounted under /api/v1/: ``evaluations/`` (GET list), ``evaluations/{id}/`` (GET)."""

from rest_framework.routers import SimpleRouter

from reporting.api.views import ProviderEvaluationViewSet

router = SimpleRouter(trailing_slash=True)
router.register("evaluations", ProviderEvaluationViewSet, basename="api-evaluation")

urlpatterns = router.urls
