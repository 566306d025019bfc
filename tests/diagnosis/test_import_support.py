"""Helpers shared by the register-import tests (no tests here): build CSV/XLSX files in tmp_path."""

import csv
import io
from pathlib import Path

import openpyxl
from django.core.files.base import ContentFile

from diagnosis.models import ImportJob
from diagnosis.services.register import ImportResult, enterprise_register_import
from regions.codes import credit_code_check_char, make_credit_code

HEADERS = [
    "统一社会信用代码", "企业名称", "县（市、区）", "行业代码", "规上企业", "企业规模",
    "从业人员数", "营业收入（万元）", "联系人", "联系电话",
]  # fmt: skip


def code(serial: int, division: str = "360102") -> str:
    """A valid credit code that does not collide with the ``world`` fixture's enterprises."""
    return make_credit_code(division, 500_000 + serial)


def digit_only_code() -> str:
    """A valid credit code made of digits only (what Excel would happily turn into a number)."""
    for serial in range(10_000):
        first17 = f"91360102{serial:09d}"
        check = credit_code_check_char(first17)
        if check.isdigit():
            return first17 + check
    raise AssertionError("no digit-only code found")


def good_row(serial: int, **overrides) -> dict[str, object]:
    row = {
        "统一社会信用代码": code(serial),
        "企业名称": f"江西导入测试企业{serial}有限公司",
        "县（市、区）": "东湖区",
        "行业代码": "C3911",
        "规上企业": "是",
        "企业规模": "小型",
        "从业人员数": "120",
        "营业收入（万元）": "1234.5",
        "联系人": "张敏",
        "联系电话": "0791-86000000",
    }
    row.update(overrides)
    return row


def csv_bytes(rows: list[dict], headers: list[str] = HEADERS, encoding: str = "utf-8-sig") -> bytes:
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return text.getvalue().encode(encoding)


def write_csv(
    path: Path, rows: list[dict], headers: list[str] = HEADERS, encoding: str = "utf-8-sig"
) -> Path:
    path.write_bytes(csv_bytes(rows, headers, encoding))
    return path


def xlsx_bytes(rows: list[dict], headers: list[str] = HEADERS, title: str | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_xlsx(path: Path, rows: list[dict], headers: list[str] = HEADERS, title: str | None = None) -> Path:
    path.write_bytes(xlsx_bytes(rows, headers, title))
    return path


def run_import(path: Path, actor=None, **kwargs) -> ImportResult:
    return enterprise_register_import(actor=actor, path=path, original_name=path.name, **kwargs)


def read_csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "rejects CSV must carry a UTF-8 BOM"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def make_job(user, content: bytes, name: str = "名录.csv", state: str | None = None, **fields) -> ImportJob:
    """A stored job; ``state`` is a user-visible ``ImportJob.State`` (default: waiting for its preview)."""
    if state is not None:
        fields.update(ImportJob.fields_for(state))
    job = ImportJob(created_by=user, original_name=name, file_format=name.rsplit(".", 1)[-1], **fields)
    job.file.save(f"test-{name}", ContentFile(content), save=False)
    job.save()
    return job
