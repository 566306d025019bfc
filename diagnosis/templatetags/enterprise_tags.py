"""Display of archive values on pages: exact amounts, labels instead of codes, readable history.

Contract:
- ``money`` renders a ``Decimal`` (or its exact string form, as the change history stores it)
  with thousands separators and without trailing zeros, never through ``float``:
  ``Decimal("1234567.8900")`` → ``"1,234,567.89"``. Blank for ``None``/``""``.
- ``field_display(enterprise, name)`` is the text a person reads for one archive field: choice
  labels, 是/否/未填报 for facts, the industry label, "city county" for the county.
- ``change_rows(change)`` lists an ``EnterpriseChange`` as ``(label, before, after)`` rows with
  field verbose names and choice labels, in archive field order.
- ``enterprise_facts(enterprise)`` groups the archive into the sections of the detail page.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from diagnosis.forms.enterprises import ARCHIVE_SECTIONS
from diagnosis.models import ENTERPRISE_FIELDS, Enterprise
from regions.codes import industry_label

register = template.Library()

BLANK = "—"
AMOUNT_FIELDS = frozenset({"revenue", "output_value"})
#: The detail page shows the first three sections as facts; 对接服务 has its own block.
FACT_SECTIONS = ARCHIVE_SECTIONS[:3]
#: Labels on the detail page where the model's verbose name reads badly as a heading.
DISPLAY_LABELS = {"county": _("所在地区"), "industry_code": _("所属行业")}


@register.filter
def money(value: Any) -> str:
    if value is None or value == "":
        return ""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = format(number, ",f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def field_label(name: str) -> str:
    return str(Enterprise._meta.get_field(name).verbose_name)


def _choice_label(name: str, value: Any) -> str:
    choices = dict(Enterprise._meta.get_field(name).flatchoices)
    return str(choices.get(value, value))


def _fact(value: bool | None) -> str:
    if value is None:
        return str(_("未填报"))
    return str(_("是") if value else _("否"))


def field_display(enterprise: Enterprise, name: str) -> str:
    """What a person reads for ``name`` on ``enterprise`` (``BLANK`` when nothing is known)."""
    value = getattr(enterprise, name)
    if name == "county":
        parent = value.parent
        return f"{parent.name} {value.name}" if parent else value.name
    if name == "industry_code":
        return industry_label(value) or BLANK
    if name in AMOUNT_FIELDS:
        return money(value) or BLANK
    if name == "employees":
        return f"{value:,}" if value is not None else BLANK
    if name == "commissioner":
        return str(value) if value else str(_("未分配"))
    field = Enterprise._meta.get_field(name)
    if field.get_internal_type() == "BooleanField":
        return _fact(value)
    if field.choices:
        return _choice_label(name, value) if value else BLANK
    return str(value) if value not in (None, "") else BLANK


def history_display(name: str, value: Any) -> str:
    """A value as the change history stored it (JSON: strings for decimals and related objects)."""
    if value is None or value == "":
        return BLANK
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if name not in ENTERPRISE_FIELDS:
        return str(value)
    if name in AMOUNT_FIELDS:
        return money(value)
    if name == "industry_code":
        return industry_label(str(value))
    if name == "employees" and isinstance(value, int):
        return f"{value:,}"
    if Enterprise._meta.get_field(name).choices:
        return _choice_label(name, value)
    return str(value)


@register.filter
def change_rows(change) -> list[tuple[str, str, str]]:
    order = {name: i for i, name in enumerate(ENTERPRISE_FIELDS)}
    rows = []
    for name in sorted(change.changes, key=lambda n: order.get(n, len(order))):
        before, after = change.changes[name]
        label = field_label(name) if name in order else name
        rows.append((label, history_display(name, before), history_display(name, after)))
    return rows


@register.simple_tag
def enterprise_facts(enterprise: Enterprise) -> list[dict]:
    """``[{"title": …, "rows": [(label, text, field_name), …]}, …]`` for the detail page."""
    return [
        {
            "title": title,
            "rows": [
                (DISPLAY_LABELS.get(name) or field_label(name), field_display(enterprise, name), name)
                for name in names
            ],
        }
        for title, names in FACT_SECTIONS
    ]
