"""Removing what a module's demo seeding added, so later tests find the database as before."""

from accounts.models import Organisation, User
from demo.enterprises import ORGANISATIONS, seeded_enterprises
from demo.services import reset_activity
from diagnosis.models import Engagement
from providers.models import Clinic, CommissionerProfile, Provider, Solution, TrainingRecord


def remove_demo(*, before_users: set, before_orgs: set, enterprise_result) -> None:
    """Undo ``seed_demo`` + ``seed_services`` (+ ``seed_diagnoses``): ``before_users`` and
    ``before_orgs`` are the ids that existed before seeding."""
    reset_activity()
    Solution.objects.all().delete()
    Clinic.objects.all().delete()
    Provider.objects.all().delete()
    TrainingRecord.objects.all().delete()
    CommissionerProfile.objects.all().delete()
    Engagement.objects.filter(organisation__name__in=list(ORGANISATIONS)).delete()
    Engagement.objects.exclude(organisation_id__in=before_orgs).delete()
    seeded_enterprises().delete()
    User.objects.exclude(pk__in=before_users).delete()
    User.objects.filter(username__in=[u.username for u in enterprise_result.users]).delete()
    Organisation.objects.exclude(pk__in=before_orgs).delete()
