"""Statistics periods (``YYYYMM``, e.g. ``"202610"``) as people write them.

``period_label("202610")`` is "2026年10月" in Chinese and "Oct 2026" in English (the date format
itself is a translated string). Anything that is not a valid ``YYYYMM`` code comes back unchanged,
as text, so a page never fails on odd data. Templates use ``{% load periods %}{{ code|period }}``.
"""

import datetime

from django.utils.dateformat import format as date_format
from django.utils.translation import pgettext


def period_label(value) -> str:
    """The period ``value`` in the active language; other values unchanged, as text."""
    text = "" if value is None else str(value)
    if len(text) != 6 or not text.isdigit() or not 1 <= int(text[4:]) <= 12:
        return text
    # Translators: a PHP-style date format (Django's "date" filter) for a year and month.
    return date_format(datetime.date(int(text[:4]), int(text[4:]), 1), pgettext("period", "Y年n月"))
