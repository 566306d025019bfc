"""Reads of clinics and promotion centres, always through ``Clinic.objects.visible_to(actor)``.

``ClinicFilter`` serves the HTML list and the API alike; it only narrows the scoped queryset it is
given, so no filter value widens what a user sees. Lists run a constant number of queries.
"""

import django_filters
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Role, User
from accounts.permissions import is_officer
from accounts.scope import REGIONS_IN_REACH, restrict
from providers.models import Clinic, ClinicStatusChange, Provider
from regions.models import Region

#: The plan keeps about 100 clinics active (《江西省制造业数字化转型实施方案》).
PLANNED_OPEN_CLINICS = 100


class ClinicFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="organisation__name", lookup_expr="icontains", label=_("名称"))
    kind = django_filters.ChoiceFilter(choices=Clinic.Kind.choices, label=_("类型"))
    status = django_filters.ChoiceFilter(choices=Clinic.Status.choices, label=_("状态"))
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(), method="filter_region", label=_("地区"), to_field_name="code"
    )
    operator = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.filter(operated_clinics__isnull=False).distinct(), label=_("运营主体")
    )

    class Meta:
        model = Clinic
        fields = ["q", "kind", "status", "region", "operator"]

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        if actor is not None:
            self.filters["region"].queryset = region_choices(actor=actor)
            self.filters["operator"].queryset = Organisation.objects.filter(
                pk__in=Clinic.objects.visible_to(actor).values("operator_id")
            )

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__path__startswith=value.path)


def region_choices(*, actor) -> QuerySet[Region]:
    """Regions inside the actor's regional reach (all for the province; none without a region)."""
    return restrict(Region.objects.in_customary_order(), REGIONS_IN_REACH, actor)


def clinic_list(*, actor, filters: dict | None = None) -> QuerySet[Clinic]:
    """Clinics and centres visible to ``actor``, filtered by ``ClinicFilter`` over ``filters``."""
    qs = Clinic.objects.visible_to(actor).select_related(
        "organisation", "operator", "region", "region__parent"
    )
    if filters is None:
        return qs
    return ClinicFilter(filters, queryset=qs, actor=actor).qs


def clinic_counts(*, actor) -> dict:
    """``{"open": n, "closed": n, "total": n, "planned": 100}`` over the actor's visible clinics (one query)."""
    figures = Clinic.objects.visible_to(actor).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status=Clinic.Status.OPEN)),
        closed=Count("pk", filter=Q(status=Clinic.Status.CLOSED)),
    )
    return {**figures, "planned": PLANNED_OPEN_CLINICS}


def clinic_get(*, actor, pk: int) -> Clinic:
    """One clinic by id, or 404 when it does not exist or lies outside the actor's scope."""
    try:
        return (
            Clinic.objects.visible_to(actor)
            .select_related("organisation", "operator", "region", "region__parent")
            .get(pk=pk)
        )
    except Clinic.DoesNotExist as exc:
        raise Http404 from exc


def clinic_staff(*, actor, clinic: Clinic) -> QuerySet[User]:
    """Staff accounts of the clinic (users of its organisation with role clinic_staff)."""
    clinic_get(actor=actor, pk=clinic.pk)
    return User.objects.filter(organisation_id=clinic.organisation_id, role=Role.CLINIC_STAFF).order_by(
        "username"
    )


def clinic_history(*, actor, clinic: Clinic) -> QuerySet[ClinicStatusChange]:
    clinic_get(actor=actor, pk=clinic.pk)
    return clinic.status_changes.select_related("actor")


def operator_choices(*, actor) -> QuerySet[Organisation]:
    """Organisations the actor may name as a clinic's operator: admitted providers the actor can
    see, and parks and centres in the actor's region (province: all)."""
    qs = Organisation.objects.filter(kind__in=["provider", "park", "centre"]).select_related("region")
    if not is_officer(actor):
        return qs.none()
    providers = Provider.objects.visible_to(actor).admitted().values("organisation_id")
    local = Q(kind__in=["park", "centre"], pk__in=Organisation.objects.visible_to(actor).values("pk"))
    return qs.filter(Q(kind="provider", pk__in=providers) | local)
