"""Project pages end to end: forms keep what was typed, the three-party acceptance through the
pages, the XLSX export (scoped, formula-safe, exact), outcome and period figures, home to-dos."""

import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from diagnosis.models import ProjectAcceptance, ProviderRating, SelfAssessment, TransformationProject
from diagnosis.selectors.projects import project_outcomes, project_period_figures
from diagnosis.services import projects as svc
from tests.diagnosis.test_selectors_benchmark import issued
from tests.factories import EnterpriseFactory, region
from tests.providers.test_pool_support import make_provider

Status = TransformationProject.Status
pytestmark = pytest.mark.django_db


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def lead(world):
    return make_provider("", home="360100", organisation=world.provider)


def test_the_create_form_keeps_what_was_typed_and_names_the_broken_sum(world, lead):
    url = reverse("diagnosis:project_create", args=[world.ent_donghu.pk])
    data = {
        "title": "<script>alert(1)</script>产线改造", "provider": lead.pk, "planned_investment": "１００",
        "planned_subsidy": "30", "planned_discount": "5", "planned_own": "60",
    }  # fmt: skip
    response = client(world.users["enterprise_user"]).post(url, data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "100 万元应等于" in text and "95 万元" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;产线改造" in text and "<script>alert(1)" not in text
    assert not TransformationProject.objects.exists()
    data["planned_own"] = "65"
    response = client(world.users["enterprise_user"]).post(url, data)
    project = TransformationProject.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "diagnosis:project_detail", args=[project.pk]
    )
    assert (
        project.planned_investment == Decimal("100") and project.created_by == world.users["enterprise_user"]
    )


def test_acceptance_through_the_pages(world, lead):
    officer = world.users["county_officer"]
    before = issued(world.ent_donghu, world.clinic, "35", days_ago=300)
    project = svc.project_create(
        actor=officer, enterprise=world.ent_donghu, provider=lead, title="设备联网", diagnosis=before,
        actual_investment=Decimal("50"),
    )  # fmt: skip
    detail = reverse("diagnosis:project_detail", args=[project.pk])
    step = reverse("diagnosis:project_step", args=[project.pk])
    ent = client(world.users["enterprise_user"])
    assert (
        ent.post(step, {"action": "start", "on": str(timezone.localdate() - timedelta(days=60))}).status_code
        == 302
    )
    assert (
        ent.post(
            step, {"action": "complete", "on": str(timezone.localdate() - timedelta(days=2))}
        ).status_code
        == 302
    )
    page = ent.get(detail).content.decode()
    assert 'data-testid="enterprise-acceptance-form"' in page and 'data-testid="accept-form"' not in page
    table = page[page.index('data-testid="before-after"') :]
    table = table[: table.index("</table>")]
    assert "一级" in table and "level-4" not in table  # no assessment after yet: no level shown for it
    SelfAssessment.objects.create(
        enterprise=world.ent_donghu, status=SelfAssessment.Status.SUBMITTED, level=2, total_score=Decimal("52.5"),
        submitted_at=timezone.now(),
    )  # fmt: skip
    accept = reverse("diagnosis:project_accept", args=[project.pk])
    office = client(officer)
    early = office.post(
        accept,
        {"site_check_on": str(timezone.localdate()), "site_inspectors": "王工", "site_check_record": "ok"},
    )
    assert early.status_code == 400 and "企业尚未提交验收报告" in early.content.decode()
    response = ent.post(
        reverse("diagnosis:acceptance_enterprise", args=[project.pk]),
        {"report": "上线运行", "satisfaction": "5"},
    )
    assert response.status_code == 302
    response = client(world.users["provider_staff"]).post(
        reverse("diagnosis:acceptance_provider", args=[project.pk]), {"report": "交付完成"}
    )
    assert response.status_code == 302
    response = office.post(
        accept,
        {
            "site_check_on": str(timezone.localdate()),
            "site_inspectors": "王工",
            "site_check_record": "运行正常",
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    acceptance = ProjectAcceptance.objects.get(project=project)
    assert project.status == Status.ACCEPTED and (acceptance.before_level, acceptance.after_level) == (1, 2)
    assert ProviderRating.objects.get(project=project).score == 5
    page = office.get(detail).content.decode()
    assert 'data-testid="level-change">+1<' in page and "52.5" in page


def test_the_export_is_scoped_formula_safe_and_exact(world, lead):
    officer = world.users["county_officer"]
    svc.project_create(
        actor=officer, enterprise=world.ent_donghu, provider=lead, title="=HYPERLINK(\"http://x\")",
        planned_investment=Decimal("120.5"),
    )  # fmt: skip
    far = EnterpriseFactory(county=region("360403"))
    TransformationProject.objects.create(enterprise=far, provider=lead, title="浔阳项目")
    response = client(officer).get(reverse("diagnosis:project_export"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2  # the header and the one project of 东湖
    assert rows[1][0].startswith("'=") or not str(rows[1][0]).startswith("=")
    assert Decimal(str(rows[1][10])) == Decimal("120.5")
    csv = client(world.users["province_officer"]).get(reverse("diagnosis:project_export") + "?format=csv")
    text = csv.content.decode("utf-8-sig")
    assert "浔阳项目" in text and "HYPERLINK" in text and "\n=HYPERLINK" not in text


def _accepted(enterprise, lead, before, after, investment):
    project = TransformationProject.objects.create(
        enterprise=enterprise, provider=lead, title="x", status=Status.ACCEPTED, actual_investment=investment,
        actual_subsidy=investment / 5,
    )  # fmt: skip
    ProjectAcceptance.objects.create(project=project, before_level=before, after_level=after)
    return project


def test_outcome_sums_levels_before_and_after_within_scope(world, lead):
    _accepted(world.ent_donghu, lead, 1, 2, Decimal("100.25"))
    _accepted(world.ent_xihu, lead, 1, 3, Decimal("50"))
    _accepted(world.ent_jiujiang, lead, 0, 1, Decimal("999"))
    city = project_outcomes(actor=world.users["city_officer"], group="county")
    assert city["total"]["projects"] == 2 and city["total"]["actual_investment"] == Decimal("150.25")
    assert city["total"]["before"] == {1: 2} and city["total"]["after"] == {2: 1, 3: 1}
    assert city["total"]["raised"] == 2 and city["total"]["actual_subsidy"] == Decimal("30.05")
    province = project_outcomes(actor=world.users["province_officer"], group="city")
    assert province["total"]["projects"] == 3 and len(province["rows"]) == 2
    page = client(world.users["city_officer"]).get(reverse("diagnosis:project_outcome") + "?group=county")
    assert page.status_code == 200 and "150.25" in page.content.decode()


def test_period_figures_count_steps_in_the_period(world, lead):
    today = timezone.localdate()
    TransformationProject.objects.create(
        enterprise=world.ent_donghu, provider=lead, title="a", status=Status.IN_PROGRESS, started_on=today,
        planned_investment=Decimal("10.5"),
    )  # fmt: skip
    TransformationProject.objects.create(
        enterprise=world.ent_donghu, provider=lead, title="b", status=Status.COMPLETED,
        started_on=today - timedelta(days=400), completed_on=today - timedelta(days=1),
        actual_investment=Decimal("7"), actual_subsidy=Decimal("1.5"),
    )  # fmt: skip
    rows = project_period_figures(
        actor=world.users["county_officer"], start=today - timedelta(days=30), end=today
    )
    assert len(rows) == 1
    row = rows[0]
    assert (row["started"], row["completed"], row["enterprises_transforming"]) == (1, 1, 1)
    assert row["planned_investment"] == Decimal("10.5") and row["actual_subsidy"] == Decimal("1.5")
    assert project_period_figures(actor=world.users["other_commissioner"], start=today, end=today) == []


def test_home_lists_projects_waiting_for_acceptance(world, lead):
    TransformationProject.objects.create(
        enterprise=world.ent_donghu, provider=lead, title="待验收", status=Status.COMPLETED,
        completed_on=timezone.localdate(),
    )  # fmt: skip
    page = client(world.users["county_officer"]).get(reverse("home")).content.decode()
    assert "1 个改造项目已完成，等待验收" in page
    page = client(world.users["enterprise_user"]).get(reverse("home")).content.decode()
    assert "1 个已完成的改造项目待提交验收报告" in page


def test_project_types_read_in_the_readers_language(world, lead):
    from diagnosis.models import ProjectType

    cloud = ProjectType.objects.get(code="cloud")
    project = svc.project_create(
        actor=world.users["county_officer"], enterprise=world.ent_donghu, provider=lead, title="上云",
        related={"types": [cloud]},
    )  # fmt: skip
    c = client(world.users["county_officer"])
    url = reverse("diagnosis:project_detail", args=[project.pk])
    assert cloud.name in c.get(url).content.decode()
    c.cookies["django_language"] = "en"
    english = c.get(url).content.decode()
    assert cloud.name_en and cloud.name_en in english and cloud.name not in english


HOSTILE = [
    "",
    " ",
    "-1",
    "1e999",
    "NaN",
    "Infinity",
    "12345678901234567890",
    "0x10",
    "=1+1",
    "<b>",
    "\x00",
    "１２.３４５６７",
    "2026-02-30",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_odd_input_never_breaks_a_form(world, lead, value):
    officer = client(world.users["county_officer"])
    project = TransformationProject.objects.create(
        enterprise=world.ent_donghu, provider=lead, title="原项目", status=Status.COMPLETED,
        completed_on=timezone.localdate(),
    )  # fmt: skip
    from diagnosis.models import ServiceVoucher

    voucher = ServiceVoucher.objects.create(
        number="FWQ-HOSTILE", enterprise=world.ent_donghu, issuer_region=world.ent_donghu.county, amount=10,
        purpose="x", expires_on=timezone.localdate() + timedelta(days=30),
    )  # fmt: skip
    before = (
        TransformationProject.objects.count(),
        ProjectAcceptance.objects.count(),
        voucher.entries.count(),
    )
    posts = [
        (reverse("diagnosis:project_create", args=[world.ent_donghu.pk]),
         {"title": value, "provider": value, "planned_investment": value, "start_date": value, "types": value}),
        (reverse("diagnosis:project_edit", args=[project.pk]), {"title": value, "planned_subsidy": value}),
        (reverse("diagnosis:project_step", args=[project.pk]), {"action": value, "on": value}),
        (reverse("diagnosis:project_step", args=[project.pk]), {"action": "reopen", "reason": value.strip()[:0]}),
        (reverse("diagnosis:milestone_add", args=[project.pk]), {"title": value, "due_on": value}),
        (reverse("diagnosis:project_file_upload", args=[project.pk]), {"purpose": value, "milestone": value}),
        (reverse("diagnosis:project_accept", args=[project.pk]), {"site_check_on": value, "site_inspectors": value}),
        (reverse("diagnosis:voucher_issue", args=[world.ent_donghu.pk]), {"amount": value, "expires_on": value}),
        (reverse("diagnosis:voucher_redeem", args=[voucher.pk]), {"project": value, "amount": value}),
        (reverse("diagnosis:voucher_revoke", args=[voucher.pk]), {"reason": value.strip()[:0]}),
    ]  # fmt: skip
    for url, data in posts:
        response = officer.post(url, data)
        assert response.status_code in (302, 400), (url, data, response.status_code)
    for path in ("diagnosis:project_list", "diagnosis:project_outcome", "diagnosis:voucher_list"):
        query = {
            "q": value,
            "status": value,
            "region": value,
            "overdue": value,
            "group": value,
            "page": value,
        }
        assert officer.get(reverse(path), query).status_code == 200
    assert officer.get(reverse("diagnosis:project_export"), {"region": value}).status_code == 200
    assert client(world.users["county_officer"]).get("/api/v1/projects/", {"status": value}).status_code in (
        200,
        400,
    )
    after = (
        TransformationProject.objects.count(),
        ProjectAcceptance.objects.count(),
        voucher.entries.count(),
    )
    created = after[0] - before[0]
    assert created == 0 and after[1:] == before[1:]
