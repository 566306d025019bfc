"""Engaging clinics and providers with an enterprise."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from diagnosis.forms.engagements import EngageForm
from diagnosis.permissions import can_engage
from diagnosis.selectors.engagements import engagement_get, enterprise_engagements
from diagnosis.selectors.enterprises import enterprise_get
from diagnosis.services.engagements import engagement_close, engagement_open


@login_required
def engage_view(request, pk: int):
    """Engage the enterprise with a clinic (diagnosis) or a provider (project); list and end engagements."""
    enterprise = enterprise_get(actor=request.user, pk=pk)
    if not can_engage(request.user, enterprise):
        raise PermissionDenied(_("只有所在地工信部门或该企业的对接数字专员可以为企业对接服务机构。"))
    form = EngageForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            engagement = engagement_open(actor=request.user, enterprise=enterprise, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("已对接：%(org)s") % {"org": engagement.organisation.name})
            return redirect("diagnosis:engage", pk=enterprise.pk)
    return render(
        request,
        "diagnosis/engage.html",
        {
            "enterprise": enterprise,
            "form": form,
            "engagements": enterprise_engagements(actor=request.user, enterprise=enterprise),
        },
    )


@login_required
@require_POST
def engagement_close_view(request, pk: int, engagement_id: int):
    enterprise = enterprise_get(actor=request.user, pk=pk)
    engagement = engagement_get(actor=request.user, enterprise=enterprise, pk=engagement_id)
    engagement_close(actor=request.user, engagement=engagement)
    messages.success(request, _("已结束与 %(org)s 的对接。") % {"org": engagement.organisation.name})
    return redirect("diagnosis:engage", pk=enterprise.pk)
