"""Pages of the provider pool for signed-in users (/providers/pool/…).

Contract:
- Reads go through ``providers.selectors.pool`` with ``request.user``: a provider outside the
  user's scope answers 404, like one that does not exist. The application queue is the province
  department's: 404 for everyone else.
- Writes go through ``providers.services.pool``. Someone who may see a provider but not make the
  move or edit it gets 403 with a Chinese reason; a service ``ValidationError`` re-renders the
  page with the errors and the input kept.
- Provider staff see only their own provider; they edit its profile and qualifications.
- The list page runs a constant number of queries whatever the page size.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import StaffAccountForm
from accounts.permissions import is_officer, is_province
from regions.models import Region

from ..forms.pool import DecisionForm, ProviderProfileForm, QualificationForm, TransitionForm, region_label
from ..models import Provider, ServiceCategory
from ..permissions import is_provider_staff_of, may_create_staff, transitions_for
from ..selectors.pool import (
    ProviderFilter,
    application_queue,
    filter_region_choices,
    held_application_get,
    held_applications,
    own_provider,
    provider_get,
    provider_history,
    provider_list,
    provider_qualifications,
    provider_staff_accounts,
    qualification_get,
)
from ..selectors.solutions import provider_solutions
from ..services.pool import (
    application_number,
    provider_application_accept,
    provider_application_decline,
    provider_staff_create,
    provider_transition,
    provider_update,
    qualification_delete,
    qualification_save,
)

PAGE_SIZE = 25


def _action_label(provider: Provider, to_status: str) -> str:
    """Button wording of a move, by target status (and, for admission, where it comes from)."""
    if to_status == Provider.Status.ADMITTED:
        return {
            Provider.Status.APPLIED: _("准予入库"),
            Provider.Status.SUSPENDED: _("恢复"),
            Provider.Status.REMOVED: _("重新入库"),
        }.get(provider.status, _("入库"))
    return {
        Provider.Status.REJECTED: _("不予入库"),
        Provider.Status.SUSPENDED: _("暂停"),
        Provider.Status.REMOVED: _("出库"),
    }.get(to_status, to_status)


def _list_filterset(request) -> ProviderFilter:
    filterset = ProviderFilter(request.GET or None, queryset=provider_list(actor=request.user))
    form = filterset.form
    form.fields["q"].widget.input_type = "search"
    form.fields["q"].widget.attrs.update(
        {"placeholder": _("服务商名称或统一社会信用代码"), "autocomplete": "off"}
    )
    form.fields["status"].widget.choices = [("", _("全部状态")), *form.fields["status"].choices[1:]]
    form.fields["category"].empty_label = _("全部类别")
    form.fields["region"].queryset = filter_region_choices()
    form.fields["region"].empty_label = _("全部地区")
    form.fields["region"].label_from_instance = region_label
    form.fields["flagged"].widget = forms.Select(
        choices=[("", _("全部")), ("true", _("待暂停审查")), ("false", _("未标记"))]
    )
    if not is_officer(request.user):
        for name in ("region", "flagged"):
            del form.fields[name]
            del filterset.filters[name]
    return filterset


@login_required
def provider_list_view(request):
    """Providers the user may see, filtered and paginated (provider staff: their own)."""
    filterset = _list_filterset(request)
    qs = filterset.queryset.none() if filterset.is_bound and not filterset.is_valid() else filterset.qs
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    active = any(v for k, v in request.GET.items() if k not in ("page", "q"))
    return render(
        request,
        "providers/pool_list.html",
        {
            "filter": filterset,
            "page": page,
            "active_filters": active,
            "is_province": is_province(request.user),
        },
    )


@login_required
def application_queue_view(request):
    """Applications waiting for a decision, oldest first (province department; 404 otherwise)."""
    page = Paginator(application_queue(actor=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    held = list(held_applications(actor=request.user)[:200])
    return render(request, "providers/pool_applications.html", {"page": page, "held": held})


def _held_rows(application, provider: Provider) -> list[tuple[str, str, str]]:
    """(label, on file, submitted) for the comparison table of a held submission."""
    data = application.data
    categories = dict(ServiceCategory.objects.values_list("code", "name"))
    regions = {
        r.code: region_label(r) for r in Region.objects.filter(code__in=data.get("regions_served", []))
    }
    qualification_text = "；".join(
        f"{q.get('name', '')} {q.get('number', '')} {q.get('issuer', '')} {q.get('valid_until', '')}".strip()
        for q in data.get("qualifications", [])
    )
    on_file_qualifications = "；".join(
        f"{q.name} {q.number} {q.issuer} {q.valid_until or ''}".strip() for q in provider.qualifications.all()
    )
    return [
        (_("机构名称"), provider.name, application.name),
        (_("注册地"), region_label(provider.home_region), region_label(application.home_region)),
        (
            _("服务类别"),
            "、".join(c.name for c in provider.categories.all()),
            "、".join(categories.get(code, code) for code in data.get("categories", [])),
        ),
        (
            _("服务地区"),
            "、".join(region_label(r) for r in provider.regions_served.all()),
            "、".join(regions.get(code, code) for code in data.get("regions_served", [])),
        ),
        (_("机构简介"), provider.description, data.get("description", "")),
        (_("网站"), provider.website, data.get("website", "")),
        (_("联系人"), provider.contact_person, data.get("contact_person", "")),
        (_("联系电话"), provider.contact_phone, data.get("contact_phone", "")),
        (_("电子邮箱"), provider.contact_email, data.get("contact_email", "")),
        (_("资质"), on_file_qualifications, qualification_text),
    ]


@login_required
def held_application_view(request, pk: int):
    """A held submission beside the provider's data on file; the province accepts or declines it."""
    application = held_application_get(actor=request.user, pk=pk)
    provider = application.provider
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decide = (
            provider_application_accept
            if form.cleaned_data["decision"] == "accept"
            else provider_application_decline
        )
        try:
            decide(actor=request.user, application=application, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("已处理申请 %(n)s。") % {"n": application.number})
            return redirect("providers:provider_detail", pk=provider.pk)
    return render(
        request,
        "providers/pool_held_application.html",
        {
            "application": application,
            "provider": provider,
            "rows": _held_rows(application, provider),
            "form": form,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _detail_context(request, provider: Provider, transition_form=None) -> dict:
    user = request.user
    actions = [(status, _action_label(provider, status)) for status in transitions_for(user, provider)]
    return {
        "provider": provider,
        "application_number": application_number(provider),
        "qualifications": provider_qualifications(actor=user, provider=provider),
        "staff": provider_staff_accounts(actor=user, provider=provider),
        "history": list(provider_history(actor=user, provider=provider)[:50]),
        "solutions": list(provider_solutions(actor=user, provider=provider)),
        "regions_served": [region_label(r) for r in provider.regions_served.select_related("parent")],
        "actions": actions,
        "transition_form": transition_form or TransitionForm(),
        "can_edit": is_provider_staff_of(user, provider),
        "can_create_staff": may_create_staff(user, provider),
        "held": list(held_applications(actor=user).filter(provider=provider)) if is_province(user) else [],
    }


@login_required
def provider_detail_view(request, pk: int):
    """Profile, qualifications (expired ones flagged), staff, history, solutions and allowed moves."""
    provider = provider_get(actor=request.user, pk=pk)
    return render(request, "providers/pool_detail.html", _detail_context(request, provider))


@login_required
@require_POST
def provider_transition_view(request, pk: int):
    """POST a move (``to_status``, ``reason``): 404 out of scope, 403 not allowed, 400-style re-render."""
    provider = provider_get(actor=request.user, pk=pk)
    if not is_officer(request.user):
        raise PermissionDenied(_("只有工信部门可以变更服务商的入库状态。"))
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            provider_transition(
                actor=request.user,
                provider=provider,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            provider.refresh_from_db()
            messages.success(
                request,
                _("已将“%(name)s”变更为“%(status)s”。")
                % {"name": provider.name, "status": provider.get_status_display()},
            )
            return redirect("providers:provider_detail", pk=provider.pk)
    context = _detail_context(request, provider, transition_form=form)
    return render(request, "providers/pool_detail.html", context, status=400)


def _staff_provider(request, pk: int) -> Provider:
    provider = provider_get(actor=request.user, pk=pk)
    if not is_provider_staff_of(request.user, provider):
        raise PermissionDenied(_("只有该服务商的工作人员可以修改服务商资料和资质。"))
    return provider


@login_required
def provider_edit_view(request, pk: int):
    """Provider staff edit their own profile: contacts, description, website, regions, categories."""
    provider = _staff_provider(request, pk)
    form = ProviderProfileForm(request.POST or None, initial=ProviderProfileForm.initial_for(provider))
    if request.method == "POST" and form.is_valid():
        try:
            provider_update(actor=request.user, provider=provider, data=form.service_data())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("已保存服务商资料。"))
            return redirect("providers:provider_detail", pk=provider.pk)
    return render(request, "providers/pool_form.html", {"form": form, "provider": provider})


@login_required
def qualification_edit_view(request, pk: int, qpk: int | None = None):
    """Add (``qpk`` None) or edit one of the provider's own qualifications."""
    provider = _staff_provider(request, pk)
    qualification = qualification_get(actor=request.user, provider=provider, pk=qpk) if qpk else None
    form = QualificationForm(request.POST or None, instance=qualification)
    if request.method == "POST" and form.is_valid():
        try:
            qualification_save(
                actor=request.user, provider=provider, qualification=qualification, data=form.service_data()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("已保存资质。"))
            return redirect("providers:provider_detail", pk=provider.pk)
    return render(
        request,
        "providers/pool_qualification_form.html",
        {"form": form, "provider": provider, "qualification": qualification},
    )


@login_required
@require_POST
def qualification_delete_view(request, pk: int, qpk: int):
    provider = _staff_provider(request, pk)
    qualification = qualification_get(actor=request.user, provider=provider, pk=qpk)
    try:
        qualification_delete(actor=request.user, qualification=qualification)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已删除资质：%(name)s") % {"name": qualification.name})
    return redirect("providers:provider_detail", pk=provider.pk)


@login_required
def my_provider_view(request):
    """Provider staff: straight to their provider's page; anyone else: the provider list."""
    provider = own_provider(actor=request.user)
    if provider is None:
        return redirect("providers:provider_list")
    return redirect("providers:provider_detail", pk=provider.pk)


@login_required
def provider_staff_create_view(request, pk: int):
    """New staff account of a provider; the initial password is shown once on the answer page."""
    provider = provider_get(actor=request.user, pk=pk)
    if not may_create_staff(request.user, provider):
        raise PermissionDenied(_("只有省工信厅或该服务商的工作人员可以为其开设账号。"))
    context = {
        "organisation_name": provider.name,
        "back_url": reverse("providers:provider_detail", args=[provider.pk]),
    }
    form = StaffAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = provider_staff_create(actor=request.user, provider=provider, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            response = render(
                request, "providers/staff_created.html", {**context, "staff": user, "password": password}
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "providers/staff_form.html", {**context, "form": form})


urlpatterns = [
    path("pool/", provider_list_view, name="provider_list"),
    path("pool/mine/", my_provider_view, name="my_provider"),
    path("pool/applications/", application_queue_view, name="applications"),
    path("pool/applications/<int:pk>/", held_application_view, name="held_application"),
    path("pool/<int:pk>/", provider_detail_view, name="provider_detail"),
    path("pool/<int:pk>/transition/", provider_transition_view, name="provider_transition"),
    path("pool/<int:pk>/edit/", provider_edit_view, name="provider_edit"),
    path("pool/<int:pk>/staff/new/", provider_staff_create_view, name="provider_staff_create"),
    path("pool/<int:pk>/qualifications/new/", qualification_edit_view, name="qualification_create"),
    path("pool/<int:pk>/qualifications/<int:qpk>/edit/", qualification_edit_view, name="qualification_edit"),
    path(
        "pool/<int:pk>/qualifications/<int:qpk>/delete/",
        qualification_delete_view,
        name="qualification_delete",
    ),
]
