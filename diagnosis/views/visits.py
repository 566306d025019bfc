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
from core.files import attachment_response, serve_private
from core.tabular import CONTENT_TYPES, write_csv
from core.uploads import ACCEPT
from diagnosis.forms.visits import VisitForm
from diagnosis.permissions import can_log_visit
from diagnosis.selectors.enterprises import enterprise_get
from diagnosis.selectors.visits import (
    attachment_get,
    overdue_follow_ups,
    pending_attachments,
    visit_draft_get,
    visit_get,
    visit_list,
)
from diagnosis.services.visits import (
    attachment_discard,
    attachment_limits,
    attachment_store,
    visit_draft_discard,
    visit_draft_save,
    visit_follow_up_done,
    visit_log,
)


@login_required
def visit_list_view(request, pk: int):
    """The visits of one enterprise (anyone who can see the enterprise)."""
    enterprise = enterprise_get(actor=request.user, pk=pk)
    return render(
        request,
        "diagnosis/visit_list.html",
        {
            "enterprise": enterprise,
            "visits": list(
                visit_list(actor=request.user, enterprise=enterprise).prefetch_related("attachments")[:200]
            ),
            "can_log": can_log_visit(request.user, enterprise),
            "draft": visit_draft_get(actor=request.user, enterprise=enterprise),
            "today": timezone.localdate(),
        },
    )


def _receive_files(request, kept: list) -> tuple[list, list[str]]:
    """Store the files of this POST as the user's pending attachments (each checked by content),
    drop the ones the person removed; returns (attachments, error messages). A bad file is
    reported by name and the good ones are kept."""
    removed = {str(v) for v in request.POST.getlist("remove_attachment")}
    attachments = []
    for attachment in kept:
        if str(attachment.pk) in removed:
            attachment_discard(actor=request.user, attachment=attachment)
        else:
            attachments.append(attachment)
    errors = []
    most, _max_bytes = attachment_limits()
    for upload in request.FILES.getlist("attachments"):
        if len(attachments) >= most:
            errors.append(
                _("每次走访最多 %(n)d 个附件，“%(name)s”未上传。") % {"n": most, "name": upload.name}
            )
            continue
        try:
            attachments.append(attachment_store(actor=request.user, upload=upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    return attachments, errors


@login_required
def visit_log_view(request, pk: int):
    """The phone-friendly visit form: the enterprise's commissioner or an officer in scope.

    Buttons: 保存 (log the visit), 存为草稿 (keep everything as the person's draft, unchecked),
    删除草稿. Photos and documents are stored as soon as they arrive, so a submit that fails on
    another field, or a draft, keeps them (the page lists them with a remove box); the person's
    draft of this enterprise, if any, fills the form when it is opened."""
    enterprise = enterprise_get(actor=request.user, pk=pk)
    if not can_log_visit(request.user, enterprise):
        raise PermissionDenied(_("只有该企业的对接数字专员或所在地工信部门可以记录走访。"))
    draft = visit_draft_get(actor=request.user, enterprise=enterprise)
    file_errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "discard":
            if draft is not None:
                visit_draft_discard(actor=request.user, draft=draft)
                messages.success(request, _("已删除走访草稿。"))
            return redirect("diagnosis:visit_list", pk=enterprise.pk)
        kept = pending_attachments(actor=request.user, ids=request.POST.getlist("attachment"))
        attachments, file_errors = _receive_files(request, kept)
        form = VisitForm(request.POST)
        if action == "draft":
            try:
                visit_draft_save(
                    actor=request.user, enterprise=enterprise, data=request.POST, attachments=attachments
                )
            except ValidationError as exc:
                form.is_valid()
                form.add_service_errors(exc)
            else:
                if file_errors:
                    messages.warning(request, " ".join(file_errors))
                messages.success(request, _("已存为草稿，可稍后继续填写。"))
                return redirect("diagnosis:visit_list", pk=enterprise.pk)
        elif form.is_valid() and not file_errors:
            try:
                visit_log(
                    actor=request.user, enterprise=enterprise, attachments=attachments, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("已记录走访。"))
                return redirect("diagnosis:visit_list", pk=enterprise.pk)
    else:
        form = VisitForm(initial=_draft_initial(draft))
        attachments = list(draft.attachments.filter(visit__isnull=True)) if draft else []
    most, max_bytes = attachment_limits()
    return render(
        request,
        "diagnosis/visit_form.html",
        {
            "enterprise": enterprise,
            "form": form,
            "draft": draft,
            "attachments": attachments,
            "file_errors": file_errors,
            "accept": ACCEPT,
            "attachments_max": most,
            "attachment_max_bytes": max_bytes,
        },
    )


def _draft_initial(draft) -> dict:
    if draft is None:
        return {}
    return {k: v for k, v in (draft.data or {}).items() if v not in ("", [], None)}


@login_required
def visit_attachment_view(request, pk: int, attachment_id: int):
    """Download one visit attachment: whoever sees the visit (its uploader, for a pending one)."""
    enterprise = enterprise_get(actor=request.user, pk=pk)
    attachment = attachment_get(actor=request.user, enterprise=enterprise, pk=attachment_id)
    return serve_private(request, attachment.file, attachment.name)


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
                v.enterprise.county.label_with_city,
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
