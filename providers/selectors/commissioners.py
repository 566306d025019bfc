"""Reads of the commissioner registry, always through ``CommissionerProfile.objects.visible_to(actor)``.

``CommissionerFilter`` serves the HTML list and the API: tier, region (with everything below it),
active, and ``q`` over name, phone and login name.
"""

import django_filters
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from providers.models import CommissionerProfile, TrainingRecord
from regions.models import Region

from .clinics import region_choices


class CommissionerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("姓名或手机号"))
    tier = django_filters.ChoiceFilter(choices=CommissionerProfile.Tier.choices, label=_("层级"))
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(), method="filter_region", label=_("地区"), to_field_name="code"
    )
    active = django_filters.BooleanFilter(label=_("在岗"))

    class Meta:
        model = CommissionerProfile
        fields = ["q", "tier", "region", "active"]

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        if actor is not None:
            self.filters["region"].queryset = region_choices(actor=actor)

    def filter_q(self, queryset, name, value):
        text = (value or "").strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(user__display_name__icontains=text)
            | Q(user__phone__contains=text)
            | Q(user__username__icontains=text)
        )

    @extend_schema_field(OpenApiTypes.STR)  # a region code: the API schema cannot infer it
    def filter_region(self, queryset, name, value):
        return queryset.filter(user__region__path__startswith=value.path)


def commissioner_list(*, actor, filters: dict | None = None) -> QuerySet[CommissionerProfile]:
    """Registry entries visible to ``actor`` with their training count, filtered by ``CommissionerFilter``."""
    qs = (
        CommissionerProfile.objects.visible_to(actor)
        .select_related("user", "user__region", "user__region__parent")
        .annotate(training_count=Count("trainings"))
        .order_by("user__region__path", "user__username", "id")
    )
    if filters is None:
        return qs
    return CommissionerFilter(filters, queryset=qs, actor=actor).qs


def commissioner_get(*, actor, pk: int) -> CommissionerProfile:
    """One registry entry by id, or 404 when it does not exist or lies outside the actor's scope."""
    try:
        return (
            CommissionerProfile.objects.visible_to(actor)
            .select_related("user", "user__region", "user__region__parent")
            .get(pk=pk)
        )
    except CommissionerProfile.DoesNotExist as exc:
        raise Http404 from exc


def commissioner_trainings(*, actor, profile: CommissionerProfile) -> QuerySet[TrainingRecord]:
    commissioner_get(actor=actor, pk=profile.pk)
    return profile.trainings.all()
