"""Bulletin pages: the list (province: a form to start one), a bulletin (its tables and ranking
sentences; drafts live, published ones frozen), publishing, and the JSON and XLSX downloads (one
sheet per table, laid out like the printed annex, through the shared writer)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import is_province
from core.files import attachment_response, serve_private
from core.jobs import JobStatus
from core.tabular import CONTENT_TYPES, Sheet, write_sheets
from reporting.models import Bulletin, BulletinRender, StatsTable
from reporting.services.bulletin_pdf import (
    bulletin_filename,
    bulletin_pdf,
    bulletin_render_request,
    chart_svg,
)
from reporting.services.bulletins import bulletin_content, bulletin_create, bulletin_publish, bulletin_update
from reporting.views.stats import officers_only


def _get(request, pk: int) -> Bulletin:
    bulletin = Bulletin.objects.visible_to(request.user).filter(pk=pk).first()
    if bulletin is None:
        raise Http404
    return bulletin


def _typed(request) -> dict:
    """The bulletin form's fields as posted (what a refused form shows again)."""
    return {
        "title": request.POST.get("title", ""),
        "period": request.POST.get("period", ""),
        "text": request.POST.get("text", ""),
        "tables": request.POST.getlist("tables"),
    }


def _list(request, errors=None, typed=None, status=200):
    return render(
        request,
        "reporting/bulletins.html",
        {
            "bulletins": Bulletin.objects.visible_to(request.user),
            "can_create": is_province(request.user),
            "tables": StatsTable.objects.order_by("code"),
            "errors": errors or {},
            "typed": typed or {},
        },
        status=status,
    )


@login_required
def bulletin_list(request):
    officers_only(request)
    if request.method == "POST":
        if not is_province(request.user):
            raise Http404
        typed = _typed(request)
        try:
            bulletin = bulletin_create(actor=request.user, **typed)
        except ValidationError as exc:
            return _list(
                request,
                exc.message_dict if hasattr(exc, "error_dict") else {"title": exc.messages},
                typed,
                400,
            )
        messages.success(request, _("已建立通报草稿。"))
        return redirect("reporting:bulletin_detail", pk=bulletin.pk)
    return _list(request)


@login_required
def bulletin_detail(request, pk: int):
    """``?format=json|xlsx|pdf`` downloads it: a draft's PDF is a preview rendered now; a
    published bulletin's is the file its render job stored (until then the page says so)."""
    officers_only(request)
    bulletin = _get(request, pk)
    content = bulletin_content(bulletin)
    file_format = request.GET.get("format")
    name = f"bulletin-{bulletin.period}-{bulletin.pk}"
    if file_format == "json":
        data = json.dumps(content, ensure_ascii=False, indent=1).encode()
        return attachment_response(data, f"{name}.json", "application/json")
    if file_format == "pdf":
        return _pdf(request, bulletin, name)
    if file_format == "xlsx":
        sheets = [
            Sheet(
                table["code"],
                [_("地区"), *table["columns"]],
                [[row["label"], *row["cells"]] for row in table["rows"]],
            )
            for table in content["tables"]
        ]
        return attachment_response(
            write_sheets(sheets or [Sheet("-", [""], [])]), f"{name}.xlsx", CONTENT_TYPES["xlsx"]
        )
    return _detail(request, bulletin, content)


def _detail(request, bulletin: Bulletin, content: dict, *, typed=None, errors=None, status=200):
    can_edit = is_province(request.user) and bulletin.status == Bulletin.Status.DRAFT
    stored = {
        "title": bulletin.title,
        "period": bulletin.period,
        "tables": bulletin.tables,
        "text": bulletin.text,
    }
    return render(
        request,
        "reporting/bulletin_detail.html",
        {
            "bulletin": bulletin,
            "content": content,
            "charts": [
                {"key": c["key"], "title": c["title"], "svg": chart_svg(c)}
                for c in content.get("charts") or []
            ],
            "can_publish": can_edit,
            # read only: a page (or a refused POST) never creates the render row; ?format=pdf does
            "render": BulletinRender.objects.filter(bulletin=bulletin).first(),
            "tables": StatsTable.objects.order_by("code") if can_edit else [],
            "typed": typed or stored,
            "errors": errors or {},
        },
        status=status,
    )


@login_required
@require_POST
def bulletin_edit(request, pk: int):
    """Save a draft's title, period, tables and text (province officers; a published one: 400)."""
    officers_only(request)
    bulletin = _get(request, pk)
    if not is_province(request.user):
        raise Http404
    typed = _typed(request)
    try:
        bulletin_update(actor=request.user, bulletin=bulletin, **typed)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {}
        if not errors:
            messages.error(request, " ".join(exc.messages))
        return _detail(request, bulletin, bulletin_content(bulletin), typed=typed, errors=errors, status=400)
    messages.success(request, _("通报草稿已保存。"))
    return redirect("reporting:bulletin_detail", pk=bulletin.pk)


def _pdf(request, bulletin: Bulletin, name: str):
    if bulletin.status != Bulletin.Status.PUBLISHED:
        rendered = bulletin_pdf(bulletin)
        return attachment_response(rendered.pdf, bulletin_filename(bulletin), "application/pdf")
    render = bulletin_render_request(bulletin)
    if render.status == JobStatus.DONE and render.file:
        return serve_private(request, render.file, bulletin_filename(bulletin))
    messages.info(request, _("通报 PDF 正在生成，请稍后再下载。"))
    return redirect("reporting:bulletin_detail", pk=bulletin.pk)


@login_required
@require_POST
def bulletin_publish_view(request, pk: int):
    officers_only(request)
    bulletin = _get(request, pk)
    if not is_province(request.user):
        raise Http404
    try:
        bulletin_publish(actor=request.user, bulletin=bulletin)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _detail(request, bulletin, bulletin_content(bulletin), status=400)
    messages.success(request, _("通报已发布，内容已固定。"))
    return redirect("reporting:bulletin_detail", pk=bulletin.pk)
