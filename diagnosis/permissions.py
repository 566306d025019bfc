"""May this user act on an enterprise's casework: engage organisations, log visits, diagnose, review.

Who may create, edit or import archives (``can_create_enterprise``, ``can_edit_enterprise_fields``,
``can_import_enterprises``) lives in ``accounts.permissions``: the navigation and ``/api/me`` in
``accounts`` report it, and ``accounts`` imports nothing from the apps above it. Assigning
commissioners is for officers (``accounts.permissions.is_officer``).
"""

from accounts.permissions import is_commissioner, is_enterprise_user, is_officer
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


# --- diagnoses ----------------------------------------------------------------------------------


def _staff_of(actor, organisation_id) -> bool:
    return (
        getattr(actor, "is_authenticated", False)
        and actor.is_active
        and not actor.is_superuser
        and actor.role in (Role.CLINIC_STAFF, Role.PROVIDER_STAFF)
        and actor.organisation_id is not None
        and actor.organisation_id == organisation_id
    )


def can_start_diagnosis(actor, enterprise: Enterprise) -> bool:
    """Staff of a clinic or provider actively engaged with the enterprise."""
    from diagnosis.models import Engagement

    return _staff_of(actor, getattr(actor, "organisation_id", None)) and (
        Engagement.objects.filter(
            enterprise=enterprise, organisation_id=actor.organisation_id, active=True
        ).exists()
    )


def can_fill_diagnosis(actor, diagnosis) -> bool:
    """Staff of the diagnosing organisation, while the diagnosis is a draft or was returned."""
    return _staff_of(actor, diagnosis.organisation_id) and diagnosis.editable


def is_diagnosing_staff(actor, diagnosis) -> bool:
    """Staff of the organisation that made the diagnosis (whatever its state)."""
    return _staff_of(actor, diagnosis.organisation_id)


def can_edit_recommendations(actor, diagnosis) -> bool:
    """The findings and recommendations follow the questionnaire: those who may fill the
    diagnosis edit them, while it is a draft or was returned; read-only otherwise."""
    return can_fill_diagnosis(actor, diagnosis)


def can_review_diagnosis(actor, diagnosis) -> bool:
    """County, city and province officers whose region holds the enterprise (and administrators)."""
    from accounts.scope import region_in_scope

    return is_officer(actor) and region_in_scope(actor, diagnosis.enterprise.county)


def can_acknowledge_diagnosis(actor, diagnosis) -> bool:
    """The enterprise's own users: they confirm an issued diagnosis or dispute it."""
    return (
        is_enterprise_user(actor)
        and Enterprise.objects.visible_to(actor).filter(pk=diagnosis.enterprise_id).exists()
    )


def can_correct_diagnosis(actor, diagnosis) -> bool:
    """Staff of the diagnosing organisation, once the diagnosis was issued and not corrected yet."""
    return _staff_of(actor, diagnosis.organisation_id) and diagnosis.issued


def sees_review_history(actor) -> bool:
    """Whether ``actor`` may read a diagnosis' internal review (return comments, who did what):
    everyone in scope but the enterprise itself and its commissioner."""
    return not (is_enterprise_user(actor) or is_commissioner(actor))


# --- the enterprise portal ----------------------------------------------------------------------


def _own_enterprise(actor, enterprise_id) -> bool:
    return (
        is_enterprise_user(actor) and Enterprise.objects.visible_to(actor).filter(pk=enterprise_id).exists()
    )


def can_fill_self_assessment(actor, enterprise: Enterprise) -> bool:
    """The enterprise's own users: they fill its self-assessment, propose corrections to its
    contact data and state its needs."""
    return _own_enterprise(actor, enterprise.pk)


def can_decide_correction(actor, correction) -> bool:
    """Officers whose region holds the enterprise accept or reject its contact corrections."""
    from accounts.scope import region_in_scope

    return is_officer(actor) and region_in_scope(actor, correction.enterprise.county)


def can_reply_request(actor, request) -> bool:
    """The enterprise's commissioner, or an officer whose region holds it."""
    from accounts.scope import region_in_scope

    enterprise = request.enterprise
    if is_commissioner(actor):
        return enterprise.commissioner_id == actor.pk
    return is_officer(actor) and region_in_scope(actor, enterprise.county)


def can_comment_diagnosis(actor, diagnosis) -> bool:
    """The diagnosed enterprise's own users (on an issued diagnosis: the services check the state)."""
    return _own_enterprise(actor, diagnosis.enterprise_id)


def can_reply_comment(actor, diagnosis) -> bool:
    """Staff of the organisation that performed the diagnosis, and officers who review it."""
    return _staff_of(actor, diagnosis.organisation_id) or can_review_diagnosis(actor, diagnosis)


# --- transformation projects --------------------------------------------------------------------


def can_manage_project(actor, enterprise: Enterprise, provider=None) -> bool:
    """Create and run a project (edit, start, complete, milestones): the enterprise's own users,
    staff of the project's lead provider who can see the enterprise, and officers whose region
    holds it."""
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        return False
    if is_officer(actor) or is_enterprise_user(actor):
        return True
    return (
        provider is not None
        and actor.role == Role.PROVIDER_STAFF
        and _staff_of(actor, provider.organisation_id)
    )


def is_lead_provider_staff(actor, project) -> bool:
    """Staff of the project's lead provider (they file the provider's acceptance report)."""
    return _staff_of(actor, project.provider.organisation_id)


def can_issue_voucher(actor, enterprise: Enterprise) -> bool:
    """Service vouchers are issued and revoked by the officers of the enterprise's region."""
    from accounts.scope import region_in_scope

    return is_officer(actor) and region_in_scope(actor, enterprise.county)


def can_accept_project(actor, project) -> bool:
    """Acceptance (验收) is for the officers of the region that holds the enterprise."""
    from accounts.scope import region_in_scope

    return is_officer(actor) and region_in_scope(actor, project.enterprise.county)
