"""A provider applies through the public form; the province admits it; it shows in the directory.

Screenshots (desktop 1280 px and phone 390 px) land in ``var/screenshots/provider-*.png``.
Categories and scenarios are migrated reference data: a transactional test's flush removes them,
so they are reloaded here (as the browser conftest reloads the regions).
"""

import pytest
from django.utils import timezone

from providers.loader import load_categories, load_scenarios
from providers.models import BusinessScenario, Provider, ServiceCategory
from regions.codes import make_credit_code

from .conftest import navigate, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "赣江新程数字科技有限公司"


@pytest.fixture
def reference_data(world):
    if not ServiceCategory.objects.exists():
        load_categories(ServiceCategory)
    if not BusinessScenario.objects.exists():
        load_scenarios(BusinessScenario)
    return world


def fill_application(page, code: str) -> None:
    page.fill("#id_name", NAME)
    page.fill("#id_credit_code", code.lower())  # typed in lower case: normalised by the form
    page.select_option("#id_home_region", label="南昌市 · 东湖区")
    page.locator("#field-categories input[type=checkbox]").nth(0).check()
    page.locator("#field-categories input[type=checkbox]").nth(2).check()
    page.select_option("#id_regions_served", label="南昌市")
    page.fill("#id_description", "为中小制造企业提供设备联网与生产管理轻量化改造。")
    page.fill("#id_contact_person", "陈经理")
    page.fill("#id_contact_phone", "0791-86001234")
    page.fill("#id_contact_email", "chen@example.invalid")
    page.fill("#id_qual-0-name", "ISO 9001 质量管理体系认证")
    page.fill("#id_qual-0-number", "00124Q31234R0M")
    page.fill("#id_qual-0-issuer", "中国质量认证中心")
    page.fill("#id_qual-0-valid_until", f"{timezone.localdate().year + 2}-06-30")
    page.check("#id_consent")


def test_apply_admit_and_appear_in_the_directory(desktop_page, live_server, reference_data, shot):
    page = desktop_page
    code = make_credit_code("360102", 4_000_123)

    # the visitor finds the form from the directory
    page.goto(live_server.url + "/directory/")
    shot(page, "provider-directory-empty")
    navigate(page, lambda: page.click("[data-testid=apply-link]"))
    assert "/directory/apply/" in page.url
    shot(page, "provider-apply-form")

    # a wrong check character: the reason is shown and everything typed is kept
    bad = code[:-1] + ("0" if code[-1] != "0" else "1")
    fill_application(page, bad)
    navigate(page, lambda: page.click("[data-testid=apply-submit]"))
    assert "统一社会信用代码校验位错误" in page.inner_text("#field-credit_code")
    assert page.input_value("#id_name") == NAME
    assert page.input_value("#id_qual-0-name") == "ISO 9001 质量管理体系认证"
    shot(page, "provider-apply-error")

    page.fill("#id_credit_code", code)
    page.check("#id_consent")
    navigate(page, lambda: page.click("[data-testid=apply-submit]"))
    assert "/directory/apply/thanks/" in page.url
    number = page.inner_text("[data-testid=application-number]")
    assert number.startswith("FWS")
    shot(page, "provider-apply-thanks")
    provider = Provider.objects.get(organisation__credit_code=code)
    assert provider.status == Provider.Status.APPLIED

    # the province officer admits it
    sign_in(page, live_server, "prov")
    page.goto(live_server.url + "/providers/pool/applications/")
    assert NAME in page.inner_text("[data-testid=application-table]")
    shot(page, "provider-queue")
    navigate(page, lambda: page.click(f"text={NAME}"))
    assert page.inner_text("[data-testid=provider-status]") == "已申请"
    shot(page, "provider-detail-applied")
    page.fill("#id_reason", "材料齐全，资质有效，准予入库。")
    navigate(page, lambda: page.click("button[data-action=admitted]"))
    assert page.inner_text("[data-testid=provider-status]") == "已入库"
    assert "材料齐全，资质有效，准予入库。" in page.inner_text("#history-title + ol")
    shot(page, "provider-detail-admitted")

    # it is in the public directory now
    page.goto(live_server.url + "/directory/")
    assert NAME in page.inner_text("[data-testid=directory-list]")
    shot(page, "provider-directory")
    navigate(page, lambda: page.click(f"text={NAME}"))
    assert page.inner_text("[data-testid=provider-name]") == NAME
    shot(page, "provider-directory-profile")


def test_phone_layout_of_the_provider_pages(phone_page, live_server, reference_data, shot):
    page = phone_page
    page.goto(live_server.url + "/directory/apply/")
    shot(page, "provider-phone-apply-form")
    fill_application(page, make_credit_code("360102", 4_000_456))
    navigate(page, lambda: page.click("[data-testid=apply-submit]"))
    assert "/directory/apply/thanks/" in page.url
    shot(page, "provider-phone-thanks")
    # the form fits the screen: nothing wider than the viewport
    sign_in(page, live_server, "prov")
    page.goto(live_server.url + "/providers/pool/applications/")
    shot(page, "provider-phone-queue")
    navigate(page, lambda: page.click(f"text={NAME}"))
    shot(page, "provider-phone-detail")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    page.fill("#id_reason", "准予入库")
    navigate(page, lambda: page.click("button[data-action=admitted]"))
    page.goto(live_server.url + "/directory/")
    assert NAME in page.inner_text("[data-testid=directory-list]")
    shot(page, "provider-phone-directory")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
