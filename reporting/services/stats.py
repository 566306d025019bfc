"""Loading a statistics package (``stats-package.md``) into the indicator store.

Contract of ``package_load(source, actor=None, origin="")``:
- ``source`` is a directory or a mapping ``{relative path: bytes}`` (what a browser upload gives).
  ``indicators.csv`` and ``values.csv`` are UTF-8 (a BOM is fine); ``tables/*.json`` and
  ``expected/*.json`` are optional.
- Everything is checked before anything is stored: unknown columns, bad indicator codes or
  aggregations, unknown regions and indicators, bad periods, values that are not exact decimals
  (``1e3``, ``NaN``, ``12,5``, floats' noise are refused as written), duplicates, layouts whose
  expressions do not parse or name unknown codes. Each problem names the file, the line and the
  column (for a layout: the field and the position in the expression). With any problem,
  ``PackageError`` carries them all and nothing is written.
- Otherwise, in one transaction: indicators are created or updated, each value replaces the one of
  the same indicator, region and period (source ``imported``, ``origin``, ``actor``) in the file's
  order, layouts are created or updated with their expected cells. Returns a ``LoadResult`` with
  the counts and, for every table with expected cells, the cells that differ (``mismatches``:
  ``[(table, region, column, computed, expected)]``) — empty when the package reproduces them.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from regions.models import Region
from reporting.models import FIGURE, Indicator, IndicatorValue, StatsTable, StatsTableChange
from reporting.services.table_history import table_change_record, table_state
from reporting.stats.periods import parse_period
from reporting.stats.tables import check_layout

CODE = re.compile(r"^[a-z][a-z0-9_]*$")
DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
INDICATOR_COLUMNS = ["code", "name", "unit", "aggregation"]
VALUE_COLUMNS = ["indicator", "region", "period", "value"]


class PackageError(Exception):
    """The package has problems (``problems``: one line each, naming file, line and column)."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s): " + "; ".join(problems[:5]))
        self.problems = problems


@dataclass
class LoadResult:
    indicators: int = 0
    values: int = 0
    tables: list[str] = field(default_factory=list)
    mismatches: list[tuple] = field(default_factory=list)


def _files(source) -> dict[str, bytes]:
    if isinstance(source, Mapping):
        return {str(k).replace("\\", "/").lstrip("./"): bytes(v) for k, v in source.items()}
    root = Path(source)
    if not root.is_dir():
        raise PackageError([f"{root}: not a directory"])
    return {
        str(path.relative_to(root)).replace("\\", "/"): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _rows(name: str, data: bytes | None, columns: list[str], problems: list[str]) -> list[tuple[int, dict]]:
    if data is None:
        problems.append(f"{name}: missing")
        return []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(f"{name}: not UTF-8 (byte {exc.start + 1})")
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        problems.append(f"{name}: empty")
        return []
    header = [h.strip() for h in header]
    if header != columns:
        problems.append(f"{name}, line 1: the columns must be {','.join(columns)} (found {','.join(header)})")
        return []
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(columns):
            problems.append(f"{name}, line {number}: {len(cells)} cells, {len(columns)} expected")
            continue
        rows.append((number, dict(zip(columns, (c.strip() for c in cells), strict=True))))
    return rows


def exact_decimal(text: str) -> Decimal | None:
    """``text`` as an exact decimal within the store's precision (``FIGURE``), or ``None`` for
    anything else (exponents, ``NaN``, separators, too many digits)."""
    if not DECIMAL.match(text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    digits = len(value.as_tuple().digits)
    places = max(0, -value.as_tuple().exponent)
    if places > FIGURE["decimal_places"] or digits - places > FIGURE["max_digits"] - FIGURE["decimal_places"]:
        return None
    return value


def _json(name: str, data: bytes, problems: list[str]):
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        problems.append(f"{name}: not UTF-8")
    except json.JSONDecodeError as exc:
        problems.append(f"{name}, line {exc.lineno}, column {exc.colno}: {exc.msg}")
    return None


#: A zipped package's limits: entries, and bytes once unpacked (a zip bomb stops here).
ZIP_MAX_ENTRIES = 500
ZIP_MAX_BYTES = 50 * 1024 * 1024


def package_files_from_zip(data: bytes) -> dict[str, bytes]:
    """The files of a zipped package (a single top folder is stripped); ``PackageError`` for a
    file that is not a zip, too many entries, too many bytes or unsafe paths."""
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise PackageError(["the upload is not a zip file"]) from None
    entries = [info for info in archive.infolist() if not info.is_dir()]
    if len(entries) > ZIP_MAX_ENTRIES or sum(info.file_size for info in entries) > ZIP_MAX_BYTES:
        raise PackageError(
            [f"the zip holds more than {ZIP_MAX_ENTRIES} files or {ZIP_MAX_BYTES // 2**20} MB"]
        )
    names = [info.filename.replace("\\", "/") for info in entries]
    if any(name.startswith("/") or ".." in name.split("/") for name in names):
        raise PackageError(["the zip holds a path outside its folder"])
    tops = {name.split("/", 1)[0] for name in names if "/" in name}
    strip = len(tops) == 1 and all("/" in name for name in names)
    files, total = {}, 0
    for info, name in zip(entries, names, strict=True):
        with archive.open(info) as handle:
            data = handle.read(ZIP_MAX_BYTES - total + 1)
        total += len(data)
        if total > ZIP_MAX_BYTES:
            raise PackageError([f"the zip unpacks to more than {ZIP_MAX_BYTES // 2**20} MB"])
        files[name.split("/", 1)[1] if strip else name] = data
    return files


def package_check(source, *, region_prefix: str = "") -> tuple[dict, list[str]]:
    """Parse and check a package without writing: ``(parsed, problems)`` (see the module).
    With ``region_prefix`` (a region path), values of regions outside it are refused."""
    files = _files(source)
    problems: list[str] = []
    indicators: dict[str, dict] = {}
    column = {name: index + 1 for index, name in enumerate(INDICATOR_COLUMNS)}
    for line, row in _rows("indicators.csv", files.get("indicators.csv"), INDICATOR_COLUMNS, problems):
        where = f"indicators.csv, line {line}"
        if not CODE.match(row["code"]) or len(row["code"]) > 60:
            problems.append(f"{where}, column {column['code']}: bad code {row['code']!r} ([a-z][a-z0-9_]*)")
        elif row["code"] in indicators:
            problems.append(f"{where}, column {column['code']}: {row['code']} appears twice")
        if row["aggregation"] not in Indicator.Aggregation.values:
            problems.append(f"{where}, column {column['aggregation']}: aggregation must be sum or none")
        if not row["name"]:
            problems.append(f"{where}, column {column['name']}: the name is empty")
        indicators[row["code"]] = row
    paths = dict(Region.objects.values_list("code", "path"))
    regions = set(paths)
    column = {name: index + 1 for index, name in enumerate(VALUE_COLUMNS)}
    from reporting.models import StatsReview

    locked = {
        (code, period): status
        for code, period, status in StatsReview.objects.filter(status__in=StatsReview.LOCKED).values_list(
            "region__code", "period", "status"
        )
    }
    values, seen = [], {}
    for line, row in _rows("values.csv", files.get("values.csv"), VALUE_COLUMNS, problems):
        where = f"values.csv, line {line}"
        if row["indicator"] not in indicators:
            problems.append(f"{where}, column {column['indicator']}: unknown indicator {row['indicator']!r}")
        if row["region"] not in regions:
            problems.append(f"{where}, column {column['region']}: unknown region {row['region']!r}")
        elif not paths[row["region"]].startswith(region_prefix):
            problems.append(
                f"{where}, column {column['region']}: region {row['region']} is outside your jurisdiction"
            )
        try:
            period = parse_period(row["period"])[0]
        except ValueError:
            problems.append(f"{where}, column {column['period']}: bad period {row['period']!r}")
            period = None
        if period and (row["region"], period) in locked:
            problems.append(
                f"{where}: the figures of {row['region']} for {period} are {locked[(row['region'], period)]} and locked"
            )
        value = exact_decimal(row["value"])
        if value is None:
            problems.append(f"{where}, column {column['value']}: {row['value']!r} is not an exact decimal")
        key = (row["indicator"], row["region"], period)
        if period and key in seen:
            problems.append(f"{where}: the same indicator, region and period as line {seen[key]}")
        seen.setdefault(key, line)
        values.append((row["indicator"], row["region"], period, value))
    tables, expected = {}, {}
    for name in sorted(files):
        match = re.match(r"^(tables|expected)/([A-Za-z0-9_-]+)\.json$", name)
        if not match:
            continue
        data = _json(name, files[name], problems)
        if data is None:
            continue
        if match.group(1) == "tables":
            for problem in check_layout(data, indicators):
                problems.append(f"{name}, {problem}")
            if isinstance(data, Mapping) and data.get("code") != match.group(2):
                problems.append(f"{name}, code: {data.get('code')!r} differs from the file name")
            if isinstance(data, Mapping) and data.get("total") and data["total"] not in regions:
                problems.append(f"{name}, total: unknown region {data['total']!r}")
            tables[match.group(2)] = data
        else:
            expected[match.group(2)] = data
    for code in sorted(set(expected) - set(tables)):
        problems.append(f"expected/{code}.json: no table tables/{code}.json")
    return {"indicators": indicators, "values": values, "tables": tables, "expected": expected}, problems


@transaction.atomic
def package_load(source, *, actor=None, origin: str = "") -> LoadResult:
    """Check and store a package (see the module). With ``actor`` (an officer), every value must
    lie in the actor's region; anyone else may not load (``PermissionDenied``)."""
    prefix = ""
    if actor is not None:
        from django.core.exceptions import PermissionDenied

        from reporting.selectors.stats import region_prefix

        prefix = region_prefix(actor)
        if prefix is None:
            raise PermissionDenied("only officers load statistics packages")
    parsed, problems = package_check(source, region_prefix=prefix)
    if problems:
        raise PackageError(problems)
    result = LoadResult()
    by_code = {}
    for code, row in parsed["indicators"].items():
        indicator, _created = Indicator.objects.update_or_create(
            code=code, defaults={"name": row["name"], "unit": row["unit"], "aggregation": row["aggregation"]}
        )
        by_code[code] = indicator
        result.indicators += 1
    region_ids = dict(Region.objects.values_list("code", "pk"))
    now = timezone.now()
    keys = [(by_code[i].pk, region_ids[r], p) for i, r, p, _v in parsed["values"]]
    replaced: dict[tuple[int, str], list[int]] = {}
    for indicator_id, region_id, period in keys:
        replaced.setdefault((indicator_id, period), []).append(region_id)
    for (indicator_id, period), region_list in replaced.items():
        IndicatorValue.objects.filter(
            indicator_id=indicator_id, period=period, region_id__in=region_list
        ).delete()
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(
                indicator_id=indicator_id,
                region_id=region_id,
                period=period,
                value=value,
                source=IndicatorValue.Source.IMPORTED,
                origin=origin[:200],
                entered_by=actor,
                entered_at=now,
            )  # fmt: skip
            for (indicator_id, region_id, period), (_i, _r, _p, value) in zip(
                keys, parsed["values"], strict=True
            )
        ],
        batch_size=1000,
    )
    result.values = len(keys)
    for code, layout in parsed["tables"].items():
        existing = StatsTable.objects.select_for_update().filter(code=code).first()
        before = table_state(existing) if existing else None
        table, _created = StatsTable.objects.update_or_create(
            code=code,
            defaults={
                "title": layout["title"],
                "layout": layout,
                "expected": parsed["expected"].get(code),
                "origin": origin[:200],
            },
        )
        table_change_record(
            table=table, before=before, actor=actor, action=StatsTableChange.Action.LOAD, origin=origin
        )
        result.tables.append(code)
    from reporting.selectors.stats import table_compute

    for code in result.tables:
        wanted = parsed["expected"].get(code)
        if not wanted:
            continue
        table = table_compute(code=code)
        got = {row["region"]: row["cells"] for row in table["rows"]}
        for region, cells in (wanted.get("cells") or {}).items():
            for index, cell in enumerate(cells):
                have = (got.get(region) or [None] * len(cells))[index] if region in got else None
                if have != cell:
                    result.mismatches.append((code, region, index, have, cell))
        if "rank" in wanted and wanted["rank"] != table["rank"]:
            result.mismatches.append((code, "rank", None, table["rank"], wanted["rank"]))
    return result
