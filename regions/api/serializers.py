"""How a region is rendered by the API: its code, names, level, parent code and customary position."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Region


class RegionSerializer(serializers.ModelSerializer):
    """A region; ``parent`` is the parent's code (null for the province).

    Expects regions loaded with ``select_related("parent")`` so rendering adds no queries.
    """

    parent = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, label=_("上级区划代码")
    )
    level_label = serializers.CharField(source="get_level_display", read_only=True, label=_("层级名称"))

    class Meta:
        model = Region
        fields = ("code", "name", "short_name", "level", "level_label", "parent", "sort_order")
        read_only_fields = fields
