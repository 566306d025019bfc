"""Forms of accounts: a staff account's details (the password is generated, never typed)."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _


class ServiceErrorsMixin:
    """``add_service_errors``: a service's ``ValidationError`` onto the matching fields (or the form),
    so the page re-renders with everything the person typed."""

    def add_service_errors(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                target = field if field in self.fields and field != NON_FIELD_ERRORS else None
                for error in errors:
                    self.add_error(target, error)
        else:
            for message in exc.messages:
                self.add_error(None, message)


class StaffAccountForm(ServiceErrorsMixin, forms.Form):
    """Login name, name and phone of a new staff account (see ``accounts.services.staff_account_create``)."""

    username = forms.CharField(label=_("登录名"), max_length=150)
    display_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机"), max_length=20, required=False)
