"""The expression language of table layouts (``docs: stats-package.md``), parsed with lark, never
handed to ``eval``.

Grammar: exact decimal numbers (``12``, ``0.5``), indicator codes (``[a-z][a-z0-9_]*``),
``code@base`` (the value at the layout's base period), ``+ - * /`` with the usual precedence and
left associativity, unary minus, parentheses and ``total(expr)`` (the expression evaluated for the
table's total region; ``total`` is reserved). Whitespace is free.

Contract:
- ``parse(text)`` returns an ``Expression`` (the tree and the codes it names) or raises
  ``ExpressionError`` whose ``position`` is the 1-based column of the problem and whose message
  says what was expected there.
- ``Expression.evaluate(lookup, region, total_region)`` computes with ``Decimal`` only.
  ``lookup(code, region, base)`` returns the value or ``None``; a missing operand or a division
  by zero makes the whole result ``None`` (a missing cell). Nothing is rounded here: sums and
  products are exact (``PRECISION`` significant digits), a quotient is cut at 60 digits.
- An expression longer than ``MAX_LENGTH`` characters, or nested deeper than the parser can
  follow, is an ``ExpressionError`` too, never a crash.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from functools import lru_cache

from lark import Lark, Token, Transformer, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput
from lark.exceptions import VisitError

GRAMMAR = r"""
?start: sum
?sum: product
    | sum "+" product   -> add
    | sum "-" product   -> sub
?product: unary
    | product "*" unary -> mul
    | product "/" unary -> div
?unary: atom
    | "-" unary         -> neg
    | "+" unary
?atom: NUMBER           -> number
    | CODE "(" sum ")"  -> call
    | CODE "@" CODE     -> at_ref
    | CODE              -> ref
    | "(" sum ")"
CODE: /[a-z][a-z0-9_]*/
NUMBER: /\d+(\.\d+)?/
%import common.WS
%ignore WS
"""

Lookup = Callable[[str, str, bool], Decimal | None]
#: The longest expression accepted (a bulletin's cells need a few dozen characters): a bound on
#: the parse tree's depth, so no expression can exhaust the stack.
MAX_LENGTH = 500
#: Significant digits of the arithmetic: stored figures have up to 30 (20 before the point, 10
#: after), so sums and products of them stay exact; only a quotient is ever cut, at 60 digits.
PRECISION = 60


class ExpressionError(ValueError):
    """A syntax error: ``message`` and the 1-based ``position`` (column) in the expression."""

    def __init__(self, message: str, position: int):
        super().__init__(f"{message} (position {position})")
        self.message = message
        self.position = position


def _at(token: Token) -> int:
    return getattr(token, "column", 1) or 1


class _Tree(Transformer):
    def number(self, items):
        return ("num", Decimal(str(items[0])))

    def ref(self, items):
        if str(items[0]) == "total":
            raise ExpressionError("total needs an expression in parentheses: total(…)", _at(items[0]))
        return ("ref", str(items[0]), False)

    def at_ref(self, items):
        code, period = items
        if str(period) != "base":
            raise ExpressionError(f"unknown period {str(period)!r} after @ (only @base)", _at(period))
        if str(code) == "total":
            raise ExpressionError("total is not an indicator", _at(code))
        return ("ref", str(code), True)

    def call(self, items):
        name, inner = items
        if str(name) != "total":
            raise ExpressionError(f"unknown function {str(name)!r} (only total(…))", _at(name))
        return ("total", inner)

    def add(self, items):
        return ("+", *items)

    def sub(self, items):
        return ("-", *items)

    def mul(self, items):
        return ("*", *items)

    def div(self, items):
        return ("/", *items)

    def neg(self, items):
        return ("neg", items[0])


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(GRAMMAR, parser="lalr", lexer="contextual", maybe_placeholders=False)


def _describe(exc: UnexpectedInput, text: str) -> ExpressionError:
    if isinstance(exc, UnexpectedEOF):
        return ExpressionError("the expression ends too early", len(text) + 1)
    column = getattr(exc, "column", 0) or 1
    if isinstance(exc, UnexpectedCharacters):
        return ExpressionError(f"unexpected character {text[column - 1]!r}", column)
    token = getattr(exc, "token", None)
    if isinstance(token, Token) and token.type == "$END":
        return ExpressionError("the expression ends too early", len(text) + 1)
    shown = str(token) if token is not None else "?"
    return ExpressionError(f"unexpected {shown!r}", column)


@dataclass(frozen=True)
class Expression:
    text: str
    tree: tuple

    @property
    def codes(self) -> frozenset[str]:
        """Every indicator code the expression names (with or without ``@base``)."""
        return frozenset(code for code, _base in self.references)

    @property
    def references(self) -> frozenset[tuple[str, bool]]:
        found: set[tuple[str, bool]] = set()

        def walk(node):
            if node[0] == "ref":
                found.add((node[1], node[2]))
            elif node[0] != "num":
                for child in node[1:]:
                    walk(child)

        walk(self.tree)
        return frozenset(found)

    @property
    def uses_total(self) -> bool:
        def walk(node):
            if node[0] == "total":
                return True
            if node[0] in ("num", "ref"):
                return False
            return any(walk(child) for child in node[1:])

        return walk(self.tree)

    def evaluate(self, lookup: Lookup, region: str, total_region: str | None = None) -> Decimal | None:
        def run(node, where: str) -> Decimal | None:
            kind = node[0]
            if kind == "num":
                return node[1]
            if kind == "ref":
                return lookup(node[1], where, node[2])
            if kind == "total":
                return run(node[1], total_region) if total_region else None
            if kind == "neg":
                value = run(node[1], where)
                return None if value is None else -value
            left, right = run(node[1], where), run(node[2], where)
            if left is None or right is None:
                return None
            if kind == "+":
                return left + right
            if kind == "-":
                return left - right
            if kind == "*":
                return left * right
            if right == 0:
                return None
            try:
                return left / right
            except InvalidOperation:
                return None

        with localcontext() as context:
            context.prec = PRECISION
            return run(self.tree, region)


def parse(text: str) -> Expression:
    """The parsed expression (see the module), or ``ExpressionError`` with the position."""
    text = str(text or "")
    if not text.strip():
        raise ExpressionError("the expression is empty", 1)
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is longer than {MAX_LENGTH} characters", MAX_LENGTH + 1)
    try:
        tree = _Tree().transform(_parser().parse(text))
    except RecursionError:
        raise ExpressionError("the expression is nested too deeply", 1) from None
    except UnexpectedInput as exc:
        raise _describe(exc, text) from None
    except VisitError as exc:
        if isinstance(exc.orig_exc, ExpressionError):
            raise exc.orig_exc from None
        raise
    return Expression(text, tree)
