"""Reads of the provider pool, always through the acting user's scope.

Contract:
- Every function takes ``actor`` and starts from ``Provider.objects.visible_to(actor)``; a provider
  outside the scope answers ``Http404`` exactly like one that does not exist.
- ``ProviderFilter`` is the one FilterSet of the officer list page and ``/api/v1/providers/``; it
  only narrows the queryset it is given. Lists carry ``has_expired_qualification`` (annotated in
  the database) and prefetch categories, so a page runs a constant number of queries.
"""

import django_filters
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts.models import Role, User
from accounts.permissions import is_provider_staff, is_province
from regions.codes import normalise_credit_code, normalise_text
from regions.models import Region

from ..models import Provider, ProviderApplication, ProviderStatusChange, Qualification, ServiceCategory

#: How the API documents a filter that takes a code (category, scenario, region).
CODE = OpenApiTypes.STR


def ancestor_paths(path: str) -> list[str]:
    """``"360000/360100/360102/"`` → that region's path and every path above it."""
    parts = [p for p in path.split("/") if p]
    return ["".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts))]


def serving_or_based_in(region: Region) -> Q:
    """Providers based in ``region`` or below, or serving it: a region served inside it, or one
    above it (a provider serving 南昌市 serves 东湖区; one serving the province serves every city)."""
    return (
        Q(home_region__path__startswith=region.path)
        | Q(regions_served__path__startswith=region.path)
        | Q(regions_served__path__in=ancestor_paths(region.path))
    )


def home_region_choices() -> QuerySet[Region]:
    """Where a provider may be registered: cities, the zone and counties, customary order."""
    return (
        Region.objects.filter(level__in=["city", "zone", "county"])
        .select_related("parent")
        .in_customary_order()
    )


def served_region_choices() -> QuerySet[Region]:
    """Regions a provider may serve: the whole province, cities, the zone and counties."""
    return Region.objects.select_related("parent").in_customary_order()


def filter_region_choices() -> QuerySet[Region]:
    return (
        Region.objects.filter(level__in=["city", "zone", "county"])
        .select_related("parent")
        .in_customary_order()
    )


class ProviderFilter(django_filters.FilterSet):
    """Filters of the provider list (page and API): ``q``, ``status``, ``category``, ``region``, ``flagged``."""

    q = django_filters.CharFilter(method="filter_q", label=_("名称或信用代码"))
    status = django_filters.ChoiceFilter(choices=Provider.Status.choices, label=_("入库状态"))
    category = django_filters.ModelChoiceFilter(
        queryset=ServiceCategory.objects.all(),
        to_field_name="code",
        method="filter_category",
        label=_("服务类别"),
    )
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.filter(level__in=["city", "zone", "county"]),
        to_field_name="code",
        method="filter_region",
        label=_("地区"),
    )
    flagged = django_filters.BooleanFilter(field_name="flagged_for_review", label=_("待暂停审查"))

    class Meta:
        model = Provider
        fields = ["q", "status", "category", "region", "flagged"]

    def filter_q(self, queryset, name, value):
        text = normalise_text(value)
        if not text:
            return queryset
        return queryset.filter(
            Q(organisation__name__icontains=text)
            | Q(organisation__credit_code__contains=normalise_credit_code(text))
        )

    @extend_schema_field(CODE)
    def filter_category(self, queryset, name, value):
        return queryset.filter(pk__in=Provider.objects.filter(categories=value).values("pk"))

    @extend_schema_field(CODE)
    def filter_region(self, queryset, name, value):
        return queryset.filter(pk__in=Provider.objects.filter(serving_or_based_in(value)).values("pk"))


def _with_list_data(qs: QuerySet[Provider]) -> QuerySet[Provider]:
    expired = Qualification.objects.filter(provider=OuterRef("pk"), valid_until__lt=timezone.localdate())
    return (
        qs.select_related("organisation", "home_region", "home_region__parent")
        .prefetch_related(
            Prefetch("categories", queryset=ServiceCategory.objects.order_by("sort_order")),
            Prefetch("regions_served", queryset=Region.objects.order_by("depth", "sort_order")),
        )
        .annotate(has_expired_qualification=Exists(expired))
    )


def provider_list(*, actor, filters: dict | None = None) -> QuerySet[Provider]:
    """Providers visible to ``actor`` (officers, or a provider's own staff), filtered by ``ProviderFilter``."""
    qs = _with_list_data(Provider.objects.visible_to(actor)).order_by("organisation__name", "pk")
    if filters is None:
        return qs
    return ProviderFilter(filters, queryset=qs).qs


def provider_get(*, actor, pk: int, detail: bool = False) -> Provider:
    """One provider by id, or 404 when it does not exist or is out of the actor's scope.

    ``detail`` also prefetches regions served, qualifications and the status history (for the API).
    """
    qs = _with_list_data(Provider.objects.visible_to(actor))
    if detail:
        qs = qs.prefetch_related(
            "qualifications",
            Prefetch("status_changes", queryset=ProviderStatusChange.objects.select_related("actor")),
        )
    try:
        return qs.get(pk=pk)
    except (Provider.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def application_queue(*, actor) -> QuerySet[Provider]:
    """Applications waiting for a decision, oldest first: the province department only (404 otherwise)."""
    if not is_province(actor):
        raise Http404
    return _with_list_data(
        Provider.objects.visible_to(actor).filter(status=Provider.Status.APPLIED)
    ).order_by("applied_at", "pk")


def held_applications(*, actor) -> QuerySet[ProviderApplication]:
    """Submissions held apart because their credit code already had a provider record, oldest
    first: the province department only (404 otherwise), like the application queue."""
    if not is_province(actor):
        raise Http404
    return (
        ProviderApplication.objects.visible_to(actor)
        .filter(status=ProviderApplication.Status.HELD, provider__in=Provider.objects.visible_to(actor))
        .select_related("provider", "provider__organisation", "home_region", "home_region__parent")
        .order_by("submitted_at", "pk")
    )


def held_application_get(*, actor, pk: int) -> ProviderApplication:
    """One submission (any status) of a provider in the province's view; 404 otherwise."""
    if not is_province(actor):
        raise Http404
    try:
        return (
            ProviderApplication.objects.visible_to(actor)
            .filter(provider__in=Provider.objects.visible_to(actor))
            .select_related("provider", "provider__organisation", "home_region", "decided_by")
            .get(pk=pk)
        )
    except (ProviderApplication.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def provider_history(*, actor, provider: Provider) -> QuerySet[ProviderStatusChange]:
    provider_get(actor=actor, pk=provider.pk)
    return provider.status_changes.select_related("actor")


def provider_qualifications(*, actor, provider: Provider) -> list[Qualification]:
    return list(Qualification.objects.visible_to(actor).filter(provider=provider))


def qualification_get(*, actor, provider: Provider, pk: int) -> Qualification:
    try:
        return (
            Qualification.objects.visible_to(actor).select_related("provider").get(provider=provider, pk=pk)
        )
    except (Qualification.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def provider_staff_accounts(*, actor, provider: Provider) -> list[User]:
    """The user accounts of the provider's staff (visible to whoever may see the provider)."""
    provider_get(actor=actor, pk=provider.pk)
    return list(
        User.objects.filter(organisation_id=provider.organisation_id, role=Role.PROVIDER_STAFF).order_by(
            "username"
        )
    )


def own_provider(*, actor) -> Provider | None:
    """The provider a provider-staff user works for, or None."""
    if not is_provider_staff(actor):
        return None
    return Provider.objects.visible_to(actor).select_related("organisation").first()
