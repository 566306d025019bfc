"""Caseload, assignment and commissioner deactivation pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import is_officer
from core.fragments import render_page
from diagnosis.filters import EnterpriseFilter
from diagnosis.forms.assignment import AssignForm, DeactivateForm, UnassignForm
from diagnosis.models import Enterprise
from diagnosis.selectors.assignment import (
    CASELOAD_DEFAULT_SORT,
    assignment_history,
    assignment_preview,
    caseload_commissioner_get,
    caseload_summary,
)
from diagnosis.selectors.enterprises import enterprise_get, enterprise_list
from diagnosis.services.assignment import (
    check_commissioner_covers,
    commissioner_deactivate,
    enterprise_assign,
    enterprise_unassign,
)
from providers.models import CommissionerProfile

SAMPLE_SIZE = 20


def _require_officer(user, message: str) -> None:
    if not is_officer(user):
        raise PermissionDenied(message)


#: Enterprises per page of a caseload (about five phone screens of cards).
CASELOAD_PAGE_SIZE = 15


def _caseload_sorts() -> list[tuple[str, str]]:
    return [
        ("follow_up", _("按跟进期限")),
        ("last_visit", _("按最近走访（久未走访在前）")),
        ("name", _("按企业名称")),
    ]


def _render_caseload(request, commissioner, *, own: bool):
    """The caseload page; its body is cached per session and data version (``core.fragments``)."""

    def build():
        query = request.GET.get("q", "").strip()[:100]
        summary = caseload_summary(
            actor=request.user,
            commissioner=commissioner,
            query=query,
            sort=request.GET.get("sort", CASELOAD_DEFAULT_SORT),
        )
        page = Paginator(summary["enterprises"], CASELOAD_PAGE_SIZE).get_page(request.GET.get("page"))
        profile_pk = (
            CommissionerProfile.objects.filter(user=commissioner).values_list("pk", flat=True).first()
            if not own
            else None
        )
        context = {
            "commissioner": commissioner,
            "summary": summary,
            "page": page,
            "sorts": _caseload_sorts(),
            "own": own,
            "profile_pk": profile_pk,
        }
        title = _("我的工作台账") if own else _("%(name)s的工作台账") % {"name": commissioner}
        return context, {"title": title}

    return render_page(
        request, "diagnosis/caseload.html", "diagnosis/caseload_body.html", build, name="caseload"
    )


@login_required
def caseload_view(request):
    """A commissioner's own caseload: enterprises, visits this month, overdue follow-ups (404 for others)."""
    if request.user.role != Role.COMMISSIONER or not request.user.region_id:
        raise Http404
    return _render_caseload(request, request.user, own=True)


@login_required
def caseload_of_view(request, user_id: int):
    """An officer's view of a commissioner's caseload (a commissioner may open only their own)."""
    commissioner = caseload_commissioner_get(actor=request.user, pk=user_id)
    return _render_caseload(request, commissioner, own=commissioner.pk == request.user.pk)


def _active_filters(filterset) -> list[tuple[str, str]]:
    rows = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", [], False) and not (
            name in ("unassigned", "above_designated_size") and value is False
        ):
            continue
        field = filterset.form.fields[name]
        if hasattr(field, "choices") and not hasattr(value, "pk"):
            text = dict(field.choices).get(value, value)
            if isinstance(value, bool):
                text = _("是") if value else _("否")
        else:
            text = value
        rows.append((str(field.label), str(text)))
    return rows


@login_required
def assign_view(request):
    """Assign the enterprises of the filtered enterprise list (same query string) to one commissioner.

    Two steps. The first POST (commissioner, reason, ``expected`` = the count shown) checks the
    commissioner covers every enterprise and shows how many would change hands (not yet assigned,
    taken from another commissioner, already theirs). Only a second POST that sends back that number
    (``confirm_count``) and the set's ``fingerprint`` assigns; if the set or its assignments changed
    in between, nothing is assigned and the new numbers are shown for another confirmation.
    """
    user = request.user
    _require_officer(user, _("只有省、市、县工信部门可以分配数字专员。"))
    filterset = EnterpriseFilter(request.GET, queryset=enterprise_list(actor=user), actor=user)
    valid = filterset.is_valid()
    qs = filterset.qs if valid else Enterprise.objects.none()
    count = qs.count()
    form = AssignForm(request.POST or None, actor=user, initial={"expected": count})
    preview = None
    if request.method == "POST" and valid and form.is_valid():
        data = form.cleaned_data
        if data["expected"] != count:
            form.add_error(
                None,
                _("符合条件的企业数已从 %(old)d 家变为 %(new)d 家，请核对后重新确认。")
                % {"old": data["expected"], "new": count},
            )
            form.data = form.data.copy()
            form.data["expected"] = count
        else:
            try:
                check_commissioner_covers(data["commissioner"], qs)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                preview = assignment_preview(actor=user, enterprises=qs, commissioner=data["commissioner"])
                confirmed = data.get("confirm_count")
                if confirmed is not None and (
                    confirmed != preview["change"] or data.get("fingerprint") != preview["fingerprint"]
                ):
                    form.add_error(
                        None,
                        _(
                            "这些企业在您确认前有了变化（有人新增、修改或分配了其中的企业），没有分配任何企业。请核对下面的新数字后重新确认。"
                        ),
                    )
                elif confirmed is not None:
                    response = _assign_confirmed(request, form, qs, count)
                    if response is not None:
                        return response
    return render(
        request,
        "diagnosis/assign.html",
        {
            "filter": filterset,
            "valid": valid,
            "count": count,
            "sample": list(qs[:SAMPLE_SIZE]) if valid else [],
            "active_filters": _active_filters(filterset) if valid else [],
            "form": form,
            "preview": preview,
            "query": request.GET.urlencode(),
        },
    )


def _assign_confirmed(request, form, qs, count):
    """The confirmed second step: assign, say what happened, back to the list (None on a service error)."""
    data = form.cleaned_data
    try:
        changed = enterprise_assign(
            actor=request.user, enterprises=qs, commissioner=data["commissioner"], reason=data["reason"]
        )
    except ValidationError as exc:
        form.add_service_errors(exc)
        return None
    messages.success(
        request,
        _("已将 %(n)d 家企业分配给 %(name)s（其余 %(same)d 家原已由其负责）。")
        % {"n": changed, "name": data["commissioner"], "same": count - changed},
    )
    query = request.GET.urlencode()
    return redirect(reverse("diagnosis:enterprise_list") + (f"?{query}" if query else ""))


@login_required
def assign_one_view(request, pk: int):
    """Assign, reassign or unassign one enterprise, with its assignment history (404 / 403)."""
    enterprise = enterprise_get(actor=request.user, pk=pk)
    _require_officer(request.user, _("您可以查看该企业，但没有分配数字专员的权限。"))
    unassign = request.method == "POST" and "unassign" in request.POST
    form = AssignForm(
        request.POST if request.method == "POST" and not unassign else None,
        actor=request.user,
        initial={"expected": 1, "commissioner": enterprise.commissioner_id},
    )
    unassign_form = UnassignForm(request.POST if unassign else None)
    if unassign and unassign_form.is_valid():
        try:
            enterprise_unassign(
                actor=request.user, enterprises=[enterprise], reason=unassign_form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            unassign_form.add_service_errors(exc)
        else:
            messages.success(request, _("已取消该企业的数字专员分配。"))
            return redirect("diagnosis:enterprise_detail", pk=enterprise.pk)
    elif request.method == "POST" and not unassign and form.is_valid():
        try:
            changed = enterprise_assign(
                actor=request.user,
                enterprises=[enterprise],
                commissioner=form.cleaned_data["commissioner"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if changed:
                messages.success(
                    request, _("已分配给 %(name)s。") % {"name": form.cleaned_data["commissioner"]}
                )
            else:
                messages.info(request, _("该企业原已由所选数字专员负责，没有修改。"))
            return redirect("diagnosis:enterprise_detail", pk=enterprise.pk)
    return render(
        request,
        "diagnosis/assign_one.html",
        {
            "enterprise": enterprise,
            "form": form,
            "unassign_form": unassign_form,
            "history": list(assignment_history(actor=request.user, enterprise=enterprise)[:50]),
        },
    )


@login_required
def commissioner_deactivate_view(request, user_id: int):
    """Take a commissioner off duty after handing their whole caseload to another (officers only)."""
    commissioner = caseload_commissioner_get(actor=request.user, pk=user_id)
    _require_officer(request.user, _("只有省、市、县工信部门可以办理数字专员离岗。"))
    caseload_count = Enterprise.objects.visible_to(request.user).filter(commissioner=commissioner).count()
    form = DeactivateForm(request.POST or None, actor=request.user, commissioner=commissioner)
    if request.method == "POST" and form.is_valid():
        try:
            moved = commissioner_deactivate(
                actor=request.user,
                commissioner=commissioner,
                handover_to=form.cleaned_data["handover_to"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request, _("%(name)s 已离岗，%(n)d 家企业已移交。") % {"name": commissioner, "n": moved}
            )
            profile_pk = (
                CommissionerProfile.objects.filter(user=commissioner).values_list("pk", flat=True).first()
            )
            if profile_pk:
                return redirect("providers:commissioner_detail", pk=profile_pk)
            return redirect("diagnosis:caseload_of", user_id=commissioner.pk)
    return render(
        request,
        "diagnosis/assign_handover.html",
        {"commissioner": commissioner, "caseload_count": caseload_count, "form": form},
    )
