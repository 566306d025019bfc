"""Reads for the commissioner's caseload and assignment history."""

import datetime

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Role, User
from accounts.scope import Reach, is_officer, scope_for
from diagnosis.models import Assignment, Enterprise, Visit


def caseload_commissioner_get(*, actor, pk: int) -> User:
    """The commissioner whose caseload ``actor`` may open: themself, or (officers) one filed in their
    region. 404 otherwise, exactly like a user that does not exist."""
    scope = scope_for(actor)
    qs = User.objects.filter(role=Role.COMMISSIONER).select_related("region")
    if scope.reach == Reach.ALL and is_officer(actor):
        pass
    elif scope.reach == Reach.REGION and is_officer(actor):
        qs = qs.filter(region__path__startswith=scope.region_path)
    elif scope.reach == Reach.ASSIGNED:
        qs = qs.filter(pk=actor.pk)
    else:
        qs = qs.none()
    try:
        return qs.get(pk=pk)
    except User.DoesNotExist as exc:
        raise Http404 from exc


def caseload_summary(*, actor, commissioner: User, today: datetime.date | None = None) -> dict:
    """The caseload of ``commissioner`` as ``actor`` may see it, in a constant number of queries.

    ``{"assigned": n, "visits_this_month": n, "overdue": n, "enterprises": [...], "overdue_visits": [...]}``;
    each enterprise carries ``last_visit`` and ``open_follow_ups`` annotations.
    """
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    enterprises = (
        Enterprise.objects.visible_to(actor)
        .filter(commissioner=commissioner)
        .select_related("county", "county__parent")
        .annotate(
            last_visit=Max("visits__visited_on"),
            open_follow_ups=Count(
                "visits", filter=Q(visits__follow_up_due__isnull=False, visits__followed_up_on__isnull=True)
            ),
        )
        .order_by("county__sort_order", "name", "id")
    )
    visits = Visit.objects.visible_to(actor).filter(commissioner=commissioner)
    overdue = visits.filter(follow_up_due__lt=today, followed_up_on__isnull=True)
    figures = visits.aggregate(
        visits_this_month=Count("pk", filter=Q(visited_on__gte=month_start, visited_on__lte=today)),
        overdue=Count("pk", filter=Q(follow_up_due__lt=today, followed_up_on__isnull=True)),
    )
    enterprise_rows = list(enterprises)
    return {
        "assigned": len(enterprise_rows),
        "visits_this_month": figures["visits_this_month"],
        "overdue": figures["overdue"],
        "enterprises": enterprise_rows,
        "overdue_visits": list(overdue.select_related("enterprise").order_by("follow_up_due", "id")[:100]),
        "month_start": month_start,
        "today": today,
    }


def assignment_history(*, actor, enterprise: Enterprise) -> QuerySet[Assignment]:
    """The assignment rows of an enterprise the actor can see (404 otherwise), newest first."""
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise Http404
    return enterprise.assignments.select_related("commissioner", "assigned_by")


def caseload_counts(*, actor, commissioner: User) -> dict:
    """``{"assigned", "never_visited"}`` over ``commissioner``'s enterprises as ``actor`` sees them (one query)."""
    return (
        Enterprise.objects.visible_to(actor)
        .filter(commissioner=commissioner)
        .aggregate(
            assigned=Count("pk", distinct=True),
            never_visited=Count("pk", filter=Q(visits__isnull=True), distinct=True),
        )
    )
