"""``/api/v1/regions/``: the 113 regions in customary order, optionally by level and parent.

Regions are public reference data: every signed-in user may read all of them; nobody writes
through the API. The list is small and unpaginated (one query through ``regions.selectors``).
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.generics import ListAPIView
from rest_framework.response import Response

from ..models import Region
from ..selectors import region_list
from .serializers import RegionSerializer


@extend_schema(
    tags=[_("行政区划")],
    summary=_("行政区划列表"),
    description=_(
        "全省、11个设区市、赣江新区及100个县（市、区），按省级文件的惯例顺序排列，不分页。"
        "可按层级（level）和上级区划代码（parent）筛选。"
    ),
    parameters=[
        OpenApiParameter(
            "level",
            OpenApiTypes.STR,
            enum=Region.Level.values,
            description=_("层级：province 省、city 设区市、zone 新区、county 县（市、区）"),
        ),
        OpenApiParameter(
            "parent", OpenApiTypes.STR, description=_("上级区划代码，如 360100：只列其直接下级")
        ),
    ],
)
class RegionListView(ListAPIView):
    """Regions in customary order; ``?level=`` must be a known level (else 400), ``?parent=`` a code."""

    serializer_class = RegionSerializer
    pagination_class = None
    filter_backends = []

    def list(self, request, *args, **kwargs):
        level = request.query_params.get("level") or None
        if level is not None and level not in Region.Level.values:
            message = gettext("层级应为 %(levels)s 之一。") % {"levels": "、".join(Region.Level.values)}
            raise exceptions.ValidationError({"level": [message]})
        regions = region_list(level=level)
        parent = request.query_params.get("parent")
        if parent:
            # 113 rows, already in memory: filtering here keeps the one selector query.
            regions = [r for r in regions if r.parent is not None and r.parent.code == parent]
        return Response(RegionSerializer(regions, many=True).data)
