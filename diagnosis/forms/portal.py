"""Forms of the enterprise portal. They check the format of what was typed (lengths, choices,
existing need tags) and keep it on error; the rules live in ``diagnosis.services.portal``.

The self-assessment uses the diagnosis' own ``diagnosis.forms.diagnoses.Questionnaire`` (same
field names, same page fragment ``diagnosis/includes/questionnaire.html``).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import ServiceErrorsMixin
from diagnosis.forms.diagnoses import Questionnaire
from diagnosis.models import CONTACT_FIELDS, Enterprise, EnterpriseRequest, NeedTag, SelfAssessment
from diagnosis.models.portal import TEXT_MAX


def _textarea(rows: int = 3, placeholder: str = "") -> forms.Textarea:
    attrs = {"rows": rows, "maxlength": TEXT_MAX}
    if placeholder:
        attrs["placeholder"] = placeholder
    return forms.Textarea(attrs=attrs)


def questionnaire_of(spec, assessment: SelfAssessment | None) -> Questionnaire:
    """The questionnaire as stored on ``assessment`` (empty for None)."""
    if assessment is None:
        return Questionnaire(spec)
    return Questionnaire(
        spec,
        answers={k: list(v) for k, v in (assessment.answers or {}).items()},
        figures={k: dict(v) for k, v in (assessment.figures or {}).items()},
        scenarios={k: str(v) for k, v in (assessment.scenarios or {}).items()},
    )


class CorrectionForm(ServiceErrorsMixin, forms.Form):
    """The contact fields as the archive's own fields define them, plus a note."""

    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=TEXT_MAX,
        widget=_textarea(2, _("如：联系人已更换、号码有误")),
    )

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        kwargs.setdefault("initial", {name: getattr(enterprise, name) for name in CONTACT_FIELDS})
        super().__init__(*args, **kwargs)
        model_fields = forms.fields_for_model(Enterprise, fields=CONTACT_FIELDS)
        note = self.fields.pop("note")
        for name in CONTACT_FIELDS:
            self.fields[name] = model_fields[name]
        self.fields["note"] = note

    def values(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in CONTACT_FIELDS}


class RejectForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("不予采纳的原因"), max_length=TEXT_MAX, widget=_textarea(2))


class RequestForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("事项"), choices=EnterpriseRequest.Kind.choices, widget=forms.RadioSelect, initial="need"
    )
    need_tags = forms.ModelMultipleChoiceField(
        label=_("需求类型"),
        queryset=NeedTag.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    text = forms.CharField(
        label=_("具体内容"),
        required=False,
        max_length=TEXT_MAX,
        widget=_textarea(4, _("如：希望实现设备联网和生产数据采集，预算约 20 万元")),
    )


class ReplyForm(ServiceErrorsMixin, forms.Form):
    reply = forms.CharField(label=_("答复"), max_length=TEXT_MAX, widget=_textarea(3))
    close = forms.BooleanField(label=_("同时办结"), required=False)


class CommentForm(ServiceErrorsMixin, forms.Form):
    about = forms.ChoiceField(label=_("针对"), required=False)
    text = forms.CharField(label=_("意见"), max_length=TEXT_MAX, widget=_textarea(3))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["about"].choices = choices


class CommentReplyForm(ServiceErrorsMixin, forms.Form):
    text = forms.CharField(label=_("答复"), max_length=TEXT_MAX, widget=_textarea(2))
