"""Table layouts written in the browser: the form's fields to a checked layout, and back.

The form has one field per top-level key of a layout (``stats-package.md``) and two textareas:

- columns, one per line: ``标题 | 表达式 | 格式`` with optionally ``| 组成部分1; 组成部分2 | 模板``
  (the format may be left empty: ``decimal``; the template takes the rest of the line);
- rankings, one per line: ``列号 | 前N | 短语 | 单位`` — the column number counts from 1 (the
  first column after the region), ``前N`` is ``3`` or ``前3`` and may be left empty (3), the unit
  is optional. Blank lines are skipped.

Contract:
- ``layout_fields_of(layout)`` gives the form's fields of a stored layout (``period``,
  ``base_period``, ``rows``, ``total``, ``missing``, ``columns``, ``rank``, all text): what the edit
  page shows. Building a layout from these fields again gives the stored layout unchanged.
- ``layout_build(*, actor, code, title, layout_fields, table=None)`` returns the layout dict
  (nothing is written; what a preview computes). ``table`` is the table being edited: its code
  stays (``code`` is ignored), keys the form does not show are kept, and an optional key that
  the stored layout spelled out with its default value (``"missing": "/"``) stays spelled out.
  On create the code must match ``^[a-z][a-z0-9_]*$``, not be reserved (``new``: the create page's
  URL) and not exist yet. Problems raise ``ValidationError`` with messages per form field, in the
  interface's language: a bad line of a textarea names the line, an expression error names the
  column and the position in the expression (the parser's text); the layout is finally checked by
  ``reporting.stats.tables.check_layout`` against the stored indicators. Input is bounded
  (lines, line length, expression length), so no input can exhaust the parser. Anyone but a
  province officer or an administrator gets ``PermissionDenied``.
- ``layout_save(...)`` (same arguments) builds the layout and stores it: a new ``StatsTable``
  (``expected`` None) or the edited one (``expected`` and ``origin`` untouched), and records the
  change in the table's history (``reporting.services.table_history``). Returns the table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import is_province
from regions.models import Region
from reporting.models import Indicator, StatsTable, StatsTableChange
from reporting.services.table_history import table_change_record, table_state
from reporting.stats.expressions import ExpressionError, parse
from reporting.stats.periods import parse_period
from reporting.stats.tables import FORMAT, PLACEHOLDER, RESERVED_CODES, ROW_LEVELS, check_layout

CODE = re.compile(r"^[a-z][a-z0-9_]*$")
#: A textarea's limits: its lines (blank lines included), one line's characters, an expression's
#: characters (the parser nests one level per operator, so this bounds its depth too).
COLUMNS_MAX = 40
RANKS_MAX = 10
LINES_MAX = 200
LINE_MAX = 1000
EXPRESSION_MAX = 200
TEXT_MAX = 200  # a label, template or phrase
MISSING_MAX = 20
UNIT_MAX = 20
TOP_MAX = 100
#: At most this many messages per field: a pasted page of garbage is not answered line by line.
MESSAGES_MAX = 10
DEFAULT_MISSING = "/"
NUMBER = re.compile(r"^\d{1,3}$", re.ASCII)
TOP = re.compile(r"^(?:前\s*)?(\d{1,3})$", re.ASCII)
#: Control characters (NUL above all: PostgreSQL refuses it in text and JSON) are never accepted.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: The top-level keys the form edits; any other key of an edited layout is kept as it was.
FORM_KEYS = ("code", "title", "period", "base_period", "rows", "total", "missing", "columns", "rank")
FIELDS = ("period", "base_period", "rows", "total", "missing", "columns", "rank")


class _Errors:
    """Messages per form field, at most ``MESSAGES_MAX`` each (then one "and more")."""

    def __init__(self):
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        messages = self.by_field.setdefault(field, [])
        if len(messages) < MESSAGES_MAX:
            messages.append(message)
        elif len(messages) == MESSAGES_MAX:
            messages.append(_("……还有更多问题，请先改正以上各处。"))

    def __bool__(self) -> bool:
        return bool(self.by_field)


def _text(value) -> str:
    return "" if value is None else str(value)


def _lines(field: str, text: str, errors: _Errors, most: int) -> list[tuple[int, str | None]]:
    """(line number, stripped line) of each non-blank line; ``None`` for a line that is too long
    (reported). ``[]`` with one error when there are too many lines."""
    raw = text.splitlines()
    if len(raw) > LINES_MAX:
        errors.add(field, _("行数太多（%(n)d 行），最多 %(most)d 行。") % {"n": len(raw), "most": LINES_MAX})
        return []
    lines = [(number, line.strip()) for number, line in enumerate(raw, start=1) if line.strip()]
    if len(lines) > most:
        errors.add(field, _("最多 %(most)d 行（现有 %(n)d 行）。") % {"n": len(lines), "most": most})
        return []
    for index, (number, line) in enumerate(lines):
        if len(line) > LINE_MAX:
            errors.add(field, _too_long(_("第%(line)d行") % {"line": number}, _("这一行"), LINE_MAX))
            lines[index] = (number, None)
    return lines


def _too_long(where: str, what: str, most: int) -> str:
    return _("%(where)s：%(what)s太长（最多 %(most)d 个字符）。") % {
        "where": where,
        "what": what,
        "most": most,
    }


def _where(column: int, line: int) -> str:
    if column == line:
        return _("第%(column)d列") % {"column": column}
    return _("第%(column)d列（第%(line)d行）") % {"column": column, "line": line}


def _expression(text: str, where: str, errors: _Errors, known: set[str], field: str = "columns"):
    """The parsed expression, or None with the error (the parser's text and position)."""
    if not text:
        errors.add(field, _("%(where)s：表达式为空。") % {"where": where})
        return None
    if len(text) > EXPRESSION_MAX:
        errors.add(field, _too_long(where, _("表达式"), EXPRESSION_MAX))
        return None
    try:
        expression = parse(text)
    except ExpressionError as exc:
        errors.add(
            field,
            _("%(where)s：第%(position)d个字符处：%(message)s")
            % {"where": where, "position": exc.position, "message": exc.message},
        )
        return None
    unknown = sorted(expression.codes - known)
    if unknown:
        errors.add(
            field,
            _("%(where)s：没有指标代码 %(codes)s（可用的代码见“表达式说明”）。")
            % {"where": where, "codes": "、".join(unknown)},
        )
    return expression


def _columns(text: str, errors: _Errors, known: set[str], base: bool, total: bool) -> list[dict]:
    columns = []
    for number, (line, content) in enumerate(_lines("columns", text, errors, COLUMNS_MAX), start=1):
        if content is None:
            columns.append({})  # keeps the numbering of the columns after it
            continue
        where = _where(number, line)
        pieces = [piece.strip() for piece in content.split("|", 4)]
        if len(pieces) < 2:
            errors.add(
                "columns",
                _("%(where)s：应为“标题 | 表达式 | 格式”，各段用“|”分开。") % {"where": where},
            )
            continue
        label, expr = pieces[0], pieces[1]
        fmt = pieces[2] if len(pieces) > 2 else ""
        parts_text = pieces[3] if len(pieces) > 3 else ""
        template = pieces[4] if len(pieces) > 4 else ""
        column: dict = {"label": label, "expr": expr}
        if not label:
            errors.add("columns", _("%(where)s：标题为空。") % {"where": where})
        elif len(label) > TEXT_MAX:
            errors.add("columns", _too_long(where, _("标题"), TEXT_MAX))
        expressions = [_expression(expr, where, errors, known)]
        if parts_text:
            parts = [part.strip() for part in parts_text.split(";")]
            for index, part in enumerate(parts, start=1):
                part_where = _("%(where)s组成部分%(n)d") % {"where": where, "n": index}
                expressions.append(_expression(part, part_where, errors, known))
            column["parts"] = parts
        if fmt:
            if not FORMAT.match(fmt):
                errors.add(
                    "columns",
                    _("%(where)s：格式“%(format)s”无效，应为 int、decimal 或 percent:N（N 为 0–9 位小数）。")
                    % {"where": where, "format": fmt},
                )
            column["format"] = fmt
        if template:
            wanted = {int(n) for n in PLACEHOLDER.findall(template)}  # a line is short: int() is safe
            if len(template) > TEXT_MAX:
                errors.add("columns", _too_long(where, _("模板"), TEXT_MAX))
            elif wanted - set(range(len(column.get("parts", [])) + 1)):
                errors.add(
                    "columns",
                    _("%(where)s：模板“%(template)s”只能用 {0}（本列的值）和 {1}、{2}…（各组成部分）。")
                    % {"where": where, "template": template},
                )
            column["template"] = template
        elif parts_text:
            errors.add(
                "columns",
                _("%(where)s：有组成部分时还需要模板，例如 {0}({1}/{2})。") % {"where": where},
            )
        for expression in expressions:
            if expression is None:
                continue
            if not base and any(at_base for _code, at_base in expression.references):
                errors.add("columns", _("%(where)s：用了 @base，请先填写基期。") % {"where": where})
            if not total and expression.uses_total:
                errors.add(
                    "columns", _("%(where)s：用了 total(…)，请先填写合计行的区划代码。") % {"where": where}
                )
        columns.append(column)
    if not columns and "columns" not in errors.by_field:
        errors.add("columns", _("请至少填写一列。"))
    return columns


def _ranks(text: str, errors: _Errors, column_count: int | None) -> list[dict]:
    """The rankings; ``column_count`` is None when the columns have errors (their number is
    unknown then, and the column numbers are not checked against it)."""
    ranks = []
    for line, content in _lines("rank", text, errors, RANKS_MAX):
        if content is None:
            continue
        where = _("第%(line)d行") % {"line": line}
        pieces = [piece.strip() for piece in content.split("|")]
        if not 3 <= len(pieces) <= 4:
            errors.add(
                "rank", _("%(where)s：应为“列号 | 前N | 短语 | 单位”，各段用“|”分开。") % {"where": where}
            )
            continue
        number, top, phrase = pieces[:3]
        unit = pieces[3] if len(pieces) > 3 else ""
        rank: dict = {}
        if not NUMBER.match(number):
            errors.add(
                "rank",
                _("%(where)s：列号“%(text)s”应为数字，例如 2。") % {"where": where, "text": number[:20]},
            )
        elif column_count is not None and not 1 <= int(number) <= column_count:
            errors.add(
                "rank",
                _("%(where)s：没有第%(n)s列（表样共 %(count)d 列）。")
                % {"where": where, "n": int(number), "count": column_count},
            )
        else:
            rank["column"] = int(number) - 1
        if top:
            match = TOP.match(top)
            if not match or not 1 <= int(match.group(1)) <= TOP_MAX:
                errors.add(
                    "rank",
                    _("%(where)s：前N“%(text)s”应为 1–%(most)d 的整数，例如 3。")
                    % {"where": where, "text": top[:20], "most": TOP_MAX},
                )
            else:
                rank["top"] = int(match.group(1))
        if not phrase:
            errors.add("rank", _("%(where)s：短语为空。") % {"where": where})
        elif len(phrase) > TEXT_MAX:
            errors.add("rank", _too_long(where, _("短语"), TEXT_MAX))
        rank["phrase"] = phrase
        if len(unit) > UNIT_MAX:
            errors.add("rank", _too_long(where, _("单位"), UNIT_MAX))
        if unit:
            rank["unit"] = unit
        ranks.append(rank)
    return ranks


def _period(field: str, text: str, errors: _Errors) -> str | None:
    try:
        return parse_period(text)[0]
    except ValueError:
        errors.add(field, _("统计期格式不正确（如 2022、2022S1、2022Q1、202206）。"))
        return None


def _field_of(problem: str) -> str:
    """The form field a ``check_layout`` problem (``"columns[1].expr: …"``) belongs to."""
    name = re.split(r"[\[.:]", problem, maxsplit=1)[0]
    return name if name in FIELDS or name == "title" else NON_FIELD_ERRORS


def layout_build(
    *, actor, code: str, title: str, layout_fields: Mapping, table: StatsTable | None = None
) -> dict:
    if not is_province(actor):
        raise PermissionDenied(_("表样由省工信厅维护。"))
    fields = {name: _text(layout_fields.get(name)) for name in FIELDS}
    errors = _Errors()
    for name, value in [("code", _text(code)), ("title", _text(title)), *fields.items()]:
        if CONTROL.search(value):
            errors.add(name, _("含有不可见的控制字符（如 NUL），请删除后再保存。"))
    if errors:
        raise ValidationError(errors.by_field)
    original = table.layout if table is not None and isinstance(table.layout, Mapping) else None
    if table is not None:
        code = table.code
    else:
        code = _text(code).strip()
        if not code:
            errors.add("code", _("请填写代码。"))
        elif len(code) > StatsTable._meta.get_field("code").max_length or not CODE.match(code):
            errors.add(
                "code",
                _("代码只能由小写字母、数字和下划线组成，以字母开头，最多 %(most)d 个字符。")
                % {"most": StatsTable._meta.get_field("code").max_length},
            )
        elif code in RESERVED_CODES:
            errors.add("code", _("“%(code)s”是保留字，不能用作代码。") % {"code": code})
        elif StatsTable.objects.filter(code=code).exists():
            errors.add("code", _("已有代码为 %(code)s 的统计表，请换一个代码。") % {"code": code})
    title = _text(title).strip()
    if not title:
        errors.add("title", _("请填写标题。"))
    elif len(title) > StatsTable._meta.get_field("title").max_length:
        errors.add(
            "title",
            _("标题最多 %(most)d 个字符。") % {"most": StatsTable._meta.get_field("title").max_length},
        )
    period = _period("period", fields["period"], errors)
    base_text = fields["base_period"].strip()
    base_period = _period("base_period", base_text, errors) if base_text else None
    rows = fields["rows"].strip()
    if rows not in ROW_LEVELS:
        errors.add("rows", _("请选择表的行。"))
    total = fields["total"].strip() or None
    if total and (
        len(total) > Region._meta.get_field("code").max_length
        or not Region.objects.filter(code=total).exists()
    ):
        errors.add("total", _("没有区划代码为 %(code)s 的地区。") % {"code": total[:20]})
    missing = fields["missing"].strip() or DEFAULT_MISSING
    if len(missing) > MISSING_MAX:
        errors.add("missing", _("缺项显示最多 %(most)d 个字符。") % {"most": MISSING_MAX})
    known = set(Indicator.objects.values_list("code", flat=True))
    columns = _columns(fields["columns"], errors, known, base=bool(base_text), total=bool(total))
    ranks = _ranks(fields["rank"], errors, None if "columns" in errors.by_field else len(columns))
    if errors:
        raise ValidationError(errors.by_field)

    def spelled_out(key: str, value, default) -> bool:
        # An optional key at its default is left out, unless the edited layout spelled it out.
        return value != default or (original is not None and key in original and original[key] == value)

    layout: dict = {"code": code, "title": title, "period": period}
    if spelled_out("base_period", base_period, None):
        layout["base_period"] = base_period
    layout["rows"] = rows
    if spelled_out("total", total, None):
        layout["total"] = total
    if spelled_out("missing", missing, DEFAULT_MISSING):
        layout["missing"] = missing
    layout["columns"] = columns
    if spelled_out("rank", ranks, []):
        layout["rank"] = ranks
    for key, value in (original or {}).items():
        if key not in FORM_KEYS:
            layout[key] = value
    for problem in check_layout(layout, known):
        errors.add(_field_of(problem), problem)
    if errors:
        raise ValidationError(errors.by_field)
    return layout


@transaction.atomic
def layout_save(
    *, actor, code: str, title: str, layout_fields: Mapping, table: StatsTable | None = None
) -> StatsTable:
    layout = layout_build(actor=actor, code=code, title=title, layout_fields=layout_fields, table=table)
    if table is None:
        table, before = StatsTable(code=layout["code"], expected=None), None
    else:
        table = StatsTable.objects.select_for_update().get(pk=table.pk)
        before = table_state(table)
    table.title = layout["title"]
    table.layout = layout
    table.full_clean()
    table.save()
    table_change_record(
        table=table,
        before=before,
        actor=actor,
        action=StatsTableChange.Action.CREATE if before is None else StatsTableChange.Action.UPDATE,
    )
    return table


def _join(pieces: list[str]) -> str:
    while pieces and not pieces[-1]:
        pieces.pop()
    return " | ".join(pieces)


def layout_fields_of(layout: Mapping) -> dict[str, str]:
    columns = []
    for column in layout.get("columns") or []:
        pieces = [_text(column.get("label")), _text(column.get("expr")), _text(column.get("format"))]
        if column.get("parts") or column.get("template") is not None:
            pieces += [
                "; ".join(_text(part) for part in column.get("parts") or []),
                _text(column.get("template")),
            ]
        columns.append(_join(pieces))
    ranks = []
    for rank in layout.get("rank") or []:
        number = rank.get("column")
        pieces = [
            _text(number + 1 if isinstance(number, int) else number),
            _text(rank.get("top")),
            _text(rank.get("phrase")),
            _text(rank.get("unit")),
        ]
        ranks.append(_join(pieces))
    return {
        "period": _text(layout.get("period")),
        "base_period": _text(layout.get("base_period")),
        "rows": _text(layout.get("rows")),
        "total": _text(layout.get("total")),
        "missing": _text(layout.get("missing", DEFAULT_MISSING)),
        "columns": "\n".join(columns),
        "rank": "\n".join(ranks),
    }
