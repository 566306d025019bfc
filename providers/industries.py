"""GB/T 4754-2017 manufacturing divisions (section C, divisions 13–43), as the service system uses them.

Clinics and solutions record their industries of focus as a list of two-digit division codes
(``["39", "38"]``). The table itself is ``regions.codes.MANUFACTURING_DIVISIONS``.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.text import join_list
from regions.codes import MANUFACTURING_DIVISIONS  # noqa: E402  (the one copy of the table)


def division_choices() -> list[tuple[str, str]]:
    """``[("13", "C13 农副食品加工业"), …]`` for a multi-select."""
    return [(code, f"C{code} {name}") for code, name in MANUFACTURING_DIVISIONS.items()]


def division_label(code: str) -> str:
    name = MANUFACTURING_DIVISIONS.get(code)
    return f"C{code} {name}" if name else code


def validate_divisions(codes) -> list[str]:
    """The codes as a sorted, de-duplicated list; raises ``ValidationError`` for anything unknown."""
    if not isinstance(codes, list | tuple):
        raise ValidationError(_("重点行业须为行业大类代码的列表。"))
    unknown = [str(c) for c in codes if str(c) not in MANUFACTURING_DIVISIONS]
    if unknown:
        raise ValidationError(
            _("以下不是制造业行业大类代码（13–43）：%(codes)s。") % {"codes": join_list(unknown)}
        )
    return sorted({str(c) for c in codes})
