"""The provider pool API (``/api/v1/providers/``): scoped list and detail, and status moves.

Contract:
- Reads go through ``providers.selectors.pool`` with the requesting user: ids outside the scope
  answer 404 like ids that do not exist.
- ``POST /providers/{id}/transition/`` {to_status, reason} calls ``services.pool.provider_transition``:
  404 (not visible) → 403 (may not move it, with the reason) → 400 (malformed, a move not allowed
  from the current status, a blank reason).
"""

from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.viewsets import GenericViewSet

from accounts.permissions import is_officer

from ..selectors.pool import ProviderFilter, provider_get, provider_list
from ..services.pool import provider_transition
from .serializers_pool import ProviderDetailSerializer, ProviderSerializer, ProviderTransitionInputSerializer

TAG = _("服务商资源池")
NOT_FOUND = {404: OpenApiResponse(description=_("服务商不存在或不在您的管辖范围内。"))}


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary=_("服务商列表"),
        description=_(
            "当前用户可见的服务商：省工信厅全部；市县工信局为注册地在本辖区或服务本辖区的已入库服务商；"
            "服务商人员仅本机构。筛选：q（名称或信用代码）、status、category（类别代码）、"
            "region（区划代码，含下辖县区）、flagged（待暂停审查）。"
        ),
    ),
    retrieve=extend_schema(
        tags=[TAG],
        summary=_("服务商详情"),
        description=_("服务商资料、资质（含是否过期）和入库状态变更记录。不可见的服务商返回 404。"),
        responses={200: ProviderDetailSerializer, **NOT_FOUND},
    ),
)
class ProviderViewSet(GenericViewSet):
    """Providers within the user's scope; status moves for officers."""

    serializer_class = ProviderSerializer
    filterset_class = ProviderFilter

    def get_queryset(self):
        return provider_list(actor=self.request.user)

    def get_object(self):
        try:
            pk = int(self.kwargs["pk"])
        except (TypeError, ValueError) as exc:
            raise Http404 from exc
        return provider_get(actor=self.request.user, pk=pk)

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ProviderSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        try:
            pk = int(pk)
        except (TypeError, ValueError) as exc:
            raise Http404 from exc
        return Response(ProviderDetailSerializer(provider_get(actor=request.user, pk=pk, detail=True)).data)

    @extend_schema(
        tags=[TAG],
        summary=_("变更服务商入库状态"),
        description=_(
            "按规则变更入库状态并记录理由：已申请→已入库/未通过、已入库→已出库、已暂停→已出库、已出库→已入库"
            "（省工信厅）；已入库→已暂停、已暂停→已入库（省工信厅或注册地所在设区市工信局）。"
            "其他变更返回 400，无权限返回 403（附原因），理由必填。"
        ),
        request=ProviderTransitionInputSerializer,
        responses={
            200: ProviderSerializer,
            400: OpenApiResponse(description=_("输入有误或不允许的状态变更。")),
            403: OpenApiResponse(description=_("没有权限进行此变更（附原因）。")),
            **NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], url_path="transition", filter_backends=[])
    def transition(self, request, pk=None):
        provider = self.get_object()
        if not is_officer(request.user):
            raise exceptions.PermissionDenied(gettext("只有工信部门可以变更服务商的入库状态。"))
        serializer = ProviderTransitionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        provider_transition(actor=request.user, provider=provider, **serializer.validated_data)
        return Response(ProviderSerializer(provider_get(actor=request.user, pk=provider.pk)).data)


router = SimpleRouter(trailing_slash=True)
router.register("providers", ProviderViewSet, basename="api-provider")

urlpatterns = router.urls
