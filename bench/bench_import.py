"""Benchmark of the register import against a bare ``bulk_create`` of the same rows.

    python bench/bench_import.py [--rows 20000] [--format csv|xlsx]
    python bench/bench_import.py --read-only [--rows 20000]

Without ``DATABASE_URL`` it migrates a throwaway SQLite file in a temporary directory (the regions
load with the migrations); with ``DATABASE_URL`` it creates and afterwards drops Django's test
database next to it (``test_<name>``), so no real data is touched.

Steps, all in one process on the same database:

- ``read_table``: parsing the file only;
- preview: the service with ``dry_run=True`` on an empty register (what the preview task costs);
- import: the service on an empty register (creates every row and its history);
- re-run: the same file again (every row unchanged; nothing written);
- baseline: ``Enterprise.objects.bulk_create`` of the same rows, objects built beforehand, after
  the register is emptied again; every ratio is against this time.

``--read-only`` times reading alone, nothing imported: the same rows as XLSX through
``core.tabular.read_table`` (python-calamine) and through openpyxl in read-only mode (how the
register was read before, the baseline of that table), and as CSV through ``read_table``.
"""

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def generate_rows(n: int, counties: list[tuple[str, str]]) -> list[dict[str, str]]:
    """``n`` valid rows spread over every county (codes and short names alternately)."""
    from regions.codes import make_credit_code

    rows = []
    for i in range(n):
        county_code, short = counties[i % len(counties)]
        rows.append(
            {
                "统一社会信用代码": make_credit_code(county_code, 2_000_000 + i),
                "企业名称": f"江西基准测试制造有限公司{i}",
                "县（市、区）": short if i % 2 else county_code,
                "行业代码": f"C{13 + i % 31}",
                "规上企业": "是" if i % 3 else "否",
                "企业规模": ("大型", "中型", "小型", "微型")[i % 4],
                "从业人员数": str(i % 997),
                "营业收入（万元）": f"{i}.{i % 10000:04d}",
                "工业总产值（万元）": f"{i * 2}.5",
                "联系人": "李华",
                "联系电话": f"138{i:08d}",
            }
        )
    return rows


def write_file(rows: list[dict[str, str]], directory: Path, file_format: str) -> Path:
    import csv

    headers = list(rows[0])
    path = directory / f"bench.{file_format}"
    if file_format == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(headers)
            writer.writerows([row[h] for h in headers] for row in rows)
        return path
    import openpyxl

    # A normal workbook stores text as shared strings, as Excel does (write-only mode would
    # write inline strings, which openpyxl reads several times slower than anything Excel makes).
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row[h] for h in headers])
    workbook.save(path)
    return path


def baseline_objects(rows: list[dict[str, str]]):
    """The same archives as ``Enterprise`` objects, built the cheapest way (no validation)."""
    from diagnosis.models import Enterprise
    from regions.models import Region

    by_code = {r.code: r for r in Region.objects.counties()}
    by_short = {r.short_name: r for r in by_code.values()}
    sizes = {"大型": "large", "中型": "medium", "小型": "small", "微型": "micro"}
    return [
        Enterprise(
            credit_code=row["统一社会信用代码"],
            name=row["企业名称"],
            county=by_code.get(row["县（市、区）"]) or by_short[row["县（市、区）"]],
            industry_code=row["行业代码"][1:],
            above_designated_size=row["规上企业"] == "是",
            size_class=sizes[row["企业规模"]],
            employees=int(row["从业人员数"]),
            revenue=Decimal(row["营业收入（万元）"]),
            output_value=Decimal(row["工业总产值（万元）"]),
            contact_person=row["联系人"],
            contact_phone=row["联系电话"],
        )
        for row in rows
    ]


def empty_register() -> None:
    from diagnosis.models import Enterprise, EnterpriseChange

    EnterpriseChange.objects.all().delete()
    Enterprise.objects.all().delete()


def timed(label: str, func, results: list) -> object:
    started = time.perf_counter()
    value = func()
    results.append((label, time.perf_counter() - started))
    return value


def openpyxl_rows(path: Path) -> list[list[str]]:
    """The XLSX read the way the register import read it before core.tabular (openpyxl, read-only)."""
    import openpyxl

    from core.tabular import cell_text

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        return [[cell_text(v) for v in values] for values in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_only(rows: list[dict[str, str]], workdir: Path, database: str) -> int:
    import django

    from core.tabular import read_table
    from diagnosis.services.register import REGISTER_COLUMNS

    xlsx, csv_path = write_file(rows, workdir, "xlsx"), write_file(rows, workdir, "csv")
    results: list[tuple[str, float]] = []
    baseline_rows = timed("XLSX, openpyxl read-only (baseline)", lambda: openpyxl_rows(xlsx), results)
    table = timed(
        "XLSX, read_table (python-calamine)",
        lambda: read_table(xlsx, xlsx.name, columns=REGISTER_COLUMNS),
        results,
    )
    csv_table = timed(
        "CSV, read_table", lambda: read_table(csv_path, csv_path.name, columns=REGISTER_COLUMNS), results
    )
    assert [r.cells for r in table.rows] == baseline_rows[1:], "calamine and openpyxl disagree"
    assert [r.cells for r in csv_table.rows] == baseline_rows[1:], "CSV and XLSX disagree"
    n = len(rows)
    print()
    print(f"Register reading benchmark: {n:,} rows, {xlsx.stat().st_size / 1024:,.0f} KB XLSX, {database}")
    print(f"Python {platform.python_version()}, Django {django.get_version()}, {platform.machine()}")
    print()
    print(f"{'step':<40}{'seconds':>10}{'rows/s':>12}{'× baseline':>13}")
    print("-" * 75)
    baseline = results[0][1]
    for label, seconds in results:
        print(f"{label:<40}{seconds:>10.2f}{n / seconds:>12,.0f}{seconds / baseline:>13.2f}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--read-only", action="store_true", help="time reading only: calamine vs openpyxl")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    own_sqlite = not os.environ.get("DATABASE_URL")
    if own_sqlite:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from diagnosis.models import Enterprise
    from diagnosis.services.register import enterprise_register_import, read_table
    from regions.models import Region

    old_name = connection.settings_dict["NAME"]
    if own_sqlite:
        call_command("migrate", verbosity=0)
    else:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        if connection.vendor == "sqlite":
            database = f"SQLite {connection.Database.sqlite_version} (file)"
        else:
            version = ".".join(str(part) for part in connection.get_database_version())
            database = f"{connection.display_name} {version}"
        counties = list(Region.objects.counties().order_by("code").values_list("code", "short_name"))
        rows = generate_rows(args.rows, counties)
        if args.read_only:
            return read_only(rows, workdir, database)
        path = write_file(rows, workdir, args.format)
        results: list[tuple[str, float]] = []
        counts = {}

        def run(dry_run: bool):
            return enterprise_register_import(actor=None, path=path, original_name=path.name, dry_run=dry_run)

        timed("read_table (parse the file only)", lambda: read_table(path, path.name), results)
        counts["preview"] = timed("preview: dry run, empty register", lambda: run(True), results)
        counts["import"] = timed("import into an empty register", lambda: run(False), results)
        counts["re-run"] = timed("re-run of the same file (unchanged)", lambda: run(False), results)
        assert counts["import"].created == args.rows, counts["import"].summary()
        assert counts["re-run"].unchanged == args.rows, counts["re-run"].summary()

        empty_register()
        objects = baseline_objects(rows)

        def bulk_create():
            with transaction.atomic():
                Enterprise.objects.bulk_create(objects)

        timed("baseline: bare bulk_create", bulk_create, results)
        assert Enterprise.objects.count() == args.rows
    finally:
        if own_sqlite:
            connection.close()
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(workdir, ignore_errors=True)

    baseline = results[-1][1]
    print()
    print(f"Register import benchmark: {args.rows:,} rows, {args.format.upper()}, {database}")
    print(f"Python {platform.python_version()}, Django {django.get_version()}, {platform.machine()}")
    print()
    print(f"{'step':<40}{'seconds':>10}{'rows/s':>12}{'× baseline':>13}")
    print("-" * 75)
    for label, seconds in [results[-1], *results[:-1]]:
        print(f"{label:<40}{seconds:>10.2f}{args.rows / seconds:>12,.0f}{seconds / baseline:>13.1f}")
    print()
    print("× baseline = seconds of the step / seconds of the bare bulk_create (lower is better).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
