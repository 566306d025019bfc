"""API helpers: one mapping of service errors to HTTP answers.

Services raise Django's exceptions; API views call them plainly and this handler
(``REST_FRAMEWORK["EXCEPTION_HANDLER"]``) turns them into DRF answers, in the language of the
request, with the bodies DRF uses everywhere else:

============================== ====== ======================================================
raised by the service          status body
============================== ====== ======================================================
``ValidationError``            400    field errors ``{"field": ["…"]}`` (``non_field_errors``
                                      for errors not tied to a field), as serializers give
``PermissionDenied``           403    ``{"detail": "<the service's message>"}``, or a generic
                                      "没有权限进行此操作。" when it gave none
``ObjectDoesNotExist``/Http404 404    ``{"detail": "…"}``: the same as an id that does not
                                      exist (out of scope is 404)
============================== ====== ======================================================

Anything else is left to DRF (its own ``APIException`` subclasses) or is a bug (500). A view that
needs a domain-specific wording for one case (a taken credit code) converts that case itself and
lets the handler do the rest.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler


def api_exception(exc: Exception) -> Exception:
    """The DRF exception that answers a service's Django exception (``exc`` itself otherwise)."""
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or gettext("没有权限进行此操作。"))
    if isinstance(exc, ObjectDoesNotExist):
        return exceptions.NotFound()
    return exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, after mapping Django's service exceptions (see the module docstring)."""
    return drf_exception_handler(api_exception(exc), context)
