"""Provider evaluation pages: league table (and CSV), recompute, a provider's explained score."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.text import join_list
from core.files import attachment_response
from core.periods import period_label
from core.tabular import CONTENT_TYPES, write_csv
from reporting.permissions import can_request_evaluation, can_see_league
from reporting.selectors import evaluation as selectors
from reporting.services.evaluation import (
    evaluation_request,
    last_complete_period,
    period_bounds,
)


def _valid_period(value: str | None) -> str | None:
    if not value:
        return None
    try:
        period_bounds(value)
    except ValidationError:
        return None
    return value


def _league_context(request) -> dict:
    user = request.user
    if not can_see_league(user):
        raise Http404
    periods = selectors.evaluation_periods(actor=user)
    default = periods[0] if periods else last_complete_period()
    period = _valid_period(request.GET.get("period")) or default
    categories = list(selectors.league_categories())
    category = request.GET.get("category", "")
    if category not in {c.code for c in categories}:
        category = ""
    evaluations = list(selectors.evaluation_league(actor=user, period=period, category=category))
    rows = []
    position = 0
    for evaluation in evaluations:
        if evaluation.score is not None:
            position += 1
        rank = (evaluation.rank_in_category or {}).get(category) if category else position
        rows.append(
            {
                "evaluation": evaluation,
                "provider": evaluation.provider,
                "rank": rank if evaluation.score is not None else None,
                "categories": [c.name for c in evaluation.provider.categories.all()],
                "score": selectors.fmt(evaluation.score),
                "summary": selectors.parts_summary(evaluation),
            }
        )
    return {
        "period": period,
        "periods": sorted({*periods, last_complete_period(), period}, reverse=True),  # the one shown too
        "categories": categories,
        "category": category,
        "rows": rows,
        "run": selectors.evaluation_run_get(actor=user, period=period),
        "can_recompute": can_request_evaluation(user),
    }


@login_required
def provider_league(request):
    """The league table of one month, optionally one category (province officers and admins only)."""
    return render(request, "reporting/evaluation_league.html", _league_context(request))


@login_required
def provider_league_csv(request):
    """The same table as CSV (``core.tabular.write_csv``: UTF-8 with BOM, formula-safe cells)."""
    context = _league_context(request)
    headers = [
        _("统计期"),
        _("排名"),
        _("服务商"),
        _("统一社会信用代码"),
        _("服务类别"),
        _("得分"),
        _("等级"),
        _("分项得分"),
        _("待暂停审查"),
    ]
    rows = [
        [
            context["period"],
            row["rank"] or "",
            row["provider"].name,
            row["provider"].credit_code,
            join_list(row["categories"]),
            Decimal(row["score"]) if row["evaluation"].score is not None else _("无数据"),
            row["evaluation"].grade,
            row["summary"],
            _("是") if row["provider"].flagged_for_review else "",
        ]
        for row in context["rows"]
    ]
    category = f"-{context['category']}" if context["category"] else ""
    return attachment_response(
        write_csv(rows, headers),
        f"provider-evaluation-{context['period']}{category}.csv",
        CONTENT_TYPES["csv"],
    )


@login_required
@require_POST
def evaluation_recompute(request):
    """The "重新计算" button: reset the month's run and enqueue it (province officers and admins only)."""
    if not can_see_league(request.user):
        raise Http404
    period = _valid_period(request.POST.get("period")) or last_complete_period()
    try:
        evaluation_request(actor=request.user, period=period)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("已提交 %(period)s 的重新计算，完成后刷新本页即可看到结果。")
            % {"period": period_label(period)},
        )
    return redirect(f"{reverse('reporting:provider_league')}?{urlencode({'period': period})}")


def _detail(request, provider):
    if provider is None:
        raise Http404
    history = selectors.evaluation_history(actor=request.user, provider=provider)
    categories = {c.code: c.name for c in provider.categories.all()}
    wanted = request.GET.get("period")
    current = next((e for e in history if e.period == wanted), history[0] if history else None)
    months = [
        {
            "evaluation": e,
            "score": selectors.fmt(e.score),
            "ranks": [
                (categories.get(code, code), rank) for code, rank in (e.rank_in_category or {}).items()
            ],
        }
        for e in history
    ]
    return render(
        request,
        "reporting/evaluation_detail.html",
        {
            "provider": provider,
            "months": months,
            "current": current,
            "current_score": selectors.fmt(current.score) if current else "",
            "current_ranks": [
                (categories.get(code, code), rank) for code, rank in (current.rank_in_category or {}).items()
            ]
            if current
            else [],
            "lines": selectors.explain_parts(current) if current else [],
            "is_own": request.user.role == "provider_staff",
            "today": timezone.localdate(),
        },
    )


@login_required
def my_evaluation(request):
    """The signed-in provider staff's own provider: its last 12 months and each part explained."""
    return _detail(request, selectors.evaluated_provider_get(actor=request.user))


@login_required
def provider_evaluation(request, provider_id: int):
    """One provider's evaluation (the province: any provider; provider staff: their own)."""
    return _detail(request, selectors.evaluated_provider_get(actor=request.user, provider_id=provider_id))
