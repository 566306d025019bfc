"""The visit form (works on a phone)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import ServiceErrorsMixin
from core.widgets import DateInput


class VisitForm(ServiceErrorsMixin, forms.Form):
    visited_on = forms.DateField(label=_("走访日期"), widget=DateInput)
    summary = forms.CharField(label=_("走访情况"), widget=forms.Textarea(attrs={"rows": 5}))
    needs = forms.CharField(label=_("企业需求"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    follow_up_due = forms.DateField(
        label=_("跟进期限"), required=False, widget=DateInput, help_text=_("需要再次跟进时填写。")
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("visited_on", timezone.localdate())
        super().__init__(*args, **kwargs)
