"""Account endpoints: ``/me`` and the token exchange (``auth/token``)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.views import APIView

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


@extend_schema(
    tags=[TAG],
    summary=_("获取访问令牌"),
    description=_(
        "用用户名和密码换取访问令牌；之后在请求头中携带 “Authorization: Token <令牌>” 调用其他接口。"
    ),
)
class TokenObtainView(ObtainAuthToken):
    """DRF's token exchange, documented in the schema under the account tag."""
