"""Forms of the assignment, handover, engagement and visit pages.

They check format and offer only the choices the actor may use (commissioners from
``selectors.commissioner_choices``, organisations from ``selectors.engagement_choices``);
the rules are in ``services_assignment``, whose ``ValidationError`` is mapped back onto the fields
with ``add_service_errors`` so the page re-renders with everything typed kept.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import ServiceErrorsMixin

from .forms import commissioner_label
from .models import Engagement
from .selectors import commissioner_choices, engagement_choices


class DateInput(forms.DateInput):
    input_type = "date"


class AssignForm(ServiceErrorsMixin, forms.Form):
    """Pick a commissioner for the enterprises of the (filtered) list; ``expected`` guards against a
    list that changed between showing the count and confirming."""

    commissioner = forms.ModelChoiceField(label=_("数字专员"), queryset=None, empty_label=_("请选择数字专员"))
    reason = forms.CharField(label=_("说明"), max_length=200, required=False)
    expected = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commissioner"].queryset = commissioner_choices(actor=actor).order_by(
            "region__path", "display_name", "username"
        )
        self.fields["commissioner"].label_from_instance = commissioner_label


class UnassignForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("说明"), max_length=200, required=False)


class DeactivateForm(ServiceErrorsMixin, forms.Form):
    handover_to = forms.ModelChoiceField(
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


class EngageForm(ServiceErrorsMixin, forms.Form):
    purpose = forms.ChoiceField(label=_("对接事项"), choices=Engagement.Purpose.choices)
    organisation = forms.ModelChoiceField(label=_("服务机构"), queryset=None, empty_label=_("请选择服务机构"))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        clinics = engagement_choices(actor=actor, purpose=Engagement.Purpose.DIAGNOSIS)
        providers = engagement_choices(actor=actor, purpose=Engagement.Purpose.PROJECT)
        self.fields["organisation"].queryset = (clinics | providers).order_by("kind", "name")
        self.fields["organisation"].label_from_instance = lambda o: f"{o.name}（{o.get_kind_display()}）"


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
