"""One FilterSet for the enterprise list page and the API.

Contract: the filter names (``q``, ``region``, ``county``, ``industry``, ``size_class``,
``above_designated_size``, ``commissioner``, ``unassigned``) are part of the public API and the
page's URLs. The FilterSet only narrows the queryset it is given; the caller passes a queryset
already limited to the actor's scope (``selectors.enterprise_list``), so no filter value can
widen what a user sees. With ``actor`` the commissioner choices are limited to those the actor may
see (``selectors.commissioner_choices``).
"""

import django_filters
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts.models import User
from core.fields import ModelChoiceFilter
from diagnosis.models import Enterprise, ProjectType, TransformationProject
from regions.codes import CREDIT_CODE_CHARSET, MANUFACTURING_DIVISIONS, normalise_credit_code, normalise_text
from regions.models import Region

CODE_CHARACTERS = frozenset(CREDIT_CODE_CHARSET)


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("名称或信用代码"))
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.exclude(level="county").order_by("depth", "sort_order"),
        method="filter_region",
        label=_("地区"),
        to_field_name="code",
    )
    county = django_filters.ModelChoiceFilter(
        queryset=Region.objects.counties().order_by("parent__sort_order", "sort_order"),
        label=_("县（市、区）"),
        to_field_name="code",
    )
    industry = django_filters.ChoiceFilter(
        choices=[(code, format_lazy("C{} {}", code, name)) for code, name in MANUFACTURING_DIVISIONS.items()],
        method="filter_industry",
        label=_("行业"),
    )
    size_class = django_filters.ChoiceFilter(choices=Enterprise.Size.choices, label=_("企业规模"))
    above_designated_size = django_filters.BooleanFilter(label=_("规上企业"))
    commissioner = ModelChoiceFilter(
        queryset=User.objects.filter(role="commissioner"), label=_("对接数字专员")
    )
    unassigned = django_filters.BooleanFilter(
        field_name="commissioner", lookup_expr="isnull", label=_("未分配数字专员")
    )

    class Meta:
        model = Enterprise
        fields = ["q", "region", "county", "industry", "size_class", "above_designated_size", "commissioner"]

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        if actor is not None:
            from diagnosis.selectors.enterprises import commissioner_choices

            self.filters["commissioner"].queryset = commissioner_choices(actor=actor)

    def filter_q(self, queryset, name, value):
        """Name contains the text, or the credit code contains it (full-width, case and spaces folded).

        Text without cased letters (Chinese, digits) is matched with ``contains``: folding case
        would only wrap the column in ``UPPER()``, which is slower and can't use the trigram index on
        the plain name (migration 0006). Text that can't be part of a credit code (anything outside
        its 31 characters) doesn't look at the code at all.
        """
        text = normalise_text(value)
        if not text:
            return queryset
        by_name = Q(name__contains=text) if text.upper() == text.lower() else Q(name__icontains=text)
        code = normalise_credit_code(text)
        if code and set(code) <= CODE_CHARACTERS:
            return queryset.filter(by_name | Q(credit_code__contains=code))
        return queryset.filter(by_name)

    def filter_region(self, queryset, name, value):
        return queryset.filter(county__path__startswith=value.path)

    def filter_industry(self, queryset, name, value):
        return queryset.filter(industry_code__startswith=value)


class ProjectFilter(django_filters.FilterSet):
    """The transformation-project list, its XLSX export and ``/api/projects/`` share these filters
    (``q``, ``status``, ``region``, ``industry``, ``type``, ``overdue``). Like ``EnterpriseFilter`` it
    only narrows a queryset already limited to the actor's scope."""

    q = django_filters.CharFilter(method="filter_q", label=_("项目或企业名称"))
    status = django_filters.ChoiceFilter(
        choices=TransformationProject.Status.choices, label=_("状态"), empty_label=_("全部状态")
    )
    region = ModelChoiceFilter(
        queryset=Region.objects.order_by("depth", "sort_order"),
        method="filter_region",
        label=_("地区"),
        to_field_name="code",
    )
    industry = django_filters.ChoiceFilter(
        choices=[(code, format_lazy("C{} {}", code, name)) for code, name in MANUFACTURING_DIVISIONS.items()],
        method="filter_industry",
        label=_("行业"),
    )
    type = ModelChoiceFilter(
        queryset=ProjectType.objects.all(), field_name="types", to_field_name="code", label=_("项目类型")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("里程碑逾期"))

    class Meta:
        model = TransformationProject
        fields = ["q", "status", "region", "industry", "type", "overdue"]

    def filter_q(self, queryset, name, value):
        text = normalise_text(value)
        if not text:
            return queryset
        return queryset.filter(Q(title__icontains=text) | Q(enterprise__name__icontains=text))

    @extend_schema_field(OpenApiTypes.STR)
    def filter_region(self, queryset, name, value):
        """A region's code (province, city or county): the projects of enterprises in it."""
        return queryset.filter(enterprise__county__path__startswith=value.path)

    def filter_industry(self, queryset, name, value):
        return queryset.filter(enterprise__industry_code__startswith=value)

    def filter_overdue(self, queryset, name, value):
        from django.utils import timezone

        late = Q(
            status__in=(TransformationProject.Status.PLANNED, TransformationProject.Status.IN_PROGRESS),
            milestones__done_on__isnull=True,
            milestones__due_on__lt=timezone.localdate(),
        )
        if value is None:
            return queryset
        ids = TransformationProject.objects.filter(late).values("pk")
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)
