"""Acceptance (验收): the three parties' steps, the before/after assessment, the rating, files."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from diagnosis.models import (
    ProjectAcceptance,
    ProjectAttachment,
    ProviderRating,
    SelfAssessment,
    TransformationProject,
)
from diagnosis.services import acceptance as acc
from diagnosis.services import projects as svc
from tests.diagnosis.test_selectors_benchmark import issued
from tests.providers.test_pool_support import make_provider

Status = TransformationProject.Status
pytestmark = pytest.mark.django_db


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()


@pytest.fixture
def completed(world):
    """A completed project of 东湖 answering a level-1 diagnosis (total 40)."""
    lead = make_provider("", home="360100", organisation=world.provider)
    before = issued(world.ent_donghu, world.clinic, "40", days_ago=200)
    officer = world.users["county_officer"]
    project = svc.project_create(
        actor=officer, enterprise=world.ent_donghu, provider=lead, title="MES 上线", diagnosis=before,
        actual_investment=Decimal("80"), actual_subsidy=Decimal("20"), actual_discount=Decimal("5"),
        actual_own=Decimal("55"),
    )  # fmt: skip
    svc.project_start(actor=officer, project=project, started_on=timezone.localdate() - timedelta(days=100))
    return svc.project_complete(
        actor=officer, project=project, completed_on=timezone.localdate() - timedelta(days=5)
    )


def submit_self_assessment(enterprise, *, level, total, days_ago=1):
    return SelfAssessment.objects.create(
        enterprise=enterprise, status=SelfAssessment.Status.SUBMITTED, level=level,
        total_score=Decimal(total), dimensions={"digital_foundation": "30.5", "operation_management": "12"},
        submitted_at=timezone.now() - timedelta(days=days_ago),
    )  # fmt: skip


def file_reports(world, project, satisfaction=4):
    acc.acceptance_enterprise_report(
        actor=world.users["enterprise_user"], project=project, report="系统上线，报工效率提升。",
        satisfaction=satisfaction, comment="响应及时",
    )  # fmt: skip
    acc.acceptance_provider_report(actor=world.users["provider_staff"], project=project, report="交付完成")


def accept(world, project, **overrides):
    fields = {
        "site_check_on": timezone.localdate(),
        "site_inspectors": "张三、李四",
        "site_check_record": "现场查看 MES 看板与报工终端，运行正常。",
    }
    fields.update(overrides)
    return acc.project_accept(actor=world.users["county_officer"], project=project, **fields)


def test_the_whole_acceptance_stores_before_and_after(world, completed):
    submit_self_assessment(world.ent_donghu, level=3, total="61.25")
    file_reports(world, completed)
    acceptance = accept(world, completed, comment="同意通过验收")
    completed.refresh_from_db()
    assert completed.status == Status.ACCEPTED and completed.accepted_at == acceptance.accepted_at
    assert (acceptance.before_level, acceptance.before_total) == (1, Decimal("40"))
    assert (acceptance.after_level, acceptance.after_total) == (3, Decimal("61.25"))
    assert acceptance.level_change == 2 and acceptance.total_change == Decimal("21.25")
    assert acceptance.dimension_changes["digital_foundation"] == ["20", "30.5"]
    assert "自评测" in acceptance.after_source and "诊断书" in acceptance.before_source
    event = completed.events.last()
    assert event.action == "accept" and event.changes["level"] == [1, 3]
    assert event.changes["total_score"] == ["40", "61.25"]


def test_the_rating_feeds_the_provider_and_is_never_doubled(world, completed):
    file_reports(world, completed, satisfaction=3)
    acc.acceptance_enterprise_report(
        actor=world.users["enterprise_user"], project=completed, report="修改后的报告", satisfaction="5"
    )
    rating = ProviderRating.objects.get()
    assert (rating.score, rating.project, rating.provider) == (5, completed, completed.provider)
    assert ProjectAcceptance.objects.get().rating == rating


@pytest.mark.parametrize("value", [0, 6, "4.5", "", None, "五", "1e1"])
def test_satisfaction_must_be_one_to_five(world, completed, value):
    with pytest.raises(ValidationError) as caught:
        acc.acceptance_enterprise_report(
            actor=world.users["enterprise_user"], project=completed, report="x", satisfaction=value
        )
    assert "satisfaction" in caught.value.message_dict
    assert not ProviderRating.objects.exists() and not ProjectAcceptance.objects.exists()


def test_each_party_files_only_its_own_part(world, completed):
    with pytest.raises(PermissionDenied):
        acc.acceptance_enterprise_report(
            actor=world.users["county_officer"], project=completed, report="x", satisfaction=5
        )
    with pytest.raises(PermissionDenied):
        acc.acceptance_provider_report(actor=world.users["enterprise_user"], project=completed, report="x")
    for role in ("enterprise_user", "provider_staff", "commissioner", "clinic_staff"):
        with pytest.raises(PermissionDenied):
            acc.project_accept(
                actor=world.users[role], project=completed, site_check_on=timezone.localdate(),
                site_inspectors="x", site_check_record="x",
            )  # fmt: skip
    assert not ProjectAcceptance.objects.exists()


def test_acceptance_needs_both_reports_the_check_and_an_assessment_after(world, completed):
    with pytest.raises(ValidationError) as caught:
        accept(world, completed, site_check_on=None, site_inspectors=" ", site_check_record="")
    errors = caught.value.message_dict
    assert set(errors) == {
        "enterprise_report", "provider_report", "site_check_on", "site_inspectors", "site_check_record", "after",
    }  # fmt: skip
    completed.refresh_from_db()
    assert completed.status == Status.COMPLETED and not completed.events.filter(action="accept").exists()


def test_an_assessment_before_completion_does_not_count_as_after(world, completed):
    submit_self_assessment(world.ent_donghu, level=3, total="60", days_ago=30)
    file_reports(world, completed)
    with pytest.raises(ValidationError) as caught:
        accept(world, completed)
    assert "after" in caught.value.message_dict


def test_a_new_diagnosis_after_completion_counts_as_after(world, completed):
    later = issued(world.ent_donghu, world.clinic, "70", days_ago=2)
    later.level = 4
    later.save(update_fields=["level"])
    file_reports(world, completed)
    acceptance = accept(world, completed)
    assert (acceptance.after_level, acceptance.after_total) == (4, Decimal("70"))


def test_site_check_date_is_plausible(world, completed):
    submit_self_assessment(world.ent_donghu, level=2, total="50")
    file_reports(world, completed)
    for day in (timezone.localdate() + timedelta(days=1), completed.completed_on - timedelta(days=1)):
        with pytest.raises(ValidationError) as caught:
            accept(world, completed, site_check_on=day)
        assert "site_check_on" in caught.value.message_dict


def test_only_a_completed_project_is_accepted_and_then_it_is_closed(world, completed):
    submit_self_assessment(world.ent_donghu, level=2, total="50")
    file_reports(world, completed)
    accept(world, completed)
    for step in (
        lambda: accept(world, completed),
        lambda: acc.acceptance_provider_report(
            actor=world.users["provider_staff"], project=completed, report="y"
        ),
        lambda: svc.project_cancel(actor=world.users["county_officer"], project=completed, reason="x"),
    ):
        with pytest.raises(ValidationError):
            step()


def test_files_are_checked_and_refused_on_closed_projects(world, completed):
    upload = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    officer = world.users["county_officer"]
    stored = svc.project_file_store(
        actor=officer, project=completed, upload=upload, purpose=ProjectAttachment.Purpose.SITE_CHECK
    )
    assert stored.image and stored.name == "现场.png" and stored.file.read() == PNG
    with pytest.raises(PermissionDenied):
        svc.project_file_store(
            actor=world.users["enterprise_user"], project=completed,
            upload=SimpleUploadedFile("a.png", PNG), purpose=ProjectAttachment.Purpose.SITE_CHECK,
        )  # fmt: skip
    with pytest.raises(ValidationError):
        svc.project_file_store(
            actor=officer, project=completed, upload=SimpleUploadedFile("a.png", b"MZ\x90\x00 not an image")
        )
    svc.project_cancel(actor=officer, project=completed, reason="企业停产")
    with pytest.raises(ValidationError):
        svc.project_file_store(actor=officer, project=completed, upload=SimpleUploadedFile("b.png", PNG))
    assert ProjectAttachment.objects.count() == 1
