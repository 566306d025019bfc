"""Who a user is, for deciding what they may do: the generic role predicates, written once.

Every "is this an officer / the province / an administrator" question in the project calls one of
these; ``accounts.scope.scope_for`` is built from them, so a user's reach and their role predicates
cannot disagree. Each predicate is False for ``None``, anonymous and inactive users, and for a role
whose anchor is missing (an officer without a region, staff without an organisation), exactly as
such users get no scope. Administrators (superusers or role ``admin``) come first: a superuser is
an administrator whatever role they carry.

Domain actions ("may this user import the register", "review this solution") live in each app's
``permissions.py``. The three register actions below live here rather than in
``diagnosis.permissions`` because the navigation and ``/api/me`` (both in ``accounts``) report them,
and ``accounts`` imports nothing from the apps above it.
"""

from regions.models import Region

from .roles import OFFICER_ROLES, Role


def is_signed_in(user) -> bool:
    """An authenticated, active user."""
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def is_admin(user) -> bool:
    """Administrators: superusers and users with role ``admin`` (they see the whole province)."""
    return is_signed_in(user) and (user.is_superuser or user.role == Role.ADMIN)


def is_officer(user) -> bool:
    """Province/city/county officers with their region, and administrators: who manage the register."""
    return is_admin(user) or (
        is_signed_in(user) and user.role in OFFICER_ROLES and user.region_id is not None
    )


def is_province(user) -> bool:
    """The province department: officers anchored at the province, and administrators."""
    return is_admin(user) or (is_officer(user) and user.region.level == Region.Level.PROVINCE)


def _has_role(user, role: str) -> bool:
    return is_signed_in(user) and not is_admin(user) and user.role == role


def is_commissioner(user) -> bool:
    """A digital commissioner filed at a region (without one they have no scope)."""
    return _has_role(user, Role.COMMISSIONER) and user.region_id is not None


def is_clinic_staff(user) -> bool:
    """Staff of a clinic or centre, with their organisation."""
    return _has_role(user, Role.CLINIC_STAFF) and user.organisation_id is not None


def is_provider_staff(user) -> bool:
    """Staff of a service provider, with their organisation."""
    return _has_role(user, Role.PROVIDER_STAFF) and user.organisation_id is not None


def is_enterprise_user(user) -> bool:
    """An enterprise's own account (the enterprise is linked by ``diagnosis.EnterpriseAccount``)."""
    return _has_role(user, Role.ENTERPRISE_USER)


# --- The enterprise register (see the module docstring for why these are here) ---------------


def can_import_enterprises(user) -> bool:
    """Who may import the register: officers and administrators (rows are still checked per region)."""
    return is_officer(user)


def can_create_enterprise(user) -> bool:
    """Officers and administrators open archives (in counties inside their region)."""
    return is_officer(user)


def can_edit_enterprise_fields(user) -> bool:
    """Officers edit the archive; commissioners update what they find on visits (not create)."""
    return is_officer(user) or is_commissioner(user)
