"""API authentication: tokens that expire.

``ExpiringTokenAuthentication`` is DRF's ``TokenAuthentication`` (header ``Authorization: Token
<key>``, the same ``WWW-Authenticate: Token`` challenge) that also refuses a token issued more
than ``settings.API_TOKEN_TTL`` ago, with a 401 saying to fetch a new one from ``auth/token/``
(which replaces an expired token: see ``accounts.services.api_token_issue``).
"""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def token_expired(token: Token) -> bool:
    """Whether ``token`` was issued longer than ``API_TOKEN_TTL`` ago."""
    return token.created + settings.API_TOKEN_TTL <= timezone.now()


class ExpiringTokenAuthentication(TokenAuthentication):
    """``TokenAuthentication`` that refuses tokens older than ``settings.API_TOKEN_TTL``."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise AuthenticationFailed(
                _("访问令牌已过期，请用用户名和密码重新获取令牌（POST /api/v1/auth/token/）。")
            )
        return user, token
