"""The form engaging a clinic or provider with an enterprise."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import ServiceErrorsMixin
from core.fields import ModelChoiceField
from diagnosis.models import Engagement
from diagnosis.selectors.engagements import engagement_choices


class EngageForm(ServiceErrorsMixin, forms.Form):
    purpose = forms.ChoiceField(label=_("对接事项"), choices=Engagement.Purpose.choices)
    organisation = ModelChoiceField(label=_("服务机构"), queryset=None, empty_label=_("请选择服务机构"))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        clinics = engagement_choices(actor=actor, purpose=Engagement.Purpose.DIAGNOSIS)
        providers = engagement_choices(actor=actor, purpose=Engagement.Purpose.PROJECT)
        self.fields["organisation"].queryset = (clinics | providers).order_by("kind", "name")
        self.fields["organisation"].label_from_instance = lambda o: f"{o.name}（{o.get_kind_display()}）"
