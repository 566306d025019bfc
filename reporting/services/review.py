"""Review and locking of regional figures: county submits → city approves → province publishes.

Contract (each step one transaction, one ``StatsReviewEvent``; a refused step writes nothing):
- ``review_submit``: the county's officers (or the city's, for a city's own figures), from
  draft. ``review_return`` (with a reason) and ``review_approve``: officers of the parent city
  (or the province, for a city), from submitted. ``review_publish``: province officers, from
  approved. ``review_reopen`` (with a reason): province officers, from published, back to draft.
- A wrong step is a ``ValidationError`` naming the current state; a step by someone else is
  ``PermissionDenied`` with the reason.
- ``locked_regions(period)`` are the regions whose figures for ``period`` may not change (submitted,
  approved or published): entry, package loading and the derived figures leave them alone, and
  ``check_unlocked`` refuses a write with a clear message.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import is_province
from regions.models import Region
from reporting.models import StatsReview, StatsReviewEvent
from reporting.permissions import can_report_figures, can_review_figures
from reporting.stats.periods import parse_period

Status = StatsReview.Status
Action = StatsReviewEvent.Action


def _review(region: Region, period: str) -> StatsReview:
    period = parse_period(period)[0]
    review, _created = StatsReview.objects.select_for_update().get_or_create(region=region, period=period)
    return review


def _step(review: StatsReview, actor, action: str, to: str, reason: str = "") -> StatsReview:
    review.status = to
    review.save(update_fields=["status", "updated_at"])
    StatsReviewEvent.objects.create(review=review, action=action, actor=actor, reason=reason)
    return review


def _wrong(review: StatsReview, step: str) -> ValidationError:
    return ValidationError(
        _("%(region)s %(period)s 的数据当前为“%(status)s”，不能%(step)s。")
        % {
            "region": review.region.name,
            "period": review.period,
            "status": review.get_status_display(),
            "step": step,
        },
        code="state",
    )


def _reason(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": message}, code="required")
    return reason


@transaction.atomic
def review_submit(*, actor, region: Region, period: str) -> StatsReview:
    if region.level == Region.Level.PROVINCE or not can_report_figures(actor, region):
        raise PermissionDenied(_("本地区的数据由本地区工信部门上报。"))
    review = _review(region, period)
    if review.status != Status.DRAFT:
        raise _wrong(review, _("上报"))
    return _step(review, actor, Action.SUBMIT, Status.SUBMITTED)


@transaction.atomic
def review_approve(*, actor, region: Region, period: str) -> StatsReview:
    if not can_review_figures(actor, region):
        raise PermissionDenied(_("上报的数据由上一级工信部门审核。"))
    review = _review(region, period)
    if review.status != Status.SUBMITTED:
        raise _wrong(review, _("审核"))
    return _step(review, actor, Action.APPROVE, Status.APPROVED)


@transaction.atomic
def review_return(*, actor, region: Region, period: str, reason: str) -> StatsReview:
    if not can_review_figures(actor, region):
        raise PermissionDenied(_("上报的数据由上一级工信部门审核。"))
    reason = _reason(reason, _("请说明退回的原因。"))
    review = _review(region, period)
    if review.status != Status.SUBMITTED:
        raise _wrong(review, _("退回"))
    return _step(review, actor, Action.RETURN, Status.DRAFT, reason)


@transaction.atomic
def review_publish(*, actor, region: Region, period: str) -> StatsReview:
    if not is_province(actor):
        raise PermissionDenied(_("数据由省工信厅发布。"))
    review = _review(region, period)
    if review.status != Status.APPROVED:
        raise _wrong(review, _("发布"))
    return _step(review, actor, Action.PUBLISH, Status.PUBLISHED)


@transaction.atomic
def review_reopen(*, actor, region: Region, period: str, reason: str) -> StatsReview:
    if not is_province(actor):
        raise PermissionDenied(_("已发布的数据只能由省工信厅重新打开。"))
    reason = _reason(reason, _("请说明重新打开的原因。"))
    review = _review(region, period)
    if review.status != Status.PUBLISHED:
        raise _wrong(review, _("重新打开"))
    return _step(review, actor, Action.REOPEN, Status.DRAFT, reason)


def locked_regions(period: str) -> set[int]:
    """Region ids whose figures for ``period`` may not change (see the module)."""
    return set(
        StatsReview.objects.filter(period=parse_period(period)[0], status__in=StatsReview.LOCKED).values_list(
            "region_id", flat=True
        )
    )


def check_unlocked(region: Region, period: str) -> None:
    """``ValidationError`` when ``region``'s figures for ``period`` are locked."""
    review = StatsReview.objects.filter(region=region, period=parse_period(period)[0]).first()
    if review is not None and review.status in StatsReview.LOCKED:
        raise ValidationError(
            _("%(region)s %(period)s 的数据%(status)s，已锁定，不能修改。")
            % {"region": region.name, "period": review.period, "status": review.get_status_display()},
            code="locked",
        )
