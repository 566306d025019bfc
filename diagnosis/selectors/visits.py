"""Reads of visits, scoped through the enterprise."""

import datetime

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from diagnosis.models import Enterprise, Visit


def visit_list(*, actor, enterprise: Enterprise | None = None) -> QuerySet[Visit]:
    """Visits of the enterprises ``actor`` may see (optionally one enterprise's), newest first."""
    qs = (
        Visit.objects.visible_to(actor)
        .select_related("enterprise", "commissioner")
        .prefetch_related("need_tags")
    )
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return qs


def visit_get(*, actor, enterprise: Enterprise, pk: int) -> Visit:
    try:
        return visit_list(actor=actor, enterprise=enterprise).get(pk=pk)
    except Visit.DoesNotExist as exc:
        raise Http404 from exc


#: A follow-up due within this many days counts as "due soon" on the home page and in the caseload.
DUE_SOON_DAYS = 7


def follow_up_figures(*, actor, commissioner=None, today: datetime.date | None = None) -> dict:
    """Visit and follow-up counts over the visits ``actor`` may see (one query).

    ``{"this_month", "overdue", "due_soon", "open"}``: visits this calendar month, open follow-ups
    past their date, open ones due within ``DUE_SOON_DAYS`` days (today included), all open ones.
    ``commissioner`` limits it to the visits logged by that commissioner.
    """
    today = today or timezone.localdate()
    qs = Visit.objects.visible_to(actor)
    if commissioner is not None:
        qs = qs.filter(commissioner=commissioner)
    open_ = Q(follow_up_due__isnull=False, followed_up_on__isnull=True)
    return qs.aggregate(
        this_month=Count("pk", filter=Q(visited_on__gte=today.replace(day=1), visited_on__lte=today)),
        overdue=Count("pk", filter=open_ & Q(follow_up_due__lt=today)),
        due_soon=Count(
            "pk",
            filter=open_
            & Q(follow_up_due__gte=today, follow_up_due__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)),
        ),
        open=Count("pk", filter=open_),
    )


def revisit_days_by_county() -> dict[int, int]:
    """``{county id: days}``: each county's visit interval, from the nearest region with a
    ``RevisitInterval`` (county, city, province), else ``settings.REVISIT_DAYS`` (two queries)."""
    from django.conf import settings

    from diagnosis.models import RevisitInterval
    from regions.models import Region

    by_region = dict(RevisitInterval.objects.values_list("region_id", "days"))
    default = int(getattr(settings, "REVISIT_DAYS", 90))
    regions = {r.pk: r for r in Region.objects.only("pk", "parent_id", "level")}
    out = {}
    for region in regions.values():
        if region.level != "county":
            continue
        node, days = region, None
        while node is not None and days is None:
            days = by_region.get(node.pk)
            node = regions.get(node.parent_id)
        out[region.pk] = days or default
    return out


def revisit_due(
    *, actor, commissioner, today: datetime.date | None = None, limit: int = 10, intervals: dict | None = None
) -> dict:
    """The commissioner's enterprises (as ``actor`` sees them) not visited within their county's
    interval, never-visited ones first, then the longest unvisited: ``{"count", "rows"}`` where
    each row has the enterprise, ``last_visit`` (a date or None) and ``days`` (the interval).
    A fixed number of queries; ``intervals`` (``revisit_days_by_county()``) saves two of them when
    the caller asks for many commissioners."""
    from django.db.models import Max

    today = today or timezone.localdate()
    intervals = intervals if intervals is not None else revisit_days_by_county()
    qs = (
        Enterprise.objects.visible_to(actor)
        .filter(commissioner=commissioner)
        .annotate(last_visit=Max("visits__visited_on"))
    )
    stale = Q(last_visit__isnull=True)
    for days in sorted(set(intervals.values())):
        counties = [pk for pk, d in intervals.items() if d == days]
        stale |= Q(county_id__in=counties, last_visit__lt=today - datetime.timedelta(days=days))
    due = qs.filter(stale)
    count = due.count()
    rows = [
        {"enterprise": e, "last_visit": e.last_visit, "days": intervals.get(e.county_id)}
        for e in due.select_related("county").order_by(F("last_visit").asc(nulls_first=True), "name")[:limit]
    ]
    return {"count": count, "rows": rows}


def overdue_follow_ups(*, actor, today: datetime.date | None = None) -> QuerySet[Visit]:
    """Open follow-ups past their date among the visits ``actor`` may see, the longest overdue first."""
    today = today or timezone.localdate()
    return (
        visit_list(actor=actor)
        .filter(follow_up_due__lt=today, followed_up_on__isnull=True)
        .select_related("enterprise__county__parent", "commissioner")
        .order_by("follow_up_due", "enterprise__name", "pk")
    )


def follow_ups_due(*, actor, commissioner, today: datetime.date | None = None) -> QuerySet[Visit]:
    """The commissioner's open follow-ups due today or earlier (as ``actor`` sees them), the
    longest overdue first."""
    today = today or timezone.localdate()
    return (
        visit_list(actor=actor)
        .filter(commissioner=commissioner, follow_up_due__lte=today, followed_up_on__isnull=True)
        .order_by("follow_up_due", "enterprise__name", "pk")
    )


def visit_draft_get(*, actor, enterprise: Enterprise):
    """``actor``'s draft visit of ``enterprise``, or None."""
    from diagnosis.models import VisitDraft

    return VisitDraft.objects.visible_to(actor).filter(enterprise=enterprise, author=actor).first()


def visit_drafts(*, actor):
    """``actor``'s draft visits, the most recently saved first."""
    from diagnosis.models import VisitDraft

    return VisitDraft.objects.visible_to(actor).filter(author=actor).select_related("enterprise")


def pending_attachments(*, actor, ids) -> list:
    """``actor``'s own pending files among ``ids`` (anything else, malformed ids included, is
    ignored), in upload order."""
    from diagnosis.models import VisitAttachment

    wanted = []
    for value in ids or ():
        try:
            wanted.append(int(value))
        except (TypeError, ValueError):
            continue
    wanted = [pk for pk in wanted if 0 < pk < 2**63][:100]
    if not wanted:
        return []
    return list(
        VisitAttachment.objects.visible_to(actor).filter(pk__in=wanted, uploaded_by=actor, visit__isnull=True)
    )


def attachment_get(*, actor, enterprise: Enterprise, pk: int):
    """One attachment ``actor`` may see: of a visit of ``enterprise``, or the actor's own pending
    file; anything else is a 404."""
    from django.db.models import Q

    from diagnosis.models import VisitAttachment

    try:
        return (
            VisitAttachment.objects.visible_to(actor)
            .filter(Q(visit__enterprise=enterprise) | Q(visit__isnull=True, uploaded_by=actor))
            .get(pk=pk)
        )
    except VisitAttachment.DoesNotExist as exc:
        raise Http404 from exc
