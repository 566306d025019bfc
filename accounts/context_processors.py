"""Template context for the page layout: what the navigation offers the signed-in user.

Contract: ``navigation(request)`` returns ``{"nav": {...}}`` with

- ``home_url``: the home page (工作台, always, for signed-in users);
- ``enterprises_url``: the enterprise list (always, for signed-in users);
- ``import_url``: the register import page, or ``""`` when the user may not import
  (``permissions.can_import_enterprises``) or the import pages are not installed yet;
- ``api_docs_url``: the API documentation, or ``""`` for anyone but officers (``permissions.is_officer``);
- ``can_create_enterprise``: whether to offer "新建企业档案";
- ``active``: which fixed nav entry the current page belongs to (``"home"``, ``"enterprises"``,
  ``"import"`` or ``""``);
- ``items``: the other areas the user may open, as ``[{"key", "url", "label", "current"}]``, in
  menu order. An entry appears only when the user's role fits and its URL name is installed. An
  entry is current when the page's namespace matches and its URL name starts with one of the
  entry's prefixes (a provider's staff on their provider's pages: "本机构", not "服务商").

Anonymous users get ``{"nav": {}}``. Only URL names are looked up here, so ``accounts`` imports
nothing from the apps above it.
"""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .models import Role
from .permissions import can_create_enterprise, can_import_enterprises, is_officer, is_province
from .scope import NO_SCOPE, scope_for

#: (key, URL name, label, who sees it, (namespace, url-name prefix or prefixes) marking the entry current)
MENU = [
    ("caseload", "diagnosis:caseload", _("我的工作台账"), lambda u: u.role == Role.COMMISSIONER, ("diagnosis", "caseload")),
    ("portal", "diagnosis:portal", _("企业服务"), lambda u: u.role == Role.ENTERPRISE_USER, ("diagnosis", "portal")),
    ("diagnoses", "diagnosis:diagnosis_list", _("诊断"), lambda u: scope_for(u) != NO_SCOPE, ("diagnosis", "diagnosis_")),
    ("projects", "diagnosis:project_list", _("改造项目"), lambda u: scope_for(u) != NO_SCOPE, ("diagnosis", ("project", "milestone", "acceptance"))),
    ("vouchers", "diagnosis:voucher_list", _("服务券"), lambda u: is_officer(u) or u.role in (Role.ENTERPRISE_USER, Role.COMMISSIONER), ("diagnosis", "voucher")),
    ("providers", "providers:provider_list", _("服务商"), is_officer, ("providers", "provider")),
    ("my_provider", "providers:my_provider", _("本机构"), lambda u: u.role == Role.PROVIDER_STAFF, ("providers", ("my_provider", "provider_", "qualification"))),
    ("solutions", "providers:solution_list", _("解决方案"), lambda u: is_officer(u) or u.role == Role.PROVIDER_STAFF, ("providers", "solution")),
    ("clinics", "providers:clinic_list", _("诊所与中心"), lambda u: is_officer(u) or u.role in (Role.CLINIC_STAFF, Role.PROVIDER_STAFF), ("providers", "clinic")),
    ("commissioners", "providers:commissioner_list", _("数字专员"), is_officer, ("providers", "commissioner")),
    ("league", "reporting:provider_league", _("服务商评价"), is_province, ("reporting", "provider")),
    ("my_evaluation", "reporting:my_evaluation", _("本机构评价"), lambda u: u.role == Role.PROVIDER_STAFF, ("reporting", ("my_evaluation", "provider_evaluation"))),
    ("targets", "reporting:targets", _("目标完成情况"), is_officer, ("reporting", "targets")),
    ("stats", "reporting:stats_tables", _("统计报表"), is_officer, ("reporting", "stats")),
    ("directory", "directory:index", _("服务目录"), lambda u: True, ("directory", "")),
]  # fmt: skip


def _reverse_or_blank(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _active_section(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None and not match.namespace and match.url_name == "home":
        return "home"
    if match is None or match.namespace != "diagnosis":
        return ""
    if (match.url_name or "").startswith("import"):
        return "import"
    if (match.url_name or "").startswith(
        ("caseload", "diagnosis_", "portal", "project", "milestone", "acceptance", "voucher")
    ):
        return (
            ""  # their own menu entries ("caseload", "diagnoses", "portal" in ``items``) are the current ones
        )
    return "enterprises"


def _menu_items(request, user) -> list[dict]:
    match = getattr(request, "resolver_match", None)
    items = []
    for key, url_name, label, allowed, (namespace, prefix) in MENU:
        if not allowed(user):
            continue
        url = _reverse_or_blank(url_name)
        if not url:
            continue
        current = bool(match and match.namespace == namespace and (match.url_name or "").startswith(prefix))
        items.append({"key": key, "url": url, "label": label, "current": current})
    return items


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    officer = is_officer(user)
    return {
        "nav": {
            "home_url": reverse("home"),
            "enterprises_url": reverse("diagnosis:enterprise_list"),
            "import_url": _reverse_or_blank("diagnosis:import_upload")
            if can_import_enterprises(user)
            else "",
            "api_docs_url": _reverse_or_blank("api-docs") if officer else "",
            "can_create_enterprise": can_create_enterprise(user),
            "active": _active_section(request),
            "items": _menu_items(request, user),
        }
    }
