"""Unified social credit codes (GB 32100-2015) and GB/T 4754-2017 industry codes."""

import pytest
from django.core.exceptions import ValidationError

from regions.codes import (
    credit_code_check_char,
    credit_code_problem,
    industry_label,
    make_credit_code,
    normalise_credit_code,
    normalise_industry_code,
    normalise_text,
)

# Codes published on real business licences.
REAL_CODES = ["914403001922038216", "9144030071526726XG", "91330100799655058B", "91350100M000100Y43"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    assert credit_code_problem(code) is None


@pytest.mark.parametrize("code", REAL_CODES)
def test_any_single_character_change_is_caught(code):
    last = code[17]
    for replacement in "0123456789ABCDEFGHJKLMNPQRTUWXY":
        if replacement != last:
            assert credit_code_problem(code[:17] + replacement) is not None


def test_check_character_31_maps_to_zero():
    # Search for a body whose weighted sum is ≡ 0 (mod 31): its check character must be "0".
    from regions.codes import _CHAR_VALUE, CREDIT_CODE_WEIGHTS

    for serial in range(10_000):
        code = make_credit_code("360102", serial)
        total = sum(_CHAR_VALUE[c] * w for c, w in zip(code[:17], CREDIT_CODE_WEIGHTS, strict=True))
        if total % 31 == 0:
            assert credit_code_check_char(code[:17]) == "0"
            return
    pytest.fail("no body with sum ≡ 0 mod 31 found")


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91440300192203821", "18位"),
        ("9144030019220382166", "18位"),
        ("91440300192203821I", "不允许的字符"),
        ("9144030019220382O6", "不允许的字符"),
        ("91A40300192203821X", "行政区划"),
        ("914403001922038217", "校验位"),
    ],
)
def test_problems_are_explained(code, fragment):
    assert fragment in credit_code_problem(code)


def test_generated_codes_are_valid_and_carry_the_division():
    codes = {make_credit_code("360702", n) for n in range(2000)}
    assert len(codes) == 2000
    assert all(credit_code_problem(c) is None and c[2:8] == "360702" for c in codes)


def test_normalisation_folds_full_width_and_case():
    assert normalise_credit_code(" ９１４４０３００１９２２０３８２１６ ") == "914403001922038216"
    assert normalise_credit_code("9144030071526726xg") == "9144030071526726XG"
    assert normalise_text("（东湖区）\u3000") == "(东湖区)"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("C3911", "3911"),
        ("3911", "3911"),
        ("c391", "391"),
        ("39", "39"),
        ("C39", "39"),
        ("Ｃ３９１１", "3911"),
    ],
)
def test_industry_codes_at_any_depth(raw, expected):
    assert normalise_industry_code(raw) == expected


@pytest.mark.parametrize("raw", ["D3911", "3", "39111", "C", "99", "00", "abc", ""])
def test_bad_industry_codes_are_rejected(raw):
    with pytest.raises(ValidationError):
        normalise_industry_code(raw)


def test_industry_label_names_manufacturing_divisions():
    assert industry_label("3911") == "C3911 计算机、通信和其他电子设备制造业"
    assert industry_label("0511").startswith("A0511")
    assert industry_label("") == ""
