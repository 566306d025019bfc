"""Table layouts: checking one, computing its cells, formats and rankings (no database here).

A layout is the JSON of ``stats-package.md``: ``code``, ``title``, ``period``, optional
``base_period``, ``rows`` (``level:city``, ``level:county``, ``level:city+zone``), optional
``total`` (a region code: its row comes last), ``missing`` (default ``/``), ``columns`` (``label``,
``expr``, ``format`` = ``int`` | ``decimal`` | ``percent:N``, optional ``parts`` + ``template``)
and ``rank`` (``column``, ``top``, ``phrase``, optional ``unit``).

Contract:
- ``check_layout(layout, known_codes)`` returns a list of problems, each naming the field (and for
  an expression the column and the position); an empty list means the layout can be computed.
- ``compute(layout, regions, value, period=None, tie_order=None)``: ``regions`` are ``RegionRow``
  (code, short name, level, sort order), ``value(code, region_code, period)`` gives an exact
  ``Decimal`` or ``None`` (aggregation is the caller's). Returns the table as
  ``{"code", "title", "period", "columns", "rows": [{"region", "label", "cells"}], "rank"}``.
  Cells are strings: half-up rounding (四舍五入) at the format's precision, nothing rounded before
  that; a missing operand or a division by zero gives the layout's ``missing`` text.
- A ranking takes the rows other than the total row and zones, with a value, highest first; ties
  keep ``tie_order`` (region code → position; default: row order). Each entry is
  ``[short name, formatted cell]``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from reporting.stats.expressions import Expression, ExpressionError, parse
from reporting.stats.periods import parse_period

ROW_LEVELS = {"level:city": ("city",), "level:county": ("county",), "level:city+zone": ("city", "zone")}
FORMAT = re.compile(r"^(int|decimal|percent:(\d))$")
PLACEHOLDER = re.compile(r"\{(\d+)\}")


@dataclass(frozen=True)
class RegionRow:
    code: str
    short_name: str
    level: str
    sort_order: int


#: Table codes that would collide with the statistics pages' own URLs (``stats/tables/new/``).
RESERVED_CODES = frozenset({"new"})


def _problem(where: str, message: str) -> str:
    return f"{where}: {message}"


def check_layout(layout: Mapping, known_codes: Iterable[str]) -> list[str]:
    """Problems of ``layout`` (see the module); ``[]`` when it can be computed."""
    known = set(known_codes)
    problems: list[str] = []
    if not isinstance(layout, Mapping):
        return ["the layout must be a JSON object"]
    for field in ("code", "title", "period", "rows", "columns"):
        if field not in layout:
            problems.append(_problem(field, "missing"))
    if layout.get("code") in RESERVED_CODES:
        problems.append(_problem("code", f"{layout['code']!r} is reserved"))
    for field in ("period", "base_period"):
        if layout.get(field) is not None:
            try:
                parse_period(layout[field])
            except ValueError as exc:
                problems.append(_problem(field, str(exc)))
    if "rows" in layout and layout["rows"] not in ROW_LEVELS:
        problems.append(_problem("rows", f"unknown rows {layout['rows']!r} (use {', '.join(ROW_LEVELS)})"))
    columns = layout.get("columns")
    if columns is not None and (not isinstance(columns, list) or not columns):
        problems.append(_problem("columns", "must be a non-empty list"))
        columns = []
    for index, column in enumerate(columns or []):
        where = f"columns[{index}]"
        if not isinstance(column, Mapping):
            problems.append(_problem(where, "must be an object"))
            continue
        if not str(column.get("label") or "").strip():
            problems.append(_problem(f"{where}.label", "missing"))
        if not FORMAT.match(str(column.get("format", "decimal"))):
            problems.append(_problem(f"{where}.format", f"unknown format {column.get('format')!r}"))
        expressions = [("expr", column.get("expr"))] + [
            (f"parts[{n}]", part) for n, part in enumerate(column.get("parts") or [])
        ]
        for name, text in expressions:
            try:
                expression = parse(text)
            except ExpressionError as exc:
                problems.append(
                    _problem(f"{where}.{name}", f"{exc.message} at position {exc.position} in {text!r}")
                )
                continue
            unknown = sorted(expression.codes - known)
            if unknown:
                problems.append(
                    _problem(f"{where}.{name}", f"unknown indicator {', '.join(unknown)} in {text!r}")
                )
            if any(base for _code, base in expression.references) and not layout.get("base_period"):
                problems.append(
                    _problem(f"{where}.{name}", f"uses @base but the layout has no base_period: {text!r}")
                )
            if expression.uses_total and not layout.get("total"):
                problems.append(
                    _problem(f"{where}.{name}", f"uses total() but the layout has no total: {text!r}")
                )
        template = column.get("template")
        if template is not None:
            wanted = {int(n) for n in PLACEHOLDER.findall(str(template))}
            if wanted - set(range(len(column.get("parts") or []) + 1)):
                problems.append(
                    _problem(f"{where}.template", f"{template!r} names a part the column does not have")
                )
    for index, rank in enumerate(layout.get("rank") or []):
        where = f"rank[{index}]"
        column = rank.get("column") if isinstance(rank, Mapping) else None
        if not isinstance(column, int) or not 0 <= column < len(columns or []):
            problems.append(_problem(f"{where}.column", f"no column {column!r}"))
        top = rank.get("top", 3) if isinstance(rank, Mapping) else None
        if not isinstance(top, int) or top < 1:
            problems.append(_problem(f"{where}.top", "must be a positive integer"))
    return problems


def format_value(value: Decimal | None, fmt: str, missing: str = "/") -> str:
    """A value as the bulletin prints it (see the module); ``missing`` for ``None``."""
    if value is None:
        return missing
    with localcontext() as context:
        # enough digits for the whole part ×100 and the decimals: any value rounds without an error
        context.prec = max(60, value.adjusted() + 16)
        if fmt == "int":
            return str(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        if fmt.startswith("percent:"):
            digits = int(fmt.split(":", 1)[1])
            scaled = (value * 100).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
            return f"{scaled:f}%"
        text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


@dataclass
class _Column:
    label: str
    expression: Expression
    parts: list[Expression]
    fmt: str
    template: str | None


def _columns(layout) -> list[_Column]:
    return [
        _Column(
            label=str(column["label"]),
            expression=parse(column["expr"]),
            parts=[parse(part) for part in column.get("parts") or []],
            fmt=str(column.get("format", "decimal")),
            template=column.get("template"),
        )
        for column in layout["columns"]
    ]


def compute(
    layout: Mapping,
    regions: Iterable[RegionRow],
    value: Callable[[str, str, str], Decimal | None],
    *,
    period: str | None = None,
    tie_order: Mapping[str, int] | None = None,
    with_values: bool = False,
) -> dict:
    """The table of ``layout`` for ``period`` (default: the layout's); see the module.

    ``with_values`` adds to each row ``"values"``: every column's own value before formatting, as
    an exact decimal string (``None`` when missing) — what charts are drawn from."""
    period = parse_period(period or layout["period"])[0]
    base = parse_period(layout["base_period"])[0] if layout.get("base_period") else None
    missing = str(layout.get("missing", "/"))
    total = layout.get("total")
    by_code = {r.code: r for r in regions}
    levels = ROW_LEVELS[layout["rows"]]
    rows = sorted((r for r in by_code.values() if r.level in levels), key=lambda r: (r.sort_order, r.code))
    if total and total in by_code:
        rows.append(by_code[total])

    def lookup(code: str, region: str, at_base: bool) -> Decimal | None:
        return value(code, region, base if at_base else period)

    columns = _columns(layout)
    out_rows, raw = [], {}
    for row in rows:
        cells, values = [], []
        for column in columns:
            own = column.expression.evaluate(lookup, row.code, total)
            values.append(own)
            text = format_value(own, column.fmt, missing)
            if column.template is not None:
                parts = [
                    format_value(p.evaluate(lookup, row.code, total), column.fmt, missing)
                    for p in column.parts
                ]
                pieces = [text, *parts]
                text = PLACEHOLDER.sub(lambda m, pieces=pieces: pieces[int(m.group(1))], column.template)
            cells.append(text)
        raw[row.code] = (values, cells)
        out_row = {"region": row.code, "label": row.short_name, "cells": cells}
        if with_values:
            out_row["values"] = [None if v is None else format_value(v, "decimal") for v in values]
        out_rows.append(out_row)
    position = dict(tie_order or {})
    row_index = {row.code: index for index, row in enumerate(rows)}
    ranks = []
    for rank in layout.get("rank") or []:
        index = rank["column"]
        candidates = [
            row for row in rows
            if row.code != total and row.level != "zone" and raw[row.code][0][index] is not None
        ]  # fmt: skip
        candidates.sort(
            key=lambda r: (-raw[r.code][0][index], position.get(r.code, len(position) + row_index[r.code]))
        )
        ranks.append([[r.short_name, raw[r.code][1][index]] for r in candidates[: rank.get("top", 3)]])
    return {
        "code": layout["code"],
        "title": layout["title"],
        "period": period,
        "columns": [c.label for c in columns],
        "rows": out_rows,
        "rank": ranks,
    }


def rank_sentence(rank_spec: Mapping, entries: list[list[str]]) -> str:
    """``…{phrase}位列前三位的为宜春（192家）、新余（44家）和九江（40家）。`` for one ranking."""
    unit = rank_spec.get("unit", "")
    items = [f"{name}（{value}{unit}）" for name, value in entries]
    if not items:
        return ""
    listed = items[0] if len(items) == 1 else "、".join(items[:-1]) + "和" + items[-1]
    count = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五"}.get(len(items), str(len(items)))
    return f"{rank_spec.get('phrase', '')}位列前{count}位的为{listed}。"
