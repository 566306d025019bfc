"""Forms of the commissioner registry pages (format and choices only; rules are in the services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.fields import ModelChoiceField
from core.widgets import DateInput
from providers.models import CommissionerProfile
from providers.selectors.clinics import region_choices

from .clinics import ServiceErrorsMixin, region_label


class TelInput(forms.TextInput):
    input_type = "tel"


class CommissionerRegisterForm(ServiceErrorsMixin, forms.Form):
    display_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机"), max_length=20, required=False, widget=TelInput)
    username = forms.CharField(
        label=_("登录名"), max_length=150, required=False, help_text=_("留空时以手机号作为登录名。")
    )
    tier = forms.ChoiceField(
        label=_("层级"),
        choices=CommissionerProfile.Tier.choices,
        help_text=_("省级专员对应全省，市级对应设区市或赣江新区，县级对应县（市、区）。"),
    )
    region = ModelChoiceField(label=_("所在地区"), queryset=None, empty_label=_("请选择地区"))
    employer = forms.CharField(label=_("工作单位"), max_length=200, required=False)
    registered_on = forms.DateField(label=_("入库日期"), required=False, widget=DateInput)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = region_choices(actor=actor).select_related("parent")
        self.fields["region"].label_from_instance = region_label


class TrainingRecordForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("培训名称"), max_length=200)
    held_on = forms.DateField(label=_("培训日期"), widget=DateInput)
    hours = forms.DecimalField(label=_("学时"), min_value=0, max_digits=6, decimal_places=1)
    organiser = forms.CharField(label=_("主办单位"), max_length=200, required=False)
    certificate = forms.CharField(label=_("结业证书编号"), max_length=100, required=False)
