"""Reads of the public directory (no sign-in): admitted providers and published solutions only.

Contract: every queryset here starts from ``Provider.objects.admitted()`` or
``Solution.objects.published()`` (a published solution of an admitted provider) and no filter can
widen it; nothing about enterprises is read. ``public_*_get`` answer ``Http404`` for anything else
(applied, suspended, removed, rejected providers; draft, submitted, returned, withdrawn solutions).
Lists prefetch what the pages show, so their query count does not grow with the page size.
"""

import django_filters
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from regions.codes import normalise_text
from regions.models import Region

from ..models import BusinessScenario, Provider, ServiceCategory, Solution
from .pool import serving_or_based_in
from .solutions import INDUSTRY_CHOICES, industries_filter

#: How the API documents a filter that takes a code (category, scenario, region).
CODE = OpenApiTypes.STR


class DirectoryFilter(django_filters.FilterSet):
    """``q``, ``scenario``, ``industry``, ``category``, ``region`` — the same names for providers and solutions.

    On providers, ``scenario``/``industry`` mean "has a published solution for it"; on solutions,
    ``category``/``region`` mean "its provider offers it / is based in or serves it". A city
    includes its counties.
    """

    q = django_filters.CharFilter(method="filter_q", label=_("关键词"))
    scenario = django_filters.ModelChoiceFilter(
        queryset=BusinessScenario.objects.all(),
        to_field_name="code",
        method="filter_scenario",
        label=_("业务场景"),
    )
    industry = django_filters.ChoiceFilter(
        choices=INDUSTRY_CHOICES, method="filter_industry", label=_("行业")
    )
    category = django_filters.ModelChoiceFilter(
        queryset=ServiceCategory.objects.filter(active=True),
        to_field_name="code",
        method="filter_category",
        label=_("服务类别"),
    )
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.filter(level__in=["city", "zone", "county"]),
        to_field_name="code",
        method="filter_region",
        label=_("服务地区"),
    )

    def _is_solution(self, queryset) -> bool:
        return queryset.model is Solution

    def _providers(self, queryset, q: Q) -> QuerySet:
        ids = Provider.objects.filter(q).values("pk")
        if self._is_solution(queryset):
            return queryset.filter(provider__in=ids)
        return queryset.filter(pk__in=ids)

    def _solutions(self, queryset, qs: QuerySet) -> QuerySet:
        if self._is_solution(queryset):
            return queryset.filter(pk__in=qs.values("pk"))
        return queryset.filter(
            pk__in=Solution.objects.published().filter(pk__in=qs.values("pk")).values("provider")
        )

    def filter_q(self, queryset, name, value):
        text = normalise_text(value)
        if not text:
            return queryset
        if self._is_solution(queryset):
            return queryset.filter(
                Q(title__icontains=text)
                | Q(summary__icontains=text)
                | Q(provider__organisation__name__icontains=text)
            )
        return queryset.filter(Q(organisation__name__icontains=text) | Q(description__icontains=text))

    @extend_schema_field(CODE)
    def filter_scenario(self, queryset, name, value):
        return self._solutions(queryset, Solution.objects.filter(scenarios=value))

    def filter_industry(self, queryset, name, value):
        return self._solutions(queryset, industries_filter(Solution.objects.all(), value))

    @extend_schema_field(CODE)
    def filter_category(self, queryset, name, value):
        return self._providers(queryset, Q(categories=value))

    @extend_schema_field(CODE)
    def filter_region(self, queryset, name, value):
        return self._providers(queryset, serving_or_based_in(value))


class PublicProviderFilter(DirectoryFilter):
    class Meta:
        model = Provider
        fields = ["q", "scenario", "industry", "category", "region"]


class PublicSolutionFilter(DirectoryFilter):
    class Meta:
        model = Solution
        fields = ["q", "scenario", "industry", "category", "region"]


def _providers() -> QuerySet[Provider]:
    return (
        Provider.objects.admitted()
        .select_related("organisation", "home_region", "home_region__parent")
        .prefetch_related(
            Prefetch("categories", queryset=ServiceCategory.objects.order_by("sort_order")),
            Prefetch("regions_served", queryset=Region.objects.order_by("depth", "sort_order")),
        )
        .annotate(
            published_count=Count(
                "solutions",
                filter=Q(solutions__status=Solution.Status.PUBLISHED),
                distinct=True,
            )
        )
    )


def _solutions() -> QuerySet[Solution]:
    return (
        Solution.objects.published()
        .select_related("provider", "provider__organisation")
        .prefetch_related(Prefetch("scenarios", queryset=BusinessScenario.objects.order_by("sort_order")))
    )


def public_provider_list(filters: dict | None = None) -> QuerySet[Provider]:
    """Admitted providers, by name, narrowed by ``PublicProviderFilter`` over ``filters``."""
    qs = _providers().order_by("organisation__name", "pk")
    if not filters:
        return qs
    return PublicProviderFilter(filters, queryset=qs).qs


def public_solution_list(filters: dict | None = None) -> QuerySet[Solution]:
    """Published solutions of admitted providers, newest first, narrowed by ``PublicSolutionFilter``."""
    qs = _solutions().order_by("-published_at", "pk")
    if not filters:
        return qs
    return PublicSolutionFilter(filters, queryset=qs).qs


def public_provider_get(pk) -> Provider:
    try:
        return _providers().get(pk=pk)
    except (Provider.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def public_solution_get(pk) -> Solution:
    try:
        return _solutions().get(pk=pk)
    except (Solution.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def public_provider_solutions(provider: Provider) -> QuerySet[Solution]:
    return _solutions().filter(provider=provider).order_by("-published_at", "pk")
