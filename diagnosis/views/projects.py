"""Pages of transformation projects: the list (with its XLSX export) and outcome, a project with its
milestones, files, history and acceptance, the create/edit form and every step as a POST.

Every page reads through the selectors (out of scope: 404); who may act is the services' (403 with
the reason). A refused step re-renders the project page with the form as typed and status 400.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import is_enterprise_user
from core.files import attachment_response, serve_private
from core.tabular import CONTENT_TYPES, write_table
from core.uploads import ACCEPT
from diagnosis.filters import ProjectFilter
from diagnosis.forms.projects import (
    AcceptForm,
    EnterpriseAcceptanceForm,
    MilestoneForm,
    ProjectFileForm,
    ProjectForm,
    ProviderAcceptanceForm,
    ReasonForm,
    StepDateForm,
)
from diagnosis.models import ProjectAcceptance, ProjectAttachment, TransformationProject
from diagnosis.permissions import can_accept_project, can_manage_project, is_lead_provider_staff
from diagnosis.selectors.enterprises import enterprise_get
from diagnosis.selectors.projects import (
    OUTCOME_GROUPS,
    project_get,
    project_list,
    project_outcomes,
    provider_of,
)
from diagnosis.services import acceptance as acceptance_services
from diagnosis.services import projects as services
from regions.models import Region

Status = TransformationProject.Status
PAGE_SIZE = 25
EXPORT_LIMIT = 20000


def _filtered(request):
    """The filter form and the projects ``request.user`` sees, narrowed by it."""
    queryset = project_list(actor=request.user).select_related("acceptance")
    filters = ProjectFilter(request.GET or None, queryset=queryset)
    if filters.is_bound and not filters.is_valid():
        return filters, queryset.none()
    return filters, filters.qs if filters.is_bound else queryset


@login_required
def project_list_view(request):
    """The projects the user sees, filtered; the numbers of the filtered list; a link to the XLSX."""
    filters, projects = _filtered(request)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "diagnosis/project_list.html",
        {"page": page, "filters": filters, "query": query.urlencode(), "today": timezone.localdate()},
    )


def _level(value) -> str:
    return "" if value is None else str(value)


@login_required
def project_export_view(request):
    """The filtered list as an XLSX (``?format=csv``: a CSV) through the shared writer
    (formula-safe cells, exact numbers), at most ``EXPORT_LIMIT`` rows."""
    file_format = "csv" if request.GET.get("format") == "csv" else "xlsx"
    _filters, projects = _filtered(request)
    headers = [
        _("项目名称"), _("企业"), _("统一社会信用代码"), _("所在地"), _("牵头服务商"), _("项目类型"), _("状态"),
        _("开始日期"), _("计划完成日期"), _("实际完成日期"), _("计划投资（万元）"), _("计划政府补助（万元）"),
        _("实际投资（万元）"), _("实际政府补助（万元）"), _("实际平台让利（万元）"), _("实际企业自筹（万元）"),
        _("改造前等级"), _("改造后等级"), _("满意度"),
    ]  # fmt: skip
    rows = []
    for p in projects.prefetch_related("types")[:EXPORT_LIMIT]:
        acceptance = getattr(p, "acceptance", None)
        rows.append([
            p.title, p.enterprise.name, p.enterprise.credit_code, p.enterprise.county.label_with_city,
            p.provider.name, "、".join(t.label for t in p.types.all()), p.get_status_display(),
            p.start_date, p.planned_completion, p.completed_on, p.planned_investment, p.planned_subsidy,
            p.actual_investment, p.actual_subsidy, p.actual_discount, p.actual_own,
            _level(acceptance.before_level) if acceptance else "", _level(acceptance.after_level) if acceptance else "",
            _level(acceptance.satisfaction) if acceptance else "",
        ])  # fmt: skip
    options = {"title": _("改造项目"), "widths": [30, 28, 22, 18, 24, 20, 10], "text_columns": [2]}
    content = write_table(file_format, rows, headers, **(options if file_format == "xlsx" else {}))
    name = _("改造项目-%(day)s") % {"day": timezone.localdate().isoformat()}
    return attachment_response(content, f"{name}.{file_format}", CONTENT_TYPES[file_format])


@login_required
def project_outcome_view(request):
    """Accepted projects' investment, subsidy, vouchers and levels before/after, per city, county
    or industry, for the filtered list."""
    group = request.GET.get("group") or "city"
    group = group if group in OUTCOME_GROUPS else "city"
    filters, projects = _filtered(request)
    outcome = project_outcomes(actor=request.user, group=group, projects=projects)
    names = {}
    if group in ("city", "county"):
        names = dict(
            Region.objects.filter(pk__in=[r["group"] for r in outcome["rows"]]).values_list("pk", "name")
        )
    else:
        from regions.codes import MANUFACTURING_DIVISIONS

        names = {code: f"C{code} {name}" for code, name in MANUFACTURING_DIVISIONS.items()}
    levels = sorted(
        {
            level
            for r in [*outcome["rows"], outcome["total"]]
            for side in ("before", "after")
            for level in r[side]
        }
    )
    for row in [*outcome["rows"], outcome["total"]]:
        row["label"] = names.get(row["group"], row["group"] or _("合计"))
        row["before_cells"] = [row["before"].get(level, 0) for level in levels]
        row["after_cells"] = [row["after"].get(level, 0) for level in levels]
    return render(
        request,
        "diagnosis/project_outcome.html",
        {"outcome": outcome, "levels": levels, "group": group, "filters": filters,
         "groups": [("city", _("按设区市")), ("county", _("按县（市、区）")), ("industry", _("按行业"))]},
    )  # fmt: skip


# --- one project --------------------------------------------------------------------------------


def _acting(user, project) -> dict:
    """What ``user`` may do on ``project`` (the page shows only those buttons and forms)."""
    manage = can_manage_project(user, project.enterprise, project.provider)
    open_ = project.status in TransformationProject.OPEN_STATES
    allowed = TransformationProject.TRANSITIONS[project.status]
    completed = project.status == Status.COMPLETED
    return {
        "can_edit": manage and open_,
        "can_start": manage and Status.IN_PROGRESS in allowed and project.status == Status.PLANNED,
        "can_complete": manage and Status.COMPLETED in allowed,
        "can_reopen": manage and completed,
        "can_cancel": manage and Status.CANCELLED in allowed,
        "can_milestones": manage and project.status in (Status.PLANNED, Status.IN_PROGRESS),
        "can_upload": (manage or can_accept_project(user, project)) and open_,
        "can_enterprise_report": completed and is_enterprise_user(user),
        "can_provider_report": completed and is_lead_provider_staff(user, project),
        "can_accept": completed and can_accept_project(user, project),
    }


def _detail(request, project, status=200, **forms):
    user = request.user
    acting = _acting(user, project)
    acceptance = ProjectAcceptance.objects.filter(project=project).select_related("rating").first()
    from diagnosis.services.acceptance import assessment_after, assessment_before

    context = {
        "project": project,
        **acting,
        "acceptance": acceptance,
        "before": assessment_before(project) if project.status in (Status.COMPLETED,) else None,
        "after": assessment_after(project) if project.status == Status.COMPLETED else None,
        "attachments": list(project.attachments.select_related("milestone", "uploaded_by")),
        "redemptions": list(
            project.voucher_entries.filter(kind="redeem").select_related("voucher").order_by("at", "id")
        ),
        "today": timezone.localdate(),
        "accept_types": ACCEPT,
        "purposes": _purposes(user, project),
        "milestone_form": forms.get("milestone_form") or MilestoneForm(),
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "step_form": forms.get("step_form") or StepDateForm(),
        "enterprise_form": forms.get("enterprise_form")
        or EnterpriseAcceptanceForm(
            initial={
                "report": acceptance.enterprise_report,
                "satisfaction": acceptance.satisfaction,
                "comment": acceptance.satisfaction_comment,
            }
            if acceptance
            else None
        ),  # fmt: skip
        "provider_form": forms.get("provider_form")
        or ProviderAcceptanceForm(initial={"report": acceptance.provider_report} if acceptance else None),
        "accept_form": forms.get("accept_form")
        or AcceptForm(initial={"site_check_on": timezone.localdate()}),
        "file_errors": forms.get("file_errors") or [],
        "step_errors": forms.get("step_errors") or [],
    }
    return render(request, "diagnosis/project_detail.html", context, status=status)


def _purposes(user, project) -> list:
    Purpose = ProjectAttachment.Purpose
    choices = []
    if can_manage_project(user, project.enterprise, project.provider):
        choices += [(Purpose.EVIDENCE, Purpose.EVIDENCE.label)]
        if project.status == Status.COMPLETED:
            choices += [(Purpose.ENTERPRISE_REPORT, Purpose.ENTERPRISE_REPORT.label),
                        (Purpose.PROVIDER_REPORT, Purpose.PROVIDER_REPORT.label)]  # fmt: skip
    if can_accept_project(user, project) and project.status == Status.COMPLETED:
        choices += [(Purpose.SITE_CHECK, Purpose.SITE_CHECK.label)]
    return choices


@login_required
def project_detail_view(request, pk: int):
    return _detail(request, project_get(actor=request.user, pk=pk))


def _form_page(request, enterprise, form, project=None, status=200):
    return render(
        request,
        "diagnosis/project_form.html",
        {"enterprise": enterprise, "form": form, "project": project},
        status=status,
    )


@login_required
def project_create_view(request, pk: int):
    """A new project of enterprise ``pk``: its users, its region's officers, provider staff."""
    enterprise = enterprise_get(actor=request.user, pk=pk)
    if not can_manage_project(request.user, enterprise, provider_of(request.user)):
        raise PermissionDenied(_("改造项目由企业本身、牵头服务商或所在地工信部门登记。"))
    form = ProjectForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST":
        if form.is_valid():
            data, related = form.service_data()
            try:
                project = services.project_create(
                    actor=request.user, enterprise=enterprise, provider=form.cleaned_data["provider"],
                    related=related, **data,
                )  # fmt: skip
            except ValidationError as exc:
                form.add_service_errors(exc)
            except PermissionDenied as exc:
                form.add_error("provider", str(exc) or _("您不能以该服务商的名义登记项目。"))
            else:
                messages.success(request, _("已登记改造项目。"))
                return redirect("diagnosis:project_detail", pk=project.pk)
        return _form_page(request, enterprise, form, status=400)
    if request.user.role == "provider_staff":
        form.initial["provider"] = provider_of(request.user)
    return _form_page(request, enterprise, form)


@login_required
def project_edit_view(request, pk: int):
    project = project_get(actor=request.user, pk=pk)
    if not can_manage_project(request.user, project.enterprise, project.provider):
        raise PermissionDenied(_("只有企业本身、牵头服务商或所在地工信部门可以修改项目。"))
    if project.status not in TransformationProject.OPEN_STATES:
        raise PermissionDenied(_("已验收或已取消的项目不能修改。"))
    if request.method == "POST":
        form = ProjectForm(request.POST, enterprise=project.enterprise, project=project)
        if form.is_valid():
            data, related = form.service_data()
            try:
                services.project_update(actor=request.user, project=project, data=data, related=related)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("diagnosis:project_detail", pk=project.pk)
        return _form_page(request, project.enterprise, form, project, status=400)
    form = ProjectForm(
        initial=ProjectForm.initial_for(project), enterprise=project.enterprise, project=project
    )
    return _form_page(request, project.enterprise, form, project)


STEPS = {"start", "complete", "reopen", "cancel"}


@login_required
@require_POST
def project_step_view(request, pk: int):
    """``action`` = start | complete (with a date and comment) | reopen | cancel (with a reason)."""
    project = project_get(actor=request.user, pk=pk)
    action = request.POST.get("action")
    if action not in STEPS:
        return _detail(request, project, 400, step_errors=[_("未知的操作。")])
    if not can_manage_project(request.user, project.enterprise, project.provider):
        raise PermissionDenied(_("只有企业本身、牵头服务商或所在地工信部门可以推进项目。"))
    if action in ("reopen", "cancel"):
        form = ReasonForm(request.POST)
        forms_key = "reason_form"
    else:
        form = StepDateForm(request.POST)
        forms_key = "step_form"
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "start":
                services.project_start(actor=request.user, project=project, started_on=data["on"])
            elif action == "complete":
                services.project_complete(
                    actor=request.user, project=project, completed_on=data["on"], comment=data["comment"]
                )
            elif action == "reopen":
                services.project_reopen(actor=request.user, project=project, reason=data["reason"])
            else:
                services.project_cancel(actor=request.user, project=project, reason=data["reason"])
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("项目状态已更新。"))
            return redirect("diagnosis:project_detail", pk=project.pk)
    project = project_get(actor=request.user, pk=pk)
    return _detail(request, project, 400, **{forms_key: form}, step_errors=form.non_field_errors())


@login_required
@require_POST
def milestone_add_view(request, pk: int):
    project = project_get(actor=request.user, pk=pk)
    if not can_manage_project(request.user, project.enterprise, project.provider):
        raise PermissionDenied(_("只有企业本身、牵头服务商或所在地工信部门可以维护里程碑。"))
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_add(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("已添加里程碑。"))
            return redirect("diagnosis:project_detail", pk=project.pk)
    return _detail(request, project, 400, milestone_form=form)


@login_required
@require_POST
def milestone_done_view(request, pk: int, milestone_id: int):
    project = project_get(actor=request.user, pk=pk)
    milestone = next((m for m in project.milestones.all() if m.pk == milestone_id), None)
    if milestone is None:
        raise Http404
    if not can_manage_project(request.user, project.enterprise, project.provider):
        raise PermissionDenied(_("只有企业本身、牵头服务商或所在地工信部门可以维护里程碑。"))
    form = StepDateForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_done(
                actor=request.user, milestone=milestone, done_on=form.cleaned_data["on"],
                note=form.cleaned_data["comment"],
            )  # fmt: skip
        except ValidationError as exc:
            return _detail(request, project, 400, step_errors=exc.messages)
        messages.success(request, _("里程碑已完成。"))
        return redirect("diagnosis:project_detail", pk=project.pk)
    return _detail(request, project, 400, step_errors=[e for errs in form.errors.values() for e in errs])


@login_required
@require_POST
def project_file_upload_view(request, pk: int):
    """Files of a project (evidence of a milestone, acceptance reports, the on-site check): each
    checked by content; a bad file is reported by name and the good ones are kept."""
    project = project_get(actor=request.user, pk=pk)
    acting = _acting(request.user, project)
    if not acting["can_upload"]:
        raise PermissionDenied(_("您不能为该项目上传附件。"))
    form = ProjectFileForm(request.POST)
    if not form.is_valid():
        return _detail(request, project, 400, file_errors=[_("请选择附件用途。")])
    milestone = None
    if form.cleaned_data["milestone"]:
        milestone = next(
            (m for m in project.milestones.all() if m.pk == form.cleaned_data["milestone"]), None
        )
        if milestone is None:
            return _detail(request, project, 400, file_errors=[_("该里程碑不属于此项目。")])
    uploads = request.FILES.getlist("files")
    if not uploads:
        return _detail(request, project, 400, file_errors=[_("请选择要上传的文件。")])
    errors, stored = [], 0
    for upload in uploads:
        try:
            services.project_file_store(
                actor=request.user, project=project, upload=upload, purpose=form.cleaned_data["purpose"],
                milestone=milestone,
            )  # fmt: skip
            stored += 1
        except ValidationError as exc:
            errors.extend(exc.messages)
        except PermissionDenied as exc:
            errors.append(str(exc))
    if errors:
        if stored:
            messages.success(request, _("已上传 %(n)d 个文件。") % {"n": stored})
        return _detail(request, project, 400, file_errors=errors)
    messages.success(request, _("已上传 %(n)d 个文件。") % {"n": stored})
    return redirect("diagnosis:project_detail", pk=project.pk)


@login_required
def project_file_view(request, pk: int, attachment_id: int):
    """Download one project file: whoever sees the project."""
    project = project_get(actor=request.user, pk=pk)
    attachment = (
        ProjectAttachment.objects.visible_to(request.user).filter(project=project, pk=attachment_id).first()
    )
    if attachment is None:
        raise Http404
    return serve_private(request, attachment.file, attachment.name)


# --- acceptance ---------------------------------------------------------------------------------


def _acceptance_step(request, pk, form_class, key, run, done, *, allowed, refusal):
    project = project_get(actor=request.user, pk=pk)
    if not allowed(request.user, project):
        raise PermissionDenied(refusal)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            run(project, form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
            if hasattr(exc, "error_dict"):
                for field in set(exc.error_dict) - set(form.fields):
                    for message in exc.error_dict[field]:
                        form.add_error(None, message)
        else:
            messages.success(request, done)
            return redirect("diagnosis:project_detail", pk=project.pk)
    return _detail(request, project, 400, **{key: form})


@login_required
@require_POST
def acceptance_enterprise_view(request, pk: int):
    """The enterprise's acceptance report and its rating of the lead provider."""

    def run(project, data):
        acceptance_services.acceptance_enterprise_report(
            actor=request.user, project=project, report=data["report"], satisfaction=data["satisfaction"],
            comment=data["comment"],
        )  # fmt: skip

    return _acceptance_step(
        request, pk, EnterpriseAcceptanceForm, "enterprise_form", run, _("已提交企业验收报告和评价。"),
        allowed=lambda user, project: is_enterprise_user(user), refusal=_("企业验收报告由企业本身填报。"),
    )  # fmt: skip


@login_required
@require_POST
def acceptance_provider_view(request, pk: int):
    def run(project, data):
        acceptance_services.acceptance_provider_report(
            actor=request.user, project=project, report=data["report"]
        )

    return _acceptance_step(
        request, pk, ProviderAcceptanceForm, "provider_form", run, _("已提交服务商验收报告。"),
        allowed=is_lead_provider_staff,
        refusal=_("服务商验收报告由项目的牵头服务商填报。"),
    )  # fmt: skip


@login_required
@require_POST
def project_accept_view(request, pk: int):
    """The officer's on-site check and acceptance."""

    def run(project, data):
        acceptance_services.project_accept(actor=request.user, project=project, **data)

    return _acceptance_step(
        request, pk, AcceptForm, "accept_form", run, _("项目已通过验收。"),
        allowed=can_accept_project, refusal=_("项目验收由企业所在地的工信部门办理。"),
    )  # fmt: skip
