"""Plausible dates and safe web addresses: one rule each, for every model that stores one.

Models call these from ``clean()``, so every service's ``full_clean()`` applies them and pages
(forms mapping service errors) and the API (400 with the field) answer the same.

Dates — why: a date field accepts anything from 0001-01-01 to 9999-12-31. Such values are typing
slips (a year of 0202 or 20255) and they break what comes after: date arithmetic past 9999
overflows, monthly statistics gain empty periods, overdue lists sort nonsense to the top. The
programme's records start well after ``EARLIEST_DATE``.

- ``PAST``: an event that has happened (a visit, a training, a completion): from
  ``EARLIEST_DATE`` to today.
- ``PLANNED``: a date that may lie ahead (a follow-up due, a planned completion, a validity's
  start): from ``EARLIEST_DATE`` to ``YEARS_AHEAD`` years from today.
- ``VALIDITY``: the end of a certificate's validity: up to ``VALIDITY_YEARS_AHEAD`` years ahead
  (a certificate valid without limit is entered without an end date).

``check_dates(instance, past=[...], planned=[...], validity=[...])`` raises one
``ValidationError`` naming every field whose value is out of range (``None`` is left to the
field's own ``blank``/``null`` rules).

Web addresses — why: a website stored as ``javascript:…`` or ``data:…`` becomes script the moment
a page or an API client turns it into a link. Only ``http``/``https`` URLs are stored
(``web_url_problem``), and templates link only what ``safe_web_url`` passes (older rows included).
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _

EARLIEST_DATE = datetime.date(2000, 1, 1)
#: How far ahead a planned date may lie.
YEARS_AHEAD = 10
#: How far ahead a certificate's validity may end.
VALIDITY_YEARS_AHEAD = 30

PAST = "past"
PLANNED = "planned"
VALIDITY = "validity"

WEB_SCHEMES = ("http", "https")
_web_url = URLValidator(schemes=list(WEB_SCHEMES))


def _years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def date_bounds(kind: str, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The earliest and latest date allowed for ``kind`` (``PAST``, ``PLANNED`` or ``VALIDITY``)."""
    today = today or timezone.localdate()
    latest = {
        PAST: today,
        PLANNED: _years_after(today, YEARS_AHEAD),
        VALIDITY: _years_after(today, VALIDITY_YEARS_AHEAD),
    }[kind]
    return EARLIEST_DATE, latest


def date_problem(value, kind: str, today: datetime.date | None = None) -> str | None:
    """Why ``value`` is not a plausible ``kind`` date, in the user's language; ``None`` when it is."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    earliest, latest = date_bounds(kind, today)
    if value < earliest:
        return _("日期不能早于 %(d)s，请检查年份是否输错。") % {"d": earliest.isoformat()}
    if value > latest:
        if kind == PAST:
            return _("该日期不能晚于今天（%(d)s）。") % {"d": latest.isoformat()}
        return _("日期不能晚于 %(d)s，请检查年份是否输错。") % {"d": latest.isoformat()}
    return None


def check_dates(instance, *, past=(), planned=(), validity=(), today: datetime.date | None = None) -> None:
    """Raise a ``ValidationError`` keyed by field for every implausible date of ``instance``."""
    errors = {}
    for kind, names in ((PAST, past), (PLANNED, planned), (VALIDITY, validity)):
        for name in names:
            problem = date_problem(getattr(instance, name), kind, today)
            if problem:
                errors[name] = problem
    if errors:
        raise ValidationError(errors)


def web_url_problem(value: str) -> str | None:
    """Why ``value`` is not an ``http``/``https`` web address; ``None`` when it is or is blank."""
    if not value:
        return None
    try:
        _web_url(value)
    except ValidationError:
        return _("网址须以 http:// 或 https:// 开头，例如 https://www.example.com。")
    return None


def safe_web_url(value) -> str:
    """``value`` when it is an ``http``/``https`` web address, else ``""`` (never a script link)."""
    value = (value or "").strip() if isinstance(value, str) else ""
    return value if value and web_url_problem(value) is None else ""
