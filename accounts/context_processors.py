"""Template context for the page layout: what the navigation offers the signed-in user.

Contract: ``navigation(request)`` returns ``{"nav": {...}}`` with

- ``enterprises_url``: the enterprise list (always, for signed-in users);
- ``import_url``: the register import page, or ``""`` when the user may not import
  (``scope.can_import_enterprises``) or the import pages are not installed yet;
- ``api_docs_url``: the API documentation, or ``""`` for anyone but officers (``scope.is_officer``);
- ``can_create_enterprise``: whether to offer "新建企业档案";
- ``active``: which nav entry the current page belongs to (``"enterprises"``, ``"import"`` or ``""``).

Anonymous users get ``{"nav": {}}``. Only URL names are looked up here, so ``accounts`` imports
nothing from the apps above it.
"""

from django.urls import NoReverseMatch, reverse

from .scope import can_create_enterprise, can_import_enterprises, is_officer


def _reverse_or_blank(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _active_section(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None or match.namespace != "diagnosis":
        return ""
    if (match.url_name or "").startswith("import"):
        return "import"
    return "enterprises"


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    officer = is_officer(user)
    return {
        "nav": {
            "enterprises_url": reverse("diagnosis:enterprise_list"),
            "import_url": _reverse_or_blank("diagnosis:import_upload")
            if can_import_enterprises(user)
            else "",
            "api_docs_url": _reverse_or_blank("api-docs") if officer else "",
            "can_create_enterprise": can_create_enterprise(user),
            "active": _active_section(request),
        }
    }
