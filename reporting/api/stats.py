"""The statistics API for departments, read-only and scoped by region like the pages.

- ``stats/values/``: stored values the user's region holds (the province: all; city and county
  officers: their region and below; anyone else: none), filtered by ``?indicator=<code>``,
  ``?region=<code>`` (that region and below), ``?period=<code>``; exact decimal strings.
  ``?download=csv|xlsx`` downloads the same rows, and a computed table (``format`` is DRF's own
  parameter).
- ``stats/tables/``: the table layouts; ``stats/tables/{code}/?period=`` the computed table in
  the JSON of ``stats_table`` (rows outside the user's region left out; no rows for non-officers).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from core.files import attachment_response
from core.pagination import KeysetPagination
from core.tabular import CONTENT_TYPES, write_table
from reporting.models import IndicatorValue, StatsTable
from reporting.selectors.stats import region_prefix, table_compute
from reporting.stats.periods import parse_period

TAG = _("统计数据")


class ValueSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code", read_only=True)
    region = serializers.CharField(source="region.code", read_only=True)
    value = serializers.SerializerMethodField()

    class Meta:
        model = IndicatorValue
        fields = ["id", "indicator", "region", "period", "value", "source", "entered_at"]
        read_only_fields = fields

    def get_value(self, obj) -> str:
        return format(obj.value.normalize(), "f")


class TableSerializer(serializers.ModelSerializer):
    period = serializers.SerializerMethodField()

    class Meta:
        model = StatsTable
        fields = ["code", "title", "period", "updated_at"]
        read_only_fields = fields

    def get_period(self, obj) -> str:
        return str(obj.layout.get("period", ""))


class ValuePagination(KeysetPagination):
    page_size = 200
    max_page_size = 1000


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary=_("指标数值"),
        parameters=[
            OpenApiParameter("indicator", str), OpenApiParameter("region", str), OpenApiParameter("period", str),
            OpenApiParameter("download", str, enum=["csv", "xlsx"]),
        ],
    )
)  # fmt: skip
class IndicatorValueViewSet(GenericViewSet):
    serializer_class = ValueSerializer
    pagination_class = ValuePagination

    def get_queryset(self):
        params = self.request.query_params
        qs = (
            IndicatorValue.objects.visible_to(self.request.user)
            .select_related("indicator", "region")
            .order_by("id")
        )
        if params.get("indicator"):
            qs = qs.filter(indicator__code=params["indicator"])
        if params.get("region"):
            qs = qs.filter(region__path__contains=f"{params['region']}/")
        if params.get("period"):
            try:
                qs = qs.filter(period=parse_period(params["period"])[0])
            except ValueError:
                raise serializers.ValidationError(
                    {"period": _("统计期格式不正确（如 2022、2022S1、2022Q1、202206）。")}
                ) from None
        return qs

    def list(self, request):
        qs = self.get_queryset()
        download = request.query_params.get("download")
        if download in ("csv", "xlsx"):
            rows = [
                [v.indicator.code, v.region.code, v.period, format(v.value.normalize(), "f"), v.source]
                for v in qs[:100000]
            ]
            content = write_table(download, rows, ["indicator", "region", "period", "value", "source"])
            return attachment_response(content, f"values.{download}", CONTENT_TYPES[download])
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ValueSerializer(page, many=True).data)


class TableRowSerializer(serializers.Serializer):
    region = serializers.CharField()
    label = serializers.CharField()
    cells = serializers.ListField(child=serializers.CharField())


class ComputedTableSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    period = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = TableRowSerializer(many=True)
    rank = serializers.ListField(
        child=serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    )


@extend_schema_view(
    list=extend_schema(tags=[TAG], summary=_("统计表")),
    retrieve=extend_schema(
        tags=[TAG], summary=_("计算统计表"),
        parameters=[OpenApiParameter("period", str), OpenApiParameter("download", str, enum=["csv", "xlsx"])],
        responses={200: ComputedTableSerializer},
    ),
)  # fmt: skip
class StatsTableViewSet(GenericViewSet):
    serializer_class = TableSerializer
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9_-]+"
    pagination_class = None

    def get_queryset(self):
        return StatsTable.objects.order_by("code")

    def list(self, request):
        return Response(TableSerializer(self.get_queryset(), many=True).data)

    def retrieve(self, request, code=None):
        period = request.query_params.get("period")
        if period:
            try:
                period = parse_period(period)[0]
            except ValueError:
                raise serializers.ValidationError(
                    {"period": _("统计期格式不正确（如 2022、2022S1、2022Q1、202206）。")}
                ) from None
        table = table_compute(code=code, period=period, actor=request.user)
        if region_prefix(request.user) is None:
            table["rows"], table["rank"] = [], []
        download = request.query_params.get("download")
        if download in ("csv", "xlsx"):
            rows = [[row["region"], row["label"], *row["cells"]] for row in table["rows"]]
            content = write_table(download, rows, ["region", "label", *table["columns"]])
            return attachment_response(
                content, f"{table['code']}-{table['period']}.{download}", CONTENT_TYPES[download]
            )
        return Response(table)


__all__ = ["IndicatorValueViewSet", "StatsTableViewSet"]
