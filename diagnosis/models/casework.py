"""Casework around an enterprise: engagements with clinics and providers, commissioner assignment, visits."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.scope import EVERYTHING, InRegion, OfUser, ScopedQuerySet, ScopeRule, Through, Where
from core.files import private_storage
from core.jobs import Job
from core.validators import check_dates
from diagnosis.models.enterprises import Enterprise


class Engagement(models.Model):
    """An organisation (clinic, provider) engaged with an enterprise; it gives that organisation's staff sight."""

    class Purpose(models.TextChoices):
        DIAGNOSIS = "diagnosis", _("诊断")
        PROJECT = "project", _("改造项目")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="engagements")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="engagements"
    )
    purpose = models.CharField(_("事项"), max_length=20, choices=Purpose.choices, default=Purpose.DIAGNOSIS)
    active = models.BooleanField(_("有效"), default=True)
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    #: Whoever sees the enterprise sees who is engaged with it (as its detail page shows): staff of
    #: a clinic see the provider engaged with the same enterprise, and the enterprise sees both.
    scope = ScopeRule.every_reach(Through("enterprise"))

    class Meta:
        verbose_name = _("服务对接")
        verbose_name_plural = _("服务对接")
        indexes = [models.Index(fields=["organisation", "active"])]

    def __str__(self) -> str:
        return f"{self.organisation_id} → {self.enterprise_id} ({self.purpose})"


class Assignment(models.Model):
    """Who owned an enterprise's follow-up, and when: the history behind ``Enterprise.commissioner``.

    Exactly one open row (``ended_at`` null) per assigned enterprise; reassigning closes it and
    opens another. Visits stay with whoever logged them.
    """

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="assignments")
    commissioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("数字专员"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(_("分配时间"), auto_now_add=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    reason = models.CharField(_("说明"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    #: Province: all. Officers: the history of enterprises in their region. A commissioner: the rows
    #: naming them (their caseload past and present). Others: none (assignment is internal).
    scope = ScopeRule(all=EVERYTHING, region=InRegion("enterprise__county"), assigned=OfUser("commissioner"))

    class Meta:
        verbose_name = _("专员分配记录")
        verbose_name_plural = _("专员分配记录")
        ordering = ["-assigned_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(ended_at__isnull=True),
                name="one_open_assignment_per_enterprise",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} → {self.commissioner_id}"


class RevisitInterval(models.Model):
    """How many days an enterprise may go without a visit before it is due again, for a region
    and everything below it (the nearest region with a row decides; without one,
    ``settings.REVISIT_DAYS``). Kept by the province in the admin."""

    region = models.OneToOneField(
        "regions.Region", on_delete=models.CASCADE, related_name="revisit_interval", verbose_name=_("地区")
    )
    days = models.PositiveSmallIntegerField(_("走访间隔（天）"))

    objects = ScopedQuerySet.as_manager()
    #: Officers see their region's (and, for the province, every) interval; commissioners theirs.
    scope = ScopeRule(all=EVERYTHING, region=InRegion("region"), assigned=InRegion("region"))

    class Meta:
        verbose_name = _("走访间隔")
        verbose_name_plural = _("走访间隔")

    def __str__(self) -> str:
        return f"{self.region_id}: {self.days}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.days is not None and not 7 <= self.days <= 730:
            raise ValidationError({"days": _("走访间隔应在 7 到 730 天之间。")})


class NeedTag(models.Model):
    """A kind of need a visit can find (上云用云, 设备联网, MES, …): data the province edits in the
    admin, so the list grows without a release. Reference data for everyone (no scope)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    active = models.BooleanField(_("可选"), default=True)

    class Meta:
        verbose_name = _("需求标签")
        verbose_name_plural = _("需求标签")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language (English when there is one, else the Chinese name)."""
        from django.utils.translation import get_language

        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class Visit(models.Model):
    """A commissioner's visit to an enterprise: what they found and when to follow up."""

    class Kind(models.TextChoices):
        ONSITE = "onsite", _("实地走访")
        PHONE = "phone", _("电话")
        ONLINE = "online", _("线上")
        MEETING = "meeting", _("座谈会")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="visits")
    kind = models.CharField(_("走访方式"), max_length=10, choices=Kind.choices, default=Kind.ONSITE)
    people_met = models.CharField(_("接待人员"), max_length=200, blank=True)
    need_tags = models.ManyToManyField(NeedTag, blank=True, related_name="visits", verbose_name=_("需求类型"))
    commissioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits", verbose_name=_("数字专员")
    )
    visited_on = models.DateField(_("走访日期"))
    summary = models.TextField(_("走访情况"))
    needs = models.TextField(_("企业需求"), blank=True)
    follow_up_due = models.DateField(_("跟进期限"), null=True, blank=True)
    followed_up_on = models.DateField(_("已跟进日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    #: Whoever sees the enterprise sees its visits.
    scope = ScopeRule.every_reach(Through("enterprise"))

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["commissioner", "visited_on"])]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.visited_on}"

    def clean(self) -> None:
        check_dates(self, past=["visited_on", "followed_up_on"], planned=["follow_up_due"])


def _attachment_path(instance, filename: str) -> str:
    """Where an attachment's bytes are stored: a generated name (never the person's) under the month."""
    import uuid

    from django.utils import timezone

    suffix = filename[filename.rfind(".") :] if "." in filename else ""
    return f"visits/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class VisitDraft(models.Model):
    """A visit being written: what the form held when its author saved it as a draft.

    One per author and enterprise; finishing it logs the ``Visit`` (``visit_log``) and deletes the
    draft. ``data`` holds the form's fields as the person typed them (strings and lists of tag
    ids), so a draft keeps even values that would not yet pass the visit's checks. A draft is
    its author's alone: nobody else sees it, and it counts in no figure.
    """

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="visit_drafts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="visit_drafts",
        verbose_name=_("填写人"),
    )
    data = models.JSONField(_("草稿内容"), default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("保存时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    #: Its author only, and only while they can still see the enterprise.
    scope = ScopeRule.every_reach(Through("enterprise") & OfUser("author"))

    class Meta:
        verbose_name = _("走访草稿")
        verbose_name_plural = _("走访草稿")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["author", "enterprise"], name="one_visit_draft_per_author")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} ({self.author_id})"


class VisitAttachment(models.Model):
    """A photo or document of a visit, stored privately (``core.files``) and served only by a
    scope-checked view.

    Uploaded before its visit exists (a failed submit, a draft) it is *pending*: ``visit`` is
    null, it belongs to its uploader (and to their ``draft`` if they saved one) and only the
    uploader sees it, until ``visit_log`` attaches it. Pending files not attached within
    ``PENDING_DAYS`` are removed by the daily reminders job.
    """

    PENDING_DAYS = 7

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    draft = models.ForeignKey(
        VisitDraft, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    file = models.FileField(_("文件"), upload_to=_attachment_path, storage=private_storage, max_length=200)
    name = models.CharField(_("文件名"), max_length=150)
    content_type = models.CharField(_("文件类型"), max_length=120)
    size = models.PositiveIntegerField(_("大小（字节）"))
    image = models.BooleanField(_("照片"), default=False)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    #: Whoever sees the visit sees its attachments; a pending one, its uploader only.
    scope = ScopeRule.every_reach(Through("visit") | (OfUser("uploaded_by") & Where(visit__isnull=True)))

    class Meta:
        verbose_name = _("走访附件")
        verbose_name_plural = _("走访附件")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class ReminderRun(Job):
    """The status row of one day's reminders (``core.jobs``): created by the sweep's catch-up once
    the day's hour (``REMINDER_HOUR``, Beijing time) has come, or by ``send_reminders``."""

    day = models.DateField(_("日期"), unique=True)
    notified_count = models.PositiveIntegerField(_("提醒人数"), default=0)
    emailed_count = models.PositiveIntegerField(_("发送邮件"), default=0)

    objects = ScopedQuerySet.as_manager()
    #: Operations data: the province and administrators only.
    scope = ScopeRule(all=EVERYTHING)

    class Meta:
        verbose_name = _("每日提醒")
        verbose_name_plural = _("每日提醒")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day} ({self.status})"
