"""The project and voucher API (read), scoped like the pages: an id out of scope is 404.

- ``projects/`` GET, with the list page's filters (``q``, ``status``, ``region``, ``industry``,
  ``type``, ``overdue``: ``diagnosis.filters.ProjectFilter``); ``projects/{id}/`` GET with its
  milestones and, once there is one, its acceptance (before/after levels and totals).
- ``vouchers/`` GET (``?status=``), ``vouchers/{id}/`` GET with its ledger.

Money and scores are exact decimal strings (``"120.5"``), never floats.
"""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from core.pagination import KeysetPagination
from diagnosis.filters import ProjectFilter
from diagnosis.models import (
    ProjectAcceptance,
    ProjectMilestone,
    ServiceVoucher,
    TransformationProject,
    VoucherEntry,
)
from diagnosis.scoring import decimal_text
from diagnosis.selectors.projects import MONEY_FIELDS, project_get, project_list

TAG = _("改造项目")
NOT_FOUND = {404: OpenApiResponse(description=_("不存在或不在您的管辖范围内。"))}


def _exact(value) -> str | None:
    return None if value is None else decimal_text(value)


@extend_schema_field({"type": "string", "nullable": True, "example": "120.5"})
class Exact(serializers.Field):
    """A ``Decimal`` as an exact string without trailing zeros (read only); ``null`` when unset."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return _exact(value)


class MilestoneSerializer(serializers.ModelSerializer):
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = ProjectMilestone
        fields = ["id", "title", "due_on", "done_on", "note", "overdue"]
        read_only_fields = fields


class AcceptanceSerializer(serializers.ModelSerializer):
    before_total = Exact()
    after_total = Exact()

    class Meta:
        model = ProjectAcceptance
        fields = [
            "satisfaction", "enterprise_reported_at", "provider_reported_at", "site_check_on",
            "before_source", "before_level", "before_total", "after_source", "after_level", "after_total",
            "dimension_changes", "accepted_at",
        ]  # fmt: skip
        read_only_fields = fields


class ProjectSerializer(serializers.ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    provider = serializers.PrimaryKeyRelatedField(read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    types = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    overdue = serializers.SerializerMethodField()
    planned_investment = Exact()
    planned_subsidy = Exact()
    planned_discount = Exact()
    planned_own = Exact()
    actual_investment = Exact()
    actual_subsidy = Exact()
    actual_discount = Exact()
    actual_own = Exact()

    class Meta:
        model = TransformationProject
        fields = [
            "id", "title", "enterprise", "enterprise_name", "provider", "provider_name", "types", "status",
            "diagnosis", "start_date", "planned_completion", "started_on", "completed_on", "accepted_at",
            *MONEY_FIELDS, "overdue", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_overdue(self, obj) -> bool:
        return bool(obj.overdue_milestones)


class ProjectDetailSerializer(ProjectSerializer):
    milestones = MilestoneSerializer(many=True, read_only=True)
    acceptance = serializers.SerializerMethodField()

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "description", "cancel_reason", "milestones", "acceptance"]
        read_only_fields = fields

    @extend_schema_field(AcceptanceSerializer(allow_null=True))
    def get_acceptance(self, obj) -> dict | None:
        acceptance = ProjectAcceptance.objects.filter(project=obj).first()
        return AcceptanceSerializer(acceptance).data if acceptance else None


class EntrySerializer(serializers.ModelSerializer):
    amount = Exact()
    balance_after = Exact()

    class Meta:
        model = VoucherEntry
        fields = ["kind", "amount", "balance_after", "project", "note", "at"]
        read_only_fields = fields


class VoucherSerializer(serializers.ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(read_only=True)
    amount = Exact()
    redeemed = Exact()

    class Meta:
        model = ServiceVoucher
        fields = [
            "id",
            "number",
            "enterprise",
            "amount",
            "redeemed",
            "purpose",
            "expires_on",
            "status",
            "issued_at",
        ]
        read_only_fields = fields


class VoucherDetailSerializer(VoucherSerializer):
    entries = EntrySerializer(many=True, read_only=True)

    class Meta(VoucherSerializer.Meta):
        fields = [*VoucherSerializer.Meta.fields, "entries"]
        read_only_fields = fields


class Pagination(KeysetPagination):
    """Keyset pages, newest first; ``?count=1`` adds the total."""


@extend_schema_view(
    list=extend_schema(tags=[TAG], summary=_("改造项目列表")),
    retrieve=extend_schema(
        tags=[TAG], summary=_("改造项目"), responses={200: ProjectDetailSerializer, **NOT_FOUND}
    ),
)
class ProjectViewSet(GenericViewSet):
    serializer_class = ProjectSerializer
    pagination_class = Pagination
    filterset_class = ProjectFilter

    def get_queryset(self):
        return project_list(actor=self.request.user).order_by("-id")

    def list(self, request):
        filters = ProjectFilter(request.query_params, queryset=self.get_queryset())
        if not filters.is_valid():
            raise serializers.ValidationError(filters.errors)
        page = self.paginate_queryset(filters.qs)
        return self.get_paginated_response(ProjectSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(ProjectDetailSerializer(project_get(actor=request.user, pk=_pk(pk))).data)


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


@extend_schema_view(
    list=extend_schema(tags=[TAG], summary=_("服务券列表")),
    retrieve=extend_schema(
        tags=[TAG], summary=_("服务券"), responses={200: VoucherDetailSerializer, **NOT_FOUND}
    ),
)
class VoucherViewSet(GenericViewSet):
    serializer_class = VoucherSerializer
    pagination_class = Pagination

    def get_queryset(self):
        qs = ServiceVoucher.objects.visible_to(self.request.user).order_by("-id")
        state = self.request.query_params.get("status")
        return qs.filter(status=state) if state in ServiceVoucher.Status.values else qs

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(VoucherSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        voucher = self.get_queryset().filter(pk=_pk(pk)).prefetch_related("entries").first()
        if voucher is None:
            raise Http404
        return Response(VoucherDetailSerializer(voucher).data)
