"""The division tree: province → cities (+ the 赣江新区 zone) → counties.

Loaded from ``regions/data/jiangxi_regions.csv`` by a data migration. ``sort_order`` is the
customary order of provincial documents, within each parent.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionQuerySet(models.QuerySet):
    def in_customary_order(self) -> "RegionQuerySet":
        """Order as provincial documents list regions: level first, then parent, then sort_order."""
        return self.order_by("depth", "parent__sort_order", "sort_order", "code")

    def counties(self) -> "RegionQuerySet":
        return self.filter(level=Region.Level.COUNTY)

    def cities(self) -> "RegionQuerySet":
        return self.filter(level=Region.Level.CITY)


class Region(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("设区市")
        ZONE = "zone", _("新区")
        COUNTY = "county", _("县（市、区）")

    DEPTH = {Level.PROVINCE: 0, Level.CITY: 1, Level.ZONE: 1, Level.COUNTY: 2}

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    short_name = models.CharField(_("简称"), max_length=20)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    depth = models.PositiveSmallIntegerField(_("深度"), default=0)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级"),
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    # Materialised path of codes ("360000/360100/360102/") so "this region and below" is one
    # indexed prefix filter instead of a recursive walk.
    path = models.CharField(max_length=100, db_index=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["depth", "sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def label_with_city(self) -> str:
        """A county as people write it: "南昌市 东湖区" (its parent's name first unless that is the
        province); any other region: its own name. Reads ``parent`` (select it with the row)."""
        parent = self.parent if self.parent_id else None
        if parent is not None and parent.level != self.Level.PROVINCE:
            return f"{parent.name} {self.name}"
        return self.name

    @property
    def has_division_code(self) -> bool:
        """Zones such as 赣江新区 have no GB/T 2260 code."""
        return self.code.isdigit()

    def subtree(self) -> RegionQuerySet:
        """This region and every region below it."""
        return Region.objects.filter(path__startswith=self.path)

    def is_within(self, other: "Region") -> bool:
        return self.path.startswith(other.path)
