"""Reads of engagements and the organisations that can be engaged."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Organisation
from diagnosis.models import Engagement, Enterprise
from diagnosis.selectors.enterprises import enterprise_get
from providers.models import Clinic, Provider


def enterprise_engagements(*, actor, enterprise: Enterprise) -> list[Engagement]:
    """The active engagements (clinics, providers) of an enterprise the actor can see."""
    enterprise_get(actor=actor, pk=enterprise.pk)
    return list(enterprise.engagements.filter(active=True).select_related("organisation"))


def engagement_choices(*, actor, purpose: str) -> QuerySet[Organisation]:
    """Organisations that can take a new engagement: open clinics/centres (diagnosis) or admitted
    providers (project). Open to anyone who may engage; the service re-checks."""
    if purpose == Engagement.Purpose.DIAGNOSIS:
        ids = Clinic.objects.open().values("organisation_id")
    else:
        ids = Provider.objects.admitted().values("organisation_id")
    return Organisation.objects.filter(pk__in=ids).select_related("region").order_by("name")


def engagement_get(*, actor, enterprise: Enterprise, pk: int) -> Engagement:
    try:
        return enterprise.engagements.select_related("enterprise", "organisation").get(pk=pk)
    except Engagement.DoesNotExist as exc:
        raise Http404 from exc
