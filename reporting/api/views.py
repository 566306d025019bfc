"""The evaluation API (``/api/v1/evaluations/``), read-only.

Scoped like the pages: province officers and administrators read every provider's evaluations,
provider staff their own provider's, anyone else an empty list (and 404 for any id). Filters:
``?period=YYYYMM``, ``?provider=<id>``, ``?grade=A``.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.viewsets import ReadOnlyModelViewSet

from reporting.api.serializers import ProviderEvaluationSerializer
from reporting.models import ProviderEvaluation

TAG = _("服务商评价")


@extend_schema_view(list=extend_schema(tags=[TAG]), retrieve=extend_schema(tags=[TAG]))
class ProviderEvaluationViewSet(ReadOnlyModelViewSet):
    serializer_class = ProviderEvaluationSerializer
    filterset_fields = ["period", "provider", "grade"]

    def get_queryset(self):
        return (
            ProviderEvaluation.objects.visible_to(self.request.user)
            .select_related("provider__organisation")
            .order_by("-period", "provider__organisation__name", "id")
        )
