"""The one place that decides what a user may see.

``scope_for(user)`` turns a user into a ``Scope``; each scoped model's ``visible_to(user)`` turns
that scope into a filter for its own rows. Deny by default: a user without a role, or without
the anchor their role needs, gets ``Scope.NONE`` and sees nothing.
"""

from dataclasses import dataclass
from enum import Enum

from .models import OFFICER_ROLES, ORGANISATION_ROLES, Role


class Reach(Enum):
    NONE = "none"  # sees nothing
    ALL = "all"  # whole province
    REGION = "region"  # a region and everything below it
    ASSIGNED = "assigned"  # enterprises assigned to the user, within the user's region
    ORGANISATION = "organisation"  # enterprises the user's organisation is engaged with
    ENTERPRISE = "enterprise"  # the user's own enterprise


@dataclass(frozen=True)
class Scope:
    reach: Reach
    region_path: str = ""
    organisation_id: int | None = None
    user_id: int | None = None


NO_SCOPE = Scope(Reach.NONE)


def scope_for(user) -> Scope:
    """The scope of ``user``; anonymous, inactive and unassigned users get ``NO_SCOPE``."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_SCOPE
    if user.is_superuser or user.role == Role.ADMIN:
        return Scope(Reach.ALL, user_id=user.pk)
    if user.role in OFFICER_ROLES:
        if not user.region_id:
            return NO_SCOPE
        if user.region.level == "province":
            return Scope(Reach.ALL, user_id=user.pk)
        return Scope(Reach.REGION, region_path=user.region.path, user_id=user.pk)
    if user.role == Role.COMMISSIONER:
        if not user.region_id:
            return NO_SCOPE
        return Scope(Reach.ASSIGNED, region_path=user.region.path, user_id=user.pk)
    if user.role in ORGANISATION_ROLES:
        if not user.organisation_id:
            return NO_SCOPE
        return Scope(Reach.ORGANISATION, organisation_id=user.organisation_id, user_id=user.pk)
    if user.role == Role.ENTERPRISE_USER:
        return Scope(Reach.ENTERPRISE, user_id=user.pk)
    return NO_SCOPE


def is_officer(user) -> bool:
    """Province/city/county officers and administrators: the people who manage the register."""
    return scope_for(user).reach in {Reach.ALL, Reach.REGION} and (
        user.is_superuser or user.role in OFFICER_ROLES or user.role == Role.ADMIN
    )


def can_import_enterprises(user) -> bool:
    """Who may import the register: officers and administrators (rows are still checked per region)."""
    return is_officer(user)


def can_create_enterprise(user) -> bool:
    return is_officer(user)


def can_edit_enterprise_fields(user) -> bool:
    """Officers edit the archive; commissioners update what they find on visits (not create)."""
    return is_officer(user) or scope_for(user).reach == Reach.ASSIGNED


def region_in_scope(user, region) -> bool:
    """Whether ``region`` lies inside the user's regional reach (officers only; False otherwise)."""
    scope = scope_for(user)
    if scope.reach == Reach.ALL:
        return True
    if scope.reach == Reach.REGION and region is not None:
        return region.path.startswith(scope.region_path)
    return False
