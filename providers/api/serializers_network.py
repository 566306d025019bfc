"""Serializers of the clinics and commissioners API.

Input serializers check format only (codes exist, choices are valid); who may do what, and in
which region, is decided by ``providers.services``. Output serializers expect rows fetched through
``providers.selectors`` (related rows selected), so rendering adds no queries.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Organisation
from core.fields import PrimaryKeyRelatedField
from providers.industries import MANUFACTURING_DIVISIONS
from providers.models import Clinic, ClinicStatusChange, CommissionerProfile, TrainingRecord
from regions.models import Region


class NetworkRegionRefSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True, label=_("区划代码"))
    name = serializers.CharField(read_only=True, label=_("名称"))
    level = serializers.CharField(read_only=True, label=_("层级"))


class NetworkOrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True, label=_("名称"))
    kind = serializers.CharField(read_only=True, label=_("类型"))


class ClinicSerializer(serializers.ModelSerializer):
    """A clinic or promotion centre as the API returns it."""

    name = serializers.CharField(read_only=True, label=_("名称"))
    operator = NetworkOrganisationRefSerializer(read_only=True, label=_("运营主体"))
    region = NetworkRegionRefSerializer(read_only=True, label=_("所在地区"))
    industries = serializers.ListField(child=serializers.CharField(), read_only=True, label=_("重点行业"))

    class Meta:
        model = Clinic
        fields = (
            "id", "name", "kind", "operator", "region", "address", "industries",
            "monthly_capacity", "status", "status_changed_at",
        )  # fmt: skip
        read_only_fields = fields


class ClinicInputSerializer(serializers.Serializer):
    """What a client sends to create a clinic or centre."""

    name = serializers.CharField(max_length=200, label=_("名称"))
    kind = serializers.ChoiceField(choices=Clinic.Kind.choices, label=_("类型"))
    region = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        label=_("所在地区"),
        help_text=_("行政区划代码；须在您的管辖范围内。"),
    )
    operator = PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        label=_("运营主体"),
        help_text=_("已有运营主体（服务商、产业园区或促进中心）的机构 id；与 new_operator_name 二选一。"),
    )
    new_operator_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", label=_("新建运营主体名称")
    )
    new_operator_kind = serializers.ChoiceField(
        choices=[
            (Organisation.Kind.PARK, _("产业园区")),
            (Organisation.Kind.CENTRE, _("数字化转型促进中心")),
        ],
        required=False,
        default=Organisation.Kind.PARK,
        label=_("新建运营主体类型"),
    )
    address = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="", label=_("地址")
    )
    industries = serializers.ListField(
        child=serializers.ChoiceField(choices=list(MANUFACTURING_DIVISIONS)),
        required=False,
        default=list,
        label=_("重点行业"),
        help_text=_('制造业行业大类代码列表，如 ["39", "38"]。'),
    )
    monthly_capacity = serializers.IntegerField(
        min_value=0, required=False, default=0, label=_("月诊断能力（家）")
    )


class ClinicStatusInputSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Clinic.Status.choices, label=_("新状态"))
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", label=_("理由"), help_text=_("关闭时必填。")
    )


class ClinicStatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClinicStatusChange
        fields = ("id", "from_status", "to_status", "reason", "at")
        read_only_fields = fields


class TrainingRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrainingRecord
        fields = ("id", "title", "held_on", "hours", "organiser", "certificate")
        read_only_fields = fields


class CommissionerSerializer(serializers.ModelSerializer):
    """A registry entry as the API returns it (``user_id`` is the id used by assignments and visits)."""

    user_id = serializers.IntegerField(read_only=True, label=_("用户 id"))
    name = serializers.CharField(source="user.__str__", read_only=True, label=_("姓名"))
    username = serializers.CharField(source="user.username", read_only=True, label=_("登录名"))
    phone = serializers.CharField(source="user.phone", read_only=True, label=_("手机"))
    region = NetworkRegionRefSerializer(source="user.region", read_only=True, label=_("所在地区"))

    class Meta:
        model = CommissionerProfile
        fields = (
            "id", "user_id", "name", "username", "phone", "tier", "region", "employer",
            "registered_on", "active", "deactivated_on",
        )  # fmt: skip
        read_only_fields = fields


class CommissionerRegisteredSerializer(CommissionerSerializer):
    initial_password = serializers.CharField(
        read_only=True, label=_("初始密码"), help_text=_("只返回这一次。")
    )

    class Meta(CommissionerSerializer.Meta):
        fields = (*CommissionerSerializer.Meta.fields, "initial_password")
        read_only_fields = fields


class CommissionerInputSerializer(serializers.Serializer):
    """What a client sends to register (入库) a commissioner."""

    display_name = serializers.CharField(max_length=50, label=_("姓名"))
    phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", label=_("手机")
    )
    username = serializers.CharField(
        max_length=150,
        required=False,
        allow_blank=True,
        default="",
        label=_("登录名"),
        help_text=_("留空时以手机号作为登录名。"),
    )
    tier = serializers.ChoiceField(choices=CommissionerProfile.Tier.choices, label=_("层级"))
    region = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        label=_("所在地区"),
        help_text=_("行政区划代码：省级专员填省，市级填设区市或新区，县级填县（市、区）。"),
    )
    employer = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", label=_("工作单位")
    )
    registered_on = serializers.DateField(required=False, allow_null=True, default=None, label=_("入库日期"))
