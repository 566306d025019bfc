"""National standard codes, the bottom layer of reference data every app may use.

GB 32100-2015 unified social credit codes (whose characters 3–8 are a GB/T 2260 division code, the
code of the tree in ``regions.models``) and GB/T 4754-2017 industry codes with the named
manufacturing divisions 13–43.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# GB 32100-2015: 31 characters (no I, O, Z, S, V).
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CHAR_VALUE = {ch: i for i, ch in enumerate(CREDIT_CODE_CHARSET)}


def normalise_text(value) -> str:
    """Trim and fold full-width forms to half-width (NFKC), as a clerk's spreadsheet needs."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


def normalise_credit_code(value) -> str:
    return normalise_text(value).replace(" ", "").upper()


def credit_code_check_char(first17: str) -> str:
    """The 18th character for the first 17: 31 − (Σ value×weight mod 31), with 31 → 0."""
    total = sum(_CHAR_VALUE[ch] * w for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid unified social credit code, or None when it is."""
    if len(code) != 18:
        return _("统一社会信用代码应为18位，实际为%(n)d位") % {"n": len(code)}
    bad = sorted({ch for ch in code if ch not in _CHAR_VALUE})
    if bad:
        return _("统一社会信用代码含有不允许的字符：%(chars)s") % {"chars": "".join(bad)}
    if not code[2:8].isdigit():
        return _("统一社会信用代码第3–8位应为登记机关行政区划代码（数字）")
    if credit_code_check_char(code[:17]) != code[17]:
        return _("统一社会信用代码校验位错误")
    return None


def validate_credit_code(value: str) -> None:
    problem = credit_code_problem(value or "")
    if problem:
        raise ValidationError(problem, code="credit_code")


# GB/T 4754-2017 sections by the range of their two-digit divisions.
SECTION_DIVISIONS = {
    "A": range(1, 6), "B": range(6, 13), "C": range(13, 44), "D": range(44, 47),
    "E": range(47, 51), "F": range(51, 53), "G": range(53, 61), "H": range(61, 63),
    "I": range(63, 66), "J": range(66, 70), "K": range(70, 71), "L": range(71, 73),
    "M": range(73, 76), "N": range(76, 80), "O": range(80, 83), "P": range(83, 84),
    "Q": range(84, 86), "R": range(86, 91), "S": range(91, 97), "T": range(97, 98),
}  # fmt: skip

MANUFACTURING_DIVISIONS = {
    "13": gettext_lazy("农副食品加工业"),
    "14": gettext_lazy("食品制造业"),
    "15": gettext_lazy("酒、饮料和精制茶制造业"),
    "16": gettext_lazy("烟草制品业"),
    "17": gettext_lazy("纺织业"),
    "18": gettext_lazy("纺织服装、服饰业"),
    "19": gettext_lazy("皮革、毛皮、羽毛及其制品和制鞋业"),
    "20": gettext_lazy("木材加工和木、竹、藤、棕、草制品业"),
    "21": gettext_lazy("家具制造业"),
    "22": gettext_lazy("造纸和纸制品业"),
    "23": gettext_lazy("印刷和记录媒介复制业"),
    "24": gettext_lazy("文教、工美、体育和娱乐用品制造业"),
    "25": gettext_lazy("石油、煤炭及其他燃料加工业"),
    "26": gettext_lazy("化学原料和化学制品制造业"),
    "27": gettext_lazy("医药制造业"),
    "28": gettext_lazy("化学纤维制造业"),
    "29": gettext_lazy("橡胶和塑料制品业"),
    "30": gettext_lazy("非金属矿物制品业"),
    "31": gettext_lazy("黑色金属冶炼和压延加工业"),
    "32": gettext_lazy("有色金属冶炼和压延加工业"),
    "33": gettext_lazy("金属制品业"),
    "34": gettext_lazy("通用设备制造业"),
    "35": gettext_lazy("专用设备制造业"),
    "36": gettext_lazy("汽车制造业"),
    "37": gettext_lazy("铁路、船舶、航空航天和其他运输设备制造业"),
    "38": gettext_lazy("电气机械和器材制造业"),
    "39": gettext_lazy("计算机、通信和其他电子设备制造业"),
    "40": gettext_lazy("仪器仪表制造业"),
    "41": gettext_lazy("其他制造业"),
    "42": gettext_lazy("废弃资源综合利用业"),
    "43": gettext_lazy("金属制品、机械和设备修理业"),
}


def section_of(division: str) -> str | None:
    number = int(division)
    for letter, divisions in SECTION_DIVISIONS.items():
        if number in divisions:
            return letter
    return None


def normalise_industry_code(value) -> str:
    """``C3911``, ``c 3911``, ``3911`` → ``3911``; raises ValidationError with a clerk's reason.

    Accepts a code at any depth (division 2 digits, group 3, class 4 digits), with or without the
    section letter; the letter, when given, must be the division's section.
    """
    text = normalise_text(value).replace(" ", "").upper()
    letter = ""
    if text[:1].isalpha():
        letter, text = text[0], text[1:]
    if not text.isdigit() or len(text) not in (2, 3, 4):
        raise ValidationError(
            _("行业代码应为国民经济行业分类代码（如 C3911、3911、391 或 39）"), code="industry"
        )
    section = section_of(text[:2])
    if section is None:
        raise ValidationError(_("行业代码的大类“%(d)s”不存在") % {"d": text[:2]}, code="industry")
    if letter and letter != section:
        raise ValidationError(
            _("行业门类字母“%(l)s”与大类“%(d)s”不符（应为 %(s)s）")
            % {"l": letter, "d": text[:2], "s": section},
            code="industry",
        )
    return text


def industry_label(code: str) -> str:
    """``3911`` → ``C3911 计算机、通信和其他电子设备制造业`` (division name where it is manufacturing)."""
    if not code:
        return ""
    section = section_of(code[:2]) or ""
    name = MANUFACTURING_DIVISIONS.get(code[:2], "")
    return f"{section}{code} {name}".strip()


def make_credit_code(division_code: str, serial: int, *, prefix: str = "91") -> str:
    """A valid 18-character credit code, deterministic in its arguments (templates, demo data, tests).

    ``prefix`` (91 = an enterprise registered with the market regulator), the 6-digit
    ``division_code``, a 9-character organisation code derived from ``serial``, then the check character.
    """
    body = []
    n = serial
    for _position in range(9):
        n, r = divmod(n, 31)
        body.append(CREDIT_CODE_CHARSET[r])
    first17 = f"{prefix}{division_code[:6]}{''.join(reversed(body))}"
    return first17 + credit_code_check_char(first17)
