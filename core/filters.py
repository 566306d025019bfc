"""Helpers for list-page filter forms (django-filter) that every app shares.

``label_all(form, **labels)`` gives every choice field of a filter form an empty option that reads
"全部" (or the label given for that field) instead of django's "---------", and turns every yes/no
filter (a ``NullBooleanField``, shown by default as 未知/是/否 and opening on 未知) into a select
of 全部/是/否 that opens on 全部 and sends ``true``/``false`` — the values the API accepts too.
The form's fields are changed in place; call it once on ``filterset.form``.
"""

from django import forms
from django.utils.translation import gettext_lazy as _


def label_all(form: forms.Form, **labels) -> forms.Form:
    """Label the empty choice of every choice field "全部" (or ``labels[name]``); see the module docstring."""
    for name, field in form.fields.items():
        label = labels.get(name, _("全部"))
        if isinstance(field, forms.NullBooleanField):
            field.widget = forms.Select(choices=[("", label), ("true", _("是")), ("false", _("否"))])
        elif isinstance(field, forms.MultipleChoiceField):
            continue
        elif hasattr(field, "empty_label"):
            # ModelChoiceField and django-filter's ChoiceField build the empty option from it lazily
            field.empty_label = label
            field.widget.choices = field.choices
        elif isinstance(field, forms.ChoiceField):
            choices = [(value, text) for value, text in field.choices if value not in ("", None)]
            field.choices = [("", label), *choices]
    return form
