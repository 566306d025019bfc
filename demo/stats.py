"""Demo statistics: the 2022 first-half bulletin's package (a real bulletin, ``demo/data/``), the
casework's derived figures for the last thirteen months (so the dashboards have a month-on-month
and a year-on-year change), and two bulletins — the 2022S1 one published, this half year's as a
draft. Idempotent: the package is loaded once, derived periods are re-derived (the derivation is
idempotent itself), bulletins are created once by title."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from core.jobs import JobStatus
from diagnosis.models import Enterprise
from regions.models import Region
from reporting.models import Bulletin, DerivationRun, ProgrammeTarget, StatsTable
from reporting.services.bulletins import bulletin_create, bulletin_publish
from reporting.services.derive import derivation_run, previous_month
from reporting.services.stats import package_load

PACKAGE = Path(__file__).resolve().parent / "data" / "bulletin-2022s1"
#: A table over the derived figures (its default period is set to the half year under way).
CASEWORK = Path(__file__).resolve().parent / "data" / "casework"
MONTHS = 13
PUBLISHED_TITLE = "2022年上半年全省制造业数字化转型工作通报"


@dataclass
class StatsResult:
    package_loaded: bool = False
    months_derived: int = 0
    values_derived: int = 0
    bulletins_created: int = 0


def seed_stats() -> StatsResult:
    result = StatsResult()
    if not StatsTable.objects.filter(code="annex1").exists():
        package_load(PACKAGE, origin="bulletin-2022s1 (demo)")
        result.package_loaded = True
    today = timezone.localdate()
    half = f"{today.year}S{1 if today.month <= 6 else 2}"
    if not StatsTable.objects.filter(code="casework").exists():
        files = {str(p.relative_to(CASEWORK)): p.read_bytes() for p in CASEWORK.rglob("*") if p.is_file()}
        layout = json.loads(files["tables/casework.json"])
        layout["period"], layout["base_period"] = half, f"{today.year - 1}{half[4:]}"
        files["tables/casework.json"] = json.dumps(layout, ensure_ascii=False).encode()
        package_load(files, origin="casework (demo)")
    month = today.strftime("%Y%m")
    months = []
    for _n in range(MONTHS):
        months.append(month)
        month = previous_month(month)
    for month in reversed(months):
        run, _created = DerivationRun.objects.get_or_create(period=month)
        if run.status in (JobStatus.DONE, JobStatus.FAILED):
            run.reset()  # derive again: seeding may have added casework to the month
        run = derivation_run(period=month)
        result.values_derived += run.values_count
        result.months_derived += 1
    _city_targets(today.year)
    sheng = User.objects.filter(username="sheng").first()
    if sheng is None:
        return result
    if not Bulletin.objects.filter(title=PUBLISHED_TITLE).exists():
        bulletin = bulletin_create(
            actor=sheng,
            title=PUBLISHED_TITLE,
            period="2022S1",
            tables=["annex1", "annex2_cities", "annex2_counties", "annex3"],
            text="2022年上半年，全省制造业数字化转型工作稳步推进。各地要对照目标，查找差距，加快推进。",
        )
        bulletin_publish(actor=sheng, bulletin=bulletin)
        result.bulletins_created += 1
    draft_title = f"{today.year}年{'上' if half.endswith('1') else '下'}半年数字化转型工作通报（草稿）"
    if (
        not Bulletin.objects.filter(title=draft_title).exists()
        and StatsTable.objects.filter(code="casework").exists()
    ):
        bulletin_create(actor=sheng, title=draft_title, period=half, tables=["casework"], text="")
        result.bulletins_created += 1
    return result


def _city_targets(year: int) -> None:
    """Each city's share of the province's targets for ``year`` (as a department would split
    them): enterprises transforming in proportion to the city's enterprises on file, rounded
    half-up; the two rates as the province's. Existing targets are left as they are."""
    province = Region.objects.filter(level=Region.Level.PROVINCE).first()
    targets = {
        t.indicator: t.target
        for t in ProgrammeTarget.objects.filter(
            region=province,
            year=year,
            indicator__in=["ent_transforming", "diagnosis_coverage", "platform_penetration"],
        )
    }
    if not targets:
        return
    on_file = dict(
        Enterprise.objects.values_list("county__parent__code")
        .annotate(n=Count("id"))
        .values_list("county__parent__code", "n")
    )
    total = sum(on_file.values()) or 1
    for city in Region.objects.cities():
        for indicator, target in targets.items():
            if indicator == "ent_transforming":
                target = (target * on_file.get(city.code, 0) / total).quantize(
                    Decimal(1), rounding=ROUND_HALF_UP
                )
            if target > 0:
                ProgrammeTarget.objects.get_or_create(
                    indicator=indicator,
                    year=year,
                    region=city,
                    defaults={"target": target, "source": "演示：按在库企业数分解"},
                )
