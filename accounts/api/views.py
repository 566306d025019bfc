"""Account endpoints: ``/me`` and the token exchange (``auth/token``)."""

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import APIView

from ..lockout import lockout_message, lockout_seconds
from ..services import api_token_issue
from .serializers import MeSerializer

TAG = _("账户")


class MeView(APIView):
    """The signed-in user (session or ``Authorization: Token …``); anonymous requests are refused."""

    @extend_schema(
        tags=[TAG],
        summary=_("当前用户"),
        description=_(
            "当前登录用户的身份、角色、管辖地区或所属机构，以及可以进行的操作（建档、修改、导入）。"
        ),
        responses=MeSerializer,
    )
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class SignInLockedOut(APIException):
    """429: too many wrong passwords for this username from this address (django-axes)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self):
        super().__init__(detail=lockout_message())
        self.wait = lockout_seconds()  # DRF turns it into a Retry-After header


@extend_schema(
    tags=[TAG],
    summary=_("获取访问令牌"),
    description=_(
        "用用户名和密码换取访问令牌；之后在请求头中携带 “Authorization: Token <令牌>” 调用其他接口。"
    ),
)
class TokenObtainView(ObtainAuthToken):
    """Username + password → the user's API token (``accounts.services.api_token_issue``).

    Wrong credentials are a 400, as in DRF. The sign-in lock-out of the login page applies here
    too (django-axes, per username + address): a locked-out pair gets a 429 with a message, and
    the failure that reaches the limit already does. The lock-out is checked here because axes'
    middleware only sees Django's request, not the DRF request that ``authenticate`` receives.
    """

    def post(self, request, *args, **kwargs):
        credentials = {"username": request.data.get("username") or ""}
        if settings.AXES_ENABLED and not AxesProxyHandler.is_allowed(request, credentials):
            raise SignInLockedOut
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False):
                raise SignInLockedOut
            serializer.is_valid(raise_exception=True)
        token = api_token_issue(user=serializer.validated_data["user"])
        return Response({"token": token.key})
