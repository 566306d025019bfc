"""Serializers of the service-system API: providers, solutions, and the public directory.

Output serializers expect objects fetched through ``providers.selectors`` (organisation, regions
and M2M rows selected or prefetched), so rendering adds no queries per row. Input serializers
check format only; the rules (who may, which moves) are in ``providers.services``. The public
serializers carry only what the public directory shows (no status history, staff or
qualification numbers).
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from regions.codes import MANUFACTURING_DIVISIONS

from ..models import (
    MONEY,
    BusinessScenario,
    Provider,
    Qualification,
    ServiceCategory,
    Solution,
    SolutionReview,
)


class NamedChoiceField(serializers.ChoiceField):
    """A ChoiceField documented as its own enum component, named ``enum_name``.

    drf-spectacular names enums after the field (``status``), and several choice sets share that
    name across apps (clinics, providers, solutions); a named component keeps the schema free of
    collisions without project-wide settings.
    """

    def __init__(self, *, enum_name: str, **kwargs):
        self.enum_name = enum_name
        super().__init__(**kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "providers.api.serializers_pool.NamedChoiceField"

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        values = [value for value in field.choices if value not in ("", None)]
        labels = "；".join(f"{value}：{label}" for value, label in field.choices.items())
        component = ResolvedComponent(
            name=field.enum_name,
            type=ResolvedComponent.SCHEMA,
            object=field.enum_name,
            schema={"type": "string", "enum": values, "description": labels},
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


def inline_choice(choices, *, enum_name: str, **kwargs) -> NamedChoiceField:
    return NamedChoiceField(choices=choices, enum_name=enum_name, **kwargs)


class PoolCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceCategory
        fields = ["code", "name"]


class PoolScenarioSerializer(serializers.ModelSerializer):
    class Meta:
        model = BusinessScenario
        fields = ["code", "name", "group"]


class PoolRegionSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True, label=_("区划代码"))
    name = serializers.CharField(read_only=True, label=_("名称"))


class PoolQualificationSerializer(serializers.ModelSerializer):
    is_expired = serializers.BooleanField(read_only=True, label=_("已过期"))

    class Meta:
        model = Qualification
        fields = ["id", "name", "number", "issuer", "valid_from", "valid_until", "is_expired"]


class PoolStatusChangeSerializer(serializers.Serializer):
    from_status = serializers.CharField(read_only=True, label=_("原状态"))
    to_status = serializers.CharField(read_only=True, label=_("新状态"))
    actor = serializers.SerializerMethodField(label=_("操作人"))
    reason = serializers.CharField(read_only=True, label=_("理由"))
    at = serializers.DateTimeField(read_only=True, label=_("时间"))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor(self, obj) -> str | None:
        return str(obj.actor) if obj.actor_id else None


class ProviderSerializer(serializers.ModelSerializer):
    """A provider as officers and its own staff see it."""

    name = serializers.CharField(source="organisation.name", read_only=True, label=_("名称"))
    credit_code = serializers.CharField(
        source="organisation.credit_code", read_only=True, label=_("统一社会信用代码")
    )
    home_region = PoolRegionSerializer(read_only=True, label=_("注册地"))
    regions_served = PoolRegionSerializer(many=True, read_only=True, label=_("服务地区"))
    categories = PoolCategorySerializer(many=True, read_only=True, label=_("服务类别"))
    has_expired_qualification = serializers.BooleanField(read_only=True, label=_("有过期资质"))
    status = inline_choice(
        Provider.Status.choices, enum_name="ProviderStatusEnum", read_only=True, label=_("入库状态")
    )

    class Meta:
        model = Provider
        fields = [
            "id", "name", "credit_code", "home_region", "regions_served", "categories", "description", "website",
            "contact_person", "contact_phone", "contact_email", "status", "status_changed_at", "applied_at",
            "flagged_for_review", "has_expired_qualification",
        ]  # fmt: skip
        read_only_fields = fields


class ProviderDetailSerializer(ProviderSerializer):
    qualifications = PoolQualificationSerializer(many=True, read_only=True, label=_("资质"))
    status_changes = PoolStatusChangeSerializer(many=True, read_only=True, label=_("入库状态变更记录"))

    class Meta(ProviderSerializer.Meta):
        fields = [*ProviderSerializer.Meta.fields, "qualifications", "status_changes"]
        read_only_fields = fields


class ProviderTransitionInputSerializer(serializers.Serializer):
    to_status = inline_choice(Provider.Status.choices, enum_name="ProviderStatusEnum", label=_("新状态"))
    reason = serializers.CharField(label=_("理由"), help_text=_("必填，记入入库状态变更记录。"))


class SolutionReviewRecordSerializer(serializers.Serializer):
    from_status = serializers.CharField(read_only=True, label=_("原状态"))
    to_status = serializers.CharField(read_only=True, label=_("新状态"))
    actor = serializers.SerializerMethodField(label=_("操作人"))
    reason = serializers.CharField(read_only=True, label=_("意见"))
    at = serializers.DateTimeField(read_only=True, label=_("时间"))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor(self, obj: SolutionReview) -> str | None:
        return str(obj.actor) if obj.actor_id else None


def money_field(label) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=MONEY["max_digits"],
        decimal_places=MONEY["decimal_places"],
        min_value=0,
        allow_null=True,
        required=False,
        label=label,
        help_text=_('万元，以字符串表示的精确小数，如 "12.5"。'),
    )


class SolutionProviderRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="organisation.name", read_only=True, label=_("名称"))


class SolutionSerializer(serializers.ModelSerializer):
    provider = SolutionProviderRefSerializer(read_only=True, label=_("服务商"))
    scenarios = PoolScenarioSerializer(many=True, read_only=True, label=_("适用业务场景"))
    industries = serializers.ListField(child=serializers.CharField(), read_only=True, label=_("适用行业"))
    price_min = money_field(_("最低价格（万元）"))
    price_max = money_field(_("最高价格（万元）"))
    status = inline_choice(
        Solution.Status.choices, enum_name="SolutionStatusEnum", read_only=True, label=_("状态")
    )
    deployment = inline_choice(
        Solution.Deployment.choices, enum_name="SolutionDeploymentEnum", read_only=True, label=_("部署方式")
    )

    class Meta:
        model = Solution
        fields = [
            "id", "provider", "title", "summary", "scenarios", "industries", "price_min", "price_max", "deployment",
            "reference_customers", "status", "published_at", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class SolutionDetailSerializer(SolutionSerializer):
    #: Set by the view from ``solution_reviews`` (empty unless the provider's own staff or the province).
    reviews = SolutionReviewRecordSerializer(
        source="visible_reviews",
        many=True,
        read_only=True,
        label=_("审核记录"),
        help_text=_("仅服务商本机构人员和省工信厅可见；其他用户为空列表。"),
    )

    class Meta(SolutionSerializer.Meta):
        fields = [*SolutionSerializer.Meta.fields, "reviews"]
        read_only_fields = fields


class SolutionInputSerializer(serializers.Serializer):
    """What provider staff send to create or edit a solution (format only)."""

    title = serializers.CharField(max_length=200, label=_("名称"))
    summary = serializers.CharField(label=_("简介"))
    scenarios = serializers.SlugRelatedField(
        slug_field="code", queryset=BusinessScenario.objects.all(), many=True, label=_("适用业务场景（代码）")
    )
    industries = serializers.ListField(
        child=inline_choice(
            [(code, code) for code in MANUFACTURING_DIVISIONS], enum_name="ManufacturingDivisionEnum"
        ),
        required=False,
        label=_('适用行业（制造业大类代码，如 "39"）'),
    )
    price_min = money_field(_("最低价格（万元）"))
    price_max = money_field(_("最高价格（万元）"))
    deployment = inline_choice(
        Solution.Deployment.choices, enum_name="SolutionDeploymentEnum", label=_("部署方式")
    )
    reference_customers = serializers.CharField(required=False, allow_blank=True, label=_("典型客户"))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        low, high = attrs.get("price_min"), attrs.get("price_max")
        if low is not None and high is not None and high < low:
            raise serializers.ValidationError({"price_max": _("最高价格不能低于最低价格。")})
        return attrs


class SolutionReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, label=_("意见"), help_text=_("退回时必填，其他操作可选。")
    )


class PublicProviderSerializer(serializers.ModelSerializer):
    """An admitted provider as the public directory shows it."""

    name = serializers.CharField(source="organisation.name", read_only=True, label=_("名称"))
    home_region = PoolRegionSerializer(read_only=True, label=_("注册地"))
    regions_served = PoolRegionSerializer(many=True, read_only=True, label=_("服务地区"))
    categories = PoolCategorySerializer(many=True, read_only=True, label=_("服务类别"))
    published_count = serializers.IntegerField(read_only=True, label=_("已发布方案数"))

    class Meta:
        model = Provider
        fields = [
            "id", "name", "home_region", "regions_served", "categories", "description", "website",
            "contact_person", "contact_phone", "contact_email", "published_count",
        ]  # fmt: skip
        read_only_fields = fields


class PublicSolutionSerializer(serializers.ModelSerializer):
    """A published solution as the public directory shows it."""

    provider = SolutionProviderRefSerializer(read_only=True, label=_("服务商"))
    scenarios = PoolScenarioSerializer(many=True, read_only=True, label=_("适用业务场景"))
    industries = serializers.ListField(child=serializers.CharField(), read_only=True, label=_("适用行业"))
    price_min = money_field(_("最低价格（万元）"))
    price_max = money_field(_("最高价格（万元）"))
    deployment = inline_choice(
        Solution.Deployment.choices, enum_name="SolutionDeploymentEnum", read_only=True, label=_("部署方式")
    )

    class Meta:
        model = Solution
        fields = [
            "id", "provider", "title", "summary", "scenarios", "industries", "price_min", "price_max",
            "deployment", "reference_customers", "published_at",
        ]  # fmt: skip
        read_only_fields = fields
