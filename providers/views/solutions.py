"""Pages of the solutions catalogue for signed-in users (/providers/solutions/…).

Contract:
- Reads go through ``providers.selectors.solutions`` (404 out of scope); writes through
  ``providers.services.solutions`` (403 with a reason when the role may not, errors on the page
  with the input kept when a rule refuses).
- Provider staff see "my solutions" (their provider's, any status), create and edit drafts and
  submit them; the province department reviews in the queue (404 for everyone else) and
  publishes or returns with a reason.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms.solutions import ReasonForm, SolutionForm
from ..models import Solution
from ..permissions import is_provider_staff_of
from ..selectors.pool import own_provider
from ..selectors.solutions import (
    SolutionFilter,
    may_see_reviews,
    price_text,
    review_queue,
    solution_get,
    solution_list,
    solution_reviews,
)
from ..services.solutions import ACTION_TARGET, actions_for, solution_act, solution_create, solution_update

PAGE_SIZE = 25


def action_label(action: str) -> str:
    return {
        "submit": _("提交审核"),
        "publish": _("审核通过并发布"),
        "return": _("退回修改"),
        "withdraw": _("下架"),
    }[action]


@login_required
def solution_list_view(request):
    """Solutions the user may see: provider staff their own (any status), others as scoped."""
    provider = own_provider(actor=request.user)
    filterset = SolutionFilter(request.GET or None, queryset=solution_list(actor=request.user))
    form = filterset.form
    form.fields["q"].widget.input_type = "search"
    form.fields["q"].widget.attrs.update({"placeholder": _("方案名称或服务商名称"), "autocomplete": "off"})
    form.fields["status"].widget.choices = [("", _("全部状态")), *form.fields["status"].choices[1:]]
    form.fields["scenario"].empty_label = _("全部场景")
    form.fields["industry"].widget.choices = [("", _("全部行业")), *form.fields["industry"].choices[1:]]
    del form.fields["provider"]  # kept for the API and links; the page filters by name
    qs = filterset.queryset.none() if filterset.is_bound and not filterset.is_valid() else filterset.qs
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "providers/solution_list.html",
        {
            "filter": filterset,
            "page": page,
            "own_provider": provider,
            "title": _("我的解决方案") if provider else _("解决方案"),
        },
    )


@login_required
def solution_review_queue_view(request):
    """Solutions waiting for review, oldest first (province department; 404 otherwise)."""
    page = Paginator(review_queue(actor=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "providers/solution_reviews.html", {"page": page})


def _detail_context(request, solution: Solution, reason_form=None) -> dict:
    actions = actions_for(request.user, solution)
    return {
        "solution": solution,
        "price": price_text(solution),
        "reviews": list(solution_reviews(actor=request.user, solution=solution)),
        "show_reviews": may_see_reviews(request.user, solution),
        "actions": [(a, action_label(a)) for a in ACTION_TARGET if ACTION_TARGET[a] in actions],
        "reason_form": reason_form or ReasonForm(),
        "can_edit": is_provider_staff_of(request.user, solution.provider),
    }


@login_required
def solution_detail_view(request, pk: int):
    solution = solution_get(actor=request.user, pk=pk)
    return render(request, "providers/solution_detail.html", _detail_context(request, solution))


@login_required
def solution_create_view(request):
    """A new draft for the user's own provider (provider staff only: 403 otherwise)."""
    provider = own_provider(actor=request.user)
    if provider is None:
        raise PermissionDenied(_("只有服务商的工作人员可以新建解决方案。"))
    form = SolutionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            solution = solution_create(actor=request.user, provider=provider, data=form.service_data())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("已保存草稿。确认内容无误后请提交审核。"))
            return redirect("providers:solution_detail", pk=solution.pk)
    return render(
        request, "providers/solution_form.html", {"form": form, "solution": None, "title": _("新建解决方案")}
    )


@login_required
def solution_edit_view(request, pk: int):
    solution = solution_get(actor=request.user, pk=pk)
    if not is_provider_staff_of(request.user, solution.provider):
        raise PermissionDenied(_("只有该服务商的工作人员可以修改解决方案。"))
    title = solution.title
    form = SolutionForm(request.POST or None, initial=SolutionForm.initial_for(solution))
    if request.method == "POST" and form.is_valid():
        was_published = solution.status == Solution.Status.PUBLISHED
        try:
            solution_update(actor=request.user, solution=solution, data=form.service_data())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if was_published:
                messages.success(request, _("已保存修改。方案已重新提交审核，审核通过前不在服务目录中展示。"))
            else:
                messages.success(request, _("已保存修改。"))
            return redirect("providers:solution_detail", pk=solution.pk)
    return render(
        request,
        "providers/solution_form.html",
        {"form": form, "solution": solution, "title": _("修改解决方案：%(t)s") % {"t": title}},
    )


@login_required
@require_POST
def solution_action_view(request, pk: int, action: str):
    """POST submit / publish / return / withdraw with an optional (for return: required) reason."""
    if action not in ACTION_TARGET:
        raise Http404
    solution = solution_get(actor=request.user, pk=pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        solution_act(
            actor=request.user, solution=solution, action=action, reason=form.cleaned_data.get("reason", "")
        )
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        context = _detail_context(request, solution, reason_form=form)
        return render(request, "providers/solution_detail.html", context, status=400)
    messages.success(request, _("已完成操作：%(a)s。") % {"a": action_label(action)})
    return redirect("providers:solution_detail", pk=solution.pk)


urlpatterns = [
    path("solutions/", solution_list_view, name="solution_list"),
    path("solutions/new/", solution_create_view, name="solution_create"),
    path("solutions/reviews/", solution_review_queue_view, name="solution_reviews"),
    path("solutions/<int:pk>/", solution_detail_view, name="solution_detail"),
    path("solutions/<int:pk>/edit/", solution_edit_view, name="solution_edit"),
    path("solutions/<int:pk>/<slug:action>/", solution_action_view, name="solution_action"),
]
