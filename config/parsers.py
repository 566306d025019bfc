"""A JSON parser that keeps numbers with a fraction exact and refuses hostile bodies with a 400.

The stock parser turns every JSON number with a fraction into a ``float`` before any serializer
sees it: ``0.30000000000000001`` arrives as ``0.3`` and would be accepted silently rounded, and
digits beyond a double's ~16 are lost. Parsing with ``parse_float=Decimal`` keeps what the client
wrote, so the serializer judges the real value whether it was sent as a JSON string (the documented
form) or as a bare number.

Hostile bodies answer 400 with a reason, never 500:
- nesting deeper than ``MAX_DEPTH`` arrays/objects. Python's parser recurses once per level, so
  100,000 ``[`` raise ``RecursionError`` (caught here), and a body a little under that limit would
  still make every later recursive step (serializers, ``json.dumps`` of a JSONField) fail; no
  request of this API nests more than a few levels, so the parsed value is measured too;
- text that is not JSON, not in the declared charset, or a bare ``NaN``/``Infinity``.
The body's size is bounded before this parser runs: DRF reads JSON through ``request.body``,
which refuses more than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes (Django answers 400).
"""

import codecs
from decimal import Decimal

from django.utils.translation import gettext
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.utils import json

#: Deepest nesting of arrays and objects a request body may have.
MAX_DEPTH = 64


def nested_deeper_than(value, limit: int) -> bool:
    """Whether ``value`` (parsed JSON) nests lists/dicts more than ``limit`` levels; no recursion."""
    stack = [(value, 1)] if isinstance(value, (list, dict)) else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        for child in item.values() if isinstance(item, dict) else item:
            if isinstance(child, (list, dict)):
                stack.append((child, depth + 1))
    return False


def _too_deep() -> ParseError:
    return ParseError(gettext("JSON 嵌套超过 %(n)d 层，请检查请求内容。") % {"n": MAX_DEPTH})


class DecimalJSONParser(JSONParser):
    """``application/json`` with fractional numbers parsed as ``Decimal``, never ``float``."""

    def parse(self, stream, media_type=None, parser_context=None):
        # DRF's own charset check: only text codecs, so a compressed "charset" cannot expand the body.
        encoding = get_encoding(parser_context or {})
        try:
            text = codecs.getreader(encoding)(stream).read()
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(gettext("请求内容不是 %(e)s 编码的文本。") % {"e": encoding}) from exc
        try:
            parse_constant = json.strict_constant if self.strict else None
            data = json.loads(text, parse_constant=parse_constant, parse_float=Decimal)
        except RecursionError as exc:
            raise _too_deep() from exc
        except ValueError as exc:
            raise ParseError(gettext("JSON 格式错误：%(e)s") % {"e": exc}) from exc
        if nested_deeper_than(data, MAX_DEPTH):
            raise _too_deep()
        return data
