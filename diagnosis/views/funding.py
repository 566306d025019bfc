"""Pages of service vouchers: the list, issuing one to an enterprise, a voucher with its ledger,
redeeming it against a project and revoking it.

Reads go through ``visible_to`` (out of scope: 404; provider and clinic staff see no vouchers);
who may act is the services' (403 with the reason); a refused write re-renders with what was
typed and status 400.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from diagnosis.forms.projects import ReasonForm, VoucherIssueForm, VoucherRedeemForm
from diagnosis.models import ServiceVoucher
from diagnosis.permissions import can_issue_voucher, can_manage_project
from diagnosis.selectors.enterprises import enterprise_get
from diagnosis.services import funding as services

PAGE_SIZE = 25


def _vouchers(user):
    return ServiceVoucher.objects.visible_to(user).select_related(
        "enterprise__county__parent", "issuer_region"
    )


def _voucher(user, pk: int) -> ServiceVoucher:
    voucher = _vouchers(user).filter(pk=pk).first()
    if voucher is None:
        raise Http404
    return voucher


@login_required
def voucher_list_view(request):
    status = request.GET.get("status") or ""
    status = status if status in ServiceVoucher.Status.values else ""
    vouchers = _vouchers(request.user)
    if status:
        vouchers = vouchers.filter(status=status)
    page = Paginator(vouchers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "diagnosis/voucher_list.html",
        {"page": page, "status": status, "statuses": ServiceVoucher.Status.choices},
    )


@login_required
def voucher_issue_view(request, pk: int):
    """Issue a voucher to enterprise ``pk``: officers whose region holds it."""
    enterprise = enterprise_get(actor=request.user, pk=pk)
    if not can_issue_voucher(request.user, enterprise):
        raise PermissionDenied(_("只有企业所在地的工信部门可以发放服务券。"))
    form = VoucherIssueForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                voucher = services.voucher_issue(
                    actor=request.user, enterprise=enterprise, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("已发放服务券 %(number)s。") % {"number": voucher.number})
                return redirect("diagnosis:voucher_detail", pk=voucher.pk)
        return render(
            request, "diagnosis/voucher_issue.html", {"enterprise": enterprise, "form": form}, status=400
        )
    return render(request, "diagnosis/voucher_issue.html", {"enterprise": enterprise, "form": form})


def _detail(request, voucher, status=200, redeem_form=None, revoke_form=None):
    user = request.user
    active = voucher.status == ServiceVoucher.Status.ACTIVE
    return render(
        request,
        "diagnosis/voucher_detail.html",
        {
            "voucher": voucher,
            "entries": list(voucher.entries.select_related("project", "actor")),
            "can_redeem": active
            and (can_manage_project(user, voucher.enterprise) or can_issue_voucher(user, voucher.enterprise)),
            "can_revoke": active and can_issue_voucher(user, voucher.enterprise),
            "redeem_form": redeem_form or VoucherRedeemForm(voucher=voucher),
            "revoke_form": revoke_form or ReasonForm(),
        },
        status=status,
    )


@login_required
def voucher_detail_view(request, pk: int):
    return _detail(request, _voucher(request.user, pk))


@login_required
@require_POST
def voucher_redeem_view(request, pk: int):
    voucher = _voucher(request.user, pk)
    if not (
        can_manage_project(request.user, voucher.enterprise)
        or can_issue_voucher(request.user, voucher.enterprise)
    ):
        raise PermissionDenied(_("只有企业本身和企业所在地的工信部门可以使用服务券。"))
    form = VoucherRedeemForm(request.POST, voucher=voucher)
    if form.is_valid():
        try:
            services.voucher_redeem(actor=request.user, voucher=voucher, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("已使用服务券。"))
            return redirect("diagnosis:voucher_detail", pk=voucher.pk)
    voucher.refresh_from_db()
    return _detail(request, voucher, 400, redeem_form=form)


@login_required
@require_POST
def voucher_revoke_view(request, pk: int):
    voucher = _voucher(request.user, pk)
    if not can_issue_voucher(request.user, voucher.enterprise):
        raise PermissionDenied(_("只有企业所在地的工信部门可以作废服务券。"))
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.voucher_revoke(actor=request.user, voucher=voucher, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("服务券已作废。"))
            return redirect("diagnosis:voucher_detail", pk=voucher.pk)
    return _detail(request, voucher, 400, revoke_form=form)
