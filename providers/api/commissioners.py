"""The commissioner registry API (``/api/v1/commissioners/``): scoped list and detail, register.

Contract as ``providers.api.clinics``: reads through ``providers.selectors.commissioners`` (404
outside the scope), writes through ``providers.services.commissioners`` (403/400 with Chinese
messages). Registering returns the new account's initial password once.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.viewsets import GenericViewSet

from accounts.permissions import is_officer
from providers.selectors.commissioners import CommissionerFilter, commissioner_get, commissioner_list
from providers.services.commissioners import commissioner_register

from .clinics import ERRORS_WRITE, NOT_FOUND, ActorFilterBackend, pk_from
from .serializers_network import (
    CommissionerInputSerializer,
    CommissionerRegisteredSerializer,
    CommissionerSerializer,
)

TAG = _("数字专员")


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary=_("数字专员名录"),
        description=_(
            "当前用户管辖范围内登记的数字专员（数字专员本人只见自己）。筛选：q（姓名、手机、登录名）、tier、region、active。"
        ),
    ),
    retrieve=extend_schema(
        tags=[TAG], summary=_("数字专员详情"), responses={200: CommissionerSerializer, **NOT_FOUND}
    ),
    create=extend_schema(
        tags=[TAG],
        summary=_("登记数字专员（入库）"),
        description=_(
            "开设数字专员账号并登记层级、地区、工作单位。层级须与地区相符；只能在本辖区内登记。初始密码只返回这一次。"
        ),
        request=CommissionerInputSerializer,
        responses={201: CommissionerRegisteredSerializer, **ERRORS_WRITE},
    ),
)
class CommissionerViewSet(GenericViewSet):
    serializer_class = CommissionerSerializer
    filter_backends = [ActorFilterBackend]
    filterset_class = CommissionerFilter

    def get_queryset(self):
        return commissioner_list(actor=self.request.user).order_by(
            "user__region__path", "user__username", "id"
        )

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(CommissionerSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(
            CommissionerSerializer(commissioner_get(actor=request.user, pk=pk_from(self.kwargs))).data
        )

    def create(self, request):
        if not is_officer(request.user):
            raise exceptions.PermissionDenied(gettext("只有省、市、县工信部门可以登记数字专员。"))
        serializer = CommissionerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile, password = commissioner_register(actor=request.user, **serializer.validated_data)
        profile = commissioner_get(actor=request.user, pk=profile.pk)
        profile.initial_password = password
        return Response(CommissionerRegisteredSerializer(profile).data, status=status.HTTP_201_CREATED)


router = SimpleRouter(trailing_slash=True)
router.register("commissioners", CommissionerViewSet, basename="api-commissioner")

urlpatterns = router.urls
