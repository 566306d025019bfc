"""Forms of the solutions catalogue: the solution itself and the review/withdraw reason.

Contract: format only (prices exact in 万元, min ≤ max, known divisions); the rules live in
``providers.services.solutions``; ``add_service_errors`` maps its errors back onto the fields.
"""

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.fields import ModelMultipleChoiceField
from regions.codes import MANUFACTURING_DIVISIONS, normalise_text

from ..models import MONEY, BusinessScenario, Solution
from .pool import ServiceErrorsMixin


class PriceField(forms.DecimalField):
    """万元, exact: full-width digits and thousands separators accepted."""

    def __init__(self, **kwargs):
        super().__init__(
            max_digits=MONEY["max_digits"],
            decimal_places=MONEY["decimal_places"],
            min_value=0,
            required=False,
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = normalise_text(value).replace(",", "").replace(" ", "")
        return super().to_python(value)


class SolutionForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("方案名称"), max_length=200)
    summary = forms.CharField(label=_("方案简介"), widget=forms.Textarea(attrs={"rows": 5}))
    scenarios = ModelMultipleChoiceField(
        queryset=BusinessScenario.objects.all(),
        label=_("适用业务场景"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
        error_messages={"required": _("请至少选择一个适用业务场景。")},
    )
    industries = forms.MultipleChoiceField(
        choices=[(code, format_lazy("C{} {}", code, name)) for code, name in MANUFACTURING_DIVISIONS.items()],
        required=False,
        label=_("适用行业"),
        help_text=_("制造业行业大类，可多选；不选表示通用。按住 Ctrl 或 ⌘ 多选。"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    price_min = PriceField(
        label=_("最低价格（万元）"), widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    price_max = PriceField(
        label=_("最高价格（万元）"), widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    deployment = forms.ChoiceField(choices=Solution.Deployment.choices, label=_("部署方式"))
    reference_customers = forms.CharField(
        label=_("典型客户"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    SECTIONS = (
        (_("方案内容"), ("title", "summary", "deployment")),
        (_("适用范围"), ("scenarios", "industries")),
        (_("价格与客户"), ("price_min", "price_max", "reference_customers")),
    )

    @property
    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    @classmethod
    def initial_for(cls, solution: Solution) -> dict[str, Any]:
        return {
            "title": solution.title,
            "summary": solution.summary,
            "scenarios": list(solution.scenarios.all()),
            "industries": list(solution.industries or []),
            "price_min": solution.price_min,
            "price_max": solution.price_max,
            "deployment": solution.deployment,
            "reference_customers": solution.reference_customers,
        }

    def clean(self):
        data = super().clean()
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and high is not None and high < low:
            self.add_error("price_max", _("最高价格不能低于最低价格。"))
        return data

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
