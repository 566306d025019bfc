"""A transformation project from registration to acceptance, on a phone-sized screen in Chromium:
the enterprise registers it (a wrong money split is refused and everything typed is kept), starts
and completes it and files its report and rating; the provider files its report; the county
officer finds it on the home page's to-do, checks it on site and accepts it; the page then shows
the level before and after. Every page fits the screen."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from diagnosis.models import ProjectAcceptance, SelfAssessment, TransformationProject
from tests.diagnosis.test_selectors_benchmark import issued
from tests.providers.test_pool_support import make_provider

from .conftest import navigate, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


def sign_out(page) -> None:
    """Sign out by dropping the session (the phone menu hides the sign-out button)."""
    page.context.clear_cookies()


def test_project_from_registration_to_acceptance(phone_page, live_server, world, shot):
    page = phone_page
    lead = make_provider("", home="360100", organisation=world.provider)
    issued(world.ent_donghu, world.clinic, "38", days_ago=200)
    sign_in(page, live_server, world.users["enterprise_user"].username)
    page.goto(f"{live_server.url}/enterprises/portal/")
    navigate(page, lambda: page.click("[data-testid=portal-projects] a.btn"))
    fits(page)
    page.fill("#id_title", "智能仓储改造")
    page.select_option("#id_provider", str(lead.pk))
    page.fill("#id_planned_investment", "80")
    page.fill("#id_planned_subsidy", "20")
    page.fill("#id_planned_discount", "5")
    page.fill("#id_planned_own", "50")
    page.fill("#id_actual_investment", "80")
    navigate(page, lambda: page.click("[data-testid=project-form] button[type=submit]"))
    assert page.locator("#field-planned_investment .field-error").count() == 1
    assert page.input_value("#id_title") == "智能仓储改造" and page.input_value("#id_planned_own") == "50"
    fits(page)
    page.fill("#id_planned_own", "55")
    navigate(page, lambda: page.click("[data-testid=project-form] button[type=submit]"))
    project = TransformationProject.objects.get()
    assert page.inner_text("[data-testid=project-status]") == "计划中"
    fits(page)
    navigate(page, lambda: page.click("[data-testid=project-start]"))
    navigate(page, lambda: page.click("[data-testid=project-complete]"))
    assert page.inner_text("[data-testid=project-status]") == "已完成"
    page.fill("#id_report", "仓储系统上线，库存准确率提升。")
    page.check("input[name=satisfaction][value='4']")
    shot(page, "project-acceptance-enterprise-phone")
    navigate(page, lambda: page.click("[data-testid=enterprise-acceptance-form] button[type=submit]"))
    assert "仓储系统上线" in page.inner_text("[data-testid=enterprise-report]")
    fits(page)
    sign_out(page)

    sign_in(page, live_server, world.users["provider_staff"].username)
    page.goto(f"{live_server.url}/enterprises/projects/{project.pk}/")
    page.fill("#id_report", "按合同交付并完成培训。")
    navigate(page, lambda: page.click("[data-testid=provider-acceptance-form] button[type=submit]"))
    sign_out(page)

    SelfAssessment.objects.create(
        enterprise=world.ent_donghu, status=SelfAssessment.Status.SUBMITTED, level=3,
        total_score=Decimal("63.5"), submitted_at=timezone.now() + timedelta(seconds=1),
    )  # fmt: skip
    sign_in(page, live_server, world.users["county_officer"].username)
    assert "1 个改造项目已完成，等待验收" in page.inner_text("main")
    navigate(page, lambda: page.click("text=1 个改造项目已完成，等待验收"))
    navigate(page, lambda: page.click("[data-testid=project-table] a >> text=智能仓储改造"))
    fits(page)
    page.fill("#id_site_inspectors", "王工、李工")
    page.fill("#id_site_check_record", "现场查看仓储看板与扫码终端，运行正常。")
    navigate(page, lambda: page.click("[data-testid=accept-submit]"))
    assert page.inner_text("[data-testid=project-status]") == "已验收"
    assert page.inner_text("[data-testid=level-change]").strip() == "+2"
    shot(page, "project-accepted-phone")
    fits(page)
    acceptance = ProjectAcceptance.objects.get(project=project)
    assert (acceptance.before_level, acceptance.after_level, acceptance.satisfaction) == (1, 3, 4)
