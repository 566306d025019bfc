"""The enterprise archive API (``/api/v1/enterprises/``).

Contract:
- Reads go through ``diagnosis.selectors`` with the requesting user as actor: a list holds only
  what the user may see, and an id outside the user's scope answers 404 exactly like an id that
  does not exist — for detail, history, PUT and PATCH alike.
- Writes go through ``diagnosis.services`` with ``source=API``; the input serializer only checks
  format. ``PermissionDenied`` from a service becomes 403 with a message saying why, a Django
  ``ValidationError`` becomes 400 with field errors (``core.api``; a taken credit code says only
  that it is taken, never where or whose: ``duplicate_credit_code``).
- There is no DELETE: archives are kept.
- The order of answers for a write: 404 (not visible) → 403 (may not write at all) → 400 (input
  malformed) → 403/400 from the service (the rules).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from accounts.models import Role
from accounts.permissions import can_create_enterprise, can_edit_enterprise_fields
from accounts.text import join_list
from core.api import api_exception
from core.fragments import cached_value
from core.pagination import KeysetPagination
from diagnosis.api import schema  # noqa: F401  (registers the OpenAPI filter extension)
from diagnosis.api.serializers import (
    EnterpriseChangeSerializer,
    EnterpriseInputSerializer,
    EnterpriseSerializer,
)
from diagnosis.filters import EnterpriseFilter
from diagnosis.models import Enterprise, EnterpriseChange
from diagnosis.selectors.enterprises import enterprise_get, enterprise_history, enterprise_list
from diagnosis.services.enterprises import COMMISSIONER_FIELDS, enterprise_create, enterprise_update

TAG = _("企业档案")

DUPLICATE_CREDIT_CODE = _(
    "该统一社会信用代码已建立企业档案，不能重复建档。请核对代码；如需修改该企业的信息，请联系其所在地的工信部门。"
)


class ActorFilterBackend(DjangoFilterBackend):
    """``DjangoFilterBackend`` that hands the requesting user to the FilterSet as ``actor``.

    ``EnterpriseFilter`` uses the actor to limit the commissioner choices to those the user may see.
    """

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs["actor"] = request.user
        return kwargs


class StableOrderingFilter(OrderingFilter):
    """``?ordering=`` with ``id`` as the last key, so pages never repeat or skip rows on ties."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if ordering and not {"id", "-id", "pk", "-pk"} & set(ordering):
            ordering = [*ordering, "id"]
        return ordering


class EnterprisePagination(KeysetPagination):
    """Keyset pages in the register's order (county, name, id) or the ``?ordering=`` asked for: 50 a
    page by default, up to 200 with ``?page_size=``; ``?count=1`` adds the total (see core.pagination)."""


class HistoryPagination(PageNumberPagination):
    """One archive's history is short: numbered pages with a count, 50 a page, up to 200."""

    page_size_query_param = "page_size"
    max_page_size = 200


def field_label(field: str) -> str:
    return str(Enterprise._meta.get_field(field).verbose_name)


def duplicate_credit_code(exc: Exception) -> Exception:
    """A taken credit code as a 400 that says what to do and nothing about the record holding it.

    Covers the model's generic "already exists" message from ``full_clean`` and the race it cannot
    see (a concurrent insert of the same code hits the unique index). Anything else is returned
    unchanged: other ``ValidationError`` go to ``core.api`` (400), and any other integrity error
    is a bug, not bad input (500).
    """
    duplicate = exceptions.ValidationError({"credit_code": [str(DUPLICATE_CREDIT_CODE)]})
    if isinstance(exc, DjangoValidationError):
        error_dict = getattr(exc, "error_dict", {})
        if any(error.code == "unique" for error in error_dict.get("credit_code", [])):
            detail = api_exception(exc).detail
            detail["credit_code"] = duplicate.detail["credit_code"]
            return exceptions.ValidationError(detail)
    elif isinstance(exc, IntegrityError) and "credit_code" in str(exc):
        return duplicate
    return exc


def update_denied_message(actor, fields) -> str:
    """Why the service refused an update, in words the person can act on."""
    if actor.role == Role.COMMISSIONER:
        forbidden = sorted(set(fields) - COMMISSIONER_FIELDS)
        allowed = sorted(COMMISSIONER_FIELDS)
        return gettext("数字专员只能修改走访中掌握的信息（%(allowed)s），不能修改：%(forbidden)s。") % {
            "allowed": join_list(field_label(f) for f in allowed),
            "forbidden": join_list(field_label(f) for f in forbidden),
        }
    return gettext("您没有修改企业档案的权限。")


ERRORS_WRITE = {
    400: OpenApiResponse(description=_("输入有误：按字段列出原因。")),
    403: OpenApiResponse(description=_("没有权限进行此操作（附原因）。")),
}
NOT_FOUND = {404: OpenApiResponse(description=_("企业不存在或不在您的管辖范围内。"))}


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary=_("企业档案列表"),
        description=_(
            "列出当前用户管辖范围内的企业档案，分页返回。筛选参数与网页列表相同："
            "q（名称或信用代码）、region（市或省区划代码，含下辖县区）、county、industry（行业大类）、"
            "size_class、above_designated_size、commissioner、unassigned；"
            "ordering 可按 name、credit_code、updated_at 排序（前加“-”为倒序）。"
        ),
    ),
    retrieve=extend_schema(
        tags=[TAG],
        summary=_("企业档案详情"),
        description=_("一家企业的档案。不在管辖范围内的企业与不存在的企业一样返回 404。"),
        responses={200: EnterpriseSerializer, **NOT_FOUND},
    ),
    create=extend_schema(
        tags=[TAG],
        summary=_("新建企业档案"),
        description=_(
            "省、市、县工信部门在本辖区内建档。统一社会信用代码会规范化并校验；"
            "已建档的代码、辖区外的县（市、区）返回 400，无建档权限返回 403。"
            "金额以字符串传递，精确到小数点后4位。"
        ),
        request=EnterpriseInputSerializer,
        responses={201: EnterpriseSerializer, **ERRORS_WRITE},
    ),
    update=extend_schema(
        tags=[TAG],
        summary=_("修改企业档案（整体）"),
        description=_(
            "按提交的字段修改档案（统一社会信用代码、名称、县区必填；未提交的可选字段保持不变）。"
            "每次修改都记入变更记录。"
        ),
        request=EnterpriseInputSerializer,
        responses={200: EnterpriseSerializer, **ERRORS_WRITE, **NOT_FOUND},
    ),
    partial_update=extend_schema(
        tags=[TAG],
        summary=_("修改企业档案（部分）"),
        description=_(
            "只修改提交的字段。数字专员只能修改走访中掌握的信息（地址、联系人、从业人员、上云等数字化情况），"
            "提交其他字段返回 403。"
        ),
        request=EnterpriseInputSerializer,
        responses={200: EnterpriseSerializer, **ERRORS_WRITE, **NOT_FOUND},
    ),
)
class EnterpriseViewSet(GenericViewSet):
    """List, read, create and update enterprise archives within the user's scope (no delete)."""

    serializer_class = EnterpriseSerializer
    filter_backends = [ActorFilterBackend, StableOrderingFilter]
    filterset_class = EnterpriseFilter
    ordering_fields = ["name", "credit_code", "updated_at"]
    pagination_class = EnterprisePagination

    def get_queryset(self):
        return enterprise_list(actor=self.request.user)

    def get_object(self) -> Enterprise:
        """The enterprise named in the URL, through the actor's scope (404 when not visible)."""
        try:
            pk = int(self.kwargs["pk"])
        except (TypeError, ValueError) as exc:
            raise Http404 from exc
        return enterprise_get(actor=self.request.user, pk=pk)

    def handle_exception(self, exc):
        # The service's other errors are mapped by ``core.api.exception_handler``.
        return super().handle_exception(duplicate_credit_code(exc))

    def list(self, request):
        """One keyset page; the body is cached per user and data version (``core.fragments``), so
        a repeated request costs no query of its own. Bad filters or cursors (400) are not cached."""

        def build() -> dict:
            queryset = self.filter_queryset(self.get_queryset())
            page = self.paginate_queryset(queryset)
            return self.get_paginated_response(EnterpriseSerializer(page, many=True).data).data

        # Page links are absolute: the host and scheme they were built for are part of the key.
        body = cached_value(
            request, "api_enterprise_list", build, per="user", vary=(request.scheme, request.get_host())
        )
        return Response(body)

    def retrieve(self, request, pk=None):
        return Response(EnterpriseSerializer(self.get_object()).data)

    def create(self, request):
        if not can_create_enterprise(request.user):
            raise exceptions.PermissionDenied(
                gettext("您没有建立企业档案的权限：只有省、市、县工信部门可以在本辖区内建档。")
            )
        serializer = EnterpriseInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        enterprise = enterprise_create(
            actor=request.user, data=serializer.validated_data, source=EnterpriseChange.Source.API
        )
        enterprise = enterprise_get(actor=request.user, pk=enterprise.pk)
        return Response(EnterpriseSerializer(enterprise).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial: bool = False):
        enterprise = self.get_object()
        if not can_edit_enterprise_fields(request.user):
            raise exceptions.PermissionDenied(gettext("您没有修改企业档案的权限。"))
        serializer = EnterpriseInputSerializer(
            enterprise, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            enterprise_update(
                actor=request.user, enterprise=enterprise, data=data, source=EnterpriseChange.Source.API
            )
        except DjangoPermissionDenied as exc:
            # Domain wording (which fields a commissioner may touch), not the generic mapping.
            raise exceptions.PermissionDenied(update_denied_message(request.user, data)) from exc
        enterprise = enterprise_get(actor=request.user, pk=enterprise.pk)
        return Response(EnterpriseSerializer(enterprise).data)

    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    @extend_schema(
        tags=[TAG],
        summary=_("企业档案变更记录"),
        description=_("档案的建档与每次修改：时间、操作人、来源及各字段修改前后的值，按时间倒序分页返回。"),
        responses={200: EnterpriseChangeSerializer(many=True), **NOT_FOUND},
    )
    @action(
        detail=True,
        methods=["get"],
        filter_backends=[],
        url_path="history",
        pagination_class=HistoryPagination,
    )
    def history(self, request, pk=None):
        enterprise = self.get_object()
        page = self.paginate_queryset(enterprise_history(actor=request.user, enterprise=enterprise))
        return self.get_paginated_response(EnterpriseChangeSerializer(page, many=True).data)
