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
#: Sums are given at the money columns' scale (SQLite's SUM over decimals carries float noise digits).
MONEY_SCALE = Decimal("0.0001")


def _sum(value) -> Decimal:
    """A database sum as an exact decimal at the money scale; ``0`` for a sum over no rows."""
    return Decimal("0") if value is None else Decimal(value).quantize(MONEY_SCALE)


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


def provider_of(user):
    """The provider a provider's staff member works for (``None`` for anyone else)."""
    if getattr(user, "role", None) != "provider_staff" or not user.organisation_id:
        return None
    from providers.models import Provider

    return Provider.objects.filter(organisation_id=user.organisation_id).first()


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
            row[name] = _sum(row[name])
        result.append(row)
    return result


def projects_awaiting_acceptance(*, actor) -> QuerySet[TransformationProject]:
    """Completed projects waiting for acceptance (验收), the longest waiting first."""
    return (
        project_list(actor=actor, status=Status.COMPLETED)
        .select_related("acceptance")
        .order_by("completed_on", "id")
    )


#: How an outcome table may be grouped: the county, the city (the county's parent), the industry
#: division (the first two digits of the industry code) or the project type.
OUTCOME_GROUPS = {
    "county": "enterprise__county",
    "city": "enterprise__county__parent",
    "industry": "industry_division",
}


def project_outcomes(*, actor, group: str = "city", projects: QuerySet | None = None) -> dict:
    """The outcome of the accepted projects ``actor`` sees (or of ``projects``), summed per group.

    Returns ``{"rows": [...], "total": {...}}``; each row has ``group`` (a region pk or an
    industry division), ``projects``, ``actual_investment``, ``actual_subsidy``, ``vouchers`` (the
    vouchers redeemed on them), ``before`` and ``after`` (``{level: count}``: the level
    distribution before and after the projects, where the acceptance assessment gave one) and
    ``raised`` (projects whose level went up). Exact decimals; a fixed number of queries."""
    from django.db.models.functions import Substr

    from diagnosis.models import ProjectAcceptance, VoucherEntry

    if group not in OUTCOME_GROUPS:
        raise ValueError(group)
    base = projects if projects is not None else project_list(actor=actor)
    accepted = base.filter(status=Status.ACCEPTED).annotate(
        industry_division=Substr("enterprise__industry_code", 1, 2)
    )
    path = OUTCOME_GROUPS[group]
    rows: dict = {}

    def row(key):
        return rows.setdefault(
            key,
            {"group": key, "projects": 0, "actual_investment": Decimal("0"), "actual_subsidy": Decimal("0"),
             "vouchers": Decimal("0"), "before": {}, "after": {}, "raised": 0},
        )  # fmt: skip

    for item in (
        accepted.order_by()
        .values(path)
        .annotate(n=Count("id"), investment=Sum("actual_investment"), subsidy=Sum("actual_subsidy"))
    ):
        target = row(item[path])
        target["projects"] = item["n"]
        target["actual_investment"] = _sum(item["investment"])
        target["actual_subsidy"] = _sum(item["subsidy"])
    voucher_path = f"project__{path}" if path != "industry_division" else "division"
    entries = VoucherEntry.objects.filter(kind=VoucherEntry.Kind.REDEEM, project__in=accepted.values("pk"))
    if path == "industry_division":
        entries = entries.annotate(division=Substr("project__enterprise__industry_code", 1, 2))
    for item in entries.order_by().values(voucher_path).annotate(total=Sum("amount")):
        row(item[voucher_path])["vouchers"] = _sum(item["total"])
    acceptance_path = f"project__{path}" if path != "industry_division" else "division"
    acceptances = ProjectAcceptance.objects.filter(project__in=accepted.values("pk"))
    if path == "industry_division":
        acceptances = acceptances.annotate(division=Substr("project__enterprise__industry_code", 1, 2))
    for item in (
        acceptances.order_by().values(acceptance_path, "before_level", "after_level").annotate(n=Count("id"))
    ):
        target = row(item[acceptance_path])
        for side in ("before", "after"):
            level = item[f"{side}_level"]
            if level is not None:
                target[side][level] = target[side].get(level, 0) + item["n"]
        if (
            item["before_level"] is not None
            and item["after_level"] is not None
            and item["after_level"] > item["before_level"]
        ):
            target["raised"] += item["n"]
    ordered = [rows[key] for key in sorted(rows, key=lambda k: (k is None, str(k)))]
    total = row("__total__")
    rows.pop("__total__")
    for item in ordered:
        for name in ("projects", "actual_investment", "actual_subsidy", "vouchers", "raised"):
            total[name] += item[name]
        for side in ("before", "after"):
            for level, n in item[side].items():
                total[side][level] = total[side].get(level, 0) + n
    total["group"] = None
    return {"rows": ordered, "total": total}


def project_period_figures(
    *, actor, start: datetime.date, end: datetime.date, group_by: str = "enterprise__county"
) -> list[dict]:
    """Figures of one period (``start`` ≤ day ≤ ``end``) per group, for the statistics engine:
    projects started, completed and accepted in the period, enterprises with a project under way
    or done at its end, the planned investment of projects created in it, the actual investment
    and subsidy of projects completed in it, vouchers issued and redeemed in it (万元). Exact
    decimals, zeros where nothing happened; only what ``actor`` sees."""
    from diagnosis.models import ServiceVoucher, VoucherEntry

    visible = TransformationProject.objects.visible_to(actor).order_by()
    in_period = {
        "started": Q(started_on__gte=start, started_on__lte=end),
        "completed": Q(completed_on__gte=start, completed_on__lte=end),
        "accepted": Q(accepted_at__date__gte=start, accepted_at__date__lte=end),
        "created": Q(created_at__date__gte=start, created_at__date__lte=end),
    }
    #: Under way or done by the period's end: started by then and not cancelled.
    transforming = Q(started_on__lte=end) & ~Q(status=Status.CANCELLED)
    rows: dict = {}
    zero = Decimal("0")
    for item in visible.values(group_by).annotate(
        started=Count("id", filter=in_period["started"]),
        completed=Count("id", filter=in_period["completed"]),
        accepted=Count("id", filter=in_period["accepted"]),
        enterprises_transforming=Count("enterprise", distinct=True, filter=transforming),
        planned_investment=Sum("planned_investment", filter=in_period["created"]),
        actual_investment=Sum("actual_investment", filter=in_period["completed"]),
        actual_subsidy=Sum("actual_subsidy", filter=in_period["completed"]),
    ):
        key = item.pop(group_by)
        rows[key] = {name: (value if isinstance(value, int) else _sum(value)) for name, value in item.items()}
        rows[key].update(group=key, vouchers_issued=zero, vouchers_redeemed=zero)
    vouchers = ServiceVoucher.objects.visible_to(actor).order_by()
    for item in (
        vouchers.filter(issued_at__date__gte=start, issued_at__date__lte=end)
        .values(group_by)
        .annotate(total=Sum("amount"))
    ):
        rows.setdefault(item[group_by], _empty_period_row(item[group_by]))["vouchers_issued"] = _sum(
            item["total"]
        )
    redeemed = VoucherEntry.objects.filter(
        kind=VoucherEntry.Kind.REDEEM, at__date__gte=start, at__date__lte=end,
        voucher__in=vouchers.values("pk"),
    )  # fmt: skip
    for item in redeemed.values(f"voucher__{group_by}").annotate(total=Sum("amount")):
        key = item[f"voucher__{group_by}"]
        rows.setdefault(key, _empty_period_row(key))["vouchers_redeemed"] = _sum(item["total"])
    return [rows[key] for key in sorted(rows, key=lambda k: (k is None, str(k)))]


def _empty_period_row(key) -> dict:
    zero = Decimal("0")
    return {
        "group": key, "started": 0, "completed": 0, "accepted": 0, "enterprises_transforming": 0,
        "planned_investment": zero, "actual_investment": zero, "actual_subsidy": zero,
        "vouchers_issued": zero, "vouchers_redeemed": zero,
    }  # fmt: skip
