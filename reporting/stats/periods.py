"""Period codes of the indicator store: ``2022`` (year), ``2022S1``/``2022S2`` (half), ``2022Q1``–
``2022Q4`` (quarter), ``202206`` (month). ``parse_period`` returns the canonical code and its kind,
or raises ``ValueError`` with a reason; ``period_bounds`` gives its first and last day."""

from __future__ import annotations

import calendar
import datetime
import re

_PATTERNS = [
    ("year", re.compile(r"^(\d{4})$")),
    ("half", re.compile(r"^(\d{4})S([12])$")),
    ("quarter", re.compile(r"^(\d{4})Q([1-4])$")),
    ("month", re.compile(r"^(\d{4})(0[1-9]|1[0-2])$")),
]


def parse_period(text: str) -> tuple[str, str]:
    """``(code, kind)`` of a period code (spaces around it and a lower-case ``s``/``q`` allowed)."""
    code = str(text or "").strip().upper()
    for kind, pattern in _PATTERNS:
        match = pattern.match(code)
        if match and 1900 <= int(match.group(1)) <= 2999:
            return code, kind
    raise ValueError(f"not a period code: {text!r} (use 2022, 2022S1, 2022Q1 or 202206)")


def period_bounds(code: str) -> tuple[datetime.date, datetime.date]:
    """The first and the last day of the period ``code``."""
    code, kind = parse_period(code)
    year = int(code[:4])
    if kind == "year":
        first, last = 1, 12
    elif kind == "half":
        first = 1 if code[5] == "1" else 7
        last = first + 5
    elif kind == "quarter":
        first = 3 * (int(code[5]) - 1) + 1
        last = first + 2
    else:
        first = last = int(code[4:])
    return datetime.date(year, first, 1), datetime.date(year, last, calendar.monthrange(year, last)[1])
