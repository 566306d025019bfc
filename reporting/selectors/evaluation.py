"""Reads of provider evaluations: league, history, explanations (Decimal throughout)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.scope import EVERYTHING, OfOrganisation, ScopeRule, restrict
from accounts.text import join_clauses
from providers.models import Provider, ServiceCategory
from reporting.models import EvaluationRun, EvaluationWeights, ProviderEvaluation
from reporting.permissions import can_see_league

CENT = Decimal("0.01")


HISTORY_MONTHS = 12

#: Providers whose evaluations a user may read (the same reach as ``ProviderEvaluation.scope``):
#: all for the province, their own for provider staff.
EVALUATED_PROVIDERS = ScopeRule(
    all=EVERYTHING, organisation={Role.PROVIDER_STAFF: OfOrganisation("organisation")}
)


def fmt(value: Decimal | str | None, places: str = "0.01") -> str:
    """A Decimal (or its string) rounded half-up for display; "—" for none."""
    if value in (None, ""):
        return "—"
    return str(Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP))


def evaluation_periods(*, actor) -> list[str]:
    """Months that have evaluations the user may see, newest first."""
    return list(
        ProviderEvaluation.objects.visible_to(actor)
        .order_by("-period")
        .values_list("period", flat=True)
        .distinct()
    )


def evaluation_league(*, actor, period: str, category: str = "") -> QuerySet[ProviderEvaluation]:
    """The month's evaluations, best first (no score last), ties by provider name; empty unless
    ``can_see_league(actor)``. ``category`` (a ServiceCategory code) keeps that category's providers."""
    if not can_see_league(actor):
        return ProviderEvaluation.objects.none()
    qs = ProviderEvaluation.objects.visible_to(actor).filter(period=period)
    if category:
        qs = qs.filter(provider__categories__code=category)
    return (
        qs.select_related("provider__organisation", "weights")
        .prefetch_related("provider__categories")
        .order_by(F("score").desc(nulls_last=True), "provider__organisation__name", "provider_id")
    )


def league_categories() -> QuerySet[ServiceCategory]:
    return ServiceCategory.objects.filter(active=True)


def evaluation_run_get(*, actor, period: str) -> EvaluationRun | None:
    if not can_see_league(actor):
        return None
    return EvaluationRun.objects.filter(period=period).first()


def evaluable_providers(*, actor) -> QuerySet[Provider]:
    """Providers whose evaluations ``actor`` may read: all for the province, own for provider staff."""
    return restrict(Provider.objects.all(), EVALUATED_PROVIDERS, actor)


def evaluated_provider_get(*, actor, provider_id: int | None = None) -> Provider | None:
    """A provider ``actor`` may read evaluations of (their own when ``provider_id`` is None); None if not."""
    qs = evaluable_providers(actor=actor).select_related("organisation")
    if provider_id is None:
        if actor.role != Role.PROVIDER_STAFF:
            return None
        return qs.first()
    return qs.filter(pk=provider_id).first()


def evaluation_history(
    *, actor, provider: Provider, months: int = HISTORY_MONTHS
) -> list[ProviderEvaluation]:
    """The provider's last ``months`` evaluations, newest first (within the actor's scope)."""
    return list(
        ProviderEvaluation.objects.visible_to(actor)
        .filter(provider=provider)
        .select_related("weights")
        .order_by("-period")[:months]
    )


@dataclass(frozen=True)
class PartLine:
    code: str
    label: str
    has_data: bool
    sentence: str
    points: str


def _part_label(code: str) -> str:
    return {
        "ratings": _("企业评价"),
        "on_time": _("按期完工"),
        "returns": _("诊断审核"),
        "qualifications": _("资质有效"),
    }[code]


def explain_parts(evaluation: ProviderEvaluation) -> list[PartLine]:
    """Each part in words with its figures, e.g.
    "12 家企业评价，平均 4.30 分 → 86.00 分 × 权重 0.40 = 34.40"."""
    lines = []
    weights: EvaluationWeights = evaluation.weights
    for code in ("ratings", "on_time", "returns", "qualifications"):
        part = evaluation.parts.get(code)
        if not part:
            continue
        num, den = Decimal(part["numerator"]), Decimal(part["denominator"])
        n, d = int(num), int(den)
        if code == "ratings":
            facts = (
                _("%(n)d 家企业评价，平均 %(avg)s 分") % {"n": d, "avg": fmt(num / den)}
                if d
                else _("本月无企业评价")
            )
        elif code == "on_time":
            facts = (
                _("本月完工项目 %(d)d 个，其中按期完成 %(n)d 个") % {"d": d, "n": n}
                if d
                else _("本月无完工项目")
            )
        elif code == "returns":
            facts = (
                _("本月提交诊断 %(d)d 份，被审核退回 %(n)d 份") % {"d": d, "n": n}
                if d
                else _("本月未提交诊断")
            )
        else:
            if not d:
                facts = _("未登记资质")
            elif weights.qualification_mode == EvaluationWeights.QualificationMode.PENALTY:
                facts = _("资质 %(d)d 项，已过期 %(n)d 项（每项扣减 %(p)s）") % {
                    "d": d,
                    "n": n,
                    "p": fmt(weights.qualification_penalty),
                }
            else:
                facts = _("资质 %(d)d 项，已过期 %(n)d 项") % {"d": d, "n": n}
        if part["has_data"]:
            weight, effective = Decimal(part["weight"]), Decimal(part["effective_weight"])
            if effective == weight:
                weight_text = _("权重 %(w)s") % {"w": fmt(weight)}
            else:
                weight_text = _("权重 %(w)s（原 %(orig)s，含无数据分项按比例转入的权重）") % {
                    "w": fmt(effective, "0.0001"),
                    "orig": fmt(weight),
                }
            sentence = _("%(facts)s → %(value)s 分 × %(weight)s = %(points)s") % {
                "facts": facts,
                "value": fmt(Decimal(part["value"]) * 100),
                "weight": weight_text,
                "points": fmt(part["points"]),
            }
        else:
            sentence = _("%(facts)s：无数据，权重 %(w)s 按比例分配给其他分项") % {
                "facts": facts,
                "w": fmt(part["weight"]),
            }
        lines.append(PartLine(code, _part_label(code), part["has_data"], sentence, fmt(part["points"])))
    return lines


def parts_summary(evaluation: ProviderEvaluation) -> str:
    """One line for the league table and the CSV: "企业评价 34.40；按期完工 无数据；…"."""
    bits = []
    for code in ("ratings", "on_time", "returns", "qualifications"):
        part = evaluation.parts.get(code)
        if part:
            bits.append(f"{_part_label(code)} {fmt(part['points']) if part['has_data'] else _('无数据')}")
    return join_clauses(bits)


def rank_labels(evaluation: ProviderEvaluation) -> list[tuple[str, int]]:
    """[(category name, rank)] in the categories' order (uses the prefetched categories)."""
    ranks = evaluation.rank_in_category or {}
    return [(c.name, ranks[c.code]) for c in evaluation.provider.categories.all() if c.code in ranks]
