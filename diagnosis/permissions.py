"""May this user act on an enterprise's casework: engage organisations, log visits, assign.

Who may create, edit or import archives (``can_create_enterprise``, ``can_edit_enterprise_fields``,
``can_import_enterprises``) lives in ``accounts.permissions``: the navigation and ``/api/me`` in
``accounts`` report it, and ``accounts`` imports nothing from the apps above it. Assigning
commissioners is for officers (``accounts.permissions.is_officer``).
"""

from accounts.permissions import is_officer
from accounts.roles import Role
from diagnosis.models import Enterprise


def can_engage(actor, enterprise: Enterprise) -> bool:
    """Officers who can see the enterprise, or its assigned commissioner."""
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        return False
    return is_officer(actor) or (actor.role == Role.COMMISSIONER and enterprise.commissioner_id == actor.pk)


def can_log_visit(actor, enterprise: Enterprise) -> bool:
    """The enterprise's assigned commissioner, or an officer who can see it."""
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        return False
    if actor.role == Role.COMMISSIONER:
        return enterprise.commissioner_id == actor.pk
    return is_officer(actor)
