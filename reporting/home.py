"""What the statistics add to the home page (工作台): see ``core.home``.

Officers (province, city, county, administrators): the dashboard's headline figures of their
region for the month under way — diagnoses issued, enterprises transforming, the diagnosis
coverage of enterprises above designated size and the platform penetration, each with its
month-on-month change — and when the figures were derived, linking to the dashboard
(``reporting.selectors.dashboard``, a fixed number of queries)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.home import Figure, Panel, Row, register_panel
from reporting.permissions import reads_statistics
from reporting.selectors.dashboard import dashboard_headlines

#: The headlines shown on the home page (keys of ``reporting.selectors.dashboard.HEADLINES``).
HOME_HEADLINES = ("diagnoses_issued", "ent_transforming", "diagnosis_coverage", "platform_penetration")


@register_panel
def statistics_panel(actor):
    """Officers: the month's headline figures of their region (see the module)."""
    if not reads_statistics(actor):
        return None
    board = dashboard_headlines(actor, HOME_HEADLINES)
    if board is None:
        return None
    url = reverse("reporting:dashboard")
    as_of = board.as_of
    return Panel(
        key="statistics",
        title=_("%(region)s统计看板") % {"region": board.region.name},
        figures=tuple(
            Figure(_("%(label)s（环比 %(change)s）") % {"label": h.label, "change": h.mom}, h.value, url)
            for h in board.headlines
        ),
        rows=(
            Row(
                _("数据截至"),
                timezone.localtime(as_of).strftime("%Y-%m-%d %H:%M") if as_of else _("尚未计算"),
            ),
        ),
        more_url=url,
        more_label=_("查看统计看板"),
        order=15,
    )
