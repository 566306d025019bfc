"""The roles a user can have, and which anchor each needs (no models here: the scope engine and
``accounts.permissions`` import this without importing ``accounts.models``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
