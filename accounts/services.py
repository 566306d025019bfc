"""Writes of accounts: staff accounts of organisations.

Callers decide who may create an account (the rules differ for clinics and providers); these
functions only make a valid one.
"""

import secrets
import string

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Organisation, User

_PASSWORD_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")


def generate_password(length: int = 12) -> str:
    """A random initial password without look-alike characters (shown once, never stored in clear)."""
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _i in range(length))


@transaction.atomic
def staff_account_create(
    *, organisation: Organisation, role: str, username: str, display_name: str, phone: str = ""
) -> tuple[User, str]:
    """A staff account of ``organisation`` with ``role`` and a generated initial password.

    Returns the user and the password, which the caller shows once and never stores. A login name
    already taken (case-insensitively) is a ``ValidationError`` on ``username``.
    """
    username = (username or "").strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("该登录名已被使用，请换一个。")})
    password = generate_password()
    user = User(
        username=username,
        display_name=(display_name or "").strip(),
        phone=(phone or "").strip(),
        role=role,
        organisation=organisation,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    return user, password
