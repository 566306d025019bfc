"""Pages of the enterprise archive: list, detail, create, edit.

Contract:
- Every read goes through ``diagnosis.selectors`` with ``request.user`` as actor; an archive
  outside the user's scope answers 404, exactly like one that does not exist.
- Every write goes through ``diagnosis.services`` with ``source=web``. A user who may see an
  archive but not edit it (or may not create archives at all) gets 403. A ``ValidationError``
  from a service re-renders the form with the errors next to the fields and the input kept.
- The list page runs a constant number of queries whatever the page size (pinned by tests).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import (
    can_create_enterprise,
    can_edit_enterprise_fields,
    is_clinic_staff,
    is_commissioner,
    is_officer,
    is_provider_staff,
    is_province,
)
from core.fragments import cached_fragment, cached_value, render_page, url_with
from core.widgets import FastSelect
from diagnosis.filters import EnterpriseFilter
from diagnosis.forms.enterprises import EnterpriseForm
from diagnosis.models import EnterpriseChange
from diagnosis.permissions import can_engage, can_log_visit, can_start_diagnosis
from diagnosis.selectors.diagnoses import diagnosis_list, enterprise_timeline
from diagnosis.selectors.engagements import enterprise_engagements
from diagnosis.selectors.enterprises import (
    commissioner_choice_labels,
    enterprise_get,
    enterprise_history,
    enterprise_list,
)
from diagnosis.selectors.portal import self_assessment_latest
from diagnosis.services.enterprises import enterprise_create, enterprise_update
from regions.models import Region
from regions.selectors import region_choice_groups

PAGE_SIZE = 25
HISTORY_LIMIT = 50


def _filter_fields_for(user) -> set[str]:
    """The list filters worth offering ``user``: no picking a city inside one's own county, etc."""
    fields = {"q"}
    regional = is_officer(user) or is_commissioner(user)
    if regional or is_clinic_staff(user) or is_provider_staff(user):
        fields |= {"industry", "size_class", "above_designated_size"}
    if regional:
        level = "province" if is_province(user) else user.region.level
        if level == "province":
            fields |= {"region", "county"}
        elif level in ("city", "zone"):
            fields.add("county")
    if is_officer(user):
        fields |= {"commissioner", "unassigned"}
    return fields


def _list_filterset(request) -> EnterpriseFilter:
    """The shared ``EnterpriseFilter`` shaped for this user's page: only meaningful filters,
    choices limited to the user's region, labels fit for a select box."""
    user = request.user
    filterset = EnterpriseFilter(request.GET or None, queryset=enterprise_list(actor=user), actor=user)
    wanted = _filter_fields_for(user)
    for name in list(filterset.filters):
        if name not in wanted:
            # Dropped filters are ignored if present in the URL: the scope already bounds the list.
            del filterset.filters[name]

    if "county" in filterset.filters:
        # Only users anchored at the province or a city get region filters (see above). These
        # querysets only validate a submitted value (one query then); the options shown come from
        # the cached choice lists below.
        subtree = Region.objects.all() if is_province(user) else user.region.subtree()
        filterset.filters["county"].queryset = subtree.filter(level="county")
        if "region" in filterset.filters:
            filterset.filters["region"].queryset = subtree.filter(level__in=["city", "zone"])

    return filterset


def _dress_filter_form(filterset: EnterpriseFilter, user) -> None:
    """Widgets and labels of the filter panel (only needed to render it, not to filter)."""
    form = filterset.form
    # Choice lists come from cached region data and one values() query for commissioners, and
    # render through FastSelect: the filter panel was most of this page's cost (issue 6).
    anchor_path = ""  # region filters are offered only to users anchored at the province or a city
    if ("region" in form.fields or "county" in form.fields) and not is_province(user):
        anchor_path = user.region.path
    if "region" in form.fields:
        cities = [(code, name) for _parent, members in region_choice_groups(anchor_path, levels=("city", "zone"))
                  for code, name in members]  # fmt: skip
        form.fields["region"].widget = FastSelect(choices=[("", _("全部地区")), *cities])
        form.fields["region"].widget.attrs["data-region-select"] = ""
    if "county" in form.fields:
        groups = region_choice_groups(anchor_path)
        options = groups[0][1] if len(groups) == 1 else groups
        form.fields["county"].widget = FastSelect(choices=[("", _("全部县（市、区）")), *options])
        form.fields["county"].widget.attrs["data-county-select"] = ""
    if "industry" in form.fields:
        form.fields["industry"].widget = FastSelect(
            choices=[("", _("全部行业")), *form.fields["industry"].choices[1:]]
        )
    if "size_class" in form.fields:
        form.fields["size_class"].widget = FastSelect(
            choices=[("", _("全部规模")), *form.fields["size_class"].choices[1:]]
        )
    if "above_designated_size" in form.fields:
        form.fields["above_designated_size"].label = _("规上/规下")
        form.fields["above_designated_size"].widget = FastSelect(
            choices=[("", _("全部")), ("true", _("规上企业")), ("false", _("规下企业"))]
        )
    if "commissioner" in form.fields:
        form.fields["commissioner"].widget = FastSelect(
            choices=[("", _("全部数字专员")), *commissioner_choice_labels(actor=user)]
        )
    if "unassigned" in form.fields:
        form.fields["unassigned"].label = _("分配情况")
        form.fields["unassigned"].widget = FastSelect(
            choices=[("", _("全部")), ("true", _("未分配数字专员")), ("false", _("已分配数字专员"))]
        )
    form.fields["q"].widget.input_type = "search"
    form.fields["q"].widget.attrs.update(
        {"placeholder": _("企业名称或统一社会信用代码"), "autocomplete": "off"}
    )


@login_required
def enterprise_list_view(request):
    """The archives the user may see, filtered, searched and paginated (filters kept in page links).

    The body is cached per session and data version (``core.fragments``): a repeat view costs no
    query of its own."""

    def build():
        filterset = _list_filterset(request)
        if filterset.is_bound and not filterset.is_valid():
            qs = filterset.queryset.none()  # say what is wrong rather than silently ignore a filter
        else:
            qs = filterset.qs
        # The panel and the count depend on the filters, not on the page: paging through a list
        # renders and counts them once (core.fragments, under the same data version).
        filters_url = url_with(request, filterset.filters)
        active_filters = any(request.GET.get(name) for name in filterset.filters if name != "q")
        paginator = Paginator(qs, PAGE_SIZE)
        paginator.count = cached_value(request, "enterprise_list_count", qs.count, url=filters_url)

        def render_panel():
            _dress_filter_form(filterset, request.user)
            context = {"filter": filterset, "active_filters": active_filters}
            return render_to_string("diagnosis/enterprise_list_filters.html", context, request)

        context = {
            "filter": filterset,
            "filter_panel": cached_fragment(request, "enterprise_list_panel", render_panel, url=filters_url),
            "page": paginator.get_page(request.GET.get("page")),
            "active_filters": active_filters,
            "can_create": can_create_enterprise(request.user),
        }
        return context, {}

    return render_page(
        request,
        "diagnosis/enterprise_list.html",
        "diagnosis/enterprise_list_body.html",
        build,
        name="enterprise_list",
    )


def _project_panel(user, enterprise) -> dict:
    """The archive's projects and vouchers panel: what ``user`` sees of them and may start."""
    from diagnosis.models import ServiceVoucher
    from diagnosis.permissions import can_issue_voucher, can_manage_project
    from diagnosis.selectors.projects import project_list, provider_of

    return {
        "projects": list(project_list(actor=user).filter(enterprise=enterprise)[:20]),
        "can_add_project": can_manage_project(user, enterprise, provider_of(user)),
        "vouchers": list(ServiceVoucher.objects.visible_to(user).filter(enterprise=enterprise)[:20]),
        "can_issue_voucher": can_issue_voucher(user, enterprise),
    }


@login_required
def enterprise_detail_view(request, pk: int):
    """One archive, its engagements and its change history (404 outside the user's scope).

    The body is cached per session and data version (``core.fragments``): a hit is only ever
    served into the session that passed the scope check for the same data."""

    def build():
        enterprise = enterprise_get(actor=request.user, pk=pk)
        history = list(enterprise_history(actor=request.user, enterprise=enterprise)[:HISTORY_LIMIT])
        engagements = enterprise_engagements(actor=request.user, enterprise=enterprise)
        context = {
            "enterprise": enterprise,
            "history": history,
            "history_limit": HISTORY_LIMIT,
            "engagements": engagements,
            "can_edit": can_edit_enterprise_fields(request.user),
            "can_assign": is_officer(request.user),
            "can_engage": can_engage(request.user, enterprise),
            "can_log_visit": can_log_visit(request.user, enterprise),
            "diagnoses": list(diagnosis_list(actor=request.user, enterprise=enterprise)[:20]),
            "timeline": enterprise_timeline(actor=request.user, enterprise=enterprise),
            "can_diagnose": can_start_diagnosis(request.user, enterprise),
            "self_assessment": self_assessment_latest(actor=request.user, enterprise=enterprise),
            **_project_panel(request.user, enterprise),
        }
        return context, {"title": enterprise.name}

    return render_page(
        request,
        "diagnosis/enterprise_detail.html",
        "diagnosis/enterprise_detail_body.html",
        build,
        name="enterprise_detail",
    )


@login_required
def enterprise_create_view(request):
    """New archive (officers only: 403 for anyone else)."""
    if not can_create_enterprise(request.user):
        raise PermissionDenied(_("只有省、市、县工信部门可以在本辖区内建立企业档案。"))
    form = EnterpriseForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = enterprise_create(
                actor=request.user, data=form.service_data(), source=EnterpriseChange.Source.WEB
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("已建立企业档案：%(name)s") % {"name": enterprise.name})
            return redirect("diagnosis:enterprise_detail", pk=enterprise.pk)
    return render(
        request,
        "diagnosis/enterprise_form.html",
        {"form": form, "title": gettext_lazy("新建企业档案"), "enterprise": None},
    )


@login_required
def enterprise_edit_view(request, pk: int):
    """Edit an archive: 404 outside the scope, 403 inside it without the right to edit."""
    enterprise = enterprise_get(actor=request.user, pk=pk)
    if not can_edit_enterprise_fields(request.user):
        raise PermissionDenied(_("您可以查看该企业档案，但没有修改权限。"))
    name = enterprise.name  # the form writes typed values onto the instance while validating
    form = EnterpriseForm(request.POST or None, instance=enterprise, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            changes = enterprise_update(
                actor=request.user,
                enterprise=enterprise,
                data=form.service_data(),
                source=EnterpriseChange.Source.WEB,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if changes:
                messages.success(request, _("已保存修改（%(n)d 项）。") % {"n": len(changes)})
            else:
                messages.info(request, _("没有修改任何内容。"))
            return redirect("diagnosis:enterprise_detail", pk=enterprise.pk)
    return render(
        request,
        "diagnosis/enterprise_form.html",
        {
            "form": form,
            "title": _("修改企业档案：%(name)s") % {"name": name},
            "enterprise": enterprise,
            "enterprise_name": name,
        },
    )
