"""Counts of the service system for the home page (工作台), each one query over a scoped queryset."""

from django.db.models import Count, Q
from django.utils import timezone

from accounts.permissions import is_signed_in
from providers.models import Clinic, CommissionerProfile, Provider, Qualification, Solution


def pool_figures(*, actor) -> dict:
    """``{"admitted", "applied", "flagged"}`` over the providers ``actor`` may see."""
    return Provider.objects.visible_to(actor).aggregate(
        admitted=Count("pk", filter=Q(status=Provider.Status.ADMITTED)),
        applied=Count("pk", filter=Q(status=Provider.Status.APPLIED)),
        flagged=Count("pk", filter=Q(flagged_for_review=True)),
    )


def solution_figures(*, actor) -> dict:
    """``{"published", "submitted", "returned", "draft"}`` over the solutions ``actor`` may see."""
    return Solution.objects.visible_to(actor).aggregate(
        **{
            status: Count("pk", filter=Q(status=getattr(Solution.Status, status.upper())))
            for status in ("published", "submitted", "returned", "draft")
        }
    )


def network_figures(*, actor) -> dict:
    """``{"clinics_open", "commissioners_active"}`` in the actor's scope (two queries)."""
    clinics = Clinic.objects.visible_to(actor).aggregate(n=Count("pk", filter=Q(status=Clinic.Status.OPEN)))
    commissioners = CommissionerProfile.objects.visible_to(actor).aggregate(
        n=Count("pk", filter=Q(active=True))
    )
    return {"clinics_open": clinics["n"], "commissioners_active": commissioners["n"]}


def expired_qualifications(*, actor) -> int:
    """How many qualifications of the provider(s) ``actor`` may see have expired (provider staff: their own)."""
    if not is_signed_in(actor):
        return 0
    return Qualification.objects.visible_to(actor).expired(timezone.localdate()).count()
