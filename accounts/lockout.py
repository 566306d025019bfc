"""What a locked-out sign-in sees (django-axes, ``AXES_LOCKOUT_CALLABLE``).

After ``AXES_FAILURE_LIMIT`` wrong passwords for one username from one address, that pair is
refused for ``AXES_COOLOFF_TIME`` (settings). The login page then shows itself again with a
message saying so and how long to wait (status 429, ``Retry-After``), keeping the username typed;
an API request gets ``{"detail": …}`` with the same message and status. The numbers in the
message come from the settings, never a copy.
"""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext


def lockout_seconds() -> int:
    """How long a locked-out username + address waits, in whole seconds."""
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_message() -> str:
    """The lock-out explanation in the active language, with the wait from the settings."""
    minutes = max(1, -(-lockout_seconds() // 60))
    return ngettext(
        "密码错误次数过多，该账号在此设备上已被暂时锁定，请 %(minutes)d 分钟后再试。如忘记密码，请联系系统管理员。",
        "密码错误次数过多，该账号在此设备上已被暂时锁定，请 %(minutes)d 分钟后再试。如忘记密码，请联系系统管理员。",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse, credentials: dict | None
) -> HttpResponse:
    """The answer to a locked-out sign-in: JSON under ``/api/``, else the login page with the message."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    message = lockout_message()
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"detail": message}, status=status)
    else:
        username = (credentials or {}).get("username") or request.POST.get("username", "")
        form = AuthenticationForm(request, initial={"username": username})
        context = {"form": form, "next": request.POST.get("next", ""), "lockout_message": message}
        response = render(request, "accounts/login.html", context, status=status)
    response["Retry-After"] = str(lockout_seconds())
    return response
