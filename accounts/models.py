"""Users, their roles and what anchors their scope (a region, an organisation or an enterprise).

The scope itself is decided in one place, ``accounts.scope``: each scoped model declares
``scope = ScopeRule(...)`` and gets ``visible_to(user)`` from ``ScopedQuerySet``. Roles live in
``accounts.roles`` (re-exported here) so that the scope engine can use them without importing models.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import OFFICER_ROLES, ORGANISATION_ROLES, ROLE_REGION_LEVELS, Role  # noqa: F401 (re-exported)
from .scope import EVERYTHING, InRegion, OfOrganisation, OfUser, ScopedQuerySet, ScopeRule


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

    objects = ScopedQuerySet.as_manager()

    #: Province: all. Officers and commissioners: organisations located in their region (those
    #: without a region only for the province). Clinic and provider staff: their own organisation.
    #: Enterprise users: none.
    scope = ScopeRule(
        all=EVERYTHING,
        region=InRegion("region"),
        assigned=InRegion("region"),
        organisation=OfOrganisation("pk"),
    )

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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


class Notification(models.Model):
    """A message for one person in the product (the home page's 提醒 and ``/notifications/``), and
    by e-mail where the person has an address and ``NOTIFY_BY_EMAIL`` is on.

    ``key`` makes sending idempotent: one notification per person and key (e.g.
    ``reminders:2026-12-02``), so a job that runs twice notifies once. ``emailed_at`` is set once
    the e-mail has gone, so a retried job never sends it twice.
    """

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notifications", verbose_name=_("接收人")
    )
    key = models.CharField(_("标识"), max_length=100)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    #: Each person sees their own notifications only, whatever their role.
    scope = ScopeRule.every_reach(OfUser("user"))

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_notification_per_key")]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.title}"
