"""``/me``: who the signed-in user is and what they may do."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Organisation, User
from ..permissions import can_create_enterprise, can_edit_enterprise_fields, can_import_enterprises


class MeRegionSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True, label=_("区划代码"))
    name = serializers.CharField(read_only=True, label=_("名称"))
    level = serializers.CharField(read_only=True, label=_("层级"))


class MeOrganisationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label=_("类型名称"))

    class Meta:
        model = Organisation
        fields = ("id", "name", "kind", "kind_label")
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer):
    """The user's identity, anchor (region or organisation) and capabilities.

    The capabilities come from ``accounts.permissions``, the same predicates the services enforce, so a
    client may use them to show or hide actions; the server still checks every request.
    """

    display_name = serializers.SerializerMethodField(label=_("姓名"))
    role_label = serializers.CharField(source="get_role_display", read_only=True, label=_("角色名称"))
    region = MeRegionSerializer(read_only=True, allow_null=True, label=_("管辖地区"))
    organisation = MeOrganisationSerializer(read_only=True, allow_null=True, label=_("所属机构"))
    can_create_enterprise = serializers.SerializerMethodField(label=_("可新建企业档案"))
    can_edit_enterprises = serializers.SerializerMethodField(label=_("可修改企业档案"))
    can_import = serializers.SerializerMethodField(label=_("可批量导入企业名录"))

    class Meta:
        model = User
        fields = (
            "id", "username", "display_name", "role", "role_label", "region", "organisation",
            "can_create_enterprise", "can_edit_enterprises", "can_import",
        )  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_display_name(self, user: User) -> str:
        """The name to greet the user with: ``display_name`` or, when empty, the username."""
        return str(user)

    def get_can_create_enterprise(self, user: User) -> bool:
        return can_create_enterprise(user)

    def get_can_edit_enterprises(self, user: User) -> bool:
        """Whether the user may edit some archives (commissioners: only visit facts of their own)."""
        return can_edit_enterprise_fields(user)

    def get_can_import(self, user: User) -> bool:
        return can_import_enterprises(user)
