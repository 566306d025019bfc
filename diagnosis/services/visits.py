"""A commissioner's visits: logging them and marking follow-ups done."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from diagnosis.models import Enterprise, Visit
from diagnosis.permissions import can_log_visit


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
    )
    visit.full_clean()
    visit.save()
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
