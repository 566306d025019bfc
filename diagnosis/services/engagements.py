"""Engaging a clinic or provider with an enterprise (which gives its staff sight of it)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation
from diagnosis.models import Engagement, Enterprise
from diagnosis.permissions import can_engage
from providers.models import Clinic, Provider


def _check_engage(actor, enterprise: Enterprise) -> None:
    if not can_engage(actor, enterprise):
        raise PermissionDenied(_("只有所在地工信部门或该企业的对接数字专员可以为企业对接服务机构。"))


@transaction.atomic
def engagement_open(*, actor, enterprise: Enterprise, organisation: Organisation, purpose: str) -> Engagement:
    """Engage the enterprise with a clinic/centre (purpose diagnosis) or a provider (purpose project).

    A closed clinic, or a provider that is not admitted (applied, suspended, removed…), takes no new
    engagement; an organisation of the wrong kind for the purpose is refused; an active engagement
    of the same organisation with the enterprise is not duplicated.
    """
    _check_engage(actor, enterprise)
    if purpose == Engagement.Purpose.DIAGNOSIS:
        clinic = Clinic.objects.filter(organisation=organisation).first()
        if clinic is None:
            raise ValidationError({"organisation": _("诊断须对接数字化诊所或促进中心。")})
        if clinic.status != Clinic.Status.OPEN:
            raise ValidationError({"organisation": _("该诊所已关闭，不能承接新的诊断。请选择运营中的诊所。")})
    elif purpose == Engagement.Purpose.PROJECT:
        provider = Provider.objects.filter(organisation=organisation).first()
        if provider is None:
            raise ValidationError({"organisation": _("改造项目须对接资源池中的服务商。")})
        if provider.status != Provider.Status.ADMITTED:
            raise ValidationError(
                {
                    "organisation": _("该服务商当前状态为“%(s)s”，不能承接新的服务。请选择已入库的服务商。")
                    % {"s": provider.get_status_display()}
                }
            )
    else:
        raise ValidationError({"purpose": _("请选择对接事项：诊断或改造项目。")})
    if Engagement.objects.filter(enterprise=enterprise, organisation=organisation, active=True).exists():
        raise ValidationError({"organisation": _("该企业已与该机构建立有效的对接，无需重复对接。")})
    engagement = Engagement(enterprise=enterprise, organisation=organisation, purpose=purpose, active=True)
    engagement.full_clean()
    engagement.save()
    return engagement


@transaction.atomic
def engagement_close(*, actor, engagement: Engagement) -> Engagement:
    """End an engagement (the organisation's staff lose sight of the enterprise). Idempotent."""
    _check_engage(actor, engagement.enterprise)
    if engagement.active:
        engagement.active = False
        engagement.full_clean()
        engagement.save(update_fields=["active"])
    return engagement
