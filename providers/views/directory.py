"""The public supply–demand directory (/directory/…): no sign-in, nothing unpublished.

Contract:
- Every read goes through ``providers.selectors.directory``, which only ever returns admitted
  providers and published solutions of admitted providers; anything else answers 404. No page
  here reads enterprise data.
- ``apply`` is the public application to the pool: it keeps everything typed on error, says why a
  credit code is malformed, and ignores (while pretending to accept) a submission that filled the
  honeypot field. A well-formed submission is always accepted with an application number, whether
  or not its credit code is known (``provider_apply`` holds a known one apart for the province):
  the answer never tells an anonymous person whether a non-public record exists. The thank-you
  page shows the application number kept in the session.
- The index runs a constant number of queries whatever the page size (pinned by tests).
"""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core.fragments import render_page
from core.widgets import fast_selects
from regions.codes import MANUFACTURING_DIVISIONS

from ..forms.pool import ApplicationQualificationFormSet, ProviderApplicationForm, region_label
from ..selectors.directory import (
    PublicProviderFilter,
    public_provider_get,
    public_provider_list,
    public_provider_solutions,
    public_solution_get,
    public_solution_list,
)
from ..selectors.pool import filter_region_choices
from ..selectors.solutions import price_text, with_price_text
from ..services.pool import provider_apply

PAGE_SIZE = 20
SESSION_KEY = "provider_application_number"


def _filterset(request):
    filterset = PublicProviderFilter(request.GET or None, queryset=public_provider_list())
    form = filterset.form
    form.fields["q"].widget.input_type = "search"
    form.fields["q"].widget.attrs.update(
        {"placeholder": _("服务商、方案名称或关键词"), "autocomplete": "off"}
    )
    form.fields["scenario"].empty_label = _("全部场景")
    form.fields["industry"].widget.choices = [("", _("全部行业")), *form.fields["industry"].choices[1:]]
    form.fields["category"].empty_label = _("全部类别")
    form.fields["region"].queryset = filter_region_choices()
    form.fields["region"].empty_label = _("全部地区")
    form.fields["region"].label_from_instance = region_label
    fast_selects(form)  # the region select alone has 113 options: render them without templates
    return filterset


def directory_index_view(request):
    """Admitted providers or published solutions (``?tab=solutions``), searchable and filterable.

    The body is public and cached for everyone alike (``core.fragments``; per session once signed
    in): it shows nothing personal and carries no form that posts."""

    def build():
        tab = "solutions" if request.GET.get("tab") == "solutions" else "providers"
        filterset = _filterset(request)
        valid = not filterset.is_bound or filterset.is_valid()
        filters = {k: v for k, v in request.GET.items() if k not in ("tab", "page")} if valid else None
        if tab == "solutions":
            qs = public_solution_list(filters) if valid else public_solution_list().none()
        else:
            qs = public_provider_list(filters) if valid else public_provider_list().none()
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        if tab == "solutions":
            with_price_text(page.object_list)
        context = {
            "filter": filterset,
            "page": page,
            "tab": tab,
            "active_filters": any(v for k, v in request.GET.items() if k not in ("page", "q", "tab")),
        }
        return context, {}

    return render_page(
        request,
        "providers/directory_index.html",
        "providers/directory_index_body.html",
        build,
        name="directory_index",
        per="session" if request.user.is_authenticated else "public",
    )


def directory_provider_view(request, pk: int):
    """Public profile of an admitted provider and its published solutions (404 otherwise)."""
    provider = public_provider_get(pk)
    return render(
        request,
        "providers/directory_provider.html",
        {
            "provider": provider,
            "regions_served": [region_label(r) for r in provider.regions_served.all()],
            "solutions": list(public_provider_solutions(provider)),
        },
    )


def directory_solution_view(request, pk: int):
    """A published solution of an admitted provider (404 otherwise)."""
    solution = public_solution_get(pk)
    industries = [
        f"C{code} {MANUFACTURING_DIVISIONS.get(code, '')}".strip() for code in solution.industries or []
    ]
    return render(
        request,
        "providers/directory_solution.html",
        {"solution": solution, "industries": industries, "price": price_text(solution)},
    )


@never_cache
def apply_view(request):
    """The public application form (organisation, scope of service, contacts, qualifications)."""
    form = ProviderApplicationForm(request.POST or None)
    formset = ApplicationQualificationFormSet(request.POST or None, prefix="qual")
    if request.method == "POST":
        form_ok = form.is_valid()
        formset_ok = formset.is_valid()
        if form_ok and form.is_bot:
            request.session[SESSION_KEY] = ""
            return redirect("directory:apply_done")
        if form_ok and formset_ok:
            try:
                submission = provider_apply(data=form.service_data(), qualifications=formset.service_data())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                request.session[SESSION_KEY] = submission.number
                return redirect("directory:apply_done")
    return render(request, "providers/directory_apply.html", {"form": form, "formset": formset})


@never_cache
def apply_done_view(request):
    """Thank-you page with the application number (only right after applying in this session)."""
    if SESSION_KEY not in request.session:
        return redirect("directory:apply")
    return render(request, "providers/directory_apply_done.html", {"number": request.session[SESSION_KEY]})


urlpatterns = [
    path("", directory_index_view, name="index"),
    path("providers/<int:pk>/", directory_provider_view, name="provider"),
    path("solutions/<int:pk>/", directory_solution_view, name="solution"),
    path("apply/", apply_view, name="apply"),
    path("apply/thanks/", apply_done_view, name="apply_done"),
]
