"""Reads of register import jobs."""

from django.http import Http404

from diagnosis.models import ImportJob


def import_job_get(*, actor, pk: int) -> ImportJob:
    try:
        return ImportJob.objects.visible_to(actor).get(pk=pk)
    except ImportJob.DoesNotExist as exc:
        raise Http404 from exc
