"""Users, their roles and what anchors their scope (a region, an organisation or an enterprise).

The scope itself is decided in one place, ``accounts.scope``; models elsewhere expose
``visible_to(user)`` querysets built from it.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """A body whose staff use the platform: a service provider, a clinic's operator, a centre, a park.

    ``providers`` adds the programme's records (pool status, clinics, qualifications) on top of it.
    """

    class Kind(models.TextChoices):
        PROVIDER = "provider", _("服务商")
        CLINIC = "clinic", _("数字化诊所")
        CENTRE = "centre", _("数字化转型促进中心")
        PARK = "park", _("产业园区")

    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("所在地区")
    )

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    PROVINCE_OFFICER = "province_officer", _("省工信厅")
    CITY_OFFICER = "city_officer", _("市工信局")
    COUNTY_OFFICER = "county_officer", _("县工信局")
    COMMISSIONER = "commissioner", _("数字专员")
    CLINIC_STAFF = "clinic_staff", _("诊所人员")
    PROVIDER_STAFF = "provider_staff", _("服务商人员")
    ENTERPRISE_USER = "enterprise_user", _("企业用户")


#: Which region level each region-anchored role must be given.
ROLE_REGION_LEVELS = {
    Role.PROVINCE_OFFICER: {"province"},
    Role.CITY_OFFICER: {"city", "zone"},
    Role.COUNTY_OFFICER: {"county"},
    Role.COMMISSIONER: {"province", "city", "zone", "county"},
}
OFFICER_ROLES = {Role.PROVINCE_OFFICER, Role.CITY_OFFICER, Role.COUNTY_OFFICER}
ORGANISATION_ROLES = {Role.CLINIC_STAFF, Role.PROVIDER_STAFF}


class User(AbstractUser):
    """A person signing in. ``role`` plus one anchor (region, organisation or enterprise) give the scope."""

    role = models.CharField(_("角色"), max_length=30, choices=Role.choices, blank=True)
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机"), max_length=20, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("管辖地区"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("所属机构"),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def commissioner_tier(self) -> str:
        """province/city/county for a commissioner: the level of the region they are filed at."""
        if self.role != Role.COMMISSIONER or not self.region_id:
            return ""
        return "city" if self.region.level == "zone" else self.region.level

    def clean(self) -> None:
        super().clean()
        levels = ROLE_REGION_LEVELS.get(self.role)
        if levels is not None:
            if not self.region_id:
                raise ValidationError({"region": _("该角色必须指定管辖地区。")})
            if self.region.level not in levels:
                raise ValidationError({"region": _("管辖地区的层级与角色不符。")})
        if self.role in ORGANISATION_ROLES and not self.organisation_id:
            raise ValidationError({"organisation": _("该角色必须指定所属机构。")})
