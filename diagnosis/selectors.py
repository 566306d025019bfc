"""Reads of the casework, always through the acting user's scope."""

import datetime

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Organisation, Role, User
from accounts.scope import Reach, is_officer, scope_for
from providers.models import Clinic, Provider

from .models import Assignment, Engagement, Enterprise, EnterpriseChange, ImportJob, Visit


def enterprise_list(*, actor, filters: dict | None = None) -> QuerySet[Enterprise]:
    """Enterprises visible to ``actor``, filtered by ``EnterpriseFilter`` over ``filters``."""
    from .filters import EnterpriseFilter

    qs = Enterprise.objects.visible_to(actor).select_related("county", "county__parent", "commissioner")
    if filters is None:
        return qs
    return EnterpriseFilter(filters, queryset=qs, actor=actor).qs


def enterprise_get(*, actor, pk: int) -> Enterprise:
    """One enterprise by id, or 404 when it does not exist or is out of the actor's scope."""
    try:
        return (
            Enterprise.objects.visible_to(actor)
            .select_related("county", "county__parent", "commissioner")
            .get(pk=pk)
        )
    except Enterprise.DoesNotExist as exc:
        raise Http404 from exc


def enterprise_history(*, actor, enterprise: Enterprise) -> QuerySet[EnterpriseChange]:
    enterprise_get(actor=actor, pk=enterprise.pk)
    return enterprise.changes.select_related("actor")


def enterprise_engagements(*, actor, enterprise: Enterprise) -> list[Engagement]:
    """The active engagements (clinics, providers) of an enterprise the actor can see."""
    enterprise_get(actor=actor, pk=enterprise.pk)
    return list(enterprise.engagements.filter(active=True).select_related("organisation"))


def commissioner_choices(*, actor) -> QuerySet[User]:
    """Commissioners the actor may filter by or assign: those filed in regions the actor can see."""
    scope = scope_for(actor)
    qs = User.objects.filter(role=Role.COMMISSIONER, is_active=True).select_related("region")
    if scope.reach == Reach.ALL:
        return qs
    if scope.reach in (Reach.REGION, Reach.ASSIGNED):
        if scope.reach == Reach.ASSIGNED:
            return qs.filter(pk=actor.pk)
        return qs.filter(region__path__startswith=scope.region_path)
    return qs.none()


def import_job_get(*, actor, pk: int) -> ImportJob:
    try:
        return ImportJob.objects.visible_to(actor).get(pk=pk)
    except ImportJob.DoesNotExist as exc:
        raise Http404 from exc


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


def visit_list(*, actor, enterprise: Enterprise | None = None) -> QuerySet[Visit]:
    """Visits of the enterprises ``actor`` may see (optionally one enterprise's), newest first."""
    qs = Visit.objects.visible_to(actor).select_related("enterprise", "commissioner")
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return qs


def visit_get(*, actor, enterprise: Enterprise, pk: int) -> Visit:
    try:
        return visit_list(actor=actor, enterprise=enterprise).get(pk=pk)
    except Visit.DoesNotExist as exc:
        raise Http404 from exc


def engagement_choices(*, actor, purpose: str) -> QuerySet[Organisation]:
    """Organisations that can take a new engagement: open clinics/centres (diagnosis) or admitted
    providers (project). Open to anyone who may engage; the service re-checks."""
    if purpose == Engagement.Purpose.DIAGNOSIS:
        ids = Clinic.objects.open().values("organisation_id")
    else:
        ids = Provider.objects.admitted().values("organisation_id")
    return Organisation.objects.filter(pk__in=ids).select_related("region").order_by("name")


def engagement_get(*, actor, enterprise: Enterprise, pk: int) -> Engagement:
    try:
        return enterprise.engagements.select_related("enterprise", "organisation").get(pk=pk)
    except Engagement.DoesNotExist as exc:
        raise Http404 from exc


def assignment_history(*, actor, enterprise: Enterprise) -> QuerySet[Assignment]:
    """The assignment rows of an enterprise the actor can see (404 otherwise), newest first."""
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise Http404
    return enterprise.assignments.select_related("commissioner", "assigned_by")
