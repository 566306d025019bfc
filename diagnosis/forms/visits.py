"""The visit form (works on a phone)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import ServiceErrorsMixin
from core.widgets import DateInput
from diagnosis.models import NeedTag, Visit


class VisitForm(ServiceErrorsMixin, forms.Form):
    visited_on = forms.DateField(label=_("走访日期"), widget=DateInput)
    kind = forms.ChoiceField(
        label=_("走访方式"),
        choices=Visit.Kind.choices,
        initial=Visit.Kind.ONSITE,
        required=False,  # left out: on site
        widget=forms.RadioSelect,
    )
    people_met = forms.CharField(
        label=_("接待人员"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("如：王总（生产副总）")}),
    )
    summary = forms.CharField(label=_("走访情况"), widget=forms.Textarea(attrs={"rows": 5}))
    need_tags = forms.ModelMultipleChoiceField(
        label=_("需求类型"),
        required=False,
        queryset=NeedTag.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    needs = forms.CharField(label=_("企业需求"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    follow_up_due = forms.DateField(
        label=_("跟进期限"), required=False, widget=DateInput, help_text=_("需要再次跟进时填写。")
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("visited_on", timezone.localdate())
        super().__init__(*args, **kwargs)
