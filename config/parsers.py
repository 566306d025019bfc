"""A JSON parser that keeps numbers with a fraction exact.

The stock parser turns every JSON number with a fraction into a ``float`` before any serializer
sees it: ``0.30000000000000001`` arrives as ``0.3`` and would be accepted silently rounded, and
digits beyond a double's ~16 are lost. Parsing with ``parse_float=Decimal`` keeps what the client
wrote, so the serializer judges the real value whether it was sent as a JSON string (the documented
form) or as a bare number.
"""

import codecs
from decimal import Decimal

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.utils import json


class DecimalJSONParser(JSONParser):
    """``application/json`` with fractional numbers parsed as ``Decimal``, never ``float``."""

    def parse(self, stream, media_type=None, parser_context=None):
        # DRF's own charset check: only text codecs, so a compressed "charset" cannot expand the body.
        encoding = get_encoding(parser_context or {})
        try:
            decoded_stream = codecs.getreader(encoding)(stream)
            parse_constant = json.strict_constant if self.strict else None
            return json.load(decoded_stream, parse_constant=parse_constant, parse_float=Decimal)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
