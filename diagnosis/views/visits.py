"""Visit pages: the enterprise's visits, logging one, marking a follow-up done."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import is_officer
from core.files import attachment_response
from core.tabular import CONTENT_TYPES, write_csv
from diagnosis.forms.visits import VisitForm
from diagnosis.permissions import can_log_visit
from diagnosis.selectors.enterprises import enterprise_get
from diagnosis.selectors.visits import overdue_follow_ups, visit_get, visit_list
from diagnosis.services.visits import visit_follow_up_done, visit_log


@login_required
def visit_list_view(request, pk: int):
    """The visits of one enterprise (anyone who can see the enterprise)."""
    enterprise = enterprise_get(actor=request.user, pk=pk)
    return render(
        request,
        "diagnosis/visit_list.html",
        {
            "enterprise": enterprise,
            "visits": list(visit_list(actor=request.user, enterprise=enterprise)[:200]),
            "can_log": can_log_visit(request.user, enterprise),
            "today": timezone.localdate(),
        },
    )


@login_required
def visit_log_view(request, pk: int):
    """The phone-friendly visit form: the enterprise's commissioner or an officer in scope."""
    enterprise = enterprise_get(actor=request.user, pk=pk)
    if not can_log_visit(request.user, enterprise):
        raise PermissionDenied(_("只有该企业的对接数字专员或所在地工信部门可以记录走访。"))
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            visit_log(actor=request.user, enterprise=enterprise, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("已记录走访。"))
            return redirect("diagnosis:visit_list", pk=enterprise.pk)
    return render(request, "diagnosis/visit_form.html", {"enterprise": enterprise, "form": form})


@login_required
@require_POST
def visit_follow_up_done_view(request, pk: int, visit_id: int):
    enterprise = enterprise_get(actor=request.user, pk=pk)
    visit = visit_get(actor=request.user, enterprise=enterprise, pk=visit_id)
    try:
        visit_follow_up_done(actor=request.user, visit=visit)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已标记为已跟进。"))
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("diagnosis:visit_list", pk=enterprise.pk)


OVERDUE_PAGE_SIZE = 50
OVERDUE_EXPORT_LIMIT = 20_000


@login_required
def overdue_follow_ups_view(request):
    """Officers: their region's overdue follow-ups, the longest overdue first; ``?format=csv``
    exports them (formula-safe, ``core.tabular``). Anyone else: 404."""
    if not is_officer(request.user):
        raise Http404
    today = timezone.localdate()
    visits = overdue_follow_ups(actor=request.user, today=today)
    if request.GET.get("format") == "csv":
        headers = [
            _("企业名称"),
            _("统一社会信用代码"),
            _("所在地区"),
            _("数字专员"),
            _("走访日期"),
            _("跟进期限"),
            _("逾期天数"),
            _("企业需求"),
        ]
        rows = [
            [
                v.enterprise.name,
                v.enterprise.credit_code,
                f"{v.enterprise.county.parent.name} {v.enterprise.county.name}"
                if v.enterprise.county.parent
                else v.enterprise.county.name,
                str(v.commissioner),
                v.visited_on.isoformat(),
                v.follow_up_due.isoformat(),
                (today - v.follow_up_due).days,
                v.summary,
                v.needs,
            ]
            for v in visits[:OVERDUE_EXPORT_LIMIT]
        ]
        return attachment_response(
            write_csv(rows, headers), f"overdue-follow-ups-{today.isoformat()}.csv", CONTENT_TYPES["csv"]
        )
    page = Paginator(visits, OVERDUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "diagnosis/overdue_follow_ups.html", {"page": page, "today": today})
