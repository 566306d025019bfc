"""Keyset ("cursor") pagination for API lists: each page is one indexed range scan, however deep.

Contract
- The queryset must be ordered (``order_by`` or ``Meta.ordering``) by plain fields of the model and
  the ordering must end in a unique field (``id``): the last row's values then mark the page's end
  exactly, so rows are never repeated or skipped while others are inserted.
- ``?cursor=`` is opaque to clients (URL-safe base64 of JSON: the boundary row's values as strings,
  and the direction); a cursor that doesn't decode, or doesn't match the current ordering, is a
  400 with a message, never a 500.
- The response is ``{"next": url|null, "previous": url|null, "results": [...]}``; there is no
  ``count``, which would cost a scan of every visible row on every page. Clients that need a total
  ask for it separately (``?count=1`` adds ``count``: one COUNT query).
- ``?page_size=`` up to ``max_page_size``.
"""

from __future__ import annotations

import base64
import binascii
import json
from functools import reduce
from operator import or_

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param


class KeysetPagination(BasePagination):
    """Forward and backward keyset pages over the queryset's own ordering (see module docstring)."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"
    count_query_param = "count"
    invalid_cursor_message = _("分页游标无效，请从第一页重新开始。")

    def paginate_queryset(self, queryset: QuerySet, request, view=None):
        self.request = request
        self.model = queryset.model
        self.base_url = request.build_absolute_uri()
        self.ordering = self._ordering(queryset)
        self.page_size = self._page_size(request)
        self.count = queryset.count() if request.query_params.get(self.count_query_param) == "1" else None
        boundary, backwards = self._decode(request.query_params.get(self.cursor_query_param))

        qs = queryset
        if boundary is not None:
            qs = qs.filter(self._after(boundary, reverse=backwards))
        if backwards:
            qs = qs.order_by(*[self._flip(term) for term in self.ordering])
        rows = list(qs[: self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if backwards:
            rows.reverse()
        # Forward: more rows after → next; came from a cursor → previous. Backward: mirrored.
        has_next = more if not backwards else boundary is not None
        has_previous = (boundary is not None) if not backwards else more
        self.next_url = self._url(rows[-1], backwards=False) if rows and has_next else None
        self.previous_url = self._url(rows[0], backwards=True) if rows and has_previous else None
        return rows

    def get_paginated_response(self, data):
        body = {"next": self.next_url, "previous": self.previous_url, "results": data}
        if self.count is not None:
            body = {"count": self.count, **body}
        return Response(body)

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "count": {"type": "integer", "description": "only with ?count=1"},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": str(_("分页游标：取自上一次响应的 next 或 previous 链接。")),
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(_("每页条数（最多 200）。")),
                "schema": {"type": "integer"},
            },
            {
                "name": self.count_query_param,
                "required": False,
                "in": "query",
                "description": str(_("传 1 时返回符合条件的总数 count（多一次计数查询）。")),
                "schema": {"type": "integer", "enum": [1]},
            },
        ]

    # --- internals ---------------------------------------------------------------------------

    def _ordering(self, queryset: QuerySet) -> list[str]:
        ordering = list(queryset.query.order_by or queryset.model._meta.ordering)
        names = [term.lstrip("-") for term in ordering]
        if not ordering or names[-1] not in ("id", "pk"):
            raise ValueError("KeysetPagination needs an ordering that ends in id")
        for name in names:
            if "__" in name:
                raise ValueError(f"KeysetPagination orders by the model's own fields, not {name!r}")
        return ["-id" if term in ("-pk",) else "id" if term == "pk" else term for term in ordering]

    def _page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            return self.page_size
        return max(1, min(size, self.max_page_size))

    def _decode(self, raw: str | None) -> tuple[list | None, bool]:
        if not raw:
            return None, False
        try:
            padded = raw + "=" * (-len(raw) % 4)
            payload = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8"))
            if not isinstance(payload, dict) or payload.get("o") != self.ordering:
                raise ValueError("ordering changed")
            values = payload["v"]
            backwards = bool(payload.get("r", False))
            if not isinstance(values, list) or len(values) != len(self.ordering):
                raise ValueError("shape")
            if not all(isinstance(v, str) for v in values):
                raise ValueError("values")
        except (ValueError, KeyError, UnicodeError, binascii.Error, json.JSONDecodeError) as exc:
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]}) from exc
        return values, backwards

    def _after(self, boundary: list[str], *, reverse: bool) -> Q:
        """Rows strictly after ``boundary`` in the ordering (before it when ``reverse``)."""
        model = self.model
        clauses = []
        for i, term in enumerate(self.ordering):
            name = term.lstrip("-")
            descending = term.startswith("-") != reverse
            try:
                field = model._meta.get_field(name)
                value = field.to_python(boundary[i])
            except (FieldDoesNotExist, DjangoValidationError) as exc:
                raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]}) from exc
            equal = {
                self.ordering[j].lstrip("-"): model._meta.get_field(self.ordering[j].lstrip("-")).to_python(
                    boundary[j]
                )
                for j in range(i)
            }
            clauses.append(Q(**equal, **{f"{name}__{'lt' if descending else 'gt'}": value}))
        return reduce(or_, clauses)

    @staticmethod
    def _flip(term: str) -> str:
        return term[1:] if term.startswith("-") else f"-{term}"

    def _url(self, row, *, backwards: bool) -> str:
        values = []
        for term in self.ordering:
            value = getattr(row, term.lstrip("-"))
            values.append(value.isoformat() if hasattr(value, "isoformat") else str(value))
        payload = json.dumps({"o": self.ordering, "v": values, "r": backwards}, ensure_ascii=False)
        token = base64.urlsafe_b64encode(payload.encode("utf-8")).decode("ascii").rstrip("=")
        url = replace_query_param(self.base_url, self.cursor_query_param, token)
        return remove_query_param(url, "page")
