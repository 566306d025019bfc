"""Writes of accounts: staff accounts of organisations, API tokens.

Callers decide who may create an account (the rules differ for clinics and providers); these
functions only make a valid one.
"""

import secrets
import string

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from .authentication import token_expired
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


@transaction.atomic
def api_token_issue(*, user: User) -> Token:
    """The API token of ``user``: the current one while it is valid, else a new one.

    A token older than ``settings.API_TOKEN_TTL`` is refused by
    ``accounts.authentication.ExpiringTokenAuthentication``; this deletes it and issues a fresh
    key, so signing in again is how a client renews its token.
    """
    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and token_expired(token):
        token.delete()
        token = None
    if token is None:
        token = Token.objects.create(user=user)
    return token
