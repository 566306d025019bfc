"""Pages of the enterprise archive. Every read goes through a selector with the acting user."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from .filters import EnterpriseFilter
from .selectors import enterprise_get, enterprise_history, enterprise_list

PAGE_SIZE = 25


@login_required
def enterprise_list_view(request):
    qs = enterprise_list(actor=request.user)
    filterset = EnterpriseFilter(request.GET or None, queryset=qs, actor=request.user)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "diagnosis/enterprise_list.html", {"filter": filterset, "page": page})


@login_required
def enterprise_detail_view(request, pk: int):
    enterprise = enterprise_get(actor=request.user, pk=pk)
    history = enterprise_history(actor=request.user, enterprise=enterprise)[:50]
    return render(request, "diagnosis/enterprise_detail.html", {"enterprise": enterprise, "history": history})
