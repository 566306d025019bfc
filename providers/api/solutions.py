"""The solutions API (``/api/v1/solutions/``): scoped list/detail, create/edit by provider staff,
and the review actions ``submit``, ``publish``, ``return``, ``withdraw``.

Contract: reads through ``providers.selectors.solutions`` (404 out of scope); writes through
``providers.services.solutions``: 404 (not visible) → 403 (role may not, with the reason) → 400
(malformed input, a move not allowed from the current status, a provider that is not admitted).
"""

from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.viewsets import GenericViewSet

from ..selectors.pool import own_provider
from ..selectors.solutions import SolutionFilter, solution_get, solution_list, solution_reviews
from ..services.pool import is_provider_staff_of
from ..services.solutions import solution_act, solution_create, solution_update
from .serializers_pool import (
    SolutionDetailSerializer,
    SolutionInputSerializer,
    SolutionReasonInputSerializer,
    SolutionSerializer,
)

TAG = _("解决方案")
NOT_FOUND = {404: OpenApiResponse(description=_("方案不存在或不在您的可见范围内。"))}
ERRORS = {
    400: OpenApiResponse(description=_("输入有误或当前状态不允许此操作（附原因）。")),
    403: OpenApiResponse(description=_("没有权限进行此操作（附原因）。")),
}


def _action_schema(summary, description):
    return extend_schema(
        tags=[TAG],
        summary=summary,
        description=description,
        request=SolutionReasonInputSerializer,
        responses={200: SolutionDetailSerializer, **ERRORS, **NOT_FOUND},
    )


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary=_("解决方案列表"),
        description=_(
            "服务商人员看到本机构全部方案（任何状态）；省工信厅看到全部；其他已登录用户看到已发布的方案。"
            "筛选：q、status、scenario（场景代码）、industry（行业大类）、provider（服务商 id）。"
        ),
    ),
    retrieve=extend_schema(
        tags=[TAG],
        summary=_("解决方案详情"),
        description=_(
            "方案内容及审核记录（审核记录仅服务商本机构人员和省工信厅可见）。不可见的方案返回 404。"
        ),
        responses={200: SolutionDetailSerializer, **NOT_FOUND},
    ),
    create=extend_schema(
        tags=[TAG],
        summary=_("新建解决方案（草稿）"),
        description=_(
            "服务商人员为本机构新建方案草稿。价格以字符串传递（万元，精确小数）。其他角色返回 403。"
        ),
        request=SolutionInputSerializer,
        responses={201: SolutionDetailSerializer, **ERRORS},
    ),
    update=extend_schema(
        tags=[TAG],
        summary=_("修改解决方案"),
        description=_("服务商人员修改本机构的方案；修改已发布的方案会使其重新进入待审核状态。"),
        request=SolutionInputSerializer,
        responses={200: SolutionDetailSerializer, **ERRORS, **NOT_FOUND},
    ),
    partial_update=extend_schema(
        tags=[TAG],
        summary=_("修改解决方案（部分）"),
        description=_("只修改提交的字段；修改已发布的方案会使其重新进入待审核状态。"),
        request=SolutionInputSerializer,
        responses={200: SolutionDetailSerializer, **ERRORS, **NOT_FOUND},
    ),
)
class SolutionViewSet(GenericViewSet):
    """Solutions within the user's scope; drafts by provider staff; review by the province."""

    serializer_class = SolutionSerializer
    filterset_class = SolutionFilter

    def get_queryset(self):
        return solution_list(actor=self.request.user)

    def get_object(self):
        try:
            pk = int(self.kwargs["pk"])
        except (TypeError, ValueError) as exc:
            raise Http404 from exc
        return solution_get(actor=self.request.user, pk=pk)

    def _detail(self, solution) -> Response:
        """The solution as the user sees it now, with the review history only for those allowed."""
        solution = solution_get(actor=self.request.user, pk=solution.pk)
        solution.visible_reviews = list(solution_reviews(actor=self.request.user, solution=solution))
        return Response(SolutionDetailSerializer(solution).data)

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(SolutionSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return self._detail(self.get_object())

    def create(self, request):
        provider = own_provider(actor=request.user)
        if provider is None:
            raise exceptions.PermissionDenied(gettext("只有服务商的工作人员可以新建解决方案。"))
        serializer = SolutionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        solution = solution_create(actor=request.user, provider=provider, data=serializer.validated_data)
        response = self._detail(solution)
        response.status_code = status.HTTP_201_CREATED
        return response

    def update(self, request, pk=None, partial: bool = False):
        solution = self.get_object()
        if not is_provider_staff_of(request.user, solution.provider):
            # the role before the input (404 → 403 → 400): no field errors for those who may not edit
            raise exceptions.PermissionDenied(gettext("只有该服务商的工作人员可以修改解决方案。"))
        serializer = SolutionInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        solution_update(actor=request.user, solution=solution, data=serializer.validated_data)
        return self._detail(solution)

    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    def _act(self, request, name: str) -> Response:
        solution = self.get_object()
        serializer = SolutionReasonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reason = serializer.validated_data.get("reason", "")
        solution_act(actor=request.user, solution=solution, action=name, reason=reason)
        return self._detail(solution)

    @_action_schema(
        _("提交审核"), _("服务商人员将草稿、已退回或已下架的方案提交审核；服务商须为已入库状态。")
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request, pk=None):
        return self._act(request, "submit")

    @_action_schema(
        _("审核通过并发布"), _("省工信厅发布待审核的方案，发布后在公开服务目录中展示；服务商须为已入库状态。")
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def publish(self, request, pk=None):
        return self._act(request, "publish")

    @_action_schema(_("退回修改"), _("省工信厅退回待审核的方案，reason（退回意见）必填。"))
    @action(detail=True, methods=["post"], filter_backends=[], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        return self._act(request, "return")

    @_action_schema(_("下架"), _("服务商人员（或省工信厅）将已发布的方案下架，下架后不再公开展示。"))
    @action(detail=True, methods=["post"], filter_backends=[])
    def withdraw(self, request, pk=None):
        return self._act(request, "withdraw")


router = SimpleRouter(trailing_slash=True)
router.register("solutions", SolutionViewSet, basename="api-solution")

urlpatterns = router.urls
