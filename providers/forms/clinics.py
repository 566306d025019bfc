"""Forms of the clinic pages: they check format and offer the actor's choices; services hold the rules.

``add_service_errors`` maps a service's ``ValidationError`` onto the fields so the page re-renders
with everything typed kept.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import ServiceErrorsMixin
from accounts.models import Organisation
from core.fields import ModelChoiceField
from providers.industries import division_choices
from providers.models import Clinic
from providers.selectors.clinics import operator_choices, region_choices


def region_label(region) -> str:
    if region.parent_id and region.level == "county":
        return f"{region.parent.name} {region.name}"
    return region.name


class ClinicCreateForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=Clinic.Kind.choices)
    region = ModelChoiceField(label=_("所在地区"), queryset=None, empty_label=_("请选择地区"))
    operator = ModelChoiceField(
        label=_("运营主体"),
        queryset=None,
        required=False,
        empty_label=_("请选择（或在下方新建）"),
        help_text=_("已入库的服务商，或本辖区的产业园区、促进中心。"),
    )
    new_operator_name = forms.CharField(
        label=_("新建运营主体名称"),
        max_length=200,
        required=False,
        help_text=_("名单中没有时填写，不要同时选择上面的运营主体。"),
    )
    new_operator_kind = forms.ChoiceField(
        label=_("新建运营主体类型"),
        choices=[
            (Organisation.Kind.PARK, _("产业园区")),
            (Organisation.Kind.CENTRE, _("数字化转型促进中心")),
        ],
        required=False,
    )
    address = forms.CharField(label=_("地址"), max_length=300, required=False)
    industries = forms.MultipleChoiceField(
        label=_("重点行业"), choices=division_choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    monthly_capacity = forms.IntegerField(label=_("月诊断能力（家）"), min_value=0, initial=0)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = region_choices(actor=actor).select_related("parent")
        self.fields["region"].label_from_instance = region_label
        self.fields["operator"].queryset = operator_choices(actor=actor).order_by("kind", "name")
        self.fields["operator"].label_from_instance = lambda o: f"{o.name}（{o.get_kind_display()}）"

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["new_operator_kind"] = data.get("new_operator_kind") or Organisation.Kind.PARK
        return data


class ClinicEditForm(ServiceErrorsMixin, forms.Form):
    """What may change after creation (see ``providers.services.clinics.CLINIC_EDITABLE``)."""

    name = forms.CharField(label=_("名称"), max_length=200)
    address = forms.CharField(label=_("地址"), max_length=300, required=False)
    industries = forms.MultipleChoiceField(
        label=_("重点行业"), choices=division_choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    monthly_capacity = forms.IntegerField(label=_("月诊断能力（家）"), min_value=0)


class ClinicStatusForm(ServiceErrorsMixin, forms.Form):
    to_status = forms.ChoiceField(label=_("新状态"), choices=Clinic.Status.choices)
    reason = forms.CharField(
        label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("关闭时必填。")
    )
