"""Pages of the commissioner registry (/providers/commissioners/).

Contract:
- Reads go through ``providers.selectors.commissioners`` with ``request.user``: the list holds only
  the entries the user may see (a commissioner: their own), a detail page outside the scope is 404.
- Registering and training records go through ``providers.services.commissioners``: 403 for users
  who may see but not manage, field errors re-render the form with the input kept.
- The initial password of a new account is shown once on the answer page, never stored in clear.
- Caseload and deactivation with handover write casework, so they live in ``diagnosis`` pages; the
  detail template links to them by URL name only (providers code never imports diagnosis).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from accounts.permissions import is_officer
from core.filters import label_all
from providers.forms.commissioners import CommissionerRegisterForm, TrainingRecordForm
from providers.permissions import can_manage_commissioner
from providers.selectors.commissioners import (
    CommissionerFilter,
    commissioner_get,
    commissioner_list,
    commissioner_trainings,
)
from providers.services.commissioners import commissioner_register, training_record_add

PAGE_SIZE = 25


@login_required
def commissioner_list_view(request):
    """The registry: filters tier, region, active; search by name or phone."""
    user = request.user
    filterset = CommissionerFilter(request.GET or None, queryset=commissioner_list(actor=user), actor=user)
    label_all(filterset.form)
    qs = filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "providers/commissioner_list.html",
        {"filter": filterset, "page": page, "can_register": is_officer(user)},
    )


@login_required
def commissioner_detail_view(request, pk: int):
    """One registry entry and its trainings (404 outside the scope)."""
    profile = commissioner_get(actor=request.user, pk=pk)
    return render(
        request,
        "providers/commissioner_detail.html",
        {
            "profile": profile,
            "trainings": list(commissioner_trainings(actor=request.user, profile=profile)),
            "can_manage": can_manage_commissioner(request.user, profile),
            "is_self": profile.user_id == request.user.pk,
        },
    )


@login_required
def commissioner_register_view(request):
    """Register (入库) a commissioner: officers only, within their region."""
    if not is_officer(request.user):
        raise PermissionDenied(_("只有省、市、县工信部门可以登记数字专员。"))
    form = CommissionerRegisterForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            profile, password = commissioner_register(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            response = render(
                request, "providers/commissioner_registered.html", {"profile": profile, "password": password}
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "providers/commissioner_form.html", {"form": form})


@login_required
def training_add_view(request, pk: int):
    """Add a training record (officers in scope; 404 outside the scope, 403 without the right)."""
    profile = commissioner_get(actor=request.user, pk=pk)
    if not can_manage_commissioner(request.user, profile):
        raise PermissionDenied(_("您可以查看该数字专员，但没有维护其培训记录的权限。"))
    form = TrainingRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            training_record_add(actor=request.user, profile=profile, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("已添加培训记录。"))
            return redirect("providers:commissioner_detail", pk=profile.pk)
    return render(request, "providers/commissioner_training_form.html", {"profile": profile, "form": form})


urlpatterns = [
    path("commissioners/", commissioner_list_view, name="commissioner_list"),
    path("commissioners/new/", commissioner_register_view, name="commissioner_register"),
    path("commissioners/<int:pk>/", commissioner_detail_view, name="commissioner_detail"),
    path("commissioners/<int:pk>/trainings/new/", training_add_view, name="commissioner_training_add"),
]
