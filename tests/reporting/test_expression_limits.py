"""Hostile layouts never crash: an expression too long or too deeply nested is an error with a
position, huge figures format exactly instead of raising, exactness holds past 28 digits, and
the code that names the layout designer's own URL cannot be loaded from a package."""

from decimal import Decimal

import pytest

from reporting.stats.expressions import MAX_LENGTH, ExpressionError, parse
from reporting.stats.tables import check_layout, format_value


@pytest.mark.parametrize(
    "text",
    ["-" * 600 + "a", "+".join(["a"] * 300), "(" * 300 + "a" + ")" * 300],
)
def test_too_long_is_an_error_with_a_position(text):
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert caught.value.position == MAX_LENGTH + 1 and "longer than" in caught.value.message


def test_too_deep_for_the_stack_is_an_error_not_a_crash():
    def deep(levels):
        if levels:
            return deep(levels - 1)
        return parse("-" * 499 + "a")

    with pytest.raises(ExpressionError, match="nested too deeply"):
        deep(600)  # a deep caller's stack, as inside a request


def test_sums_and_products_are_exact_past_28_digits():
    big = Decimal("12345678901234567890.1234567891")  # 30 significant digits, as the store keeps
    expression = parse("a + a * 2")
    assert (
        str(expression.evaluate(lambda code, region, base: big, "360000"))
        == "37037036703703703670.3703703673"
    )


@pytest.mark.parametrize(
    ("value", "fmt", "printed"),
    [
        (Decimal(int("9" * 29) ** 2), "int", str(int("9" * 29) ** 2)),  # 58 digits
        (Decimal("1E+40"), "percent:2", "1" + "0" * 42 + ".00%"),
        (Decimal("31670.806"), "decimal", "31670.806"),
    ],
)
def test_huge_values_format_exactly(value, fmt, printed):
    assert format_value(value, fmt) == printed


def test_a_reserved_code_is_a_layout_problem():
    layout = {"code": "new", "title": "x", "period": "2022", "rows": "level:city",
              "columns": [{"label": "n", "expr": "n", "format": "int"}]}  # fmt: skip
    assert any("reserved" in problem for problem in check_layout(layout, ["n"]))
