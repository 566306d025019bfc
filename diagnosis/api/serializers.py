"""Serializers of the enterprise API: input validates format only, output renders an archive.

Input (``EnterpriseInputSerializer``) normalises and checks what can be checked without knowing
who is asking or what is stored: the credit code's form and check character, the industry code,
decimals (exact, at most 4 places), choices, and that the county and commissioner exist among the
choices. Everything else — who may create or edit, whether the county lies in the actor's region,
whether a credit code is already on file — is decided by ``diagnosis.services``. The serializers
never save: views pass ``validated_data`` to the services.

Output (``EnterpriseSerializer``) expects an enterprise fetched through ``diagnosis.selectors``
(``county``, ``county__parent`` and ``commissioner`` selected), so rendering adds no queries.
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.fields import PrimaryKeyRelatedField
from diagnosis.models import ENTERPRISE_FIELDS, MONEY, Enterprise, EnterpriseChange
from diagnosis.selectors.enterprises import commissioner_choices
from regions.codes import credit_code_problem, normalise_credit_code, normalise_industry_code
from regions.models import Region

DIGITAL_FACTS = (
    "cloud_adopted",
    "cloud_depth",
    "integration_certified",
    "integration_level",
    "iip_platform_used",
    "identifier_resolution",
    "uses_5g",
)


def money_field(label, *, read_only: bool = False) -> serializers.DecimalField:
    """A non-negative amount in 万元, exact to 4 decimal places, rendered as a string."""
    return serializers.DecimalField(
        read_only=read_only,
        max_digits=MONEY["max_digits"],
        decimal_places=MONEY["decimal_places"],
        min_value=0,
        allow_null=True,
        required=False,
        label=label,
        help_text=format_lazy(
            _('万元，以字符串表示的精确小数：整数部分最多{integer}位，小数最多{places}位，如 "1234.5678"。'),
            integer=MONEY["max_digits"] - MONEY["decimal_places"],
            places=MONEY["decimal_places"],
        ),
    )


class CreditCodeField(serializers.CharField):
    """A unified social credit code: full-width and lower-case input is folded, then GB 32100 checked."""

    def to_internal_value(self, data: Any) -> str:
        code = normalise_credit_code(super().to_internal_value(data))
        problem = credit_code_problem(code)
        if problem:
            raise serializers.ValidationError(problem, code="credit_code")
        return code


class IndustryCodeField(serializers.CharField):
    """A GB/T 4754-2017 code with or without its section letter (``C3911`` or ``3911``), stored bare."""

    def to_internal_value(self, data: Any) -> str:
        text = super().to_internal_value(data)
        if not text:
            return ""
        try:
            return normalise_industry_code(text)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages, code="industry") from exc


class CommissionerField(PrimaryKeyRelatedField):
    """A commissioner's user id among those the acting user may assign.

    An id outside that set reads as "does not exist", so ids reveal nothing about other regions.
    """

    def get_queryset(self):
        request = self.context.get("request")
        return commissioner_choices(actor=request.user if request else None)


class EnterpriseInputSerializer(serializers.ModelSerializer):
    """What a client sends to create (POST), replace (PUT) or amend (PATCH) an archive."""

    credit_code = CreditCodeField(
        max_length=30,
        label=_("统一社会信用代码"),
        help_text=_("18位统一社会信用代码（GB 32100-2015），大小写与全角字符会自动规范化。"),
    )
    county = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.counties(),
        label=_("县（市、区）"),
        help_text=_("县（市、区）的行政区划代码，如 360102；须在您的管辖范围内。"),
    )
    industry_code = IndustryCodeField(
        required=False,
        allow_blank=True,
        max_length=10,
        label=_("行业代码"),
        help_text=_("国民经济行业分类代码，可带门类字母，如 C3911、3911、391 或 39。"),
    )
    revenue = money_field(_("营业收入（万元）"))
    output_value = money_field(_("工业总产值（万元）"))
    commissioner = CommissionerField(
        required=False,
        allow_null=True,
        label=_("对接数字专员"),
        help_text=_("数字专员的用户 id；留空表示未分配。"),
    )

    class Meta:
        model = Enterprise
        fields = ENTERPRISE_FIELDS

    def create(self, validated_data):  # pragma: no cover - writes go through services
        raise NotImplementedError("use diagnosis.services.enterprise_create")

    def update(self, instance, validated_data):  # pragma: no cover - writes go through services
        raise NotImplementedError("use diagnosis.services.enterprise_update")


class RegionRefSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True, label=_("区划代码"))
    name = serializers.CharField(read_only=True, label=_("名称"))


class CountySerializer(RegionRefSerializer):
    city = RegionRefSerializer(source="parent", read_only=True, label=_("所属设区市（或新区）"))


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="__str__", read_only=True, label=_("姓名"))


class EnterpriseSerializer(serializers.ModelSerializer):
    """One archive as the API returns it."""

    county = CountySerializer(read_only=True, label=_("县（市、区）"))
    industry_label = serializers.CharField(read_only=True, label=_("行业"))
    revenue = money_field(_("营业收入（万元）"), read_only=True)
    output_value = money_field(_("工业总产值（万元）"), read_only=True)
    commissioner = UserRefSerializer(read_only=True, allow_null=True, label=_("对接数字专员"))

    class Meta:
        model = Enterprise
        fields = ("id", *ENTERPRISE_FIELDS, "industry_label", "created_at", "updated_at")
        read_only_fields = fields


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField(label=_("字段"))
    label = serializers.CharField(label=_("字段名称"))
    before = serializers.JSONField(allow_null=True, label=_("修改前"))
    after = serializers.JSONField(allow_null=True, label=_("修改后"))


class EnterpriseChangeSerializer(serializers.ModelSerializer):
    """One entry of an archive's history; ``changes`` lists each field's value before and after."""

    action_label = serializers.CharField(source="get_action_display", read_only=True, label=_("操作"))
    source_label = serializers.CharField(source="get_source_display", read_only=True, label=_("来源"))
    actor = UserRefSerializer(read_only=True, allow_null=True, label=_("操作人"))
    changes = serializers.SerializerMethodField(label=_("变更内容"))

    class Meta:
        model = EnterpriseChange
        fields = ("id", "at", "action", "action_label", "source", "source_label", "actor", "changes")
        read_only_fields = fields

    @extend_schema_field(FieldChangeSerializer(many=True))
    def get_changes(self, obj: EnterpriseChange) -> list[dict[str, Any]]:
        labels = {f: str(Enterprise._meta.get_field(f).verbose_name) for f in ENTERPRISE_FIELDS}
        return [
            {"field": field, "label": labels.get(field, field), "before": values[0], "after": values[1]}
            for field, values in obj.changes.items()
        ]
