"""Form widgets every app shares.

``DateInput`` is the one date widget of the project: an ``<input type="date">`` whose value is
always written in ISO 8601 (``2026-11-29``), whatever the active language. Browsers only accept
ISO in a date input's ``value``; Django's default renders the locale's first input format
(``2026/11/29`` in Chinese), which the browser silently drops, leaving the field empty. Parsing
is unaffected: every locale's input formats accept ISO.
"""

from django import forms

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """``<input type="date">`` rendered in ISO format in every language."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):  # noqa: A002 - Django's own argument name
        super().__init__(attrs=attrs, format=format or ISO_DATE)
