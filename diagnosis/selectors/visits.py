"""Reads of visits, scoped through the enterprise."""

import datetime

from django.db.models import Count, Q, QuerySet
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
