"""The clinic's form for one recommendation (add or edit).

It checks the format only (lengths, whole numbers 1–3, amounts as exact decimals with the
model's digits, the scenarios among the model's); the rules (investment min ≤ max, who may edit,
the revision guard) are ``diagnosis.services.findings.recommendation_save``'s. ``phase`` empty
means "derived from impact and effort".
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from diagnosis.models import MONEY, Recommendation
from diagnosis.models.findings import MAX_MONTHS, RATING_CHOICES, Phase, Priority


def _money(label):
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=MONEY["max_digits"],
        decimal_places=MONEY["decimal_places"],
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


def _length(name: str) -> int:
    return Recommendation._meta.get_field(name).max_length


class RecommendationForm(forms.Form):
    title = forms.CharField(label=_("建议"), max_length=_length("title"))
    subject_name = forms.CharField(
        label=_("针对的指标或场景"), max_length=_length("subject_name"), required=False
    )
    finding = forms.CharField(
        label=_("发现的问题"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    detail = forms.CharField(
        label=_("建议内容"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    benefit = forms.CharField(
        label=_("预期成效"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    priority = forms.TypedChoiceField(
        label=_("优先级"), choices=Priority.choices, coerce=int, initial=Priority.MEDIUM
    )
    impact = forms.TypedChoiceField(label=_("影响"), choices=RATING_CHOICES, coerce=int, initial=2)
    effort = forms.TypedChoiceField(label=_("投入难度"), choices=RATING_CHOICES, coerce=int, initial=2)
    phase = forms.TypedChoiceField(
        label=_("实施阶段"),
        choices=[("", _("按影响与投入难度自动确定")), *Phase.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    investment_min = _money(_("投资下限（万元）"))
    investment_max = _money(_("投资上限（万元）"))
    months = forms.IntegerField(label=_("周期（月）"), required=False, min_value=1, max_value=MAX_MONTHS)
    scenario_codes = forms.MultipleChoiceField(
        label=_("对应业务场景（用于匹配解决方案）"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
    )

    def __init__(self, *args, scenarios=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scenario_codes"].choices = [(s.code, s.name) for s in scenarios]

    @classmethod
    def initial_of(cls, recommendation: Recommendation) -> dict:
        return {
            name: getattr(recommendation, name)
            for name in cls.base_fields
            if name != "phase" or recommendation.phase is not None
        }
