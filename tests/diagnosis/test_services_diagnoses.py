"""The diagnosis workflow: start, fill (with the revision guard), submit, return, resubmit,
approve, issue, confirm or dispute, correct; who may do each step; what each role sees."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from diagnosis.models import Diagnosis, DiagnosisEvent, DiagnosisScore
from diagnosis.selectors.assessment import default_model, model_spec
from diagnosis.services.diagnoses import (
    diagnosis_approve,
    diagnosis_confirm,
    diagnosis_correct,
    diagnosis_dispute,
    diagnosis_issue,
    diagnosis_return,
    diagnosis_save,
    diagnosis_start,
    diagnosis_submit,
    missing_for_submit,
)

Status = Diagnosis.Status
TODAY = timezone.localdate()


@pytest.fixture
def spec(db):
    return model_spec(default_model())


def full_answers(spec) -> tuple[dict, dict]:
    """Every question answered with its best option (multiple choice: all but 无), every scenario at 2."""
    answers = {
        q.code: [o.key for o in q.options if not o.exclusive]
        if q.kind == "multi"
        else [max(q.options, key=lambda o: o.score).key]
        for q in spec.questions.values()
    }
    return answers, {s.code: 2 for s in spec.scenarios}


DETAILS = {"examiners": "张工、李工", "onsite_start": TODAY - datetime.timedelta(days=3), "onsite_end": TODAY}


def started(world):
    return diagnosis_start(actor=world.users["clinic_staff"], enterprise=world.ent_donghu)


def filled(world, spec):
    diagnosis = started(world)
    answers, scenarios = full_answers(spec)
    return diagnosis_save(
        actor=world.users["clinic_staff"],
        diagnosis=diagnosis,
        revision=0,
        answers=answers,
        scenarios=scenarios,
        details=DETAILS,
    )


def issued(world, spec):
    diagnosis = diagnosis_submit(actor=world.users["clinic_staff"], diagnosis=filled(world, spec))
    diagnosis_approve(actor=world.users["county_officer"], diagnosis=diagnosis)
    return diagnosis_issue(actor=world.users["county_officer"], diagnosis=diagnosis)


def test_start_needs_an_engaged_clinic_or_provider(world):
    diagnosis = started(world)
    assert diagnosis.status == Status.DRAFT and diagnosis.model == default_model()
    assert diagnosis.number == f"ZD{TODAY.year}{diagnosis.pk:06d}"
    assert list(diagnosis.events.values_list("action", flat=True)) == ["create"]
    for role in ("county_officer", "commissioner", "enterprise_user", "admin"):
        with pytest.raises(PermissionDenied):
            diagnosis_start(actor=world.users[role], enterprise=world.ent_donghu)
    with pytest.raises(PermissionDenied):  # the clinic is not engaged with this one
        diagnosis_start(actor=world.users["clinic_staff"], enterprise=world.ent_xihu)
    with pytest.raises(ValidationError) as caught:  # one in progress per organisation
        started(world)
    assert caught.value.code == "in_progress"
    assert (
        diagnosis_start(actor=world.users["provider_staff"], enterprise=world.ent_donghu).organisation
        == world.provider
    )


def test_saving_scores_exactly(world, spec):
    diagnosis = filled(world, spec)
    assert diagnosis.revision == 1
    assert diagnosis.total_score == Decimal(100)
    assert diagnosis.level == 2  # full marks, but every scenario only at level 2
    scores = dict(
        DiagnosisScore.objects.filter(diagnosis=diagnosis, kind="dimension").values_list("code", "score")
    )
    assert scores == {"digital_foundation": 50, "digital_management": 30, "digital_outcomes": 20}
    answer = diagnosis.answers.get(question__code="data_collection_coverage")
    assert answer.score == Decimal("10") and len(answer.options) == 14


def test_a_second_save_from_an_old_revision_is_refused(world, spec):
    diagnosis = filled(world, spec)  # revision 1 now
    with pytest.raises(ValidationError) as caught:
        diagnosis_save(
            actor=world.users["clinic_staff"],
            diagnosis=diagnosis,
            revision=0,
            answers={},
            scenarios={},
            details={},
        )
    assert caught.value.code == "stale"
    diagnosis.refresh_from_db()
    assert diagnosis.total_score == 100 and diagnosis.revision == 1  # nothing overwritten


def test_bad_answers_are_all_reported_in_chinese(world, spec):
    diagnosis = started(world)
    with pytest.raises(ValidationError) as caught:
        diagnosis_save(
            actor=world.users["clinic_staff"],
            diagnosis=diagnosis,
            revision=0,
            answers={
                "network_connectivity": ["A", "B"],
                "information_system_coverage": ["B", "C"],
                "nope": ["A"],
            },
            scenarios={"product_design": 7},
            figures={"equipment_digitization_rate": {"production_devices": "-3"}},
        )
    errors = caught.value.message_dict
    assert "就不能再选其他选项" in errors["network_connectivity"][0]
    assert "只能选一项" in errors["information_system_coverage"][0]
    assert errors["nope"] == ["没有这道题。"]
    assert "场景等级" in errors["product_design"][0]
    assert "不小于 0" in errors["equipment_digitization_rate"][0]
    diagnosis.refresh_from_db()
    assert diagnosis.revision == 0


def test_band_option_follows_the_counts(world, spec):
    diagnosis = started(world)
    saved = diagnosis_save(
        actor=world.users["clinic_staff"],
        diagnosis=diagnosis,
        revision=0,
        answers={},
        scenarios={},
        figures={
            "equipment_digitization_rate": {"production_devices": "40", "digitized_devices": "12"},
            "equipment_networking_rate": {"networked_devices": "30"},
        },
    )
    answers = {a.question.code: a for a in saved.answers.select_related("question")}
    assert answers["equipment_digitization_rate"].options == ["C"]  # 30 %: (20 %, 40 %]
    assert answers["equipment_networking_rate"].options == ["E"]  # 75 %
    assert answers["equipment_digitization_rate"].figures == {
        "production_devices": "40",
        "digitized_devices": "12",
    }
    with pytest.raises(ValidationError) as caught:
        diagnosis_save(
            actor=world.users["clinic_staff"],
            diagnosis=saved,
            revision=saved.revision,
            answers={"equipment_digitization_rate": ["A"]},
            scenarios={},
            figures={"equipment_digitization_rate": {"production_devices": "40", "digitized_devices": "12"}},
        )
    assert "应选" in caught.value.message_dict["equipment_digitization_rate"][0]


def test_submit_needs_everything(world, spec):
    diagnosis = started(world)
    missing = missing_for_submit(diagnosis)
    assert len(missing) == 15 + 16 + 2
    with pytest.raises(ValidationError) as caught:
        diagnosis_submit(actor=world.users["clinic_staff"], diagnosis=diagnosis)
    assert caught.value.messages == missing


def test_the_whole_way(world, spec):
    clinic, officer, enterprise_user = (
        world.users[r] for r in ("clinic_staff", "county_officer", "enterprise_user")
    )
    diagnosis = diagnosis_submit(actor=clinic, diagnosis=filled(world, spec))
    assert diagnosis.status == Status.SUBMITTED and diagnosis.submitted_at

    with pytest.raises(ValidationError):  # no reason given
        diagnosis_return(actor=officer, diagnosis=diagnosis, comment=" ")
    diagnosis = diagnosis_return(
        actor=officer,
        diagnosis=diagnosis,
        comment="请补充材料",
        question_comments={"network_connectivity": "缺少网络拓扑图", "x": "?"},
    )
    assert diagnosis.status == Status.RETURNED and diagnosis.returned_count == 1
    event = diagnosis.events.get(action="return")
    assert event.question_comments == {"network_connectivity": "缺少网络拓扑图"} and event.actor == officer

    answers, scenarios = full_answers(spec)
    scenarios = {code: 4 for code in scenarios}
    diagnosis = diagnosis_save(
        actor=clinic, diagnosis=diagnosis, revision=diagnosis.revision, answers=answers, scenarios=scenarios
    )
    assert diagnosis.level == 4
    diagnosis = diagnosis_submit(actor=clinic, diagnosis=diagnosis)
    assert diagnosis.status == Status.RESUBMITTED

    with pytest.raises(ValidationError):  # not approved yet
        diagnosis_issue(actor=officer, diagnosis=diagnosis)
    diagnosis = diagnosis_approve(actor=officer, diagnosis=diagnosis)
    diagnosis = diagnosis_issue(actor=officer, diagnosis=diagnosis)
    assert diagnosis.status == Status.ISSUED and diagnosis.issued_at

    with pytest.raises(ValidationError) as caught:  # read-only now
        diagnosis_save(
            actor=clinic, diagnosis=diagnosis, revision=diagnosis.revision, answers={}, scenarios={}
        )
    assert caught.value.code == "state"
    diagnosis = diagnosis_confirm(actor=enterprise_user, diagnosis=diagnosis, comment="收到")
    assert diagnosis.status == Status.CONFIRMED and diagnosis.confirmed_at
    actions = list(DiagnosisEvent.objects.filter(diagnosis=diagnosis).values_list("action", flat=True))
    assert actions == ["create", "submit", "return", "resubmit", "approve", "issue", "confirm"]


@pytest.mark.parametrize("role", ["clinic_staff", "commissioner", "enterprise_user", "provider_staff"])
def test_only_officers_of_the_region_review(world, spec, role):
    diagnosis = diagnosis_submit(actor=world.users["clinic_staff"], diagnosis=filled(world, spec))
    with pytest.raises(PermissionDenied):
        diagnosis_approve(actor=world.users[role], diagnosis=diagnosis)
    with pytest.raises(PermissionDenied):
        diagnosis_return(actor=world.users[role], diagnosis=diagnosis, comment="x")


def test_city_and_province_officers_review_too_but_not_another_city(world, spec):
    from tests.factories import make_role_user

    diagnosis = diagnosis_submit(actor=world.users["clinic_staff"], diagnosis=filled(world, spec))
    far = make_role_user("city_officer", username="gz_city", region_code="360700")
    with pytest.raises(PermissionDenied):
        diagnosis_approve(actor=far, diagnosis=diagnosis)
    assert diagnosis_approve(actor=world.users["city_officer"], diagnosis=diagnosis).status == Status.APPROVED
    assert diagnosis_issue(actor=world.users["province_officer"], diagnosis=diagnosis).status == Status.ISSUED


def test_dispute_then_correction_keeps_the_old_one(world, spec):
    diagnosis = issued(world, spec)
    enterprise_user, clinic = world.users["enterprise_user"], world.users["clinic_staff"]
    with pytest.raises(PermissionDenied):
        diagnosis_dispute(actor=clinic, diagnosis=diagnosis, reasons="x")
    with pytest.raises(ValidationError):
        diagnosis_dispute(actor=enterprise_user, diagnosis=diagnosis, reasons="")
    diagnosis = diagnosis_dispute(actor=enterprise_user, diagnosis=diagnosis, reasons="设备联网率数据有误")
    assert diagnosis.status == Status.DISPUTED
    with pytest.raises(ValidationError):
        diagnosis_confirm(actor=enterprise_user, diagnosis=diagnosis)

    with pytest.raises(ValidationError):
        diagnosis_correct(actor=clinic, diagnosis=diagnosis, reason="")
    correction = diagnosis_correct(actor=clinic, diagnosis=diagnosis, reason="按企业异议核实联网率")
    assert correction.status == Status.DRAFT and correction.supersedes == diagnosis
    assert correction.answers.count() == diagnosis.answers.count() == 15
    assert correction.total_score == diagnosis.total_score
    diagnosis.refresh_from_db()
    assert diagnosis.status == Status.DISPUTED  # kept as it was
    with pytest.raises(ValidationError):
        diagnosis_correct(actor=clinic, diagnosis=diagnosis, reason="again")
    with pytest.raises(PermissionDenied):
        diagnosis_correct(actor=world.users["provider_staff"], diagnosis=diagnosis, reason="x")


def test_a_re_diagnosis_points_at_the_previous_one(world, spec):
    first = issued(world, spec)
    second = diagnosis_start(actor=world.users["clinic_staff"], enterprise=world.ent_donghu)
    assert second.previous == first


@pytest.mark.parametrize(
    "role, sees_clinic_draft, sees_provider_submitted, sees_issued",
    [
        ("province_officer", True, True, True),
        ("city_officer", False, True, True),
        ("county_officer", False, True, True),
        ("commissioner", False, False, True),
        ("other_commissioner", False, False, False),
        ("clinic_staff", True, False, True),  # its own, and issued ones of its enterprises
        ("provider_staff", False, True, True),
        ("enterprise_user", False, False, True),
        ("no_role", False, False, False),
    ],
)
def test_who_sees_which_diagnosis(world, spec, role, sees_clinic_draft, sees_provider_submitted, sees_issued):
    issued_one = issued(world, spec)  # the clinic's
    clinic_draft = started(world)
    provider_submitted = diagnosis_start(actor=world.users["provider_staff"], enterprise=world.ent_donghu)
    answers, scenarios = full_answers(spec)
    provider_submitted = diagnosis_save(
        actor=world.users["provider_staff"],
        diagnosis=provider_submitted,
        revision=0,
        answers=answers,
        scenarios=scenarios,
        details=DETAILS,
    )
    provider_submitted = diagnosis_submit(actor=world.users["provider_staff"], diagnosis=provider_submitted)
    visible = set(Diagnosis.objects.visible_to(world.users[role]).values_list("pk", flat=True))
    assert (clinic_draft.pk in visible) == sees_clinic_draft
    assert (provider_submitted.pk in visible) == sees_provider_submitted
    assert (issued_one.pk in visible) == sees_issued


def test_issuing_writes_the_findings_onto_the_archive(world, spec):
    diagnosis = started(world)
    answers, scenarios = full_answers(spec)
    for code in ("equipment_digitization_rate", "equipment_networking_rate"):
        answers.pop(code)
    diagnosis = diagnosis_save(
        actor=world.users["clinic_staff"],
        diagnosis=diagnosis,
        revision=0,
        answers=answers,
        scenarios=scenarios,
        details=DETAILS,
        figures={
            "equipment_digitization_rate": {"production_devices": "30", "digitized_devices": "7"},
            "equipment_networking_rate": {"networked_devices": "20"},
        },
    )
    diagnosis = diagnosis_submit(actor=world.users["clinic_staff"], diagnosis=diagnosis)
    diagnosis_approve(actor=world.users["county_officer"], diagnosis=diagnosis)
    diagnosis_issue(actor=world.users["county_officer"], diagnosis=diagnosis)
    enterprise = world.ent_donghu
    enterprise.refresh_from_db()
    assert enterprise.digital_level == diagnosis.level == 2
    assert enterprise.digital_score == diagnosis.total_score
    assert enterprise.equipment_digitization_rate == Decimal("23.33")  # 7 / 30, half-up
    assert enterprise.equipment_networking_rate == Decimal("66.67")
    assert enterprise.diagnosed_on == TODAY
    change = enterprise.changes.get(source="diagnosis")
    assert change.actor is None and "digital_level" in change.changes
