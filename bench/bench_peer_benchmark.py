"""Peer benchmark at province scale: one enterprise among 20,000 issued diagnoses, on PostgreSQL.

    python bench/bench_peer_benchmark.py [--diagnoses 20000] [--repeat 15]

Uses the database of ``bench/bench_load.py`` (``DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/dsp_bench``; run that first, or ``manage.py seed_scale``, so
the 20,000 enterprises exist). Adds ``--diagnoses`` issued diagnoses on the default model with
their dimension scores and scenario levels, one per enterprise (deterministic, in bulk, once:
rows whose number starts with ``ZDBENCH`` mark them), then times in this process:

- **baseline**: a hand-written SQL ``GROUP BY`` of the same rows — count and average total per
  city for the model's issued diagnoses — the least a benchmark must read;
- **peer_benchmark()**: ``diagnosis.selectors.benchmark.peer_benchmark`` for one diagnosis (three
  groups, averages and quartiles of the total and the dimensions, scenario averages).

Prints the median of ``--repeat`` runs of each, the ratio, and the number of queries.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_load import DEFAULT_DATABASE_URL  # noqa: E402

PREFIX = "ZDBENCH"


def seed(count: int) -> int:
    from django.utils import timezone

    from accounts.models import Organisation
    from demo.diagnoses import answers_for
    from diagnosis.models import Diagnosis, DiagnosisScenario, DiagnosisScore, Enterprise, Scenario
    from diagnosis.scoring import score
    from diagnosis.selectors.assessment import default_model, model_spec

    bench_rows = Diagnosis.objects.filter(number__startswith=PREFIX)
    if bench_rows.exists():
        # rows of an earlier version of this script: make them the current results
        Diagnosis.objects.filter(enterprise__in=bench_rows.values("enterprise"), is_current=True).exclude(
            number__startswith=PREFIX
        ).update(is_current=False)
        bench_rows.filter(is_current=False).update(is_current=True)
        return 0
    model = default_model()
    spec = model_spec(model)
    rng = random.Random(7)
    organisation = Organisation.objects.filter(kind__in=["clinic", "provider"]).order_by("pk").first()
    if organisation is None:
        organisation = Organisation.objects.create(name="基准测试诊所", kind="clinic")
    enterprises = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True)[:count])
    Diagnosis.objects.filter(enterprise__in=enterprises, is_current=True).update(is_current=False)
    scenarios = {s.code: s.pk for s in Scenario.objects.filter(model=model)}
    rows, results = [], []
    for n, enterprise in enumerate(enterprises):
        answers, levels = answers_for(spec, rng, rng.betavariate(3, 4))
        result = score(spec, answers, {c: v for c, v in levels.items() if v})
        day = date(2025, 1, 1) + timedelta(days=n % 330)
        rows.append(
            Diagnosis(
                enterprise_id=enterprise,
                organisation=organisation,
                model=model,
                number=f"{PREFIX}{n:08d}",
                status=Diagnosis.Status.CONFIRMED,
                is_current=True,
                total_score=result.total,
                level=result.level,
                issued_at=timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time())),
            )
        )
        results.append((levels, result))
    created = Diagnosis.objects.bulk_create(rows, batch_size=2000)
    DiagnosisScore.objects.bulk_create(
        [
            DiagnosisScore(diagnosis=d, kind="dimension", code=c, score=v)
            for d, (_l, r) in zip(created, results, strict=True)
            for c, v in r.dimensions.items()
        ],
        batch_size=5000,
    )
    DiagnosisScenario.objects.bulk_create(
        [
            DiagnosisScenario(diagnosis=d, scenario_id=scenarios[c], level=v)
            for d, (levels, _r) in zip(created, results, strict=True)
            for c, v in levels.items()
        ],
        batch_size=5000,
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return len(created)


def timed(fn, repeat: int) -> float:
    fn()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--diagnoses", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from diagnosis.models import Diagnosis
    from diagnosis.selectors.benchmark import peer_benchmark

    if connection.vendor != "postgresql":
        print("Run this on PostgreSQL (DATABASE_URL).", file=sys.stderr)
        return 1
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    made = seed(args.diagnoses)
    if made:
        print(f"seeded {made:,} issued diagnoses in {time.perf_counter() - started:.1f} s")
    target = (
        Diagnosis.objects.filter(number__startswith=PREFIX)
        .select_related("enterprise__county__parent")
        .order_by("number")
        .first()
    )
    sql = """
        SELECT r.parent_id, COUNT(*), AVG(d.total_score)
        FROM diagnosis_diagnosis d
        JOIN diagnosis_enterprise e ON e.id = d.enterprise_id
        JOIN regions_region r ON r.id = e.county_id
        WHERE d.model_id = %s AND d.status IN ('issued', 'confirmed', 'disputed')
        GROUP BY r.parent_id
    """

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(sql, [target.model_id])
            cursor.fetchall()

    with CaptureQueriesContext(connection) as captured:
        groups = peer_benchmark(target)
    base = timed(baseline, args.repeat)
    bench = timed(lambda: peer_benchmark(target), args.repeat)
    issued = Diagnosis.objects.filter(model_id=target.model_id, status__in=Diagnosis.ISSUED_STATES).count()
    print(f"Peer benchmark of one diagnosis among {issued:,} issued (median of {args.repeat} runs)")
    print(f"{'':<36}{'ms':>10}{'× baseline':>12}")
    print(f"{'baseline (SQL GROUP BY per city)':<36}{base * 1000:>10.1f}{1:>12.1f}")
    print(f"{'peer_benchmark()':<36}{bench * 1000:>10.1f}{bench / base:>12.1f}")
    print(
        f"queries: {len(captured.captured_queries)}; groups: "
        + ", ".join(f"{g.key} {g.size:,}" for g in groups)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
