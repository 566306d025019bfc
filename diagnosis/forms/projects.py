"""Forms of transformation projects, their acceptance and service vouchers (they work on a phone).

The forms only parse what the person typed; the rules (who, which state, money adding up, the
subsidy rules) are the services'. A refused write comes back through ``add_service_errors`` and
the page re-renders with everything that was typed.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import ServiceErrorsMixin
from core.fields import ModelChoiceField, ModelMultipleChoiceField
from core.widgets import DateInput
from diagnosis.forms.enterprises import AmountField
from diagnosis.models import (
    MONEY,
    Diagnosis,
    ProjectAttachment,
    ProjectType,
    Recommendation,
    TransformationProject,
)
from providers.models import Provider, Solution


def _money(label, required=False):
    return AmountField(
        label=label,
        required=required,
        min_value=0,
        max_digits=MONEY["max_digits"],
        decimal_places=MONEY["decimal_places"],
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class ProjectForm(ServiceErrorsMixin, forms.Form):
    """A project's fields: ``enterprise`` fixes the diagnoses and recommendations offered; the
    lead provider is picked among admitted providers (fixed once the project exists)."""

    title = forms.CharField(label=_("项目名称"), max_length=200)
    provider = ModelChoiceField(label=_("牵头服务商"), queryset=Provider.objects.none())
    partners = ModelMultipleChoiceField(
        label=_("合作服务商"), required=False, queryset=Provider.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )  # fmt: skip
    types = ModelMultipleChoiceField(
        label=_("项目类型"), required=False, queryset=ProjectType.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    diagnosis = ModelChoiceField(label=_("依据的诊断"), required=False, queryset=Diagnosis.objects.none())
    recommendations = ModelMultipleChoiceField(
        label=_("落实的诊断建议"), required=False, queryset=Recommendation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    solutions = ModelMultipleChoiceField(
        label=_("采用的解决方案"), required=False, queryset=Solution.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )  # fmt: skip
    description = forms.CharField(
        label=_("建设内容"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    start_date = forms.DateField(label=_("开始日期"), required=False, widget=DateInput)
    planned_completion = forms.DateField(label=_("计划完成日期"), required=False, widget=DateInput)
    planned_investment = _money(_("计划投资（万元）"))
    planned_subsidy = _money(_("计划政府补助（万元）"))
    planned_discount = _money(_("计划平台让利（万元）"))
    planned_own = _money(_("计划企业自筹（万元）"))
    actual_investment = _money(_("实际投资（万元）"))
    actual_subsidy = _money(_("实际政府补助（万元）"))
    actual_discount = _money(_("实际平台让利（万元）"))
    actual_own = _money(_("实际企业自筹（万元）"))

    RELATED = ("types", "solutions", "recommendations", "partners")

    def __init__(self, *args, enterprise, project: TransformationProject | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        admitted = (
            Provider.objects.filter(status=Provider.Status.ADMITTED)
            .select_related("organisation")
            .order_by("organisation__name")
        )
        self.fields["provider"].queryset = admitted
        self.fields["partners"].queryset = admitted
        self.fields["diagnosis"].queryset = Diagnosis.objects.filter(
            enterprise=enterprise, status__in=Diagnosis.ISSUED_STATES
        ).order_by("-issued_at")
        self.fields["diagnosis"].label_from_instance = lambda d: (
            _("%(number)s（%(day)s）")
            % {
                "number": d.number or d.pk,
                "day": d.issued_at.date().isoformat() if d.issued_at else "—",
            }
        )
        self.fields["recommendations"].queryset = Recommendation.objects.filter(
            diagnosis__enterprise=enterprise, diagnosis__status__in=Diagnosis.ISSUED_STATES
        ).order_by("diagnosis_id", "position", "id")
        self.fields["solutions"].queryset = Solution.objects.filter(Solution.PUBLISHED).order_by("title")
        if project is not None:
            del self.fields["provider"]

    def service_data(self) -> tuple[dict, dict]:
        """``(fields, related)`` for ``project_create`` / ``project_update``."""
        data = {k: v for k, v in self.cleaned_data.items() if k not in (*self.RELATED, "provider")}
        related = {k: list(self.cleaned_data[k]) for k in self.RELATED}
        return data, related

    @staticmethod
    def initial_for(project: TransformationProject) -> dict:
        from diagnosis.services.projects import EDITABLE_FIELDS, RELATED_FIELDS

        initial = {name: getattr(project, name) for name in EDITABLE_FIELDS}
        initial.update({name: list(getattr(project, name).all()) for name in RELATED_FIELDS})
        return initial


class ReasonForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class StepDateForm(ServiceErrorsMixin, forms.Form):
    on = forms.DateField(label=_("日期"), required=False, widget=DateInput)
    comment = forms.CharField(
        label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MilestoneForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("里程碑"), max_length=200)
    due_on = forms.DateField(label=_("计划日期"), required=False, widget=DateInput)
    note = forms.CharField(label=_("说明"), required=False, max_length=2000)


class ProjectFileForm(forms.Form):
    purpose = forms.ChoiceField(label=_("用途"), choices=ProjectAttachment.Purpose.choices)
    milestone = forms.IntegerField(required=False, widget=forms.HiddenInput)


class EnterpriseAcceptanceForm(ServiceErrorsMixin, forms.Form):
    report = forms.CharField(
        label=_("企业验收报告"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("建设内容完成情况、上线运行情况和取得的成效。"),
    )  # fmt: skip
    satisfaction = forms.TypedChoiceField(
        label=_("对服务商的满意度"), coerce=int, widget=forms.RadioSelect,
        choices=[(5, _("5 非常满意")), (4, _("4 满意")), (3, _("3 基本满意")), (2, _("2 不太满意")), (1, _("1 不满意"))],
    )  # fmt: skip
    comment = forms.CharField(
        label=_("评价"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProviderAcceptanceForm(ServiceErrorsMixin, forms.Form):
    report = forms.CharField(
        label=_("服务商验收报告"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("交付内容、实施过程和运行维护安排。"),
    )  # fmt: skip


class AcceptForm(ServiceErrorsMixin, forms.Form):
    site_check_on = forms.DateField(label=_("现场核查日期"), widget=DateInput)
    site_inspectors = forms.CharField(label=_("核查人员"), max_length=200)
    site_check_record = forms.CharField(
        label=_("现场核查记录"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )
    comment = forms.CharField(
        label=_("验收意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class VoucherIssueForm(ServiceErrorsMixin, forms.Form):
    amount = _money(_("面额（万元）"), required=True)
    purpose = forms.CharField(label=_("用途"), max_length=200)
    expires_on = forms.DateField(label=_("有效期至"), widget=DateInput)


class VoucherRedeemForm(ServiceErrorsMixin, forms.Form):
    project = ModelChoiceField(label=_("用于项目"), queryset=TransformationProject.objects.none())
    amount = _money(_("使用金额（万元）"), required=True)
    note = forms.CharField(label=_("说明"), required=False, max_length=200)

    def __init__(self, *args, voucher, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = TransformationProject.objects.filter(
            enterprise_id=voucher.enterprise_id, status__in=TransformationProject.OPEN_STATES
        ).order_by("-id")
