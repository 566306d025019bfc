"""Table layout pages (province officers and administrators; anyone else: 404): a new layout and
editing one, both with a preview that computes the table without saving anything.

The form is ``reporting.services.layouts``' fields (two textareas for the columns and the
rankings); a refused form comes back with status 400, exactly as typed, each message next to its
field. Saving goes through ``layout_save``; the preview through ``layout_build`` and
``reporting.selectors.stats.layout_compute`` (the province's full table, as the table page shows it).
"""

from decimal import InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.permissions import is_province
from reporting.models import Indicator, StatsTable
from reporting.selectors.stats import layout_compute
from reporting.services.layouts import FIELDS, layout_build, layout_fields_of, layout_save
from reporting.stats.tables import ROW_LEVELS, rank_sentence
from reporting.views.stats import officers_only


def _province_only(request) -> None:
    """404 for anyone but province officers and administrators (as the statistics pages are for
    anyone but officers)."""
    officers_only(request)
    if not is_province(request.user):
        raise Http404


def _row_choices() -> list[tuple[str, str]]:
    labels = {
        "level:city": _("各设区市"),
        "level:county": _("各县（市、区）"),
        "level:city+zone": _("各设区市和新区"),
    }
    return [(value, labels.get(value, value)) for value in ROW_LEVELS]


def _page(request, *, table, typed, errors=None, preview=None, status=200):
    errors = errors or {}
    return render(
        request,
        "reporting/stats_layout_form.html",
        {
            "table": table,
            "typed": typed,
            "errors": errors,
            "form_errors": errors.get(NON_FIELD_ERRORS, []),
            "row_choices": _row_choices(),
            "indicators": Indicator.objects.order_by("code"),
            "preview": preview,
        },
        status=status,
    )


def _typed(request) -> dict[str, str]:
    return {name: request.POST.get(name, "") for name in ("code", "title", *FIELDS)}


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}


def _preview(request, table, typed):
    """The table computed from what was typed, for its period; nothing is stored."""
    layout = layout_build(
        actor=request.user, code=typed["code"], title=typed["title"], layout_fields=typed, table=table
    )
    try:
        result = layout_compute(layout=layout, actor=request.user)
    except InvalidOperation:
        # A cell too large to round at its format's precision (a product of large figures).
        raise ValidationError(
            {"columns": [_("计算结果超出可显示的范围，请检查各列的表达式和格式。")]}
        ) from None
    sentences = [
        rank_sentence(spec, entries)
        for spec, entries in zip(layout.get("rank") or [], result["rank"], strict=False)
    ]
    return {"result": result, "sentences": [s for s in sentences if s]}


def _form(request, table: StatsTable | None):
    _province_only(request)
    if request.method != "POST":
        if table is None:
            typed = {"code": "", "title": "", "rows": "level:city", "missing": "/"}
        else:
            typed = {"code": table.code, "title": table.title, **layout_fields_of(table.layout)}
        return _page(request, table=table, typed=typed)
    typed = _typed(request)
    if table is not None:
        typed["code"] = table.code
    try:
        if "preview" in request.POST:
            preview = _preview(request, table, typed)
            return _page(request, table=table, typed=typed, preview=preview)
        saved = layout_save(
            actor=request.user, code=typed["code"], title=typed["title"], layout_fields=typed, table=table
        )
    except ValidationError as exc:
        return _page(request, table=table, typed=typed, errors=_messages(exc), status=400)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, _("已保存表样 %(code)s。") % {"code": saved.code})
    return redirect("reporting:stats_table", code=saved.code)


@login_required
def layout_create(request):
    """A new table layout: GET the empty form, POST ``preview`` to compute it, POST to save."""
    return _form(request, None)


@login_required
def layout_edit(request, code: str):
    """The layout of table ``code`` (404 when there is none), as ``layout_create``; the code stays."""
    _province_only(request)
    table = StatsTable.objects.filter(code=code).first()
    if table is None:
        raise Http404
    return _form(request, table)
