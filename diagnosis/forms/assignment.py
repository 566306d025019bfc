"""Forms for assigning enterprises and handing over a caseload."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import ServiceErrorsMixin
from core.fields import ModelChoiceField
from diagnosis.forms.enterprises import commissioner_label
from diagnosis.selectors.enterprises import commissioner_choices


class AssignForm(ServiceErrorsMixin, forms.Form):
    """Pick a commissioner for the enterprises of the (filtered) list; ``expected`` guards against a
    list that changed between showing the count and confirming; ``confirm_count`` and
    ``fingerprint`` carry the bulk page's confirmation step."""

    commissioner = ModelChoiceField(label=_("数字专员"), queryset=None, empty_label=_("请选择数字专员"))
    reason = forms.CharField(label=_("说明"), max_length=200, required=False)
    expected = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    #: The bulk page's second step posts back what it showed: how many enterprises would change hands
    #: and the fingerprint of the set (``selectors.assignment.assignment_preview``).
    confirm_count = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commissioner"].queryset = commissioner_choices(actor=actor).order_by(
            "region__path", "display_name", "username"
        )
        self.fields["commissioner"].label_from_instance = commissioner_label


class UnassignForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("说明"), max_length=200, required=False)


class DeactivateForm(ServiceErrorsMixin, forms.Form):
    handover_to = ModelChoiceField(
        label=_("移交给"),
        queryset=None,
        required=False,
        empty_label=_("请选择接手的数字专员"),
        help_text=_("须为在岗、且负责这些企业所在地区的数字专员。"),
    )
    reason = forms.CharField(label=_("说明"), max_length=200, required=False)
    confirm = forms.BooleanField(label=_("确认该数字专员离岗，其账号将不能再登录"))

    def __init__(self, *args, actor, commissioner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handover_to"].queryset = (
            commissioner_choices(actor=actor)
            .exclude(pk=commissioner.pk)
            .order_by("region__path", "display_name")
        )
        self.fields["handover_to"].label_from_instance = commissioner_label
