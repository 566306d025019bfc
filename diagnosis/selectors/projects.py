"""Reads of transformation projects: the list and one project a user sees, and the money and
counts summed per region for outcomes and the statistics engine.

Every read takes the acting user and goes through ``visible_to``; out of scope is 404. Sums are
computed in the database as exact decimals (``Sum`` over ``DecimalField``); a sum over no rows is
``Decimal("0")``, never ``None``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404

from diagnosis.models import ProjectEvent, ProjectMilestone, TransformationProject

Status = TransformationProject.Status
MONEY_FIELDS = (
    "planned_investment",
    "planned_subsidy",
    "planned_discount",
    "planned_own",
    "actual_investment",
    "actual_subsidy",
    "actual_discount",
    "actual_own",
)


def project_list(*, actor, status: str | None = None) -> QuerySet[TransformationProject]:
    """Projects visible to ``actor`` (newest first), optionally in one state, with what a list prints."""
    qs = (
        TransformationProject.objects.visible_to(actor)
        .select_related("enterprise__county__parent", "provider__organisation")
        .prefetch_related("types", "milestones")
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def project_get(*, actor, pk: int) -> TransformationProject:
    """One project with its milestones and history, or 404 when missing or out of scope."""
    try:
        return (
            TransformationProject.objects.visible_to(actor)
            .select_related("enterprise__county__parent", "provider__organisation", "diagnosis")
            .prefetch_related(
                "types",
                "solutions",
                "recommendations",
                "partners__organisation",
                Prefetch(
                    "milestones", queryset=ProjectMilestone.objects.order_by("position", "due_on", "id")
                ),
                Prefetch(
                    "events", queryset=ProjectEvent.objects.select_related("actor").order_by("at", "id")
                ),
            )
            .get(pk=pk)
        )
    except TransformationProject.DoesNotExist as exc:
        raise Http404 from exc


def overdue_projects(*, actor, today: datetime.date | None = None) -> QuerySet[TransformationProject]:
    """Running or planned projects with a milestone past its due date and not done."""
    from django.utils import timezone

    today = today or timezone.localdate()
    return (
        project_list(actor=actor)
        .filter(
            status__in=(Status.PLANNED, Status.IN_PROGRESS),
            milestones__done_on__isnull=True,
            milestones__due_on__lt=today,
        )
        .distinct()
    )


def project_figures(*, actor, group_by: str = "enterprise__county") -> list[dict]:
    """Per group (a path such as ``enterprise__county`` or ``enterprise__county__parent`` or
    ``enterprise__industry_code``): projects per state, enterprises with a project under way or
    done, and the money planned and actual, each share summed exactly. Only rows ``actor`` sees."""
    counts = {f"n_{state}": Count("id", filter=Q(status=state)) for state in Status.values}
    sums = {name: Sum(name) for name in MONEY_FIELDS}
    rows = (
        TransformationProject.objects.visible_to(actor)
        .order_by()
        .values(group_by)
        .annotate(
            projects=Count("id"),
            enterprises_transforming=Count(
                "enterprise",
                distinct=True,
                filter=Q(status__in=(Status.IN_PROGRESS, Status.COMPLETED, Status.ACCEPTED)),
            ),
            **counts,
            **sums,
        )
        .order_by(group_by)
    )
    result = []
    for row in rows:
        row = dict(row)
        row["group"] = row.pop(group_by)
        for name in MONEY_FIELDS:
            row[name] = row[name] if row[name] is not None else Decimal("0")
        result.append(row)
    return result
