"""Reads of the solutions catalogue, always through the acting user's scope.

Contract: every function takes ``actor`` and starts from ``Solution.objects.visible_to(actor)``;
a solution outside the scope answers ``Http404``. A solution's review history (reviewers' names,
return reasons) is internal: ``solution_reviews`` gives it to the provider's own staff and the
province (officers with province reach, administrators) only, and nothing to anyone else who may
see the published solution. ``SolutionFilter`` serves the list page and
``/api/v1/solutions/``; lists select the provider and prefetch scenarios (constant queries).
"""

import django_filters
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts.permissions import is_province
from core.fields import IdFilter
from providers.permissions import is_provider_staff_of
from regions.codes import MANUFACTURING_DIVISIONS, normalise_text

from ..models import BusinessScenario, Solution, SolutionReview

INDUSTRY_CHOICES = [
    (code, format_lazy("C{} {}", code, name)) for code, name in MANUFACTURING_DIVISIONS.items()
]


#: How the API documents a filter that takes a code (category, scenario, region).
CODE = OpenApiTypes.STR


def industries_filter(queryset, value: str):
    """Solutions made for division ``value`` (``industries`` is a JSON list of division codes).

    Matching the quoted code inside the JSON text works the same on SQLite and PostgreSQL.
    """
    return queryset.filter(industries__icontains=f'"{value}"')


class SolutionFilter(django_filters.FilterSet):
    """Filters of the solution list (page and API): ``q``, ``status``, ``scenario``, ``industry``, ``provider``."""

    q = django_filters.CharFilter(method="filter_q", label=_("名称或服务商"))
    status = django_filters.ChoiceFilter(choices=Solution.Status.choices, label=_("状态"))
    scenario = django_filters.ModelChoiceFilter(
        queryset=BusinessScenario.objects.all(),
        to_field_name="code",
        method="filter_scenario",
        label=_("业务场景"),
    )
    industry = django_filters.ChoiceFilter(
        choices=INDUSTRY_CHOICES, method="filter_industry", label=_("行业")
    )
    provider = IdFilter(field_name="provider_id", label=_("服务商"))

    class Meta:
        model = Solution
        fields = ["q", "status", "scenario", "industry", "provider"]

    def filter_q(self, queryset, name, value):
        text = normalise_text(value)
        if not text:
            return queryset
        return queryset.filter(Q(title__icontains=text) | Q(provider__organisation__name__icontains=text))

    @extend_schema_field(CODE)
    def filter_scenario(self, queryset, name, value):
        return queryset.filter(pk__in=Solution.objects.filter(scenarios=value).values("pk"))

    def filter_industry(self, queryset, name, value):
        return industries_filter(queryset, value)


def with_list_data(qs: QuerySet[Solution]) -> QuerySet[Solution]:
    return qs.select_related("provider", "provider__organisation").prefetch_related(
        Prefetch("scenarios", queryset=BusinessScenario.objects.order_by("sort_order"))
    )


def solution_list(*, actor, filters: dict | None = None) -> QuerySet[Solution]:
    """Solutions visible to ``actor`` (newest change first), filtered by ``SolutionFilter``."""
    qs = with_list_data(Solution.objects.visible_to(actor)).order_by("-updated_at", "-pk")
    if filters is None:
        return qs
    return SolutionFilter(filters, queryset=qs).qs


def solution_get(*, actor, pk: int) -> Solution:
    """One solution by id, or 404 when it does not exist or is out of the actor's scope."""
    try:
        return with_list_data(Solution.objects.visible_to(actor)).get(pk=pk)
    except (Solution.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def review_queue(*, actor) -> QuerySet[Solution]:
    """Solutions waiting for review, oldest first: the province department only (404 otherwise)."""
    if not is_province(actor):
        raise Http404
    return with_list_data(
        Solution.objects.visible_to(actor).filter(status=Solution.Status.SUBMITTED)
    ).order_by("updated_at", "pk")


def may_see_reviews(actor, solution: Solution) -> bool:
    """Whether ``actor`` may read ``solution``'s review history: its provider's staff or the province."""
    return is_province(actor) or is_provider_staff_of(actor, solution.provider)


def solution_reviews(*, actor, solution: Solution) -> QuerySet[SolutionReview]:
    """The review history, newest first, for those ``may_see_reviews`` allows; empty for others."""
    solution_get(actor=actor, pk=solution.pk)
    if not may_see_reviews(actor, solution):
        return solution.reviews.none()
    return solution.reviews.select_related("actor")


def provider_solutions(*, actor, provider) -> QuerySet[Solution]:
    """The solutions of ``provider`` that ``actor`` may see (all of them for its staff and the province)."""
    return with_list_data(Solution.objects.visible_to(actor).filter(provider=provider)).order_by(
        "title", "pk"
    )


def money_text(value) -> str:
    """A 万元 amount as written by people: exact, without trailing zeros (``12.5000`` → ``12.5``)."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


def price_text(solution: Solution) -> str:
    """``"5 – 20 万元"``, ``"5 万元起"``, ``"20 万元以内"`` or ``"面议"``."""
    low, high = money_text(solution.price_min), money_text(solution.price_max)
    if low and high and low == high:
        return gettext("%(v)s 万元") % {"v": low}
    if low and high:
        return gettext("%(low)s – %(high)s 万元") % {"low": low, "high": high}
    if low:
        return gettext("%(v)s 万元起") % {"v": low}
    if high:
        return gettext("%(v)s 万元以内") % {"v": high}
    return gettext("面议")


def with_price_text(solutions):
    """Set ``price_text`` on each solution of a page (no queries)."""
    for solution in solutions:
        solution.price_text = price_text(solution)
    return solutions
