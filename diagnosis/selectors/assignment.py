"""Reads for the commissioner's caseload and assignment history."""

import datetime
import hashlib

from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Role, User
from accounts.scope import COMMISSIONERS_OVERSEEN, restrict
from diagnosis.models import Assignment, Enterprise, Visit
from regions.codes import normalise_credit_code, normalise_text


def caseload_commissioner_get(*, actor, pk: int) -> User:
    """The commissioner whose caseload ``actor`` may open: themself, or (officers) one filed in their
    region. 404 otherwise, exactly like a user that does not exist."""
    qs = restrict(
        User.objects.filter(role=Role.COMMISSIONER).select_related("region"), COMMISSIONERS_OVERSEEN, actor
    )
    try:
        return qs.get(pk=pk)
    except User.DoesNotExist as exc:
        raise Http404 from exc


#: The caseload's sort orders: URL value → (label is in the view) ORDER BY. Unknown values fall back
#: to ``CASELOAD_DEFAULT_SORT``.
CASELOAD_SORTS = {
    # earliest open follow-up first (overdue ones come first by date), enterprises without one last
    "follow_up": (F("next_follow_up").asc(nulls_last=True), "name", "id"),
    # the longest without a visit first, never visited at the top
    "last_visit": (F("last_visit").asc(nulls_first=True), "name", "id"),
    "name": ("name", "id"),
}
CASELOAD_DEFAULT_SORT = "follow_up"
#: How many overdue visits the caseload lists above the enterprises (the rest: sort by follow-up).
OVERDUE_SHOWN = 3


def caseload_summary(
    *,
    actor,
    commissioner: User,
    today: datetime.date | None = None,
    query: str = "",
    sort: str = CASELOAD_DEFAULT_SORT,
) -> dict:
    """The caseload of ``commissioner`` as ``actor`` may see it, in a constant number of queries.

    ``{"assigned", "visits_this_month", "overdue", "enterprises", "overdue_visits", "month_start",
    "today", "sort", "query"}``. ``enterprises`` is a lazy queryset (paginate it) narrowed by
    ``query`` (name or credit code, as the enterprise list's search) and ordered by ``sort`` (a key of
    ``CASELOAD_SORTS``); each row carries ``last_visit``, ``open_follow_ups``, ``overdue_follow_ups``
    and ``next_follow_up`` (the earliest open follow-up date). ``assigned`` counts the whole
    caseload, whatever the search; ``overdue_visits`` holds the first ``OVERDUE_SHOWN`` overdue
    visits, most overdue first.
    """
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    sort = sort if sort in CASELOAD_SORTS else CASELOAD_DEFAULT_SORT
    open_follow_up = Q(visits__follow_up_due__isnull=False, visits__followed_up_on__isnull=True)
    caseload = Enterprise.objects.visible_to(actor).filter(commissioner=commissioner)
    enterprises = caseload
    if query:
        text = normalise_text(query)
        enterprises = enterprises.filter(
            Q(name__icontains=text) | Q(credit_code__contains=normalise_credit_code(text))
        )
    enterprises = (
        enterprises.select_related("county", "county__parent")
        .annotate(
            last_visit=Max("visits__visited_on"),
            open_follow_ups=Count("visits", filter=open_follow_up),
            overdue_follow_ups=Count("visits", filter=open_follow_up & Q(visits__follow_up_due__lt=today)),
            next_follow_up=Min("visits__follow_up_due", filter=open_follow_up),
        )
        .order_by(*CASELOAD_SORTS[sort])
    )
    visits = Visit.objects.visible_to(actor).filter(commissioner=commissioner)
    overdue = visits.filter(follow_up_due__lt=today, followed_up_on__isnull=True)
    figures = visits.aggregate(
        visits_this_month=Count("pk", filter=Q(visited_on__gte=month_start, visited_on__lte=today)),
        overdue=Count("pk", filter=Q(follow_up_due__lt=today, followed_up_on__isnull=True)),
    )
    return {
        "assigned": caseload.count(),
        "visits_this_month": figures["visits_this_month"],
        "overdue": figures["overdue"],
        "enterprises": enterprises,
        "overdue_visits": list(
            overdue.select_related("enterprise").order_by("follow_up_due", "id")[:OVERDUE_SHOWN]
        ),
        "month_start": month_start,
        "today": today,
        "sort": sort,
        "query": query,
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


def assignment_preview(*, actor, enterprises: QuerySet[Enterprise], commissioner: User) -> dict:
    """What assigning ``enterprises`` (as far as ``actor`` sees them) to ``commissioner`` would do.

    ``{"total", "change", "unassigned", "from_others", "unchanged", "fingerprint"}``: how many
    enterprises the set holds, how many would change hands (``unassigned`` ones without a
    commissioner plus ``from_others`` taken from another commissioner), how many already belong to
    ``commissioner``; and a fingerprint of the set (ids and current commissioners) that changes
    whenever the set or any of its assignments does. One query (ids only, no model instances).
    """
    rows = list(
        Enterprise.objects.visible_to(actor)
        .filter(pk__in=enterprises.values("pk"))
        .order_by("pk")
        .values_list("pk", "commissioner_id")
    )
    unchanged = sum(1 for _, current in rows if current == commissioner.pk)
    unassigned = sum(1 for _, current in rows if current is None)
    digest = hashlib.sha256(",".join(f"{pk}:{current or ''}" for pk, current in rows).encode()).hexdigest()
    return {
        "total": len(rows),
        "change": len(rows) - unchanged,
        "unassigned": unassigned,
        "from_others": len(rows) - unchanged - unassigned,
        "unchanged": unchanged,
        "fingerprint": digest[:32],
    }
