"""Reads of visits, scoped through the enterprise."""

from django.db.models import QuerySet
from django.http import Http404

from diagnosis.models import Enterprise, Visit


def visit_list(*, actor, enterprise: Enterprise | None = None) -> QuerySet[Visit]:
    """Visits of the enterprises ``actor`` may see (optionally one enterprise's), newest first."""
    qs = Visit.objects.visible_to(actor).select_related("enterprise", "commissioner")
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return qs


def visit_get(*, actor, enterprise: Enterprise, pk: int) -> Visit:
    try:
        return visit_list(actor=actor, enterprise=enterprise).get(pk=pk)
    except Visit.DoesNotExist as exc:
        raise Http404 from exc
