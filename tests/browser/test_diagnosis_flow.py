"""A diagnosis from start to confirmation in Chromium, on a phone-sized screen: the clinic fills and
submits it, the county officer returns it with a comment, the clinic resubmits, the officer approves
and issues it, and the enterprise confirms it. Every page fits the 390 px screen."""

import pytest

from diagnosis.models import Diagnosis
from diagnosis.selectors.assessment import default_model, model_spec

from .conftest import navigate, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


def switch_user(page, live_server, username) -> None:
    page.context.clear_cookies()
    sign_in(page, live_server, username)


def test_diagnosis_from_start_to_confirmation(phone_page, live_server, world, shot):
    page = phone_page
    spec = model_spec(default_model())
    enterprise = world.ent_donghu

    sign_in(page, live_server, world.users["clinic_staff"].username)
    page.goto(f"{live_server.url}/enterprises/{enterprise.pk}/")
    navigate(page, lambda: page.click("[data-testid=start-diagnosis]"))
    assert "/edit/" in page.url
    fits(page)
    page.fill("#id_examiners", "张工、李工")
    page.fill("#id_onsite_start", "2026-11-20")
    for question in spec.questions.values():
        if question.kind == "multi":
            for option in question.options:
                if not option.exclusive:
                    page.check(f"input[name='q-{question.code}'][value='{option.key}']")
        else:
            best = max(question.options, key=lambda o: o.score)
            page.check(f"input[name='q-{question.code}'][value='{best.key}']")
    for scenario in spec.scenarios:
        page.select_option(f"#s-{scenario.code}", "3")
    shot(page, "diagnosis-form-phone")
    navigate(page, lambda: page.click("[data-testid=save-submit]"))
    assert page.inner_text("[data-testid=diagnosis-status]") == "待审核"
    assert page.inner_text("[data-testid=diagnosis-total]").startswith("100")
    fits(page)

    switch_user(page, live_server, world.users["county_officer"].username)
    diagnosis = Diagnosis.objects.get(enterprise=enterprise)
    page.goto(f"{live_server.url}/enterprises/diagnoses/{diagnosis.pk}/")
    page.fill("#id_comment", "请补充设备台账")
    navigate(page, lambda: page.click("[data-testid=return-form] button[type=submit]"))
    assert page.inner_text("[data-testid=diagnosis-status]") == "已退回"

    switch_user(page, live_server, world.users["clinic_staff"].username)
    page.goto(f"{live_server.url}/enterprises/diagnoses/{diagnosis.pk}/edit/")
    assert "请补充设备台账" in page.content()
    navigate(page, lambda: page.click("[data-testid=save-submit]"))
    assert page.inner_text("[data-testid=diagnosis-status]") == "重新提交待审核"

    switch_user(page, live_server, world.users["county_officer"].username)
    page.goto(f"{live_server.url}/enterprises/diagnoses/{diagnosis.pk}/")
    navigate(page, lambda: page.click("[data-testid=approve]"))
    navigate(page, lambda: page.click("[data-testid=issue]"))
    assert page.inner_text("[data-testid=diagnosis-status]") == "已出具"

    switch_user(page, live_server, world.users["enterprise_user"].username)
    page.goto(f"{live_server.url}/enterprises/diagnoses/")
    fits(page)
    navigate(page, lambda: page.click(f"a[href='/enterprises/diagnoses/{diagnosis.pk}/']"))
    assert "三级" in page.inner_text("[data-testid=diagnosis-level]")
    assert "请补充设备台账" not in page.content()
    fits(page)
    shot(page, "diagnosis-result-phone")
    # the report was rendered when the diagnosis was issued (eager tasks here): it downloads
    assert "已生成" in page.inner_text("[data-testid=report-state]")
    with page.expect_download() as download:
        page.click("[data-testid=report-download]")
    assert download.value.suggested_filename.startswith(
        "一企一诊断书-"
    ) and download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    navigate(page, lambda: page.click("[data-testid=confirm]"))
    assert page.inner_text("[data-testid=diagnosis-status]") == "企业已确认"
    diagnosis.refresh_from_db()
    assert diagnosis.status == Diagnosis.Status.CONFIRMED
    assert list(diagnosis.events.values_list("action", flat=True)) == [
        "create", "submit", "return", "resubmit", "approve", "issue", "confirm",
    ]  # fmt: skip
