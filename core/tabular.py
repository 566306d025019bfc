"""Tabular files in and out: the CSV/XLSX reader and writer every import and export uses.

No domain here. An importer describes its columns (``Columns``: each field's canonical header and
its aliases, which are required) and gets back a ``Table`` of rows, each with its spreadsheet row
number, its cells as text and ``values`` keyed by field; the importer validates the values.
Exports write through ``write_csv`` / ``write_xlsx`` / ``write_table``.

Reading
-------
- The format comes from the file name (``.csv`` / ``.xlsx``); the content must match it. Old
  ``.xls`` and anything else is refused with one clear message (``TabularFileError``).
- CSV in UTF-8, UTF-8 with BOM, GBK or GB18030. Detection: a UTF-8 BOM → ``utf-8-sig``; else a
  strict UTF-8 decode → ``utf-8``; else GB18030 (a superset of GBK and GB2312), reported as ``gbk``
  when the bytes are also valid GBK and as ``gb18030`` otherwise. Comma- or tab-separated.
- XLSX: the first worksheet, read with python-calamine (Rust; several times faster than openpyxl),
  cached values of formulas. Every cell becomes text (``cell_text``): integers as digits, floats
  through ``Decimal(str(value))`` with no exponent and ``.0`` dropped only for integral values,
  booleans as ``TRUE``/``FALSE``, dates as ``YYYY-MM-DD``.
- A leading apostrophe that ``write_*`` put before ``= + - @`` (formula neutralising) is removed
  again, so an exported file (the rejects file) can be corrected and imported as it is.
- The header row is the first row (of the first ``HEADER_SEARCH_ROWS`` non-blank rows) holding a
  known header, so a title row above the table is tolerated; row numbers are always the
  spreadsheet's own (header in row 1 → the first data row is row 2). Blank rows are skipped but
  keep their numbers. Headers compare after NFKC folding (full-width → half-width), with all
  spaces, a leading ``*`` and a trailing ``(必填)``/``(选填)`` removed.

Limits (so that nothing huge is stored, kept in memory twice, or rendered)
-------------------------------------------------------------------------
- ``max_rows`` data rows (default ``MAX_ROWS``) and ``MAX_COLUMNS`` header columns: beyond that
  the whole file is refused.
- A cell longer than ``max_cell_chars`` (default ``MAX_CELL_CHARS``) is cut to that length (plus
  "…") as soon as it is read, and its row carries the problem "第N行 X列 内容过长（超过M字）"; a row
  whose cells add up to more than ``MAX_ROW_CHARS`` likewise. Importers reject such rows. The
  full text is never stored, written to a rejects file or echoed on a page.
- Messages that quote a value use ``excerpt`` (at most ``EXCERPT_CHARS`` characters).

Writing
-------
``write_csv(rows, headers)`` (UTF-8 with BOM, so that Excel opens Chinese correctly) and
``write_xlsx(rows, headers, …)`` neutralise formula injection (OWASP "CSV injection"): a text cell
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, so
no spreadsheet evaluates it. Real numbers (``int``, ``Decimal``, ``float``, including negative
ones) are written as numbers, untouched. In XLSX every text cell is stored as a string cell, never
a formula.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

FORMATS = {".csv": "csv", ".xlsx": "xlsx"}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: A guard against runaway files (a zip-bombed workbook): far above any province's register.
MAX_ROWS = 200_000
MAX_COLUMNS = 200
#: No field anywhere in the product holds more than a few hundred characters.
MAX_CELL_CHARS = 1_000
MAX_ROW_CHARS = 20_000
EXCERPT_CHARS = 50
HEADER_SEARCH_ROWS = 10

#: The first characters a spreadsheet may take as the start of a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Source = str | Path | BinaryIO


class TabularFileError(Exception):
    """A problem with the whole file (not one row): nothing is imported. ``str()`` is for the clerk."""


# --------------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------------


def normalise_text(value: Any) -> str:
    """Trim and fold full-width forms to half-width (NFKC), as a clerk's spreadsheet needs."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


_MARKERS = re.compile(r"^\*+|\((必填|选填)\)$")


def header_key(text: Any) -> str:
    """The comparable form of a header: NFKC, no whitespace, no ``*`` or ``(必填)`` marker."""
    key = re.sub(r"\s+", "", normalise_text(text))
    return _MARKERS.sub("", key)


def excerpt(text: Any, limit: int = EXCERPT_CHARS) -> str:
    """``text`` cut to ``limit`` characters (with "…"), for quoting a value in a message."""
    text = "" if text is None else str(text)
    return text if len(text) <= limit else text[:limit] + "…"


def cell_text(value: Any) -> str:
    """The text of a spreadsheet cell value, without floats' exponent or a spurious ``.0``.

    An 18-digit number that Excel already rounded stays rounded (``1.23e17`` →
    ``123000000000000000``): it then fails whatever check the importer makes, rather than being
    silently "repaired".
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        number = Decimal(str(value))
        if number == number.to_integral_value():
            return str(int(number))
        return format(number, "f")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _unneutralise(text: str) -> str:
    """Undo ``safe_cell``: ``'=1`` → ``=1`` (only before the characters it escapes)."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


# --------------------------------------------------------------------------------------------
# Columns
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Columns:
    """What an importer recognises: {field: (canonical header, *aliases)} and the required fields."""

    aliases: dict[str, tuple[str, ...]]
    required: tuple[str, ...] = ()

    def header(self, field_name: str) -> str:
        return self.aliases[field_name][0]

    @property
    def by_key(self) -> dict[str, str]:
        return {header_key(h): f for f, spellings in self.aliases.items() for h in spellings}

    def map(self, headers: Sequence[str]) -> tuple[dict[str, int], list[str]]:
        """({field: column index}, [ignored headers]).

        Raises ``TabularFileError`` if required columns are missing or one field is given by two
        columns.
        """
        by_key = self.by_key
        found: dict[str, int] = {}
        ignored: list[str] = []
        for index, header in enumerate(headers):
            field_name = by_key.get(header_key(header))
            if field_name is None:
                if normalise_text(header):
                    ignored.append(excerpt(normalise_text(header)))
                continue
            if field_name in found:
                raise TabularFileError(
                    _("“%(a)s”和“%(b)s”两列都表示“%(col)s”，请只保留一列。")
                    % {
                        "a": excerpt(headers[found[field_name]]),
                        "b": excerpt(header),
                        "col": self.header(field_name),
                    }
                )
            found[field_name] = index
        missing = [self.header(f) for f in self.required if f not in found]
        if missing:
            raise TabularFileError(
                _("缺少必需的列：%(cols)s。请使用导入模板中的列名（表头须在第一行或标题行之下）。")
                % {"cols": "、".join(missing)}
            )
        return found, ignored


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


@dataclass
class SourceRow:
    """One data row as read: its spreadsheet row number, its cells as text (not normalised, cut to
    the limits) and the problems found while reading (over-long cells)."""

    number: int
    cells: list[str]
    problems: list[str] = field(default_factory=list)


@dataclass
class Table:
    """A read file: the header texts, the non-blank data rows, and how it was decoded."""

    headers: list[str]
    rows: list[SourceRow]
    encoding: str
    file_format: str
    header_row: int = 1
    #: {field: column index} and the headers not recognised (set when read with ``Columns``).
    columns: dict[str, int] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)

    def values(self, row: SourceRow) -> dict[str, str]:
        """{field: cell text} of ``row`` for the recognised columns (text as read, not normalised)."""
        return {f: row.cells[i] for f, i in self.columns.items()}


def file_format_for(filename: str) -> str:
    """``csv`` or ``xlsx`` from the file name; raises ``TabularFileError`` for anything else."""
    suffix = Path(filename or "").suffix.lower()
    if suffix == ".xls":
        raise TabularFileError(
            _("不支持旧版 Excel 97-2003（.xls）文件。请在 Excel 中另存为 .xlsx 或“CSV UTF-8”后重新导入。")
        )
    if suffix not in FORMATS:
        raise TabularFileError(
            _("不支持“%(ext)s”格式，只能导入 .xlsx 或 .csv 文件。")
            % {"ext": excerpt(suffix) or _("无扩展名")}
        )
    return FORMATS[suffix]


def decode_csv_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding label) by BOM → strict UTF-8 → GB18030 (labelled ``gbk`` when valid GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise TabularFileError(
            _("无法识别文件的文字编码。请在 Excel 中另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后重新导入。")
        ) from exc
    try:
        data.decode("gbk")
    except UnicodeDecodeError:
        return text, "gb18030"
    return text, "gbk"


def _read_bytes(source: Source) -> bytes:
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    source.seek(0)
    return source.read()


def _read_head(source: Source) -> bytes:
    if isinstance(source, str | Path):
        with open(source, "rb") as handle:
            return handle.read(8)
    source.seek(0)
    head = source.read(8)
    source.seek(0)
    return head


def _too_many_rows(limit: int) -> TabularFileError:
    return TabularFileError(_("文件超过 %(n)d 行，请拆分后分批导入。") % {"n": limit})


def _csv_rows(data: bytes, max_rows: int) -> tuple[list[tuple[int, list[str]]], str]:
    if b"\x00" in data[:8192]:
        raise TabularFileError(_("文件不是文本格式的 CSV（可能是其他格式的文件改了扩展名）。"))
    text, encoding = decode_csv_bytes(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    rows = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for number, row in enumerate(reader, 1):
            if number > max_rows + HEADER_SEARCH_ROWS:
                raise _too_many_rows(max_rows)
            rows.append((number, row))
    except csv.Error as exc:
        raise TabularFileError(_("CSV 文件格式错误：%(err)s") % {"err": excerpt(exc, 200)}) from exc
    return rows, encoding


def _xlsx_rows(source: Source, max_rows: int) -> list[tuple[int, list[Any]]]:
    import python_calamine

    if not _read_head(source).startswith(b"PK\x03\x04"):
        raise TabularFileError(
            _("文件不是有效的 Excel 工作簿（.xlsx）。如是旧版 .xls，请另存为 .xlsx 后重新导入。")
        )
    broken = TabularFileError(_("无法读取 Excel 文件，文件可能已损坏。请用 Excel 打开后另存再导入。"))
    try:
        if isinstance(source, str | Path):
            workbook = python_calamine.CalamineWorkbook.from_path(str(source))
        else:
            source.seek(0)
            workbook = python_calamine.CalamineWorkbook.from_filelike(source)
    except Exception as exc:  # calamine raises its own kinds (zip, XML, format) for broken files
        raise broken from exc
    with workbook:
        if not workbook.sheet_names:
            raise TabularFileError(_("Excel 文件中没有工作表。"))
        try:
            sheet = workbook.get_sheet_by_index(0)
        except Exception as exc:
            raise broken from exc
        end = sheet.end
        if end is not None and end[0] + 1 > max_rows + HEADER_SEARCH_ROWS:
            raise _too_many_rows(max_rows)
        # skip_empty_area=False: rows and columns from A1, so row numbers are the spreadsheet's.
        values = sheet.to_python(skip_empty_area=False)
    return list(enumerate(values, 1))


def _is_blank(cells: Sequence[Any]) -> bool:
    return not any(normalise_text(c) for c in cells)


def _capped_row(number: int, cells: list[str], headers: list[str], max_cell_chars: int) -> SourceRow:
    row = SourceRow(number, cells)
    for index, text in enumerate(cells):
        if len(text) > max_cell_chars:
            cells[index] = text[:max_cell_chars] + "…"
            row.problems.append(
                _("第%(row)d行“%(col)s”列内容过长（超过%(n)d字）")
                % {"row": number, "col": excerpt(normalise_text(headers[index]), 20), "n": max_cell_chars}
            )
    if not row.problems and sum(len(c) for c in cells) > MAX_ROW_CHARS:
        row.cells = [excerpt(c, MAX_ROW_CHARS // max(len(cells), 1)) for c in cells]
        row.problems.append(_("第%(row)d行内容过长（超过%(n)d字）") % {"row": number, "n": MAX_ROW_CHARS})
    return row


def _build_table(
    raw: list[tuple[int, list[Any]]],
    encoding: str,
    file_format: str,
    *,
    columns: Columns | None,
    max_rows: int,
    max_cell_chars: int,
) -> Table:
    known = columns.by_key if columns else {}
    non_blank = [(n, cells) for n, cells in raw if not _is_blank(cells)]
    if not non_blank:
        raise TabularFileError(_("文件是空的，没有任何内容。"))
    header_at = 0
    for position, (_number, cells) in enumerate(non_blank[:HEADER_SEARCH_ROWS]):
        if any(header_key(c) in known for c in cells):
            header_at = position
            break
    header_number, header_values = non_blank[header_at]
    header_cells = [_unneutralise(cell_text(c)) for c in header_values]
    while header_cells and not normalise_text(header_cells[-1]):
        header_cells.pop()
    if len(header_cells) > MAX_COLUMNS:
        raise TabularFileError(_("表头超过 %(n)d 列，请只保留需要导入的列。") % {"n": MAX_COLUMNS})
    header_cells = [excerpt(h, 100) for h in header_cells]
    width = len(header_cells)
    rows = []
    for number, values in non_blank[header_at + 1 :]:
        values = values[:width]  # content only beyond the last named column counts as blank
        if _is_blank(values):
            continue
        if len(rows) >= max_rows:
            raise _too_many_rows(max_rows)
        cells = [_unneutralise(cell_text(v)) for v in values]
        cells.extend([""] * (width - len(cells)))
        rows.append(_capped_row(number, cells, header_cells, max_cell_chars))
    if not rows:
        raise TabularFileError(_("文件只有表头，没有数据行。"))
    return Table(header_cells, rows, encoding, file_format, header_number)


def read_table(
    source: Source,
    filename: str,
    *,
    columns: Columns | None = None,
    max_rows: int = MAX_ROWS,
    max_cell_chars: int = MAX_CELL_CHARS,
) -> Table:
    """Read ``source`` (a path or a binary file object) whose original name is ``filename``.

    Returns the header texts and the non-blank data rows with their spreadsheet row numbers; raises
    ``TabularFileError`` for an unreadable, unsupported, empty or oversized file. With ``columns``
    the header row is found by its known headers and ``Table.columns`` maps fields to positions
    (``Columns.map``: missing required columns also raise); without, the first non-blank row is
    the header.
    """
    file_format = file_format_for(filename)
    if file_format == "xlsx":
        raw, encoding = _xlsx_rows(source, max_rows), ""
    else:
        data = _read_bytes(source)
        if not data.strip():
            raise TabularFileError(_("文件是空的，没有任何内容。"))
        if data.startswith(b"PK\x03\x04"):
            raise TabularFileError(
                _("文件扩展名为 .csv，但内容是 Excel 工作簿。请把扩展名改为 .xlsx 后重新导入。")
            )
        raw, encoding = _csv_rows(data, max_rows)
    table = _build_table(
        raw, encoding, file_format, columns=columns, max_rows=max_rows, max_cell_chars=max_cell_chars
    )
    if columns is not None:
        table.columns, table.ignored = columns.map(table.headers)
    return table


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def safe_cell(value: Any) -> Any:
    """``value`` ready for a spreadsheet: numbers stay numbers; text that a spreadsheet would take
    for a formula gets a leading apostrophe; ``None`` → ``""``; anything else → ``str``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def write_csv(rows: Iterable[Sequence[Any]], headers: Sequence[Any]) -> bytes:
    """The rows under ``headers`` as CSV bytes: UTF-8 with a BOM, formula-safe cells."""
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow([safe_cell(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_value(safe_cell(v)) for v in row])
    return text.getvalue().encode("utf-8-sig")


def _csv_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return value


@dataclass
class Sheet:
    """One worksheet for ``write_xlsx``: ``text_columns`` (0-based) are formatted as text, so codes
    and phone numbers typed into them stay text; ``marked_headers`` are shown in red."""

    title: str
    headers: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] | None = None
    text_columns: Sequence[int] = ()
    marked_headers: Sequence[int] = ()
    bold_headers: bool = True
    freeze_header: bool = True


def write_xlsx(
    rows: Iterable[Sequence[Any]],
    headers: Sequence[Any],
    *,
    title: str = "Sheet1",
    more_sheets: Sequence[Sheet] = (),
    **options: Any,
) -> bytes:
    """The rows under ``headers`` as an XLSX workbook (bytes), formula-safe cells.

    ``options`` are ``Sheet`` fields (``widths``, ``text_columns``, ``marked_headers``, …) for the
    first sheet; ``more_sheets`` are appended after it.
    """
    return write_sheets([Sheet(title, headers, rows, **options), *more_sheets])


def write_sheets(sheets: Sequence[Sheet]) -> bytes:
    """Several ``Sheet`` as one XLSX workbook (bytes), written in openpyxl's streaming mode."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook(write_only=True)
    for spec in sheets:
        sheet = workbook.create_sheet(spec.title[:31])
        for index, width in enumerate(spec.widths or (), 1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        for index in spec.text_columns:
            sheet.column_dimensions[get_column_letter(index + 1)].number_format = "@"
        if spec.freeze_header:
            sheet.freeze_panes = "A2"
        text_columns = set(spec.text_columns)
        header_row = []
        for index, header in enumerate(spec.headers):
            cell = _xlsx_cell(sheet, header, WriteOnlyCell)
            if spec.bold_headers:
                cell.font = Font(bold=True, color="C00000" if index in spec.marked_headers else None)
            header_row.append(cell)
        sheet.append(header_row)
        for row in spec.rows:
            cells = []
            for index, value in enumerate(row):
                cell = _xlsx_cell(sheet, value, WriteOnlyCell)
                if index in text_columns:
                    cell.number_format = "@"
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet, value: Any, cell_class):
    value = safe_cell(value)
    if isinstance(value, str):
        cell = cell_class(sheet)
        # Assigning a str starting with "=" would make a formula: store it as a string cell.
        cell._value = value
        cell.data_type = "s"
        return cell
    return cell_class(sheet, value=value)


def write_table(file_format: str, rows: Iterable[Sequence[Any]], headers: Sequence[Any], **options) -> bytes:
    """``write_csv`` or ``write_xlsx`` by ``file_format`` (``csv`` / ``xlsx``)."""
    if file_format == "csv":
        return write_csv(rows, headers)
    return write_xlsx(rows, headers, **options)
