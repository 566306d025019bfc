"""What the service system adds to the home page (工作台): see ``core.home``.

- the province department: provider applications and solutions waiting for review, providers
  flagged for a suspension review (to-dos);
- officers: the service network in their region (admitted providers, open clinics, active
  commissioners);
- provider staff: their solutions (returned ones to revise) and expired qualifications.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.permissions import is_officer, is_provider_staff, is_province
from core.home import INFO, WARN, Figure, Panel, Todo, register_panel, register_todos
from providers.selectors.home import expired_qualifications, network_figures, pool_figures, solution_figures


@register_todos
def review_todos(actor):
    """The province: applications and solutions waiting for a decision, flagged providers."""
    if not is_province(actor):
        return []
    pool = pool_figures(actor=actor)
    solutions = solution_figures(actor=actor)
    return [
        Todo(
            "applications",
            ngettext("%(n)d 份服务商入库申请待审核", "%(n)d 份服务商入库申请待审核", pool["applied"])
            % {"n": pool["applied"]},
            pool["applied"],
            reverse("providers:applications"),
            WARN,
            order=1,
        ),
        Todo(
            "solution_reviews",
            ngettext("%(n)d 个解决方案待审核", "%(n)d 个解决方案待审核", solutions["submitted"])
            % {"n": solutions["submitted"]},
            solutions["submitted"],
            reverse("providers:solution_reviews"),
            WARN,
            order=2,
        ),
        Todo(
            "flagged",
            ngettext(
                "%(n)d 家服务商连续两次评为 D，待暂停审查",
                "%(n)d 家服务商连续两次评为 D，待暂停审查",
                pool["flagged"],
            )
            % {"n": pool["flagged"]},
            pool["flagged"],
            reverse("providers:provider_list") + "?flagged=true",
            INFO,
            order=3,
        ),
    ]


@register_panel
def network_panel(actor):
    """Officers: the service network they oversee."""
    if not is_officer(actor):
        return None
    pool = pool_figures(actor=actor)
    network = network_figures(actor=actor)
    return Panel(
        key="network",
        title=_("服务体系"),
        figures=(
            Figure(
                _("入库服务商"), pool["admitted"], reverse("providers:provider_list") + "?status=admitted"
            ),
            Figure(
                _("运营中诊所与中心"),
                network["clinics_open"],
                reverse("providers:clinic_list") + "?status=open",
            ),
            Figure(
                _("在岗数字专员"), network["commissioners_active"], reverse("providers:commissioner_list")
            ),
        ),
        order=20,
    )


@register_panel
def provider_panel(actor):
    """Provider staff: their solutions and qualifications."""
    if not is_provider_staff(actor):
        return None
    solutions = solution_figures(actor=actor)
    expired = expired_qualifications(actor=actor)
    listing = reverse("providers:solution_list")
    return Panel(
        key="provider",
        title=_("本机构"),
        figures=(
            Figure(_("已发布方案"), solutions["published"], f"{listing}?status=published"),
            Figure(_("待审核"), solutions["submitted"], f"{listing}?status=submitted"),
            Figure(
                _("已退回"),
                solutions["returned"],
                f"{listing}?status=returned",
                WARN if solutions["returned"] else "",
            ),
            Figure(_("过期资质"), expired, reverse("providers:my_provider"), WARN if expired else ""),
        ),
        more_url=reverse("providers:my_provider"),
        more_label=_("查看本机构"),
        order=20,
    )


@register_todos
def provider_todos(actor):
    """Provider staff: returned solutions to revise, expired qualifications to renew."""
    if not is_provider_staff(actor):
        return []
    solutions = solution_figures(actor=actor)
    expired = expired_qualifications(actor=actor)
    return [
        Todo(
            "returned",
            ngettext(
                "%(n)d 个解决方案被退回，请修改后重新提交",
                "%(n)d 个解决方案被退回，请修改后重新提交",
                solutions["returned"],
            )
            % {"n": solutions["returned"]},
            solutions["returned"],
            reverse("providers:solution_list") + "?status=returned",
            WARN,
            order=10,
        ),
        Todo(
            "expired_qualifications",
            ngettext("%(n)d 项资质已过期，请更新", "%(n)d 项资质已过期，请更新", expired) % {"n": expired},
            expired,
            reverse("providers:my_provider"),
            WARN,
            order=20,
        ),
    ]
