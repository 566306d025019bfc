"""The signed-in person's notifications: ``/accounts/notifications/`` and marking them read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.fields import parse_id

from .models import Notification
from .notifications import notification_list, notification_read

PAGE_SIZE = 30


@login_required
def notification_list_view(request):
    """The person's own notifications, newest first (everyone signed in; nobody sees another's)."""
    page = Paginator(notification_list(actor=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read_view(request):
    """Mark one notification (``id``) or all (no ``id``) read; another person's id is a 404."""
    raw = request.POST.get("id", "")
    pk = parse_id(raw, Notification) if raw else None
    if raw and pk is None:
        from django.http import Http404

        raise Http404
    changed = notification_read(actor=request.user, pk=pk)
    if pk is None and changed:
        messages.success(request, _("已全部标为已读。"))
    return redirect("accounts:notifications")
