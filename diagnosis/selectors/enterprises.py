"""Reads of the enterprise archive, always for an acting user (scoped)."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.permissions import is_enterprise_user
from accounts.scope import COMMISSIONERS_OVERSEEN, restrict
from diagnosis.models import Enterprise, EnterpriseChange


def enterprise_list(*, actor, filters: dict | None = None) -> QuerySet[Enterprise]:
    """Enterprises visible to ``actor``, filtered by ``EnterpriseFilter`` over ``filters``."""
    from diagnosis.filters import EnterpriseFilter

    qs = Enterprise.objects.visible_to(actor).select_related("county", "county__parent", "commissioner")
    if filters is None:
        return qs
    return EnterpriseFilter(filters, queryset=qs, actor=actor).qs


def enterprise_get(*, actor, pk: int) -> Enterprise:
    """One enterprise by id, or 404 when it does not exist or is out of the actor's scope."""
    try:
        return (
            Enterprise.objects.visible_to(actor)
            .select_related("county", "county__parent", "commissioner")
            .get(pk=pk)
        )
    except Enterprise.DoesNotExist as exc:
        raise Http404 from exc


def enterprise_history(*, actor, enterprise: Enterprise) -> QuerySet[EnterpriseChange]:
    enterprise_get(actor=actor, pk=enterprise.pk)
    return enterprise.changes.select_related("actor")


def commissioner_choices(*, actor) -> QuerySet[User]:
    """Commissioners the actor may filter by or assign: those filed in regions the actor can see."""
    qs = User.objects.filter(role=Role.COMMISSIONER, is_active=True).select_related("region")
    return restrict(qs, COMMISSIONERS_OVERSEEN, actor)


def commissioner_choice_labels(*, actor) -> list[tuple[int, str]]:
    """``[(id, "name（region）"), …]`` of ``commissioner_choices`` for a select box, from one
    values() query (no model instances: a list page shows this on every request)."""
    rows = commissioner_choices(actor=actor).values_list("pk", "display_name", "username", "region__name")
    labelled = _("%(name)s（%(region)s）")  # translated once, not once per commissioner
    return [
        (pk, labelled % {"name": name or username, "region": region} if region else name or username)
        for pk, name, username, region in rows
    ]


def enterprise_figures(*, actor) -> dict:
    """``{"total", "above_size", "unassigned"}`` over the enterprises ``actor`` may see (one query)."""
    return Enterprise.objects.visible_to(actor).aggregate(
        total=Count("pk"),
        above_size=Count("pk", filter=Q(above_designated_size=True)),
        unassigned=Count("pk", filter=Q(commissioner__isnull=True)),
    )


def own_enterprise(*, actor) -> Enterprise | None:
    """The enterprise an enterprise user acts for, with its region and commissioner, or None (one query)."""
    if not is_enterprise_user(actor):
        return None
    return (
        Enterprise.objects.visible_to(actor)
        .select_related("county", "county__parent", "commissioner", "commissioner__region")
        .first()
    )
