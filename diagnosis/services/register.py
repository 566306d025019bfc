"""Import of the enterprise register (企业名录导入) from CSV or XLSX files.

Used by ``manage.py import_enterprises`` and by the browser flow (``views_import`` →
``services_import`` → Celery). The one write service is ``enterprise_register_import``.

Files
-----
Read by ``core.tabular`` (formats, encodings, header row, blank rows, size limits; see there):
CSV in UTF-8 (with or without BOM), GBK or GB18030, or XLSX (first worksheet, python-calamine);
old ``.xls`` and other extensions are refused with one clear message. Row numbers are the
spreadsheet's own. A cell over ``core.tabular.MAX_CELL_CHARS`` characters makes its row a rejected
row ("第N行 X列 内容过长"); the full text is never stored or echoed.

Columns (any order; unknown columns are ignored and listed in the result)
-------------------------------------------------------------------------
Headers are compared after NFKC folding (full-width → half-width, so ``（`` = ``(``), with all
spaces, a leading ``*`` and a trailing ``(必填)``/``(选填)`` removed.

=================== ======== ==========================================================================
column              required aliases
=================== ======== ==========================================================================
统一社会信用代码    yes      社会信用代码, 信用代码, 统一信用代码, 统一代码
企业名称            yes      企业（单位）名称, 单位名称, 企业名, 名称
县（市、区）        yes      所属县（市、区）, 县（市区）, 县市区, 所属县区, 县区, 区县, 所属区县, 所在县区
                             (a 6-digit code, a 12-digit statistical code ending in 000000, full or short
                             name)
设区市              no       所属设区市, 市, 所属市, 地市, 所属地市 (only to tell apart two counties
                             sharing a short name; never checked against the county otherwise, because
                             赣江新区 files list counties of 南昌 and 九江 under the zone)
地址                no       企业地址, 注册地址, 详细地址, 通讯地址, 生产经营地址
行业代码            no       国民经济行业代码, 行业分类代码, 所属行业代码 (GB/T 4754—2017: C3911, 3911, 391,
                             39, C39)
规上企业            no       是否规上企业, 是否规上, 规上, 规模以上企业, 是否规模以上企业 (是/否, Y/N, 1/0,
                             TRUE/FALSE)
企业规模            no       规模, 企业规模类型 (大型/中型/小型/微型, or 大/中/小/微)
从业人员数          no       从业人员, 从业人数, 从业人员（人）, 从业人员数（人）, 职工人数, 员工人数
营业收入（万元）    no       营业收入(万元) — money columns must say 万元; a bare 营业收入 is ignored
工业总产值（万元）  no       工业总产值（当年价格）（万元）, 总产值（万元）
联系人              no       企业联系人, 联系人姓名
联系电话            no       联系方式, 电话, 手机, 手机号码, 联系人电话, 联系人手机
=================== ======== ==========================================================================

Rules
-----
- Every cell is normalised before validation: NFKC (full-width → half-width) and trimmed; the
  credit code is also upper-cased with inner spaces removed. Names are folded too (``（集团）`` →
  ``(集团)``), as the archive's search folds its query, so the same name always compares equal.
- Rows are matched on the credit code: a new code creates an archive, a known one updates it.
- **An empty optional cell leaves the stored value untouched** (an import never clears a value;
  clear it on the archive's edit page). On a new archive an empty cell takes the model default.
- A credit code repeated in one file: the first row counts, later rows are rejected and the
  reason names the first row's number.
- A row is rejected, with all its problems joined by "；", when a required value is missing, the
  credit code is malformed, the county is unknown or ambiguous or outside the importing user's
  region, the existing archive lies outside the user's region, or an optional value is
  malformed. Good rows are stored regardless of bad ones.
- Numbers are parsed from their text with ``Decimal`` (never ``float``); thousands separators
  (``1,234.5``) are accepted; money is never negative.
- Every limit comes from the ``Enterprise`` model's fields (``_meta``): text ``max_length``, money
  ``max_digits``/``decimal_places``, the integer range of ``employees`` on the database in use. A
  value that does not fit is a rejected row with its reason (never a database error that would
  fail the file), on SQLite and PostgreSQL alike.
- An existing archive outside the importer's region is rejected without saying so (the message
  is the same for any code the importer may not touch; see ``_plan_chunk``).
- Whole-file problems (unreadable, unknown format, empty, required columns missing) raise
  ``ImportFileError`` and nothing is imported.
- Writes go in chunks of ``CHUNK_SIZE`` rows, each in its own transaction, with bulk inserts and
  updates and one ``EnterpriseChange`` per stored change (source ``import``). Re-running a file
  changes nothing, so a run that died midway is completed by running it again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import can_import_enterprises
from accounts.scope import region_in_scope
from core.history import creation_changes
from core.tabular import (
    MAX_ROWS,
    Columns,
    Sheet,
    Source,
    SourceRow,
    Table,
    TabularFileError,
    cell_text,
    excerpt,
    file_format_for,  # noqa: F401  (re-exported: services.imports checks uploads with it)
    write_sheets,
    write_table,
)
from core.tabular import read_table as read_tabular
from diagnosis.models import Enterprise, EnterpriseChange
from diagnosis.services.enterprises import diff_fields
from regions.codes import (
    credit_code_problem,
    make_credit_code,
    normalise_credit_code,
    normalise_industry_code,
    normalise_text,
)
from regions.selectors import CountyResolver, RegionLookupError

#: Rows written per transaction (and per progress step).
CHUNK_SIZE = 1000
#: A guard against runaway files (a zip-bombed workbook): far above any province's register.
MAX_DATA_ROWS = MAX_ROWS
#: Rejected rows kept on an ``ImportJob`` for the preview page (the file holds them all).
ERRORS_KEPT = 100
REJECTS_EXTRA_HEADERS = ("行号", "错误原因")

#: A whole-file problem (``core.tabular``): nothing is imported. ``str()`` is for the clerk.
ImportFileError = TabularFileError
#: The text of a workbook cell (kept under its old name for callers and tests).
xlsx_cell_text = cell_text

# --------------------------------------------------------------------------------------------
# Columns
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One recognised column: the ``Enterprise`` field (or ``city``) it fills and how it is written."""

    field: str
    header: str
    aliases: tuple[str, ...]
    required: bool
    help: Any
    example: str


def _at_most(field_name: str):
    """ "At most N characters", N from the model field (the help text never copies a limit)."""
    return format_lazy(gettext_lazy("不超过{n}字。"), n=Enterprise._meta.get_field(field_name).max_length)


COLUMNS: tuple[Column, ...] = (
    Column(
        "credit_code", "统一社会信用代码", ("社会信用代码", "信用代码", "统一信用代码", "统一代码"), True,
        gettext_lazy("18位，按此代码判断新增还是更新；字母大小写、全角半角均可。"),
        make_credit_code("360102", 1),
    ),
    Column(
        "name", "企业名称", ("企业（单位）名称", "单位名称", "企业名", "名称"), True,
        _at_most("name"), "江西示例电子科技有限公司",
    ),
    Column(
        "city", "设区市", ("所属设区市", "市", "所属市", "地市", "所属地市"), False,
        gettext_lazy("仅当县（市、区）简称在全省重名时用于区分，可不填。"), "南昌市",
    ),
    Column(
        "county", "县（市、区）",
        ("所属县（市、区）", "县（市区）", "县市区", "所属县区", "县区", "区县", "所属区县", "所在县区"), True,
        gettext_lazy("区划代码（360102）、全称（东湖区）或简称（东湖）。"), "东湖区",
    ),
    Column(
        "address", "地址", ("企业地址", "注册地址", "详细地址", "通讯地址", "生产经营地址"), False,
        _at_most("address"), "南昌市东湖区示例路1号",
    ),
    Column(
        "industry_code", "行业代码", ("国民经济行业代码", "行业分类代码", "所属行业代码"), False,
        gettext_lazy("国民经济行业分类（GB/T 4754—2017）代码，可带门类字母，可填大类、中类或小类：C39、39、391、3911。"),
        "C3911",
    ),
    Column(
        "above_designated_size", "规上企业",
        ("是否规上企业", "是否规上", "规上", "规模以上企业", "是否规模以上企业"), False,
        gettext_lazy("填“是”或“否”。"), "是",
    ),
    Column(
        "size_class", "企业规模", ("规模", "企业规模类型"), False,
        gettext_lazy("大型、中型、小型或微型。"), "小型",
    ),
    Column(
        "employees", "从业人员数",
        ("从业人员", "从业人数", "从业人员（人）", "从业人员数（人）", "职工人数", "员工人数"), False,
        gettext_lazy("不小于0的整数。"), "120",
    ),
    Column(
        "revenue", "营业收入（万元）", (), False,
        format_lazy(
            gettext_lazy("单位万元，不小于0，最多{n}位小数，可带千分位逗号（1,234.5）。"),
            n=Enterprise._meta.get_field("revenue").decimal_places,
        ), "1,234.5",
    ),
    Column(
        "output_value", "工业总产值（万元）", ("工业总产值（当年价格）（万元）", "总产值（万元）"), False,
        gettext_lazy("单位万元，规则同营业收入。"), "1180",
    ),
    Column(
        "contact_person", "联系人", ("企业联系人", "联系人姓名"), False,
        _at_most("contact_person"), "张敏",
    ),
    Column(
        "contact_phone", "联系电话", ("联系方式", "电话", "手机", "手机号码", "联系人电话", "联系人手机"), False,
        _at_most("contact_phone"), "0791-86000000",
    ),
)  # fmt: skip

#: {field: (canonical header, *aliases)} — every spelling recognised for each column.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {c.field: (c.header, *c.aliases) for c in COLUMNS}
COLUMN_BY_FIELD = {c.field: c for c in COLUMNS}
REQUIRED_FIELDS = tuple(c.field for c in COLUMNS if c.required)

REGISTER_COLUMNS = Columns(aliases=HEADER_ALIASES, required=REQUIRED_FIELDS)


def column_map(headers: Sequence[str]) -> tuple[dict[str, int], list[str]]:
    """({field: column index}, [ignored headers]); raises ``ImportFileError`` if required columns
    are missing or one field is given by two columns."""
    return REGISTER_COLUMNS.map(headers)


# --------------------------------------------------------------------------------------------
# Reading (``core.tabular``: formats, encodings, header row, size limits)
# --------------------------------------------------------------------------------------------


def read_table(source: Source, filename: str) -> Table:
    """Read the register file ``source`` (a path or a binary file object) named ``filename``.

    ``core.tabular.read_table`` with the register's columns: the header row is found by its
    known headers, ``Table.columns`` maps fields to positions and ``Table.ignored`` lists the
    rest. Raises ``ImportFileError`` for an unreadable, unsupported, empty or oversized file and
    for missing required columns.
    """
    return read_tabular(source, filename, columns=REGISTER_COLUMNS, max_rows=MAX_DATA_ROWS)


# --------------------------------------------------------------------------------------------
# Row validation
# --------------------------------------------------------------------------------------------


@dataclass
class RowResult:
    """A validated row: ``data`` holds the fields to store; ``problems`` are reasons for the clerk."""

    number: int
    cells: list[str]
    data: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return "；".join(self.problems)


_YES = {"是", "Y", "YES", "TRUE", "1"}
_NO = {"否", "N", "NO", "FALSE", "0"}
_SIZES = {
    "大型": Enterprise.Size.LARGE, "大": Enterprise.Size.LARGE,
    "中型": Enterprise.Size.MEDIUM, "中": Enterprise.Size.MEDIUM,
    "小型": Enterprise.Size.SMALL, "小": Enterprise.Size.SMALL,
    "微型": Enterprise.Size.MICRO, "微": Enterprise.Size.MICRO,
}  # fmt: skip
_NUMBER = re.compile(r"^(?P<sign>[-+]?)(?P<int>\d{1,3}(?:,\d{3})+|\d*)(?:\.(?P<frac>\d*))?$")
#: Text columns checked against the model field's ``max_length`` (the credit code and industry
#: code have their own format checks, which imply their lengths).
TEXT_FIELDS = ("name", "address", "contact_person", "contact_phone")
MONEY_FIELDS = ("revenue", "output_value")


def parse_decimal(text: str) -> tuple[Decimal | None, str]:
    """(value, problem) for a number written as text: digits, optional thousands commas and sign."""
    match = _NUMBER.match(text)
    if not match or not (match["int"] or match["frac"]):
        return None, "format"
    integer = (match["int"] or "0").replace(",", "")
    frac = match["frac"] or ""
    value = Decimal(f"{integer}.{frac}" if frac else integer)
    if match["sign"] == "-" and value != 0:
        return None, "negative"
    return abs(value), ""


def decimal_limits(field_name: str) -> tuple[int, int]:
    """(integer digits, decimal places) a ``DecimalField`` of ``Enterprise`` can store."""
    model_field = Enterprise._meta.get_field(field_name)
    return model_field.max_digits - model_field.decimal_places, model_field.decimal_places


def integer_range(field_name: str) -> tuple[int, int]:
    """(min, max) an integer field of ``Enterprise`` can store on every supported database.

    The portable range of the field's type (Django's table: ``PositiveIntegerField`` is 0 to
    2**31−1), narrowed by the database in use and the field's validators. SQLite alone would
    take 64-bit values that PostgreSQL refuses: a file must be judged the same on both.
    """
    model_field = Enterprise._meta.get_field(field_name)
    internal_type = model_field.get_internal_type()
    low, high = BaseDatabaseOperations.integer_field_ranges[internal_type]
    db_low, db_high = connection.ops.integer_field_range(internal_type)
    low = low if db_low is None else max(low, db_low)
    high = high if db_high is None else min(high, db_high)
    for validator in model_field.validators:  # MinValueValidator / MaxValueValidator narrow it
        if validator.code == "min_value":
            low = validator.limit_value if low is None else max(low, validator.limit_value)
        elif validator.code == "max_value":
            high = validator.limit_value if high is None else min(high, validator.limit_value)
    return low, high


def max_length(field_name: str) -> int:
    return Enterprise._meta.get_field(field_name).max_length


class RowValidator:
    """Validates rows one by one (no queries): required values, formats, the limits of the model's
    fields (lengths, digits, ranges: a value the database could not store is a rejected row, never
    a failed file), county and its scope, repeated credit codes. Build one per import."""

    def __init__(
        self, *, columns: dict[str, int], resolver: CountyResolver, allowed_county_ids: set[int] | None
    ) -> None:
        self.columns = columns
        self.resolver = resolver
        self.allowed_county_ids = allowed_county_ids
        self.first_row_of: dict[str, int] = {}
        self.employees_range = integer_range("employees")
        self.money_limits = {f: decimal_limits(f) for f in MONEY_FIELDS}
        self.max_lengths = {f: max_length(f) for f in TEXT_FIELDS}

    def __call__(self, row: SourceRow) -> RowResult:
        result = RowResult(row.number, row.cells)
        problems, data = result.problems, result.data
        # Over-long cells were cut while reading: the row is rejected, and the cut text is never
        # validated (its messages would quote it) nor stored.
        if row.problems:
            problems.extend(row.problems)
            return result
        values = {f: normalise_text(row.cells[i]) for f, i in self.columns.items()}

        code = normalise_credit_code(values["credit_code"])
        if not code:
            problems.append(_("缺少统一社会信用代码"))
        else:
            problem = credit_code_problem(code)
            if problem:
                problems.append(str(problem))
            first = self.first_row_of.setdefault(code, row.number)
            if first != row.number:
                problems.append(_("统一社会信用代码与第%(n)d行重复（以第%(n)d行为准）") % {"n": first})
            data["credit_code"] = code

        name = values.get("name", "")
        if not name:
            problems.append(_("缺少企业名称"))
        data["name"] = name

        self._county(values, data, problems)
        for field_name in ("address", "contact_person", "contact_phone"):
            text = values.get(field_name, "")
            if text:
                data[field_name] = text
        for field_name, limit in self.max_lengths.items():
            if len(data.get(field_name, "")) > limit:
                problems.append(
                    _("“%(col)s”超过%(n)d个字（现为%(len)d个）")
                    % {"col": COLUMN_BY_FIELD[field_name].header, "n": limit, "len": len(data[field_name])}
                )

        industry = values.get("industry_code", "")
        if industry:
            try:
                data["industry_code"] = normalise_industry_code(industry)
            except ValidationError as exc:
                problems.extend(str(m) for m in exc.messages)

        flag = values.get("above_designated_size", "")
        if flag:
            if flag.upper() in _YES:
                data["above_designated_size"] = True
            elif flag.upper() in _NO:
                data["above_designated_size"] = False
            else:
                problems.append(_("“规上企业”应填“是”或“否”，实际为“%(v)s”") % {"v": excerpt(flag)})

        size = values.get("size_class", "")
        if size:
            if size in _SIZES:
                data["size_class"] = _SIZES[size]
            else:
                problems.append(
                    _("“企业规模”应为大型、中型、小型或微型，实际为“%(v)s”") % {"v": excerpt(size)}
                )

        self._employees(values, data, problems)
        for field_name in MONEY_FIELDS:
            self._money(values, field_name, data, problems)
        if problems:
            result.data = {}
        return result

    def _county(self, values: dict[str, str], data: dict[str, Any], problems: list[str]) -> None:
        text = values.get("county", "")
        if not text:
            problems.append(_("缺少县（市、区）"))
            return
        lookup = text
        if len(text) == 12 and text.isdigit() and text.endswith("000000"):
            lookup = text[:6]  # a statistical 12-digit code of the county itself
        try:
            county = self.resolver.resolve(lookup, values.get("city", ""))
        except RegionLookupError as exc:
            if str(exc) == "ambiguous":
                problems.append(
                    _("县（市、区）“%(v)s”有重名，请在“设区市”列填写所属设区市，或改填区划代码")
                    % {"v": excerpt(text)}
                )
            else:
                problems.append(
                    _("县（市、区）“%(v)s”不存在，请填写区划代码、全称或简称") % {"v": excerpt(text)}
                )
            return
        if self.allowed_county_ids is not None and county.id not in self.allowed_county_ids:
            problems.append(_("县（市、区）“%(v)s”不在您的管辖范围内") % {"v": excerpt(text)})
            return
        data["county"] = county

    def _employees(self, values: dict[str, str], data: dict[str, Any], problems: list[str]) -> None:
        text = values.get("employees", "")
        if not text:
            return
        low, high = self.employees_range
        value, problem = parse_decimal(text)
        if problem or value != value.to_integral_value() or (low is not None and value < low):
            problems.append(_("“从业人员数”应为不小于0的整数，实际为“%(v)s”") % {"v": excerpt(text)})
        elif high is not None and value > high:
            problems.append(
                _("“%(col)s”数值过大（最大为%(max)d），实际为“%(v)s”")
                % {"col": COLUMN_BY_FIELD["employees"].header, "max": high, "v": excerpt(text)}
            )
        else:
            data["employees"] = int(value)

    def _money(
        self, values: dict[str, str], field_name: str, data: dict[str, Any], problems: list[str]
    ) -> None:
        text = values.get(field_name, "")
        if not text:
            return
        header = COLUMN_BY_FIELD[field_name].header
        integer_digits, places = self.money_limits[field_name]
        value, problem = parse_decimal(text)
        shown = excerpt(text)
        if problem == "negative":
            problems.append(_("“%(col)s”不能为负数，实际为“%(v)s”") % {"col": header, "v": shown})
        elif problem:
            problems.append(_("“%(col)s”应为不小于0的数字，实际为“%(v)s”") % {"col": header, "v": shown})
        elif -value.normalize().as_tuple().exponent > places:
            problems.append(
                _("“%(col)s”最多保留%(n)d位小数，实际为“%(v)s”") % {"col": header, "n": places, "v": shown}
            )
        elif value.adjusted() >= integer_digits:
            problems.append(
                _("“%(col)s”数值过大（整数部分最多%(n)d位），实际为“%(v)s”")
                % {"col": header, "n": integer_digits, "v": shown}
            )
        else:
            data[field_name] = value


# --------------------------------------------------------------------------------------------
# The write service
# --------------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did (or, with ``dry_run``, would do). ``rejects`` are in row order."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    total_rows: int = 0
    dry_run: bool = False
    file_format: str = ""
    encoding: str = ""
    headers: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)
    rejects: list[RowResult] = field(default_factory=list)

    def summary(self, rejects_file: str | None = None) -> dict[str, Any]:
        """The ``--json`` shape: created, updated, unchanged, rejected, rejects_file."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "rejects_file": rejects_file,
        }

    def error_list(self, limit: int = ERRORS_KEPT) -> list[dict[str, Any]]:
        """The first rejected rows as ``[{"row", "reasons", "credit_code", "name"}]`` (JSON-safe)."""
        return [
            {
                "row": row.number,
                "reasons": list(row.problems),
                **{
                    f: excerpt(normalise_text(row.cells[i]))
                    for f, i in self.columns.items()
                    if f in ("credit_code", "name")
                },
            }
            for row in self.rejects[:limit]
        ]


Progress = Callable[[int, int], None]


@dataclass
class _Plan:
    creates: list[tuple[RowResult, Enterprise | None]] = field(default_factory=list)
    updates: list[tuple[RowResult, Enterprise, dict[str, list[Any]]]] = field(default_factory=list)
    unchanged: int = 0
    rejects: list[tuple[RowResult, str]] = field(default_factory=list)


def enterprise_register_import(
    *,
    actor,
    path: Source,
    original_name: str,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import the register file at ``path`` (a path or a binary file object) named ``original_name``.

    ``actor`` is the importing user (rows are checked against their region and their history rows
    name them) or None for the system (whole province). Raises ``PermissionDenied`` if the actor
    may not import and ``ImportFileError`` for whole-file problems (then nothing is written).

    Every row is validated first (in memory, no query per row); then, chunk by chunk of
    ``CHUNK_SIZE`` rows, the existing archives are fetched in one query, new ones bulk-created,
    changed ones bulk-updated (changed fields only) and one ``EnterpriseChange`` (source
    ``import``) bulk-created per stored change, all in one transaction per chunk. The whole call
    is deliberately not one transaction: progress is visible while it runs and a crash leaves
    whole chunks applied; re-running the file then reports them as unchanged and applies the rest.

    With ``dry_run`` nothing is written; the counts say what would be created/updated/unchanged.
    ``progress(processed_rows, total_rows)`` is called at the start and after each chunk.
    """
    if actor is not None and not can_import_enterprises(actor):
        raise PermissionDenied
    table = read_table(path, original_name)
    columns, ignored = table.columns, table.ignored
    resolver = CountyResolver()
    counties_by_id = {c.id: c for regions in resolver.by_key.values() for c in regions}
    allowed = None
    if actor is not None:
        allowed = {pk for pk, county in counties_by_id.items() if region_in_scope(actor, county)}
    validate = RowValidator(columns=columns, resolver=resolver, allowed_county_ids=allowed)
    rows = [validate(row) for row in table.rows]

    result = ImportResult(
        total_rows=len(rows),
        dry_run=dry_run,
        file_format=table.file_format,
        encoding=table.encoding,
        headers=table.headers,
        ignored_columns=ignored,
        columns=columns,
    )
    if progress:
        progress(0, len(rows))
    for start in range(0, len(rows), CHUNK_SIZE):
        chunk = rows[start : start + CHUNK_SIZE]
        plan = _apply_chunk(
            [r for r in chunk if not r.problems],
            actor=actor,
            allowed=allowed,
            counties_by_id=counties_by_id,
            dry_run=dry_run,
        )
        for row, reason in plan.rejects:
            row.problems.append(reason)
        result.created += len(plan.creates)
        result.updated += len(plan.updates)
        result.unchanged += plan.unchanged
        if progress:
            progress(start + len(chunk), len(rows))
    result.rejects = [r for r in rows if r.problems]
    result.rejected = len(result.rejects)
    return result


def _apply_chunk(
    valid: list[RowResult], *, actor, allowed: set[int] | None, counties_by_id: dict, dry_run: bool
) -> _Plan:
    if not valid:
        return _Plan()
    codes = [r.data["credit_code"] for r in valid]

    # A concurrent insert of the same credit code between our read and our insert makes the
    # chunk fail on the unique constraint; the second attempt sees that row and updates it.
    def attempt() -> _Plan:
        with nullcontext() if dry_run else transaction.atomic():
            queryset = Enterprise.objects.all() if dry_run else Enterprise.objects.select_for_update()
            existing = queryset.in_bulk(codes, field_name="credit_code")
            plan = _plan_chunk(
                valid, existing, allowed=allowed, counties_by_id=counties_by_id, build=not dry_run
            )
            if not dry_run:
                _write_plan(plan, actor=actor)
        return plan

    try:
        return attempt()
    except IntegrityError:
        return attempt()


def _plan_chunk(
    valid: list[RowResult],
    existing: dict[str, Enterprise],
    *,
    allowed: set[int] | None,
    counties_by_id: dict,
    build: bool,
) -> _Plan:
    """Sort the chunk's valid rows into creates, updates (with their diff), unchanged and rejects.

    ``build=False`` (a dry run) only counts the creates instead of building their objects.
    """
    plan = _Plan()
    for row in valid:
        enterprise = existing.get(row.data["credit_code"])
        if enterprise is None:
            plan.creates.append((row, Enterprise(**row.data) if build else None))
            continue
        if allowed is not None and enterprise.county_id not in allowed:
            # The importer may not see this archive, so the message must not say where it is, or
            # even that it is elsewhere. Refusing to create a second archive for the code reveals
            # that the code is taken — unavoidable, since codes are unique — so the wording stays
            # as neutral as "you cannot import this code" and sends the clerk to the level above,
            # which can see both regions.
            plan.rejects.append((row, _("该统一社会信用代码无法由您导入，请联系上级主管部门")))
            continue
        # The county is known already: reading it through the relation would cost a query a row.
        enterprise.county = counties_by_id[enterprise.county_id]
        changes = diff_fields(enterprise, row.data)
        if not changes:
            plan.unchanged += 1
            continue
        for field_name in changes:
            setattr(enterprise, field_name, row.data[field_name])
        plan.updates.append((row, enterprise, changes))
    return plan


def _write_plan(plan: _Plan, *, actor) -> None:
    history = []
    if plan.creates:
        objects = [enterprise for _row, enterprise in plan.creates]
        Enterprise.objects.bulk_create(objects)
        if any(e.pk is None for e in objects):  # backends that cannot return ids from bulk inserts
            ids = dict(
                Enterprise.objects.filter(credit_code__in=[e.credit_code for e in objects]).values_list(
                    "credit_code", "pk"
                )
            )
            for e in objects:
                e.pk = ids[e.credit_code]
        for row, enterprise in plan.creates:
            history.append(
                EnterpriseChange(
                    enterprise=enterprise,
                    actor=actor,
                    action=EnterpriseChange.Action.CREATE,
                    source=EnterpriseChange.Source.IMPORT,
                    changes=creation_changes(enterprise, row.data),
                )
            )
    if plan.updates:
        now = timezone.now()
        fields: set[str] = set()
        for _row, enterprise, changes in plan.updates:
            enterprise.updated_at = now
            fields.update(changes)
            history.append(
                EnterpriseChange(
                    enterprise=enterprise,
                    actor=actor,
                    action=EnterpriseChange.Action.UPDATE,
                    source=EnterpriseChange.Source.IMPORT,
                    changes=changes,
                )
            )
        # One statement per batch for the union of changed fields: the rows are locked and were
        # read in this transaction, so rewriting an unchanged field writes back its own value.
        Enterprise.objects.bulk_update(
            [e for _row, e, _changes in plan.updates], sorted(fields | {"updated_at"})
        )
    if history:
        EnterpriseChange.objects.bulk_create(history)


# --------------------------------------------------------------------------------------------
# Writing: rejected rows and the template
# --------------------------------------------------------------------------------------------


def rejects_filename(original_name: str, file_format: str) -> str:
    """``名录.csv`` → ``名录-被拒绝行.csv`` (same format as the input)."""
    stem = Path(original_name or "import").stem
    return f"{stem}-被拒绝行.{file_format}"


def rejects_bytes(result: ImportResult) -> bytes:
    """The rejected rows as a file in the input's format: the original columns, then 行号 and
    错误原因 (``core.tabular``: CSV in UTF-8 with a BOM, formula-safe cells; over-long cells come
    out cut, as they were read)."""
    headers = [*result.headers, *REJECTS_EXTRA_HEADERS]
    rows = ([*row.cells, row.number, row.reason] for row in result.rejects)
    return write_table(
        result.file_format, rows, headers, title="被拒绝行", bold_headers=False, freeze_header=False
    )


def write_rejects(result: ImportResult, path: str | Path) -> Path:
    """Write ``rejects_bytes(result)`` to ``path``; returns the path."""
    target = Path(path)
    target.write_bytes(rejects_bytes(result))
    return target


#: Columns typed as text in the template, so codes and phone numbers stay text as they are typed.
TEMPLATE_TEXT_FIELDS = ("credit_code", "contact_phone", "county", "industry_code")


def template_bytes(file_format: str) -> bytes:
    """The import template: the header row and one example row (a valid credit code); the XLSX
    has the required headers in red, text-formatted code columns and a second sheet of notes."""
    headers = [c.header for c in COLUMNS]
    example = [c.example for c in COLUMNS]
    if file_format == "csv":
        return write_table("csv", [example], headers)
    notes = [
        [column.header, "必填" if column.required else "选填", str(column.help), "、".join(column.aliases)]
        for column in COLUMNS
    ]
    notes += [
        [],
        ["说明", "", "选填列留空时不会修改已有档案中的值；同一文件中信用代码重复的，以第一次出现的行为准。"],
    ]
    return write_sheets(
        [
            Sheet(
                "企业名录",
                headers,
                [example],
                widths=[max(12, len(c.header) * 2 + 2) for c in COLUMNS],
                text_columns=[i for i, c in enumerate(COLUMNS) if c.field in TEMPLATE_TEXT_FIELDS],
                marked_headers=[i for i, c in enumerate(COLUMNS) if c.required],
            ),
            Sheet("填写说明", ["列名", "是否必填", "填写要求", "也可写作"], notes, freeze_header=False),
        ]
    )
