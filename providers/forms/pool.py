"""Forms of the provider pool: the public application, the profile, qualifications, status moves.

Contract: forms check the format of what was typed (the credit code normalised and checked
against GB 32100, dates, e-mail) and offer only sensible choices; they never write. Views pass
``service_data()`` to ``providers.services.pool`` and map its ``ValidationError`` back with
``add_service_errors()``, so a page re-renders with everything typed kept.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.forms import ServiceErrorsMixin
from core.fields import ModelChoiceField, ModelMultipleChoiceField
from core.validators import VALIDITY, date_problem
from core.widgets import DateInput
from regions.codes import credit_code_problem, normalise_credit_code

from ..models import Provider, Qualification, ServiceCategory
from ..selectors.pool import home_region_choices, served_region_choices


class CreditCodeField(forms.CharField):
    """A unified social credit code: full-width, lower case and spaces folded, then checked."""

    def to_python(self, value):
        return normalise_credit_code(super().to_python(value))

    def validate(self, value):
        super().validate(value)
        problem = credit_code_problem(value or "")
        if problem:
            raise ValidationError(problem, code="credit_code")


class TelInput(forms.TextInput):
    input_type = "tel"


def region_label(region) -> str:
    if region.level == "county" and region.parent_id:
        return f"{region.parent.name} · {region.name}"
    if region.level == "province":
        return str(_("全省"))
    return region.name


class RegionChoiceField(ModelChoiceField):
    def label_from_instance(self, obj):
        return region_label(obj)


class RegionMultipleChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return region_label(obj)


class ProfileFieldsMixin(forms.Form):
    regions_served = RegionMultipleChoiceField(
        queryset=served_region_choices(),
        required=False,
        label=_("服务地区"),
        help_text=_("可多选；选择设区市即覆盖其下辖县（市、区），选择“全省”覆盖全省。按住 Ctrl 或 ⌘ 多选。"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    categories = ModelMultipleChoiceField(
        queryset=ServiceCategory.objects.filter(active=True),
        label=_("服务类别"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
        error_messages={"required": _("请至少选择一个服务类别。")},
    )
    description = forms.CharField(
        label=_("机构简介"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    website = forms.URLField(
        label=_("网站"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("以 http:// 或 https:// 开头；只填域名时按 https:// 补全。"),
    )
    contact_person = forms.CharField(label=_("联系人"), max_length=50)
    contact_phone = forms.CharField(
        label=_("联系电话"), max_length=30, widget=TelInput(attrs={"autocomplete": "tel"})
    )
    contact_email = forms.EmailField(label=_("电子邮箱"), required=False)


class ProviderApplicationForm(ServiceErrorsMixin, ProfileFieldsMixin):
    """The public application to join the pool (no sign-in); a honeypot field catches bots."""

    name = forms.CharField(
        label=_("机构名称"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "organization"})
    )
    credit_code = CreditCodeField(
        label=_("统一社会信用代码"),
        max_length=40,
        help_text=_("18位，见营业执照；可输入全角或小写，系统会自动规范。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "class": "mono"}),
    )
    home_region = RegionChoiceField(
        queryset=home_region_choices().exclude(level="province"),
        label=_("注册地"),
        empty_label=_("请选择设区市或县（市、区）"),
    )
    #: Hidden from people by CSS; a bot filling every field gives itself away.
    homepage = forms.CharField(required=False, label=_("请勿填写此项"))
    consent = forms.BooleanField(
        label=_(
            "本机构承诺所填信息真实有效，同意省工信厅对申请信息进行核实，并在审核通过后于服务目录中公开机构名称、服务类别、服务地区、简介和联系方式。"
        ),
        error_messages={"required": _("请阅读并勾选承诺后再提交。")},
    )

    field_order = [
        "name", "credit_code", "home_region", "categories", "regions_served", "description", "website",
        "contact_person", "contact_phone", "contact_email", "homepage", "consent",
    ]  # fmt: skip

    SECTIONS = (
        (_("机构信息"), ("name", "credit_code", "home_region", "website", "description")),
        (_("服务范围"), ("categories", "regions_served")),
        (_("联系方式"), ("contact_person", "contact_phone", "contact_email")),
    )

    @property
    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("homepage")) if hasattr(self, "cleaned_data") else False

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("homepage", None)
        data.pop("consent", None)
        return data


class QualificationForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = Qualification
        fields = ["name", "number", "issuer", "valid_from", "valid_until"]
        widgets = {
            "valid_from": DateInput,
            "valid_until": DateInput,
        }

    def service_data(self) -> dict[str, Any]:
        return {f: self.cleaned_data.get(f) for f in self.Meta.fields}


class ApplicationQualificationForm(forms.Form):
    """One qualification row of the application: name and validity required, number and issuer too."""

    name = forms.CharField(label=_("资质名称"), max_length=100)
    number = forms.CharField(label=_("证书编号"), max_length=100)
    issuer = forms.CharField(label=_("发证机关"), max_length=100)
    valid_until = forms.DateField(label=_("有效期至"), widget=DateInput)

    def clean_valid_until(self):
        # The model's rule (Qualification.clean), checked here so the error lands on this row.
        value = self.cleaned_data["valid_until"]
        problem = date_problem(value, VALIDITY)
        if problem:
            raise ValidationError(problem, code="implausible_date")
        return value


class BaseApplicationQualificationFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        filled = [f for f in self.forms if f.has_changed() and not self._should_delete_form(f)]
        if not filled:
            raise ValidationError(_("请至少填写一项资质（名称、编号、发证机关、有效期）。"))

    def service_data(self) -> list[dict[str, Any]]:
        return [dict(f.cleaned_data) for f in self.forms if f.has_changed() and f.cleaned_data]


ApplicationQualificationFormSet = forms.formset_factory(
    ApplicationQualificationForm,
    formset=BaseApplicationQualificationFormSet,
    extra=3,
    max_num=10,
    validate_max=True,
)


class ProviderProfileForm(ServiceErrorsMixin, ProfileFieldsMixin):
    """What provider staff may change about their own provider (never status, name or code)."""

    SECTIONS = (
        (_("机构介绍"), ("description", "website")),
        (_("服务范围"), ("categories", "regions_served")),
        (_("联系方式"), ("contact_person", "contact_phone", "contact_email")),
    )

    @classmethod
    def initial_for(cls, provider: Provider) -> dict[str, Any]:
        return {
            "regions_served": list(provider.regions_served.all()),
            "categories": list(provider.categories.all()),
            "description": provider.description,
            "website": provider.website,
            "contact_person": provider.contact_person,
            "contact_phone": provider.contact_phone,
            "contact_email": provider.contact_email,
        }

    @property
    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=Provider.Status.choices, label=_("变更为"))
    reason = forms.CharField(
        label=_("理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写变更理由。")},
    )


class DecisionForm(ServiceErrorsMixin, forms.Form):
    """The province's decision on a held submission: accept (its data replace the record's) or decline."""

    decision = forms.ChoiceField(
        label=_("处理"),
        choices=[
            ("accept", _("采纳：以本次提交的资料更新服务商记录")),
            ("decline", _("不予采纳：保留现有记录")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("处理意见"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写处理意见。")},
    )
