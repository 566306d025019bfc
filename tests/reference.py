"""The reference data that migrations load (the division tree, the national assessment model and its findings rules),
put back after a transactional test's flush removed it.

``serialized_rollback`` cannot be relied on for this (after a transactional test without it, the
flush re-creates content types and the restore then collides with them), so the transactional
suites (browser, worker, page-cache tests) call ``ensure_reference_data()`` before each test and
after their module, and every later test finds the database as a fresh migration leaves it.
"""


def ensure_reference_data() -> None:
    from diagnosis.models import AssessmentModel
    from diagnosis.services.assessment import NATIONAL_2024, assessment_model_load
    from regions.loader import load_regions
    from regions.models import Region

    if not Region.objects.exists():
        load_regions(Region)
    if not AssessmentModel.objects.exists():
        assessment_model_load(source=NATIONAL_2024.read_bytes(), make_default=True)
    from diagnosis.services.visits import need_tags_load

    need_tags_load()
    from diagnosis.models import FindingRule
    from diagnosis.services.findings import FINDINGS_2024, findings_load

    if not FindingRule.objects.exists():
        findings_load(source=FINDINGS_2024.read_bytes())
