"""The public directory API (``/api/v1/directory/providers/``, ``/api/v1/directory/solutions/``).

Contract: no sign-in (``AllowAny``), read-only, and only what the public pages show: admitted
providers and published solutions of admitted providers, through ``providers.selectors.directory``.
Anything else answers 404. The filters are those of the directory page.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.viewsets import GenericViewSet

from ..selectors.directory import (
    PublicProviderFilter,
    PublicSolutionFilter,
    public_provider_get,
    public_provider_list,
    public_solution_get,
    public_solution_list,
)
from .serializers_pool import PublicProviderSerializer, PublicSolutionSerializer

TAG = _("公开服务目录")
FILTERS = _(
    "无需登录。筛选：q（关键词）、scenario（业务场景代码）、industry（制造业大类代码）、"
    "category（服务类别代码）、region（区划代码；选择设区市含其下辖县区）。"
)


@extend_schema_view(
    list=extend_schema(tags=[TAG], summary=_("公开服务商列表"), description=FILTERS),
    retrieve=extend_schema(
        tags=[TAG],
        summary=_("公开服务商详情"),
        description=_("已入库服务商的公开信息；其他状态的服务商返回 404。"),
        responses={200: PublicProviderSerializer, 404: OpenApiResponse(description=_("不存在或未公开。"))},
    ),
)
class PublicProviderViewSet(GenericViewSet):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = PublicProviderSerializer
    filterset_class = PublicProviderFilter

    def get_queryset(self):
        return public_provider_list()

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(PublicProviderSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(PublicProviderSerializer(public_provider_get(pk)).data)


@extend_schema_view(
    list=extend_schema(tags=[TAG], summary=_("公开解决方案列表"), description=FILTERS),
    retrieve=extend_schema(
        tags=[TAG],
        summary=_("公开解决方案详情"),
        description=_("已入库服务商已发布的方案；其他方案返回 404。"),
        responses={200: PublicSolutionSerializer, 404: OpenApiResponse(description=_("不存在或未公开。"))},
    ),
)
class PublicSolutionViewSet(GenericViewSet):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = PublicSolutionSerializer
    filterset_class = PublicSolutionFilter

    def get_queryset(self):
        return public_solution_list()

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(PublicSolutionSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(PublicSolutionSerializer(public_solution_get(pk)).data)


router = SimpleRouter(trailing_slash=True)
router.register("directory/providers", PublicProviderViewSet, basename="api-directory-provider")
router.register("directory/solutions", PublicSolutionViewSet, basename="api-directory-solution")

urlpatterns = router.urls
