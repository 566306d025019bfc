"""A commissioner's visits: logging them and marking follow-ups done."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from diagnosis.models import Enterprise, NeedTag, Visit
from diagnosis.permissions import can_log_visit

#: The need tags a fresh database starts with (migration 0013); the province edits them in the admin.
DEFAULT_NEED_TAGS = [
    ("cloud", "上云用云"),
    ("equipment_networking", "设备联网"),
    ("mes", "生产管控（MES）"),
    ("erp", "经营管理（ERP）"),
    ("quality", "质量追溯"),
    ("warehouse", "仓储物流"),
    ("energy", "能耗管理"),
    ("design", "研发设计"),
    ("security", "网络与数据安全"),
    ("financing", "融资支持"),
    ("talent", "人才培训"),
    ("policy", "政策咨询"),
    ("diagnosis", "诊断服务"),
]


def need_tags_load(model=NeedTag) -> int:
    """Create the default need tags that are missing (by code); returns how many were created.
    ``model`` lets a migration pass its historical class."""
    created = 0
    for position, (code, name) in enumerate(DEFAULT_NEED_TAGS):
        created += model.objects.get_or_create(code=code, defaults={"name": name, "position": position})[1]
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
) -> Visit:
    """Record a visit. A commissioner records their own; an officer records on behalf of the
    enterprise's commissioner (or in their own name if none is assigned). ``visited_on`` may not
    be in the future, and a follow-up date may not come before the visit."""
    _check_visit(actor, enterprise)
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
    return visit


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
