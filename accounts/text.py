"""Joining text in the active language: Chinese lists take 、 and clauses ；, English ", " and "; "."""

from collections.abc import Iterable

from django.utils.translation import gettext as _


def _join(items: Iterable, pattern: str) -> str:
    items = [str(item) for item in items]
    text = items[0] if items else ""
    for item in items[1:]:
        text = pattern % {"a": text, "b": item}
    return text


def join_list(items: Iterable) -> str:
    """Items of an inline list: ``A、B、C`` in Chinese, ``A, B, C`` in English."""
    # Translators: two items of an inline list, joined.
    return _join(items, _("%(a)s、%(b)s"))


def join_clauses(items: Iterable) -> str:
    """Clauses of a sentence: ``甲；乙`` in Chinese, ``A; B`` in English."""
    # Translators: two clauses of a sentence, joined.
    return _join(items, _("%(a)s；%(b)s"))


def labelled(label, value) -> str:
    """``标签：值`` in Chinese, ``Label: value`` in English."""
    # Translators: a label and its value.
    return _("%(label)s：%(value)s") % {"label": label, "value": value}
