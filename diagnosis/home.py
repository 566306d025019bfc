"""What the casework adds to the home page (工作台): see ``core.home``.

- officers (province, city, county, administrators): their region's enterprises and visits, the
  overdue follow-ups and unassigned enterprises as to-dos;
- commissioners: their caseload, follow-ups overdue and due within a week, enterprises never visited;
- clinic and provider staff: the enterprises their organisation is engaged with;
- enterprise users: their archive (with the way to their portal) and their commissioner's contact;
- the portal's to-dos: officers the pending contact corrections and open requests of their region,
  commissioners the open requests of their enterprises.

Every figure comes from a scoped selector (``visible_to``); each contribution runs a fixed number
of queries.
"""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from accounts.permissions import (
    is_clinic_staff,
    is_commissioner,
    is_enterprise_user,
    is_officer,
    is_provider_staff,
)
from core.home import INFO, WARN, Figure, Panel, Row, Todo, register_panel, register_todos
from diagnosis.selectors.assignment import caseload_counts
from diagnosis.selectors.engagements import engaged_enterprises, engagement_figures
from diagnosis.selectors.enterprises import enterprise_figures, own_enterprise
from diagnosis.selectors.portal import portal_todo_counts
from diagnosis.selectors.visits import DUE_SOON_DAYS, follow_up_figures, revisit_due

LEVEL_NAMES = {0: _lazy("未达一级"), 1: _lazy("一级"), 2: _lazy("二级"), 3: _lazy("三级"), 4: _lazy("四级")}


def _is_commissioner(actor) -> bool:
    return is_commissioner(actor)


def _region_name(actor) -> str:
    if actor.region_id:
        return actor.region.name
    return _("全省")


@register_panel
def region_panel(actor):
    """Officers: enterprises and visits in their region."""
    if not is_officer(actor):
        return None
    figures = enterprise_figures(actor=actor)
    visits = follow_up_figures(actor=actor)
    listing = reverse("diagnosis:enterprise_list")
    return Panel(
        key="region",
        title=_("%(region)s企业与走访") % {"region": _region_name(actor)},
        figures=(
            Figure(_("企业档案"), figures["total"], listing),
            Figure(_("规上企业"), figures["above_size"], f"{listing}?above_designated_size=true"),
            Figure(_("未分配数字专员"), figures["unassigned"], f"{listing}?unassigned=true"),
            Figure(_("本月走访"), visits["this_month"]),
            Figure(
                _("逾期未跟进"),
                visits["overdue"],
                reverse("diagnosis:overdue_follow_ups"),
                tone=WARN if visits["overdue"] else "",
            ),
        ),
        more_url=listing,
        more_label=_("查看企业档案"),
        order=10,
    )


@register_todos
def region_todos(actor):
    """Officers: overdue follow-ups and unassigned enterprises in their region."""
    if not is_officer(actor):
        return []
    figures = enterprise_figures(actor=actor)
    visits = follow_up_figures(actor=actor)
    return [
        Todo(
            "region_overdue",
            ngettext(
                "%(n)d 项走访跟进已逾期，请督促数字专员跟进",
                "%(n)d 项走访跟进已逾期，请督促数字专员跟进",
                visits["overdue"],
            )
            % {"n": visits["overdue"]},
            visits["overdue"],
            reverse("diagnosis:overdue_follow_ups"),
            WARN,
            order=10,
        ),
        Todo(
            "unassigned",
            ngettext("%(n)d 家企业尚未分配数字专员", "%(n)d 家企业尚未分配数字专员", figures["unassigned"])
            % {"n": figures["unassigned"]},
            figures["unassigned"],
            reverse("diagnosis:enterprise_list") + "?unassigned=true",
            INFO,
            order=20,
        ),
    ]


@register_panel
def caseload_panel(actor):
    """Commissioners: their caseload and follow-ups."""
    if not _is_commissioner(actor):
        return None
    counts = caseload_counts(actor=actor, commissioner=actor)
    visits = follow_up_figures(actor=actor, commissioner=actor)
    caseload = reverse("diagnosis:caseload")
    return Panel(
        key="caseload",
        title=_("我的企业"),
        figures=(
            Figure(_("负责企业"), counts["assigned"], caseload),
            Figure(_("本月走访"), visits["this_month"]),
            Figure(_("待跟进（未到期）"), visits["open"] - visits["overdue"], f"{caseload}?sort=follow_up"),
            Figure(
                _("逾期未跟进"),
                visits["overdue"],
                f"{caseload}?sort=follow_up",
                WARN if visits["overdue"] else "",
            ),
        ),
        more_url=caseload,
        more_label=_("打开工作台账"),
        order=10,
    )


@register_todos
def caseload_todos(actor):
    """Commissioners: follow-ups overdue, due within a week, enterprises never visited."""
    if not _is_commissioner(actor):
        return []
    counts = caseload_counts(actor=actor, commissioner=actor)
    visits = follow_up_figures(actor=actor, commissioner=actor)
    caseload = reverse("diagnosis:caseload")
    return [
        Todo(
            "overdue",
            ngettext("%(n)d 项跟进已逾期", "%(n)d 项跟进已逾期", visits["overdue"])
            % {"n": visits["overdue"]},
            visits["overdue"],
            f"{caseload}?sort=follow_up",
            WARN,
            order=10,
        ),
        Todo(
            "due_soon",
            ngettext(
                "%(n)d 项跟进将在 %(days)d 天内到期", "%(n)d 项跟进将在 %(days)d 天内到期", visits["due_soon"]
            )
            % {"n": visits["due_soon"], "days": DUE_SOON_DAYS},
            visits["due_soon"],
            f"{caseload}?sort=follow_up",
            INFO,
            order=20,
        ),
        Todo(
            "never_visited",
            ngettext("%(n)d 家负责企业尚未走访", "%(n)d 家负责企业尚未走访", counts["never_visited"])
            % {"n": counts["never_visited"]},
            counts["never_visited"],
            f"{caseload}?sort=last_visit",
            INFO,
            order=30,
        ),
    ]


@register_todos
def visit_draft_todos(actor) -> list[Todo]:
    """The person's unfinished visit drafts, each a to-do leading back to its form (one query)."""
    from diagnosis.selectors.visits import visit_drafts

    return [
        Todo(
            f"visit_draft_{draft.pk}",
            _("继续填写走访草稿：%(name)s") % {"name": draft.enterprise.name},
            1,
            reverse("diagnosis:visit_log", args=[draft.enterprise_id]),
            INFO,
            order=15,
        )
        for draft in visit_drafts(actor=actor)[:5]
    ]


@register_panel
def revisit_panel(actor):
    """Commissioners: their enterprises not visited within the region's interval (never first),
    each with its last visit and its diagnosis result."""
    if not _is_commissioner(actor):
        return None
    due = revisit_due(actor=actor, commissioner=actor)
    rows = tuple(
        Row(
            row["enterprise"].name,
            (
                _("上次走访 %(date)s") % {"date": date_format(row["last_visit"], "Y-m-d")}
                if row["last_visit"]
                else _("从未走访")
            )
            + " · "
            + (
                _("诊断等级：%(level)s") % {"level": LEVEL_NAMES.get(row["enterprise"].digital_level, "")}
                if row["enterprise"].digital_level is not None
                else _("未诊断")
            ),
            reverse("diagnosis:enterprise_detail", args=[row["enterprise"].pk]),
        )
        for row in due["rows"]
    )
    return Panel(
        key="revisit",
        title=ngettext("久未走访（%(n)d 家）", "久未走访（%(n)d 家）", due["count"]) % {"n": due["count"]},
        rows=rows,
        empty_text=_("负责的企业都在走访间隔之内。"),
        more_url=f"{reverse('diagnosis:caseload')}?sort=last_visit",
        more_label=_("打开工作台账"),
        order=12,
    )


@register_panel
def engagements_panel(actor):
    """Clinic and provider staff: the enterprises their organisation serves."""
    if not (is_clinic_staff(actor) or is_provider_staff(actor)):
        return None
    figures = engagement_figures(actor=actor)
    rows = tuple(
        Row(
            f"{e.get_purpose_display()} · {e.enterprise.county.name}",
            e.enterprise.name,
            reverse("diagnosis:enterprise_detail", args=[e.enterprise_id]),
        )
        for e in engaged_enterprises(actor=actor)
    )
    return Panel(
        key="engaged",
        title=_("服务中的企业"),
        figures=(
            Figure(_("服务企业"), figures["total"], reverse("diagnosis:enterprise_list")),
            Figure(_("诊断"), figures["diagnosis"]),
            Figure(_("改造项目"), figures["project"]),
        ),
        rows=rows,
        empty_text=_("本机构目前没有对接中的企业。"),
        more_url=reverse("diagnosis:enterprise_list"),
        more_label=_("查看全部服务企业"),
        order=10,
    )


@register_panel
def own_enterprise_panels(actor):
    """Enterprise users: their archive and their commissioner's contact."""
    if not is_enterprise_user(actor):
        return None
    enterprise = own_enterprise(actor=actor)
    if enterprise is None:
        return Panel(
            key="archive", title=_("本企业档案"), empty_text=_("您的账号尚未关联企业，请联系所在地工信部门。")
        )
    detail = reverse("diagnosis:enterprise_detail", args=[enterprise.pk])
    region = enterprise.county.label_with_city
    archive = Panel(
        key="archive",
        title=_("本企业档案"),
        rows=(
            Row(_("企业名称"), enterprise.name, detail),
            Row(_("统一社会信用代码"), enterprise.credit_code, mono=True),
            Row(_("所在地区"), region),
            Row(_("行业"), enterprise.industry_label or "—"),
            Row(_("档案更新"), date_format(enterprise.updated_at, "Y-m-d")),
            Row(_("企业服务"), _("自评、需求、更正申请与诊断书"), reverse("diagnosis:portal")),
        ),
        more_url=detail,
        more_label=_("查看完整档案"),
        order=10,
    )
    commissioner = enterprise.commissioner
    if commissioner is None:
        contact = Panel(
            key="commissioner",
            title=_("对接数字专员"),
            empty_text=_("尚未为本企业分配数字专员。如需服务，请联系所在县（市、区）工信局。"),
            order=20,
        )
    else:
        contact = Panel(
            key="commissioner",
            title=_("对接数字专员"),
            rows=(
                Row(_("姓名"), str(commissioner)),
                Row(
                    _("手机"),
                    commissioner.phone or "—",
                    f"tel:{commissioner.phone}" if commissioner.phone else "",
                ),
                Row(_("所在地区"), commissioner.region.name if commissioner.region_id else "—"),
            ),
            order=20,
        )
    return [archive, contact]


@register_todos
def diagnosis_todos(actor):
    """Diagnoses waiting for this user: officers review and issue, the diagnosing organisation
    fixes returned and disputed ones, the enterprise confirms issued ones (one query)."""
    from django.db.models import Count, Q

    from diagnosis.models import Diagnosis

    officer = is_officer(actor)
    staff = is_clinic_staff(actor) or is_provider_staff(actor)
    enterprise = is_enterprise_user(actor)
    if not (officer or staff or enterprise):
        return []
    S = Diagnosis.Status
    qs = Diagnosis.objects.visible_to(actor)
    if staff:
        qs = qs.filter(organisation_id=actor.organisation_id)
    counts = qs.aggregate(
        review=Count("pk", filter=Q(status__in=Diagnosis.IN_REVIEW)),
        approved=Count("pk", filter=Q(status=S.APPROVED)),
        returned=Count("pk", filter=Q(status=S.RETURNED)),
        disputed=Count("pk", filter=Q(status=S.DISPUTED, superseded_by__isnull=True)),
        issued=Count("pk", filter=Q(status=S.ISSUED, superseded_by__isnull=True)),
    )
    listing = reverse("diagnosis:diagnosis_list")
    if officer:
        return [
            Todo("diagnosis_review", ngettext("%(n)d 份诊断待审核", "%(n)d 份诊断待审核", counts["review"]) % {"n": counts["review"]},
                 counts["review"], f"{listing}?status=submitted", WARN, order=20),
            Todo("diagnosis_issue", ngettext("%(n)d 份诊断已审核通过，待出具", "%(n)d 份诊断已审核通过，待出具", counts["approved"]) % {"n": counts["approved"]},
                 counts["approved"], f"{listing}?status=approved", INFO, order=21),
        ]  # fmt: skip
    if staff:
        return [
            Todo("diagnosis_returned", ngettext("%(n)d 份诊断被退回，请修改后重新提交", "%(n)d 份诊断被退回，请修改后重新提交", counts["returned"]) % {"n": counts["returned"]},
                 counts["returned"], f"{listing}?status=returned", WARN, order=20),
            Todo("diagnosis_disputed", ngettext("企业对 %(n)d 份诊断提出异议，请核实更正", "企业对 %(n)d 份诊断提出异议，请核实更正", counts["disputed"]) % {"n": counts["disputed"]},
                 counts["disputed"], f"{listing}?status=disputed", WARN, order=21),
        ]  # fmt: skip
    return [
        Todo("diagnosis_confirm", ngettext("%(n)d 份诊断书已出具，请查看并确认", "%(n)d 份诊断书已出具，请查看并确认", counts["issued"]) % {"n": counts["issued"]},
             counts["issued"], f"{listing}?status=issued", WARN, order=20),
    ]  # fmt: skip


@register_todos
def portal_todos(actor):
    """Officers: pending contact corrections and open requests; commissioners: open requests."""
    officer = is_officer(actor)
    if not (officer or _is_commissioner(actor)):
        return []
    counts = portal_todo_counts(actor=actor)
    requests = reverse("diagnosis:request_list") + "?status=open"
    todos = [
        Todo("requests_open", ngettext("%(n)d 条企业需求或诊断申请待答复", "%(n)d 条企业需求或诊断申请待答复", counts["requests"]) % {"n": counts["requests"]},
             counts["requests"], requests, WARN, order=25),
    ]  # fmt: skip
    if officer:
        todos.append(
            Todo("corrections_pending", ngettext("%(n)d 条企业联系信息更正申请待处理", "%(n)d 条企业联系信息更正申请待处理", counts["corrections"]) % {"n": counts["corrections"]},
                 counts["corrections"], reverse("diagnosis:correction_list"), INFO, order=26)
        )  # fmt: skip
    return todos


@register_todos
def project_todos(actor):
    """Officers: completed projects of their region waiting for acceptance (验收), and running
    projects with an overdue milestone. Enterprise users and provider staff: their completed
    projects still missing their acceptance report. Two queries."""
    from urllib.parse import urlencode

    from diagnosis.models import TransformationProject
    from diagnosis.selectors.projects import overdue_projects, project_list

    listing = reverse("diagnosis:project_list")
    if is_officer(actor):
        waiting = project_list(actor=actor, status=TransformationProject.Status.COMPLETED).count()
        late = overdue_projects(actor=actor).count()
        return [
            Todo(
                "projects_acceptance",
                ngettext("%(n)d 个改造项目已完成，等待验收", "%(n)d 个改造项目已完成，等待验收", waiting)
                % {"n": waiting},
                waiting,
                f"{listing}?{urlencode({'status': 'completed'})}",
                WARN,
                order=30,
            ),
            Todo(
                "projects_overdue",
                ngettext("%(n)d 个改造项目有逾期里程碑", "%(n)d 个改造项目有逾期里程碑", late) % {"n": late},
                late,
                f"{listing}?{urlencode({'overdue': 'true'})}",
                WARN,
                order=31,
            ),
        ]
    if is_enterprise_user(actor) or is_provider_staff(actor):
        field = (
            "acceptance__enterprise_report" if is_enterprise_user(actor) else "acceptance__provider_report"
        )
        waiting = (
            project_list(actor=actor, status=TransformationProject.Status.COMPLETED)
            .exclude(**{f"{field}__gt": ""})
            .count()
        )
        return [
            Todo(
                "projects_report",
                ngettext(
                    "%(n)d 个已完成的改造项目待提交验收报告",
                    "%(n)d 个已完成的改造项目待提交验收报告",
                    waiting,
                )
                % {"n": waiting},
                waiting,
                f"{listing}?{urlencode({'status': 'completed'})}",
                INFO,
                order=30,
            )
        ]
    return []
