"""Pages of clinics and promotion centres (/providers/clinics/).

Contract:
- Reads go through ``providers.selectors.clinics`` with ``request.user``: the list holds only the
  clinics the user may see, a detail page outside the scope answers 404.
- Writes (create, open/close/reopen, staff accounts) go through ``providers.services.clinics``:
  a user who may see a clinic but not manage it gets 403; a ``ValidationError`` re-renders the
  form with the errors next to the fields and the input kept.
- A new staff account's initial password is shown once on the answer page, never stored in clear.
- Engagement counts are casework (diagnosis) and are not shown here: providers never read diagnosis.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from accounts.forms import StaffAccountForm
from accounts.permissions import is_officer
from core.filters import label_all
from providers.forms.clinics import ClinicCreateForm, ClinicEditForm, ClinicStatusForm
from providers.industries import division_label
from providers.permissions import can_manage_clinic
from providers.selectors.clinics import (
    ClinicFilter,
    clinic_counts,
    clinic_get,
    clinic_history,
    clinic_list,
    clinic_staff,
)
from providers.services.clinics import clinic_create, clinic_set_status, clinic_staff_create, clinic_update

PAGE_SIZE = 25


@login_required
def clinic_list_view(request):
    """The dynamic list of clinics and centres in the user's scope, with open vs planned counts."""
    user = request.user
    filterset = ClinicFilter(request.GET or None, queryset=clinic_list(actor=user), actor=user)
    label_all(filterset.form)
    qs = filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for clinic in page.object_list:
        clinic.industry_labels = [division_label(c) for c in clinic.industries]
    return render(
        request,
        "providers/clinic_list.html",
        {
            "filter": filterset,
            "page": page,
            "counts": clinic_counts(actor=user),
            "can_create": is_officer(user),
        },
    )


@login_required
def clinic_detail_view(request, pk: int):
    """One clinic: facts, staff, status history (404 outside the scope)."""
    clinic = clinic_get(actor=request.user, pk=pk)
    can_manage = can_manage_clinic(request.user, clinic)
    return render(
        request,
        "providers/clinic_detail.html",
        {
            "clinic": clinic,
            "industry_labels": [division_label(c) for c in clinic.industries],
            "staff": list(clinic_staff(actor=request.user, clinic=clinic)),
            "history": list(clinic_history(actor=request.user, clinic=clinic)[:50]),
            "can_manage": can_manage,
            "status_form": ClinicStatusForm(
                initial={"to_status": "closed" if clinic.status == "open" else "open"}
            )
            if can_manage
            else None,
        },
    )


@login_required
def clinic_create_view(request):
    """New clinic or centre (officers only; 403 for anyone else)."""
    if not is_officer(request.user):
        raise PermissionDenied(_("只有省、市、县工信部门可以新建数字化诊所或促进中心。"))
    form = ClinicCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            clinic = clinic_create(actor=request.user, **form.service_data())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("已新建：%(name)s") % {"name": clinic.name})
            return redirect("providers:clinic_detail", pk=clinic.pk)
    return render(request, "providers/clinic_form.html", {"form": form})


@login_required
def clinic_status_view(request, pk: int):
    """POST: open, close (reason required) or reopen. 404 outside the scope, 403 without the right."""
    clinic = clinic_get(actor=request.user, pk=pk)
    if not can_manage_clinic(request.user, clinic):
        raise PermissionDenied(_("您可以查看该机构，但没有变更其状态的权限。"))
    form = ClinicStatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            clinic_set_status(actor=request.user, clinic=clinic, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("状态已变更为：%(s)s") % {"s": clinic.get_status_display()})
            return redirect("providers:clinic_detail", pk=clinic.pk)
    return render(request, "providers/clinic_status.html", {"clinic": clinic, "form": form})


@login_required
def clinic_staff_create_view(request, pk: int):
    """New staff account for the clinic; the initial password is shown once on the answer page."""
    clinic = clinic_get(actor=request.user, pk=pk)
    if not can_manage_clinic(request.user, clinic):
        raise PermissionDenied(_("您可以查看该机构，但没有为其开设账号的权限。"))
    form = StaffAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = clinic_staff_create(actor=request.user, clinic=clinic, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            response = render(
                request,
                "providers/staff_created.html",
                {**_staff_page_context(clinic), "staff": user, "password": password},
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "providers/staff_form.html", {**_staff_page_context(clinic), "form": form})


def _staff_page_context(clinic) -> dict:
    return {
        "organisation_name": clinic.name,
        "back_url": reverse("providers:clinic_detail", args=[clinic.pk]),
    }


@login_required
def clinic_edit_view(request, pk: int):
    """Edit name, address, industries and capacity: 404 outside the scope, 403 without the right."""
    clinic = clinic_get(actor=request.user, pk=pk)
    if not can_manage_clinic(request.user, clinic):
        raise PermissionDenied(_("您可以查看该机构，但没有修改权限。"))
    initial = {
        "name": clinic.name,
        "address": clinic.address,
        "industries": clinic.industries,
        "monthly_capacity": clinic.monthly_capacity,
    }
    form = ClinicEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            clinic_update(actor=request.user, clinic=clinic, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("已保存修改。"))
            return redirect("providers:clinic_detail", pk=clinic.pk)
    return render(request, "providers/clinic_form.html", {"clinic": clinic, "form": form})


urlpatterns = [
    path("clinics/", clinic_list_view, name="clinic_list"),
    path("clinics/new/", clinic_create_view, name="clinic_create"),
    path("clinics/<int:pk>/", clinic_detail_view, name="clinic_detail"),
    path("clinics/<int:pk>/status/", clinic_status_view, name="clinic_status"),
    path("clinics/<int:pk>/edit/", clinic_edit_view, name="clinic_edit"),
    path("clinics/<int:pk>/staff/new/", clinic_staff_create_view, name="clinic_staff_create"),
]
