"""The peer benchmark of an issued diagnosis: how the enterprise stands among its peers.

Contract of ``peer_benchmark(diagnosis)``:
- Peers are the latest issued diagnosis (issued, confirmed or disputed; not replaced by an issued
  correction — a correction still in progress leaves the issued one standing) of each enterprise on the same model version, in three groups: the same industry
  division (the first two digits of GB/T 4754, across the province), the same city, and the
  province.
- For each group: the number of enterprises, and for the total score and every dimension the
  average and the quartiles (nearest rank: the values at ranks ⌈n/4⌉, ⌈n/2⌉, ⌈3n/4⌉ in ascending
  order, so every figure shown is a real diagnosis' score), and the average level of every
  scenario. Computed in the database (aggregates and a window function), a fixed number of
  queries whatever the number of diagnoses.
- A group of fewer than ``MIN_GROUP`` enterprises shows its size only: no figure from which one
  enterprise's result could be read off. The diagnosis' own enterprise counts in its groups.
- Figures are exact decimals; averages are rounded half-up to two places for display.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _

from diagnosis.models import Diagnosis, DiagnosisScenario, DiagnosisScore

MIN_GROUP = 5
CENT = Decimal("0.01")


@dataclass
class Figures:
    average: Decimal | None = None
    q1: Decimal | None = None
    median: Decimal | None = None
    q3: Decimal | None = None


@dataclass
class Group:
    key: str
    label: str
    size: int
    shown: bool
    total: Figures = field(default_factory=Figures)
    dimensions: dict[str, Figures] = field(default_factory=dict)
    scenarios: dict[str, Decimal] = field(default_factory=dict)


def latest_issued(model_id: int) -> QuerySet[Diagnosis]:
    """Each enterprise's latest issued, uncorrected diagnosis on the model version."""
    issued = Diagnosis.objects.filter(model_id=model_id, status__in=Diagnosis.ISSUED_STATES).exclude(
        Exists(Diagnosis.objects.filter(supersedes=OuterRef("pk"), status__in=Diagnosis.ISSUED_STATES))
    )
    later = issued.filter(enterprise=OuterRef("enterprise")).filter(
        Q(issued_at__gt=OuterRef("issued_at")) | Q(issued_at=OuterRef("issued_at"), pk__gt=OuterRef("pk"))
    )
    return issued.exclude(Exists(later))


def _ranks(n: int) -> tuple[int, int, int]:
    return math.ceil(n / 4), math.ceil(n / 2), math.ceil(3 * n / 4)


def _average(total: Decimal | None, n: int) -> Decimal | None:
    if total is None or not n:
        return None
    return (Decimal(total) / n).quantize(CENT, rounding=ROUND_HALF_UP)


def _quartiles_of_totals(peers: QuerySet[Diagnosis], n: int) -> tuple:
    ranks = _ranks(n)
    rows = (
        peers.annotate(rank=Window(RowNumber(), order_by=[F("total_score").asc(), F("pk").asc()]))
        .filter(rank__in=set(ranks))
        .values_list("rank", "total_score")
    )
    by_rank = dict(rows)
    return tuple(by_rank.get(r) for r in ranks)


def _dimension_figures(peers: QuerySet[Diagnosis], n: int) -> dict[str, Figures]:
    scores = DiagnosisScore.objects.filter(
        diagnosis__in=peers.values("pk"), kind=DiagnosisScore.Kind.DIMENSION
    )
    sums = {row["code"]: row for row in scores.values("code").annotate(total=Sum("score"), n=Count("pk"))}
    ranked = scores.annotate(
        rank=Window(
            RowNumber(), partition_by=[F("code")], order_by=[F("score").asc(), F("diagnosis_id").asc()]
        )
    ).values_list("code", "rank", "score")
    wanted = {code: _ranks(row["n"]) for code, row in sums.items()}
    picked: dict[str, dict[int, Decimal]] = {}
    # The window is computed in the database; only the (at most 3 per dimension) quartile rows are
    # kept. Filtering on the window needs Django ≥ 4.2 (a subquery), which we have.
    rank_set = {r for ranks in wanted.values() for r in ranks}
    for code, rank, score in ranked.filter(rank__in=rank_set):
        if rank in wanted.get(code, ()):
            picked.setdefault(code, {})[rank] = score
    out = {}
    for code, row in sums.items():
        q1, median, q3 = (picked.get(code, {}).get(r) for r in wanted[code])
        out[code] = Figures(_average(row["total"], row["n"]), q1, median, q3)
    return out


def _scenario_averages(peers: QuerySet[Diagnosis]) -> dict[str, Decimal]:
    rows = (
        DiagnosisScenario.objects.filter(diagnosis__in=peers.values("pk"))
        .values("scenario__code")
        .annotate(total=Sum("level"), n=Count("pk"))
    )
    return {row["scenario__code"]: _average(Decimal(row["total"]), row["n"]) for row in rows}


def peer_benchmark(diagnosis: Diagnosis) -> list[Group]:
    """The diagnosis' three peer groups (see the module's contract); empty for an unscored one."""
    if diagnosis.total_score is None:
        return []
    enterprise = diagnosis.enterprise
    county = enterprise.county
    city = county.parent if county.parent_id and county.parent.level != "province" else county
    division = (enterprise.industry_code or "")[:2]
    base = latest_issued(diagnosis.model_id)
    groups = []
    if division:
        groups.append(
            (
                "industry",
                _("同行业（C%(d)s，全省）") % {"d": division},
                base.filter(enterprise__industry_code__startswith=division),
            )
        )
    groups.append(
        (
            "city",
            _("同城市（%(c)s）") % {"c": city.name},
            base.filter(enterprise__county__path__startswith=city.path),
        )
    )
    groups.append(("province", _("全省"), base))
    out = []
    for key, label, peers in groups:
        aggregate = peers.aggregate(n=Count("pk"), total=Sum("total_score"))
        n = aggregate["n"]
        group = Group(key=key, label=str(label), size=n, shown=n >= MIN_GROUP)
        if group.shown:
            q1, median, q3 = _quartiles_of_totals(peers, n)
            group.total = Figures(_average(aggregate["total"], n), q1, median, q3)
            group.dimensions = _dimension_figures(peers, n)
            group.scenarios = _scenario_averages(peers)
        out.append(group)
    return out
