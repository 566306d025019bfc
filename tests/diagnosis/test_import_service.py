"""The import service and command: idempotence, updates with history, dry run, JSON, scale, resume."""

import io
import json
import time
from decimal import Decimal

import pytest
from django.core.management import call_command

from diagnosis.models import Enterprise, EnterpriseChange
from diagnosis.services import register as imports
from regions.codes import make_credit_code
from regions.models import Region
from tests.diagnosis.test_import_support import HEADERS, code, good_row, run_import, write_csv


def _rows(n: int) -> list[dict]:
    return [good_row(i) for i in range(1, n + 1)]


def test_second_run_changes_nothing(world, tmp_path):
    path = write_csv(tmp_path / "名录.csv", [*_rows(5), good_row(6, 企业规模="巨型")])
    first = run_import(path, actor=world.users["province_officer"])
    assert (first.created, first.updated, first.unchanged, first.rejected) == (5, 0, 0, 1)
    history = EnterpriseChange.objects.count()
    second = run_import(path, actor=world.users["province_officer"])
    assert (second.created, second.updated, second.unchanged, second.rejected) == (0, 0, 5, 1)
    assert EnterpriseChange.objects.count() == history


def test_created_history_records_every_imported_field(world, tmp_path):
    officer = world.users["county_officer"]
    run_import(write_csv(tmp_path / "名录.csv", _rows(1)), actor=officer)
    change = EnterpriseChange.objects.get(enterprise__credit_code=code(1))
    assert (change.action, change.source, change.actor) == ("create", "import", officer)
    assert change.changes["county"] == [None, "东湖区"]
    assert change.changes["revenue"] == [None, "1234.5"]
    assert change.changes["above_designated_size"] == [None, True]
    assert set(change.changes) == {
        "credit_code", "name", "county", "industry_code", "above_designated_size", "size_class",
        "employees", "revenue", "contact_person", "contact_phone",
    }  # fmt: skip


def test_update_run_records_exact_before_and_after(world, tmp_path):
    officer = world.users["city_officer"]
    run_import(write_csv(tmp_path / "a.csv", [good_row(1, **{"营业收入（万元）": "1000"})]), actor=officer)
    changed = good_row(1, **{"营业收入（万元）": "1,200.5", "县（市、区）": "西湖区"})
    result = run_import(write_csv(tmp_path / "b.csv", [changed]), actor=officer)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    ent = Enterprise.objects.get(credit_code=code(1))
    assert ent.revenue == Decimal("1200.5") and ent.county.code == "360103"
    change = ent.changes.get(action="update")
    assert change.changes == {"revenue": ["1000", "1200.5"], "county": ["东湖区", "西湖区"]}
    assert (change.source, change.actor) == ("import", officer)


def test_empty_optional_cells_leave_values_untouched(world, tmp_path):
    run_import(write_csv(tmp_path / "a.csv", _rows(1)))
    sparse = {"统一社会信用代码": code(1), "企业名称": "江西导入测试企业1有限公司", "县（市、区）": "东湖区"}
    result = run_import(write_csv(tmp_path / "b.csv", [sparse]))
    assert (result.updated, result.unchanged) == (0, 1)
    ent = Enterprise.objects.get(credit_code=code(1))
    assert (ent.employees, ent.revenue, ent.contact_person) == (120, Decimal("1234.5"), "张敏")


def test_money_written_with_trailing_zeros_is_unchanged(world, tmp_path):
    run_import(write_csv(tmp_path / "a.csv", [good_row(1, **{"营业收入（万元）": "1234.5"})]))
    result = run_import(write_csv(tmp_path / "b.csv", [good_row(1, **{"营业收入（万元）": "1,234.5000"})]))
    assert (result.updated, result.unchanged) == (0, 1)


def test_dry_run_writes_nothing_and_reports_what_would_happen(world, tmp_path):
    run_import(write_csv(tmp_path / "a.csv", _rows(2)))
    before = (Enterprise.objects.count(), EnterpriseChange.objects.count())
    rows = [good_row(1), good_row(2, 企业名称="改名"), good_row(3), good_row(4, 企业规模="巨型")]
    path = write_csv(tmp_path / "b.csv", rows)
    out = io.StringIO()
    call_command("import_enterprises", str(path), "--dry-run", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {
        "created": 1,
        "updated": 1,
        "unchanged": 1,
        "rejected": 1,
        "rejects_file": str(tmp_path / "b-被拒绝行.csv"),
    }
    assert (Enterprise.objects.count(), EnterpriseChange.objects.count()) == before
    assert Enterprise.objects.get(credit_code=code(2)).name == "江西导入测试企业2有限公司"


def test_json_output_is_exactly_one_object(world, tmp_path):
    path = write_csv(tmp_path / "名录.csv", _rows(3))
    out = io.StringIO()
    call_command("import_enterprises", str(path), "--json", stdout=out)
    assert json.loads(out.getvalue()) == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "rejects_file": None,
    }
    assert out.getvalue().count("\n") <= 1


def test_readable_summary_lists_rejected_rows(world, tmp_path):
    path = write_csv(tmp_path / "名录.csv", [good_row(1), good_row(2, 规上企业="不知道")])
    out = io.StringIO()
    call_command("import_enterprises", str(path), stdout=out)
    text = out.getvalue()
    assert "导入完成" in text and "新增 1 家" in text and "拒绝 1 行" in text
    assert "第 3 行：“规上企业”应填“是”或“否”" in text
    assert "名录-被拒绝行.csv" in text


def test_command_with_user_acts_in_that_users_scope(world, tmp_path):
    rows = [good_row(1), good_row(2, **{"县（市、区）": "浔阳区"})]
    path = write_csv(tmp_path / "名录.csv", rows)
    out = io.StringIO()
    call_command("import_enterprises", str(path), "--json", "--user", "nc_city", stdout=out)
    assert json.loads(out.getvalue())["rejected"] == 1
    assert EnterpriseChange.objects.get(enterprise__credit_code=code(1)).actor.username == "nc_city"


@pytest.mark.parametrize("username", ["dh_comm", "clinic1", "nobody", "missing_user"])
def test_command_refuses_users_who_may_not_import(world, tmp_path, username):
    from django.core.management import CommandError

    path = write_csv(tmp_path / "名录.csv", _rows(1))
    with pytest.raises(CommandError):
        call_command("import_enterprises", str(path), "--user", username)
    assert not Enterprise.objects.filter(credit_code=code(1)).exists()


def test_service_refuses_users_who_may_not_import(world, tmp_path):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run_import(write_csv(tmp_path / "名录.csv", _rows(1)), actor=world.users["commissioner"])


def test_progress_is_reported_per_chunk(world, tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK_SIZE", 10)
    calls = []
    run_import(
        write_csv(tmp_path / "名录.csv", _rows(25)), progress=lambda done, total: calls.append((done, total))
    )
    assert calls == [(0, 25), (10, 25), (20, 25), (25, 25)]


def test_rerun_after_a_crash_midway_completes_the_import(world, tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK_SIZE", 10)
    path = write_csv(tmp_path / "名录.csv", _rows(25))
    real_write = imports._write_plan
    calls = {"n": 0}

    def crash_on_second_chunk(plan, *, actor):
        calls["n"] += 1
        if calls["n"] == 2:
            real_write(plan, actor=actor)  # written, then the worker dies before the commit
            raise RuntimeError("worker lost")
        real_write(plan, actor=actor)

    monkeypatch.setattr(imports, "_write_plan", crash_on_second_chunk)
    with pytest.raises(RuntimeError):
        run_import(path)
    assert Enterprise.objects.filter(name__startswith="江西导入测试企业").count() == 10  # chunk 2 rolled back
    monkeypatch.setattr(imports, "_write_plan", real_write)
    result = run_import(path)
    assert (result.created, result.unchanged) == (15, 10)
    assert EnterpriseChange.objects.filter(source="import").count() == 25


def _bulk_rows(n: int) -> list[dict]:
    counties = list(Region.objects.counties().values_list("code", "short_name"))
    rows = []
    for i in range(n):
        county_code, short = counties[i % len(counties)]
        rows.append(
            {
                "统一社会信用代码": make_credit_code(county_code, 1_000_000 + i),
                "企业名称": f"批量导入企业{i}",
                "县（市、区）": short if i % 2 else county_code,
                "行业代码": f"C{13 + i % 31}",
                "规上企业": "是" if i % 3 else "否",
                "企业规模": ("大型", "中型", "小型", "微型")[i % 4],
                "从业人员数": str(i % 997),
                "营业收入（万元）": f"{i}.{i % 10000:04d}",
                "联系人": "李华",
                "联系电话": f"138{i:08d}",
            }
        )
    return rows


def test_import_queries_grow_with_chunks_not_rows(world, tmp_path, django_assert_max_num_queries):
    path = write_csv(tmp_path / "名录.csv", _bulk_rows(2000))
    # 2,000 rows = 2 chunks. SQLite allows 999 parameters a statement, so a chunk's bulk insert of
    # 1,000 archives (28 columns since the diagnosis facts) takes 29 INSERTs and its history 7: 82
    # queries measured in all. PostgreSQL needs far fewer. Either way it is O(chunks); O(rows)
    # would be thousands.
    with django_assert_max_num_queries(90):
        result = run_import(path)
    assert result.created == 2000
    with django_assert_max_num_queries(12):  # 10 measured: regions, 2 lookups a chunk, savepoints
        assert run_import(path).unchanged == 2000


def test_twenty_thousand_rows(world, tmp_path):
    path = write_csv(tmp_path / "名录.csv", _bulk_rows(20_000))
    started = time.monotonic()
    first = run_import(path)
    assert (first.created, first.rejected) == (20_000, 0)
    second = run_import(path)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 20_000)
    assert EnterpriseChange.objects.filter(source="import").count() == 20_000
    assert time.monotonic() - started < 120  # a generous guard; figures belong in bench/


def test_headers_used_by_tests_are_the_documented_ones():
    assert set(HEADERS) <= {h for spellings in imports.HEADER_ALIASES.values() for h in spellings}


def test_chunk_is_retried_once_after_a_unique_violation(world, tmp_path, monkeypatch):
    from django.db import IntegrityError

    real_write = imports._write_plan
    calls = {"n": 0}

    def collide_once(plan, *, actor):
        calls["n"] += 1
        if calls["n"] == 1:
            raise IntegrityError("UNIQUE constraint failed: diagnosis_enterprise.credit_code")
        real_write(plan, actor=actor)

    monkeypatch.setattr(imports, "_write_plan", collide_once)
    result = run_import(write_csv(tmp_path / "名录.csv", _rows(3)))
    assert (calls["n"], result.created) == (2, 3)
    assert EnterpriseChange.objects.filter(source="import").count() == 3
