"""The clinics API (``/api/v1/clinics/``): scoped list and detail, create, status action.

Contract: reads go through ``providers.selectors.clinics`` (an id outside the scope answers 404
like one that does not exist); writes go through ``providers.services.clinics``; their Django
``PermissionDenied`` becomes 403 with its message, a ``ValidationError`` 400 with field errors
(``core.api.exception_handler``). Order of answers for a write: 404 → 403 → 400 (format) → 403/400 (rules).
"""

from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.viewsets import GenericViewSet

from accounts.permissions import is_officer
from providers.selectors.clinics import ClinicFilter, clinic_get, clinic_list
from providers.services.clinics import clinic_create, clinic_set_status

from .serializers_network import (
    ClinicInputSerializer,
    ClinicSerializer,
    ClinicStatusChangeSerializer,
    ClinicStatusInputSerializer,
)

TAG = _("诊所与促进中心")
ERRORS_WRITE = {
    400: OpenApiResponse(description=_("输入有误：按字段列出原因。")),
    403: OpenApiResponse(description=_("没有权限进行此操作（附原因）。")),
}
NOT_FOUND = {404: OpenApiResponse(description=_("不存在或不在您的管辖范围内。"))}


class ActorFilterBackend(DjangoFilterBackend):
    """Hands the requesting user to the FilterSet as ``actor`` (choices limited to the user's scope)."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs["actor"] = request.user
        return kwargs


def pk_from(kwargs) -> int:
    try:
        return int(kwargs["pk"])
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary=_("诊所与促进中心列表"),
        description=_(
            "当前用户管辖范围内的数字化诊所和促进中心。筛选：q（名称）、kind、status、region（区划代码，含下辖）、operator。"
        ),
    ),
    retrieve=extend_schema(tags=[TAG], summary=_("诊所详情"), responses={200: ClinicSerializer, **NOT_FOUND}),
    create=extend_schema(
        tags=[TAG],
        summary=_("新建诊所或促进中心"),
        description=_(
            "省级工信部门可在全省新建，市、县工信部门在本辖区内新建。运营主体可选已有机构，或按名称新建产业园区、促进中心。"
        ),
        request=ClinicInputSerializer,
        responses={201: ClinicSerializer, **ERRORS_WRITE},
    ),
)
class ClinicViewSet(GenericViewSet):
    """Clinics and centres within the user's scope: list, read, create, open/close (no delete)."""

    serializer_class = ClinicSerializer
    filter_backends = [ActorFilterBackend]
    filterset_class = ClinicFilter

    def get_queryset(self):
        return clinic_list(actor=self.request.user).order_by("region__path", "organisation__name", "id")

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ClinicSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(ClinicSerializer(clinic_get(actor=request.user, pk=pk_from(self.kwargs))).data)

    def create(self, request):
        if not is_officer(request.user):
            raise exceptions.PermissionDenied(gettext("只有省、市、县工信部门可以新建数字化诊所或促进中心。"))
        serializer = ClinicInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        clinic = clinic_create(actor=request.user, **serializer.validated_data)
        clinic = clinic_get(actor=request.user, pk=clinic.pk)
        return Response(ClinicSerializer(clinic).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=[TAG],
        summary=_("变更诊所状态"),
        description=_("开放、关闭或重新开放；关闭须填写理由。每次变更都记入状态记录。"),
        request=ClinicStatusInputSerializer,
        responses={200: ClinicStatusChangeSerializer, **ERRORS_WRITE, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="status", filter_backends=[])
    def set_status(self, request, pk=None):
        clinic = clinic_get(actor=request.user, pk=pk_from(self.kwargs))
        serializer = ClinicStatusInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        change = clinic_set_status(actor=request.user, clinic=clinic, **serializer.validated_data)
        return Response(ClinicStatusChangeSerializer(change).data)


router = SimpleRouter(trailing_slash=True)
router.register("clinics", ClinicViewSet, basename="api-clinic")

urlpatterns = router.urls
