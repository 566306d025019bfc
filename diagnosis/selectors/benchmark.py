"""The peer benchmark of an issued diagnosis: how the enterprise stands among its peers.

Contract of ``peer_benchmark(diagnosis)``:
- Peers are each enterprise's current result (``Diagnosis.is_current``: its latest issued
  diagnosis; a correction replaces it once the correction is issued, not before) on the same model version, in three groups: the same industry
  division (the first two digits of GB/T 4754, across the province), the same city, and the
  province.
- For each group: the number of enterprises, and for the total score and every dimension the
  average and the quartiles (nearest rank: the values at ranks ⌈n/4⌉, ⌈n/2⌉, ⌈3n/4⌉ in ascending
  order, so every figure shown is a real diagnosis' score), and the average level of every
  scenario. Computed in the database — ``percentile_disc`` on PostgreSQL, a ``ROW_NUMBER()``
  window elsewhere (the same values) — in a fixed number of queries whatever the number of
  diagnoses.
- A group of fewer than ``MIN_GROUP`` enterprises shows its size only: no figure from which one
  enterprise's result could be read off. The diagnosis' own enterprise counts in its groups.
- Figures are exact decimals; averages are rounded half-up to two places for display.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Aggregate, Count, DecimalField, F, QuerySet, Sum
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _

from diagnosis.models import Diagnosis, DiagnosisScenario, DiagnosisScore, Scenario

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
    """Each enterprise's current result (``Diagnosis.is_current``: its latest issued diagnosis,
    a correction once that is issued) on the model version."""
    return Diagnosis.objects.filter(model_id=model_id, is_current=True)


class PercentileDisc(Aggregate):
    """PostgreSQL's ``percentile_disc(f) WITHIN GROUP (ORDER BY x)``: the first value whose
    cumulative share reaches ``f`` — the nearest-rank quartile, computed in one pass."""

    function = "percentile_disc"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: str, **extra):
        super().__init__(
            expression, fraction=fraction, output_field=DecimalField(max_digits=8, decimal_places=4), **extra
        )


QUARTILES = {"q1": "0.25", "median": "0.5", "q3": "0.75"}


def _on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _ranks(n: int) -> tuple[int, int, int]:
    return math.ceil(n / 4), math.ceil(n / 2), math.ceil(3 * n / 4)


def _average(total: Decimal | None, n: int) -> Decimal | None:
    if total is None or not n:
        return None
    return (Decimal(total) / n).quantize(CENT, rounding=ROUND_HALF_UP)


def _quartiles_of_totals(peers: QuerySet[Diagnosis], n: int) -> tuple:
    if _on_postgresql():
        row = peers.aggregate(**{k: PercentileDisc("total_score", f) for k, f in QUARTILES.items()})
        return row["q1"], row["median"], row["q3"]
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
    if _on_postgresql():
        rows = scores.values("code").annotate(
            total=Sum("score"), n=Count("pk"), **{k: PercentileDisc("score", f) for k, f in QUARTILES.items()}
        )
        return {
            row["code"]: Figures(_average(row["total"], row["n"]), row["q1"], row["median"], row["q3"])
            for row in rows
        }
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


def _scenario_averages(peers: QuerySet[Diagnosis], codes: dict[int, str]) -> dict[str, Decimal]:
    rows = (
        DiagnosisScenario.objects.filter(diagnosis__in=peers.values("pk"))
        .values("scenario_id")
        .annotate(total=Sum("level"), n=Count("pk"))
    )
    return {
        codes[row["scenario_id"]]: _average(Decimal(row["total"]), row["n"])
        for row in rows
        if row["scenario_id"] in codes
    }


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
    codes = dict(Scenario.objects.filter(model_id=diagnosis.model_id).values_list("pk", "code"))
    out = []
    for key, label, peers in groups:
        if _on_postgresql():  # count, sum and quartiles in one pass
            aggregate = peers.aggregate(
                n=Count("pk"),
                total=Sum("total_score"),
                **{k: PercentileDisc("total_score", f) for k, f in QUARTILES.items()},
            )
        else:
            aggregate = peers.aggregate(n=Count("pk"), total=Sum("total_score"))
        n = aggregate["n"]
        group = Group(key=key, label=str(label), size=n, shown=n >= MIN_GROUP)
        if group.shown:
            if _on_postgresql():
                q1, median, q3 = aggregate["q1"], aggregate["median"], aggregate["q3"]
            else:
                q1, median, q3 = _quartiles_of_totals(peers, n)
            group.total = Figures(_average(aggregate["total"], n), q1, median, q3)
            group.dimensions = _dimension_figures(peers, n)
            group.scenarios = _scenario_averages(peers, codes)
        out.append(group)
    return out
