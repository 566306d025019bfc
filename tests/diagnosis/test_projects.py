"""Transformation projects: who may run them, the states, exact money, milestones, history."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from diagnosis.models import ProjectEvent, ProjectType, SubsidyRule, TransformationProject
from diagnosis.services import projects as svc
from providers.models import Provider
from tests.factories import EnterpriseFactory, region
from tests.providers.test_pool_support import make_provider

Status = TransformationProject.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(world):
    """The world's provider organisation as an admitted provider."""
    return make_provider("", home="360100", organisation=world.provider)


def create(world, lead, actor_role="enterprise_user", **fields):
    return svc.project_create(
        actor=world.users[actor_role], enterprise=world.ent_donghu, provider=lead, title="MES 上线", **fields
    )


def test_project_types_are_seeded_as_data():
    codes = list(ProjectType.objects.values_list("code", flat=True))
    assert codes[:3] == ["smart-factory", "5g-industrial-internet", "cloud"]
    assert "data-security" in codes and "energy-management" in codes


@pytest.mark.parametrize("role", ["enterprise_user", "provider_staff", "county_officer", "city_officer"])
def test_managers_create_a_planned_project_with_its_first_event(world, lead, role):
    project = create(world, lead, role, planned_investment=Decimal("120.5"))
    assert project.status == Status.PLANNED
    event = project.events.get()
    assert event.action == ProjectEvent.Action.CREATE and event.actor == world.users[role]
    assert event.changes["planned_investment"] == [None, "120.5"]


@pytest.mark.parametrize("role", ["commissioner", "clinic_staff", "other_commissioner", "no_role"])
def test_others_may_not_create(world, lead, role):
    with pytest.raises(PermissionDenied):
        create(world, lead, role)
    assert not TransformationProject.objects.exists()


def test_provider_staff_of_another_provider_may_not_create(world, lead):
    other = make_provider("别家服务商", home="360100")
    with pytest.raises(PermissionDenied):
        svc.project_create(
            actor=world.users["provider_staff"], enterprise=world.ent_donghu, provider=other, title="x"
        )


def test_out_of_region_officer_may_not_create(world, lead):
    jiujiang = EnterpriseFactory(county=region("360403"))
    with pytest.raises(PermissionDenied):
        svc.project_create(actor=world.users["city_officer"], enterprise=jiujiang, provider=lead, title="x")


def test_a_provider_not_admitted_is_refused(world):
    applied = make_provider("申请中服务商", home="360100", status=Provider.Status.APPLIED)
    with pytest.raises(ValidationError) as caught:
        svc.project_create(
            actor=world.users["county_officer"], enterprise=world.ent_donghu, provider=applied, title="x"
        )
    assert "申请中服务商" in str(caught.value)


def test_funding_shares_must_add_up_exactly(world, lead):
    with pytest.raises(ValidationError) as caught:
        create(
            world, lead,
            planned_investment=Decimal("100"), planned_subsidy=Decimal("30.0001"),
            planned_discount=Decimal("10"), planned_own=Decimal("60"),
        )  # fmt: skip
    assert "100" in str(caught.value) and "100.0001" in str(caught.value)
    assert not TransformationProject.objects.exists()
    SubsidyRule.objects.filter(kind=SubsidyRule.Kind.PER_PROVIDER_YEAR).update(active=False)  # 9501 > 500
    project = create(
        world, lead,
        planned_investment=Decimal("31670.806"), planned_subsidy=Decimal("9501.2418"),
        planned_discount=Decimal("0.0001"), planned_own=Decimal("22169.5641"),
    )  # fmt: skip
    project.refresh_from_db()
    assert project.planned_investment == Decimal("31670.806")


def test_shares_without_a_total_or_above_it_are_refused(world, lead):
    with pytest.raises(ValidationError, match="总投资"):
        create(world, lead, planned_subsidy=Decimal("5"))
    with pytest.raises(ValidationError, match="超过总投资"):
        create(world, lead, planned_investment=Decimal("5"), planned_subsidy=Decimal("6"))


def test_the_path_to_completed_with_history(world, lead):
    officer = world.users["county_officer"]
    project = create(world, lead, planned_investment=Decimal("50"))
    svc.milestone_add(actor=officer, project=project, title="设备联网", due_on=timezone.localdate())
    project = svc.project_start(actor=world.users["provider_staff"], project=project)
    assert project.status == Status.IN_PROGRESS and project.started_on == timezone.localdate()
    with pytest.raises(ValidationError, match="实际投资"):
        svc.project_complete(actor=officer, project=project)
    svc.project_update(actor=officer, project=project, data={"actual_investment": Decimal("48.25")})
    with pytest.raises(ValidationError, match="设备联网"):
        svc.project_complete(actor=officer, project=project)
    svc.milestone_done(actor=officer, milestone=project.milestones.get())
    project = svc.project_complete(actor=officer, project=project)
    assert project.status == Status.COMPLETED
    actions = list(project.events.values_list("action", flat=True))
    assert actions == ["create", "milestone", "start", "edit", "milestone", "complete"]
    edit = project.events.get(action="edit")
    assert edit.changes == {"actual_investment": [None, "48.25"]}


def test_wrong_steps_are_refused_and_write_nothing(world, lead):
    officer = world.users["county_officer"]
    project = create(world, lead)
    with pytest.raises(ValidationError, match="计划中"):
        svc.project_complete(actor=officer, project=project)
    with pytest.raises(ValidationError, match="原因"):
        svc.project_cancel(actor=officer, project=project, reason="  ")
    project = svc.project_cancel(actor=officer, project=project, reason="企业资金未到位")
    assert project.cancel_reason == "企业资金未到位"
    for step in (
        lambda: svc.project_start(actor=officer, project=project),
        lambda: svc.project_update(actor=officer, project=project, data={"title": "改名"}),
        lambda: svc.milestone_add(actor=officer, project=project, title="x"),
    ):
        with pytest.raises(ValidationError, match="已取消"):
            step()
    assert project.events.count() == 2
    project.refresh_from_db()
    assert project.title == "MES 上线"


def test_reopen_needs_a_reason_and_clears_the_completion(world, lead):
    officer = world.users["county_officer"]
    project = create(world, lead, actual_investment=Decimal("10"))
    svc.project_start(actor=officer, project=project)
    svc.project_complete(actor=officer, project=project)
    with pytest.raises(ValidationError):
        svc.project_reopen(actor=officer, project=project, reason="")
    project = svc.project_reopen(actor=officer, project=project, reason="缺少数据采集模块")
    assert project.status == Status.IN_PROGRESS and project.completed_on is None


def test_dates_must_be_plausible(world, lead):
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="开始日期"):
        create(world, lead, start_date=today, planned_completion=today - timedelta(days=1))
    project = create(world, lead)
    with pytest.raises(ValidationError):
        svc.project_start(
            actor=world.users["county_officer"], project=project, started_on=today + timedelta(days=3)
        )
    project.refresh_from_db()
    assert project.status == Status.PLANNED


def test_recommendations_must_come_from_the_projects_diagnosis(world, lead):
    from diagnosis.models import Recommendation
    from tests.diagnosis.test_selectors_benchmark import issued

    diagnosis = issued(world.ent_donghu, world.clinic, Decimal("52"))
    other = issued(world.ent_xihu, world.clinic, Decimal("40"))
    mine = Recommendation.objects.create(diagnosis=diagnosis, title="建设 MES")
    theirs = Recommendation.objects.create(diagnosis=other, title="别家的建议")
    with pytest.raises(ValidationError, match="不属于该企业"):
        create(world, lead, diagnosis=other)
    with pytest.raises(ValidationError, match="所依据诊断"):
        create(world, lead, diagnosis=diagnosis, related={"recommendations": [theirs]})
    cloud = ProjectType.objects.get(code="cloud")
    project = create(world, lead, diagnosis=diagnosis, related={"recommendations": [mine], "types": [cloud]})
    assert list(project.recommendations.all()) == [mine]
    assert project.events.get().changes["types"] == [[], ["企业上云"]]


def test_scope_of_projects(world, lead):
    project = create(world, lead)
    visible = {
        role: TransformationProject.objects.visible_to(user).filter(pk=project.pk).exists()
        for role, user in world.users.items()
    }
    assert visible["enterprise_user"] and visible["provider_staff"] and visible["county_officer"]
    assert visible["commissioner"] and visible["clinic_staff"] and visible["province_officer"]
    assert not visible["other_commissioner"] and not visible["no_role"] and not visible["unanchored_officer"]


def test_figures_sum_exactly_and_respect_scope(world, lead):
    from diagnosis.selectors.projects import overdue_projects, project_figures

    officer = world.users["province_officer"]
    one = create(world, lead, planned_investment=Decimal("0.1"), actual_investment=Decimal("0.2"))
    svc.project_start(actor=officer, project=one)
    create(world, lead, planned_investment=Decimal("0.2"))
    xihu = svc.project_create(
        actor=officer,
        enterprise=world.ent_xihu,
        provider=lead,
        title="云化",
        planned_investment=Decimal("31670.806"),
    )
    rows = {row["group"]: row for row in project_figures(actor=officer)}
    donghu = rows[world.ent_donghu.county_id]
    assert donghu["projects"] == 2 and donghu["n_in_progress"] == 1 and donghu["n_planned"] == 1
    assert donghu["planned_investment"] == Decimal("0.3") and donghu["actual_investment"] == Decimal("0.2")
    assert donghu["enterprises_transforming"] == 1 and donghu["planned_subsidy"] == Decimal("0")
    assert rows[xihu.enterprise.county_id]["planned_investment"] == Decimal("31670.806")
    county_rows = project_figures(actor=world.users["county_officer"])
    assert [row["group"] for row in county_rows] == [world.ent_donghu.county_id]
    by_city = project_figures(actor=officer, group_by="enterprise__county__parent")
    assert by_city[0]["planned_investment"] == Decimal("31671.106")

    svc.milestone_add(
        actor=officer, project=one, title="上线", due_on=timezone.localdate() - timedelta(days=2)
    )
    assert list(overdue_projects(actor=officer)) == [one]
    assert list(overdue_projects(actor=world.users["other_commissioner"])) == []
