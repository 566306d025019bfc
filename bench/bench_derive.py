"""Derived statistics at province scale on PostgreSQL: 100,000 enterprises and 1,000,000 visits.

    python bench/bench_derive.py [--enterprises 100000] [--visits 1000000] [--repeat 5]

Uses its own database (``DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/dsp_bench_stats``,
created and migrated when missing). Seeds, once and in SQL (``generate_series``), enterprises
``ZDS…`` spread over the 100 counties and visits spread over the last twelve months, then times in
this process (medians of ``--repeat`` runs):

- **baseline**: one hand-written SQL statement that ``GROUP BY``s the same rows the derivation
  reads most of — the month's visits and visited enterprises, and the register's stocks per county;
- **derive_period(month)**: the month's derived figures, computed and stored (delete + insert);
- **derive_month(month)**: what the job runs after one new visit: the month and its quarter, half
  and year to date (the year reads every visit of the year);
- **table from stored values**: ``table_compute`` of a county table over three derived indicators
  (aim: under 50 ms);
- **the province's dashboard**: ``reporting.selectors.dashboard.dashboard`` — the headlines of
  five periods, the targets (with the live counts of clinics, commissioners, providers), the
  twelve-month trend, the level distribution and the cities' bars and map, from stored values.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/dsp_bench_stats"


def timed(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def seed(enterprises: int, visits: int) -> tuple[int, int]:
    from django.db import connection

    from accounts.models import User

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM diagnosis_enterprise WHERE credit_code LIKE 'ZDS%%'")
        have = cursor.fetchone()[0]
        made_e = made_v = 0
        if have < enterprises:
            cursor.execute(
                """
                INSERT INTO diagnosis_enterprise (credit_code, name, county_id, address, industry_code,
                    above_designated_size, size_class, contact_person, contact_phone, cloud_depth,
                    integration_level, cloud_adopted, iip_platform_used, integration_certified,
                    created_at, updated_at, county_order)
                SELECT 'ZDS' || lpad(i::text, 15, '0'), '基准企业' || i, c.id, '', '39', i %% 4 = 0, '', '', '',
                       '', '', i %% 3 = 0, i %% 5 = 0, i %% 7 = 0,
                       now() - (i %% 900) * interval '1 day', now(), 0
                FROM generate_series(%s, %s) AS i
                JOIN LATERAL (
                    SELECT id FROM regions_region WHERE level = 'county' ORDER BY code
                    OFFSET (i %% 100) LIMIT 1
                ) c ON true
                """,
                [have + 1, enterprises],
            )
            made_e = cursor.rowcount
        cursor.execute("SELECT count(*) FROM diagnosis_visit WHERE summary = 'ZDS'")
        have_v = cursor.fetchone()[0]
        if have_v < visits:
            commissioner = User.objects.filter(username="zds_bench").first() or User.objects.create_user(
                "zds_bench", password=None, role="commissioner"
            )
            cursor.execute(
                "SELECT min(id), count(*) FROM diagnosis_enterprise WHERE credit_code LIKE 'ZDS%%'"
            )
            first, count = cursor.fetchone()
            cursor.execute(
                """
                INSERT INTO diagnosis_visit (enterprise_id, kind, people_met, commissioner_id, visited_on,
                    summary, needs, created_at)
                SELECT %s + (i::bigint * 7919) %% %s, 'onsite', '', %s, current_date - (i %% 365), 'ZDS', '', now()
                FROM generate_series(%s, %s) AS i
                """,
                [first, count, commissioner.pk, have_v + 1, visits],
            )
            made_v = cursor.rowcount
        cursor.execute("ANALYZE diagnosis_enterprise")
        cursor.execute("ANALYZE diagnosis_visit")
    return made_e, made_v


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    from bench.bench_load import ensure_database

    ensure_database(os.environ["DATABASE_URL"], fresh=False)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from reporting.models import StatsTable
    from reporting.selectors.stats import table_compute
    from reporting.services.derive import derive_month, derive_period
    from reporting.stats.periods import period_bounds

    if connection.vendor != "postgresql":
        print("Run this on PostgreSQL (DATABASE_URL).", file=sys.stderr)
        return 1
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    made = seed(args.enterprises, args.visits)
    if any(made):
        print(
            f"seeded {made[0]:,} enterprises and {made[1]:,} visits in {time.perf_counter() - started:.1f} s"
        )
    month = timezone.localdate().strftime("%Y%m")
    first, last = period_bounds(month)
    sql = """
        WITH v AS (
            SELECT e.county_id, count(*) AS visits, count(DISTINCT v.enterprise_id) AS visited
            FROM diagnosis_visit v JOIN diagnosis_enterprise e ON e.id = v.enterprise_id
            WHERE v.visited_on BETWEEN %s AND %s GROUP BY e.county_id
        ), r AS (
            SELECT county_id, count(*) AS total, count(*) FILTER (WHERE above_designated_size) AS above,
                   count(*) FILTER (WHERE cloud_adopted) AS cloud
            FROM diagnosis_enterprise WHERE created_at < %s GROUP BY county_id
        )
        SELECT coalesce(r.county_id, v.county_id), r.total, r.above, r.cloud, v.visits, v.visited
        FROM r FULL JOIN v ON v.county_id = r.county_id
    """
    end = timezone.now()

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(sql, [first, last, end])
            cursor.fetchall()

    StatsTable.objects.update_or_create(
        code="bench_counties",
        defaults={
            "title": "bench",
            "layout": {
                "code": "bench_counties", "title": "bench", "period": month, "rows": "level:county", "total": "360000",
                "columns": [
                    {"label": "visits", "expr": "visits", "format": "int"},
                    {"label": "visited", "expr": "ent_visited", "format": "int"},
                    {"label": "share", "expr": "ent_visited / ent_total", "format": "percent:2"},
                ],
                "rank": [{"column": 0, "top": 3, "phrase": "visits"}],
            },
        },
    )  # fmt: skip
    derive_period(month)
    base = timed(baseline, args.repeat)
    one = timed(lambda: derive_period(month), args.repeat)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO diagnosis_visit (enterprise_id, kind, people_met, commissioner_id, visited_on, summary, needs,"
            " created_at) SELECT enterprise_id, kind, people_met, commissioner_id, current_date, 'ZDS-one', needs, now()"
            " FROM diagnosis_visit WHERE summary = 'ZDS' LIMIT 1"
        )
    refresh = timed(lambda: derive_month(month), max(1, args.repeat // 2))
    with CaptureQueriesContext(connection) as captured:
        table_compute(code="bench_counties")
    table = timed(lambda: table_compute(code="bench_counties"), args.repeat * 4)
    from accounts.models import User
    from regions.models import Region
    from reporting.selectors.dashboard import dashboard

    officer, _created = User.objects.get_or_create(
        username="bench_province",
        defaults={"role": "province_officer", "region": Region.objects.get(level=Region.Level.PROVINCE)},
    )
    with CaptureQueriesContext(connection) as board_queries:
        dashboard(officer)
    board = timed(lambda: dashboard(officer), args.repeat * 4)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM diagnosis_enterprise")
        n_e = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM diagnosis_visit")
        n_v = cursor.fetchone()[0]
    result = {
        "enterprises": n_e, "visits": n_v, "month": month, "baseline_ms": round(base * 1000, 1),
        "derive_period_ms": round(one * 1000, 1), "ratio": round(one / base, 2),
        "derive_month_ms": round(refresh * 1000, 1), "table_ms": round(table * 1000, 2),
        "table_queries": len(captured.captured_queries), "dashboard_ms": round(board * 1000, 2),
        "dashboard_queries": len(board_queries.captured_queries),
    }  # fmt: skip
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"{n_e:,} enterprises, {n_v:,} visits; month {month}; medians of {args.repeat} runs")
    print(f"{'':<44}{'ms':>10}{'× baseline':>12}")
    print(f"{'baseline (hand-written SQL GROUP BY)':<44}{base * 1000:>10.1f}{1:>12.2f}")
    print(f"{'derive_period(month), stored':<44}{one * 1000:>10.1f}{one / base:>12.2f}")
    print(f"{'after one new visit: derive_month(month)':<44}{refresh * 1000:>10.1f}{refresh / base:>12.2f}")
    print(
        f"{'table from stored values (table_compute)':<44}{table * 1000:>10.2f}   ({len(captured.captured_queries)} queries)"
    )
    print(
        f"{'province dashboard (dashboard selector)':<44}{board * 1000:>10.2f}   ({len(board_queries.captured_queries)} queries)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
