"""May this user act on the service system: the pool lifecycle, provider staff, clinics, commissioners.

Generic role questions (officer, province, administrator) come from ``accounts.permissions``; what
a user may *see* is ``visible_to`` (``accounts.scope``). Services enforce these predicates, views
use them to offer or hide actions.
"""

from accounts.permissions import is_officer, is_provider_staff, is_province
from accounts.roles import Role
from accounts.scope import region_in_scope

from .models import Clinic, CommissionerProfile, Provider

S = Provider.Status

#: Who may make a move: the province department (and administrators) only, or also the city
#: department whose region holds the provider's home region.
PROVINCE = "province"
REGIONAL = "regional"

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.APPLIED, S.ADMITTED): PROVINCE,
    (S.APPLIED, S.REJECTED): PROVINCE,
    (S.ADMITTED, S.SUSPENDED): REGIONAL,
    (S.SUSPENDED, S.ADMITTED): REGIONAL,
    (S.ADMITTED, S.REMOVED): PROVINCE,
    (S.SUSPENDED, S.REMOVED): PROVINCE,
    (S.REMOVED, S.ADMITTED): PROVINCE,
}


def is_regional_officer_for(actor, provider: Provider) -> bool:
    """The province, or a city-level officer whose region holds the provider's home region."""
    if is_province(actor):
        return True
    return (
        is_officer(actor)
        and actor.role == Role.CITY_OFFICER
        and provider.home_region.path.startswith(actor.region.path)
    )


def may_make_move(actor, provider: Provider, level: str) -> bool:
    """Whether ``actor`` holds the right a move of ``level`` (``PROVINCE`` or ``REGIONAL``) needs."""
    return is_province(actor) if level == PROVINCE else is_regional_officer_for(actor, provider)


def may_transition(actor, provider: Provider, to_status: str) -> bool:
    """Whether ``actor`` may move ``provider`` to ``to_status`` now (for offering buttons)."""
    level = TRANSITIONS.get((provider.status, to_status))
    if level is None:
        return False
    return may_make_move(actor, provider, level)


def transitions_for(actor, provider: Provider) -> list[str]:
    """The statuses ``actor`` may move ``provider`` to, in the order of ``Provider.Status``."""
    return [status for status in S.values if may_transition(actor, provider, status)]


def is_provider_staff_of(actor, provider: Provider) -> bool:
    """``actor`` is staff of ``provider`` (edits its profile, qualifications and solutions)."""
    return is_provider_staff(actor) and actor.organisation_id == provider.organisation_id


def may_create_staff(actor, provider: Provider) -> bool:
    """The province (officers, administrators) or the provider's own staff add staff accounts."""
    return is_province(actor) or is_provider_staff_of(actor, provider)


def can_manage_clinic(user, clinic: Clinic) -> bool:
    """Officers whose region holds the clinic (the province: every clinic) edit and open/close it."""
    return is_officer(user) and region_in_scope(user, clinic.region)


def can_manage_commissioner(user, profile: CommissionerProfile) -> bool:
    """Officers whose region holds the commissioner's region edit their record and trainings."""
    return is_officer(user) and region_in_scope(user, profile.user.region)
