"""A commissioner's visits: logging them (with photos and documents), drafts, marking follow-ups done.

Attachments (``VisitAttachment``) are stored the moment they are uploaded, as *pending* files of
their uploader (``attachment_store``): a submit that fails on another field, or a draft, keeps
them, and the form carries their ids (``pending_attachments`` reads them back, the uploader's
own only). ``visit_log`` attaches them to the visit it creates; ``visit_attach`` adds more to a
logged visit (the API). A visit holds at most ``VISIT_ATTACHMENTS_MAX`` files of at most
``VISIT_ATTACHMENT_MAX_BYTES`` each, type checked by content (``core.uploads``).
"""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from core.uploads import inspect_upload, safe_name
from diagnosis.models import Enterprise, NeedTag, Visit, VisitAttachment, VisitDraft
from diagnosis.permissions import can_log_visit

#: The visit form's fields a draft keeps, as typed (``need_tags`` is a list).
DRAFT_FIELDS = ("visited_on", "kind", "people_met", "summary", "need_tags", "needs", "follow_up_due")
#: The longest text a draft keeps per field (the request itself is capped by Django too).
DRAFT_MAX_CHARS = 20_000


def attachment_limits() -> tuple[int, int]:
    """``(most files per visit, most bytes per file)`` from the settings."""
    return int(settings.VISIT_ATTACHMENTS_MAX), int(settings.VISIT_ATTACHMENT_MAX_BYTES)


def attachment_store(*, actor, upload) -> VisitAttachment:
    """Check ``upload`` by content and size and store it privately as ``actor``'s pending file.

    Raises ``ValidationError`` (naming the file) for an empty, oversized or unacceptable file;
    nothing is stored then. The stored name is generated; the person's name is kept for display.
    """
    _most, max_bytes = attachment_limits()
    kind = inspect_upload(upload, max_bytes=max_bytes)
    name = safe_name(upload.name or "", kind)
    attachment = VisitAttachment(
        uploaded_by=actor, name=name, content_type=kind.content_type, size=upload.size, image=kind.image
    )
    upload.seek(0)
    attachment.file.save(f"{uuid.uuid4().hex}{kind.extension}", upload, save=False)
    attachment.save()
    return attachment


def attachment_discard(*, actor, attachment: VisitAttachment) -> None:
    """Remove one of ``actor``'s pending files (file and row). A file already attached to a
    logged visit is part of the record and is refused."""
    if attachment.visit_id is not None or attachment.uploaded_by_id != actor.pk:
        raise PermissionDenied(_("已随走访记录保存的附件不能删除。"))
    attachment.file.delete(save=False)
    attachment.delete()


def _attach(visit: Visit, attachments) -> None:
    most, _max_bytes = attachment_limits()
    attachments = [a for a in attachments if a.visit_id is None]
    if visit.attachments.count() + len(attachments) > most:
        raise ValidationError({"attachments": _("每次走访最多 %(n)d 个附件。") % {"n": most}})
    for attachment in attachments:
        attachment.visit = visit
        attachment.draft = None
        attachment.save(update_fields=["visit", "draft"])


#: The need tags a fresh database starts with (migration 0013); the province edits them in the admin.
DEFAULT_NEED_TAGS = [
    ("cloud", "上云用云", "Cloud adoption"),
    ("equipment_networking", "设备联网", "Equipment networking"),
    ("mes", "生产管控（MES）", "Production control (MES)"),
    ("erp", "经营管理（ERP）", "Business management (ERP)"),
    ("quality", "质量追溯", "Quality traceability"),
    ("warehouse", "仓储物流", "Warehousing and logistics"),
    ("energy", "能耗管理", "Energy management"),
    ("design", "研发设计", "R&D and design"),
    ("security", "网络与数据安全", "Network and data security"),
    ("financing", "融资支持", "Financing"),
    ("talent", "人才培训", "Skills and training"),
    ("policy", "政策咨询", "Policy advice"),
    ("diagnosis", "诊断服务", "Diagnosis"),
]


def need_tags_load(model=NeedTag) -> int:
    """Create the default need tags that are missing (by code), and give existing ones their
    English name where they have none; returns how many were created. ``model`` lets a migration
    pass its historical class."""
    has_english = any(f.name == "name_en" for f in model._meta.get_fields())  # not before migration 0018
    created = 0
    for position, (code, name, name_en) in enumerate(DEFAULT_NEED_TAGS):
        defaults = {"name": name, "position": position} | ({"name_en": name_en} if has_english else {})
        tag, made = model.objects.get_or_create(code=code, defaults=defaults)
        created += made
        if has_english and not made and not tag.name_en:
            model.objects.filter(pk=tag.pk).update(name_en=name_en)
    return created


def _check_visit(actor, enterprise: Enterprise) -> None:
    if not can_log_visit(actor, enterprise):
        raise PermissionDenied(_("只有该企业的对接数字专员或所在地工信部门可以记录走访。"))


@transaction.atomic
def visit_log(
    *,
    actor,
    enterprise: Enterprise,
    visited_on: datetime.date,
    summary: str,
    needs: str = "",
    follow_up_due: datetime.date | None = None,
    kind: str = Visit.Kind.ONSITE,
    people_met: str = "",
    need_tags=(),
    attachments=(),
) -> Visit:
    """Record a visit. A commissioner records their own; an officer records on behalf of the
    enterprise's commissioner (or in their own name if none is assigned). ``visited_on`` may not
    be in the future, and a follow-up date may not come before the visit.

    ``attachments``: ``actor``'s pending files (``attachment_store``), attached to the visit; the
    actor's draft for the enterprise, if any, is finished (deleted) with it. All or nothing."""
    _check_visit(actor, enterprise)
    attachments = list(attachments or ())
    if any(a.uploaded_by_id != actor.pk or a.visit_id is not None for a in attachments):
        raise ValidationError({"attachments": _("附件不存在或已随其他走访保存。")})
    today = timezone.localdate()
    if visited_on and visited_on > today:
        raise ValidationError({"visited_on": _("走访日期不能晚于今天。")})
    if follow_up_due and visited_on and follow_up_due < visited_on:
        raise ValidationError({"follow_up_due": _("跟进期限不能早于走访日期。")})
    if actor.role == Role.COMMISSIONER:
        commissioner = actor
    else:
        commissioner = enterprise.commissioner or actor
    visit = Visit(
        enterprise=enterprise,
        commissioner=commissioner,
        visited_on=visited_on,
        summary=(summary or "").strip(),
        needs=(needs or "").strip(),
        follow_up_due=follow_up_due,
        kind=kind or Visit.Kind.ONSITE,
        people_met=(people_met or "").strip(),
    )
    visit.full_clean()
    visit.save()
    tags = list(need_tags or ())
    if tags:
        known = set(
            NeedTag.objects.filter(active=True, pk__in=[getattr(t, "pk", t) for t in tags]).values_list(
                "pk", flat=True
            )
        )
        unknown = [t for t in tags if getattr(t, "pk", t) not in known]
        if unknown:
            raise ValidationError({"need_tags": _("所选需求类型不存在或已停用。")})
        visit.need_tags.set(known)
    _attach(visit, attachments)
    VisitDraft.objects.filter(author=actor, enterprise=enterprise).delete()
    return visit


@transaction.atomic
def visit_attach(*, actor, visit: Visit, uploads) -> list[VisitAttachment]:
    """Add photos or documents to a logged visit (who may log visits on its enterprise). Every
    file is checked before any is stored: one bad file refuses them all, naming it."""
    _check_visit(actor, visit.enterprise)
    most, max_bytes = attachment_limits()
    uploads = list(uploads)
    if not uploads:
        raise ValidationError({"file": _("请选择要上传的文件。")})
    errors = []
    for upload in uploads:
        try:
            inspect_upload(upload, max_bytes=max_bytes)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"file": errors})
    stored = [attachment_store(actor=actor, upload=upload) for upload in uploads]
    _attach(visit, stored)
    return stored


def _draft_data(data) -> dict:
    """The draft's fields from a form's data (a ``QueryDict`` or a dict), as typed, capped."""
    out = {}
    for name in DRAFT_FIELDS:
        if hasattr(data, "getlist"):
            values = data.getlist(name)
        else:
            value = data.get(name)
            values = value if isinstance(value, list | tuple) else ([] if value is None else [value])
        values = [str(v) for v in values]
        if any(len(v) > DRAFT_MAX_CHARS for v in values):
            raise ValidationError({name: _("内容过长（最多 %(n)d 个字）。") % {"n": DRAFT_MAX_CHARS}})
        out[name] = values[:50] if name == "need_tags" else (values[0] if values else "")
    return out


@transaction.atomic
def visit_draft_save(*, actor, enterprise: Enterprise, data, attachments=()) -> VisitDraft:
    """Keep what the visit form holds as ``actor``'s draft for ``enterprise`` (one per author and
    enterprise, replaced on each save), with their pending files. Values are kept as typed and
    checked only when the visit is logged."""
    _check_visit(actor, enterprise)
    draft, _created = VisitDraft.objects.select_for_update().get_or_create(
        author=actor, enterprise=enterprise
    )
    draft.data = _draft_data(data)
    draft.full_clean()
    draft.save()
    mine = [a.pk for a in attachments if a.uploaded_by_id == actor.pk and a.visit_id is None]
    VisitAttachment.objects.filter(pk__in=mine).update(draft=draft)
    return draft


@transaction.atomic
def visit_draft_discard(*, actor, draft: VisitDraft) -> None:
    """Delete ``actor``'s draft and its pending files."""
    if draft.author_id != actor.pk:
        raise PermissionDenied(_("只能删除自己的草稿。"))
    for attachment in VisitAttachment.objects.filter(draft=draft, visit__isnull=True):
        attachment.file.delete(save=False)
        attachment.delete()
    draft.delete()


def pending_attachments_purge(*, now: datetime.datetime | None = None) -> int:
    """Remove pending files older than ``VisitAttachment.PENDING_DAYS`` that no draft holds
    (an abandoned form); returns how many. Idempotent."""
    now = now or timezone.now()
    stale = VisitAttachment.objects.filter(
        visit__isnull=True,
        draft__isnull=True,
        created_at__lt=now - datetime.timedelta(days=VisitAttachment.PENDING_DAYS),
    )
    removed = 0
    for attachment in stale.iterator():
        attachment.file.delete(save=False)
        attachment.delete()
        removed += 1
    return removed


@transaction.atomic
def visit_follow_up_done(*, actor, visit: Visit, on: datetime.date | None = None) -> Visit:
    """Mark a visit's follow-up as done (today by default). Idempotent once done."""
    _check_visit(actor, visit.enterprise)
    if visit.followed_up_on:
        return visit
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"followed_up_on": _("跟进日期不能晚于今天。")})
    if on < visit.visited_on:
        raise ValidationError({"followed_up_on": _("跟进日期不能早于走访日期。")})
    visit.followed_up_on = on
    visit.full_clean()
    visit.save(update_fields=["followed_up_on"])
    return visit
