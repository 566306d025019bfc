"""Entering regional figures in the grid (as DHIS2's data-entry screen): one cell at a time.

Contract of ``value_enter(actor, indicator, region, period, text)``:
- officers only, for a region inside their own (``PermissionDenied`` otherwise); derived
  indicators are not entered (``ValidationError``);
- ``text`` is an exact decimal as typed (full-width digits, thousands separators and spaces are
  folded; ``1e3``, ``NaN``, fractions beyond 10 places are refused with the reason); an empty
  ``text`` removes the entered value;
- a locked region and period (submitted or published, ``reporting.services.review``) is refused
  with the message that says so;
- the value is stored with source ``entered``, the actor and the time, and the change (before,
  after) is one ``IndicatorValueChange``; entering the same value again writes nothing.
Returns the stored value (``None`` when removed).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from regions.codes import normalise_text
from regions.models import Region
from reporting.models import Indicator, IndicatorValue, IndicatorValueChange
from reporting.services.review import check_unlocked
from reporting.services.stats import exact_decimal
from reporting.stats.periods import parse_period


def parse_figure(text: str) -> Decimal | None:
    """The exact decimal of what a person typed, ``None`` for an empty cell; ``ValidationError``."""
    cleaned = normalise_text(str(text or "")).replace(",", "").replace(" ", "")
    if not cleaned:
        return None
    value = exact_decimal(cleaned)
    if value is None:
        raise ValidationError(
            _("“%(text)s”不是有效的数值：请填写数字，可带小数点（最多 10 位小数）。")
            % {"text": str(text)[:30]},
            code="invalid",
        )
    return value


@transaction.atomic
def value_enter(*, actor, indicator: Indicator, region: Region, period: str, text: str) -> Decimal | None:
    from reporting.selectors.stats import region_prefix
    from reporting.services.derive import DERIVED

    prefix = region_prefix(actor)
    if prefix is None or not region.path.startswith(prefix):
        raise PermissionDenied(_("只能填报本辖区的数据。"))
    if indicator.code in DERIVED:
        raise ValidationError(
            _("“%(name)s”由系统根据业务数据计算，不能手工填报。") % {"name": indicator.name}
        )
    period = parse_period(period)[0]
    check_unlocked(region, period)
    value = parse_figure(text)
    current = (
        IndicatorValue.objects.select_for_update()
        .filter(indicator=indicator, region=region, period=period)
        .first()
    )
    before = current.value if current else None
    if before == value:
        return value
    if value is None:
        current.delete()
    elif current is None:
        IndicatorValue.objects.create(
            indicator=indicator, region=region, period=period, value=value,
            source=IndicatorValue.Source.ENTERED, entered_by=actor, entered_at=timezone.now(),
        )  # fmt: skip
    else:
        current.value, current.source, current.entered_by, current.entered_at = (
            value, IndicatorValue.Source.ENTERED, actor, timezone.now(),
        )  # fmt: skip
        current.origin = ""
        current.save()
    IndicatorValueChange.objects.create(
        indicator=indicator, region=region, period=period, before=before, after=value, actor=actor
    )
    return value
