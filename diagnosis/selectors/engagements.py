"""Reads of engagements and the organisations that can be engaged."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from accounts.models import Organisation
from accounts.permissions import is_clinic_staff, is_provider_staff
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


def engagement_figures(*, actor) -> dict:
    """``{"total", "diagnosis", "project"}``: the active engagements of the actor's organisation with
    enterprises it may see (clinic and provider staff; zeros for everyone else). One query."""
    if not (is_clinic_staff(actor) or is_provider_staff(actor)):
        return {"total": 0, "diagnosis": 0, "project": 0}
    return _own_engagements(actor).aggregate(
        total=Count("enterprise_id", distinct=True),
        diagnosis=Count("pk", filter=Q(purpose=Engagement.Purpose.DIAGNOSIS)),
        project=Count("pk", filter=Q(purpose=Engagement.Purpose.PROJECT)),
    )


def engaged_enterprises(*, actor, limit: int = 8) -> list[Engagement]:
    """The actor's organisation's most recent active engagements (enterprise and region loaded), one query."""
    if not (is_clinic_staff(actor) or is_provider_staff(actor)):
        return []
    return list(
        _own_engagements(actor)
        .select_related("enterprise", "enterprise__county")
        .order_by("-started_at", "-pk")[:limit]
    )


def _own_engagements(actor):
    """The actor's organisation's active engagements, through the engagements' own scope."""
    return Engagement.objects.visible_to(actor).filter(organisation_id=actor.organisation_id, active=True)
