"""Flows through a real browser: sign in, search, open, edit; the phone layout; the stylesheet.

Screenshots of every page visited land in ``var/screenshots/`` (desktop 1280 px and phone 390 px).
"""

import os
import re
from decimal import Decimal

import pytest

from diagnosis.models import Enterprise
from diagnosis.services.enterprises import enterprise_update
from tests.factories import EnterpriseFactory, region

from .conftest import navigate, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def archives(world):
    """The shared world plus a few more archives in 东湖区 for the commissioner, with history."""
    commissioner = world.users["commissioner"]
    names = [
        "洪都航空配件有限公司",
        "赣鄱智能装备股份有限公司",
        "南昌光谷电子科技有限公司",
        "豫章新材料有限公司",
    ]
    for i, name in enumerate(names):
        EnterpriseFactory(
            county=region("360102"),
            commissioner=commissioner,
            name=name,
            industry_code=["3670", "3421", "3975", "2651"][i],
            size_class=["medium", "small", "micro", "large"][i],
            above_designated_size=i != 2,
        )
    enterprise_update(
        actor=world.users["county_officer"],
        enterprise=world.ent_donghu,
        data={
            "revenue": Decimal("12345678.9012"),
            "output_value": Decimal("9800"),
            "employees": 1280,
            "address": "南昌市东湖区阳明路100号",
            "contact_person": "李明",
            "contact_phone": "0791-86661234",
            "cloud_adopted": True,
            "cloud_depth": "business",
        },
    )
    enterprise_update(
        actor=commissioner,
        enterprise=world.ent_donghu,
        data={"uses_5g": True, "integration_certified": True, "integration_level": "AA"},
    )
    return world


def test_async_unsafe_override_is_effective(browser, world):
    """Playwright's loop is running in this thread, yet the ORM still answers."""
    assert os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE") == "true"
    assert Enterprise.objects.count() == 3


def test_commissioner_signs_in_searches_and_opens_an_enterprise(desktop_page, live_server, archives, shot):
    page = desktop_page
    page.goto(live_server.url + "/")
    assert "/accounts/login/" in page.url
    shot(page, "desktop-login")

    # a wrong password keeps the username and says what is wrong
    page.fill("#id_username", "dh_comm")
    page.fill("#id_password", "wrong")
    navigate(page, lambda: page.click("form.stack-form button[type=submit]"))
    assert page.input_value("#id_username") == "dh_comm"
    assert "正确的用户名和密码" in page.inner_text("[role=alert]")
    shot(page, "desktop-login-error")

    sign_in(page, live_server, "dh_comm")
    assert page.url == live_server.url + "/"  # signing in lands on the home page (工作台)
    assert page.locator("[data-panel=caseload]").count() == 1
    shot(page, "desktop-home-commissioner")
    navigate(page, lambda: page.click(".mainnav a:has-text('企业档案')"))
    assert page.url.endswith("/enterprises/")
    table = page.inner_text("[data-testid=enterprise-table]")
    assert "东湖电子有限公司" in table
    assert "西湖机械有限公司" not in table  # 西湖区: another county
    assert "浔阳化工有限公司" not in table  # another city, another commissioner
    assert "数字专员" in page.inner_text(".account-role") and "东湖区" in page.inner_text(".account-role")
    shot(page, "desktop-list")

    page.fill("input[name=q]", "东湖电子")
    navigate(page, lambda: page.click(".search-row button[type=submit]"))
    assert page.locator("[data-testid=enterprise-table] tbody tr").count() == 1
    navigate(page, lambda: page.click("text=东湖电子有限公司"))
    assert page.inner_text("[data-testid=enterprise-name]") == "东湖电子有限公司"
    assert page.inner_text("[data-testid=credit-code]") == archives.ent_donghu.credit_code
    assert "12,345,678.9012" in page.inner_text("[data-field=revenue]")
    assert "业务应用上云" in page.content()
    shot(page, "desktop-detail")

    # the commissioner updates what a visit found
    navigate(page, lambda: page.click("text=修改档案"))
    assert page.locator("#id_credit_code").count() == 0
    shot(page, "desktop-edit-commissioner")
    page.fill("#id_employees", "-5")
    navigate(page, lambda: page.click(".form-actions button[type=submit]"))
    assert page.locator("#field-employees .field-error").count() == 1
    assert page.input_value("#id_address") == "南昌市东湖区阳明路100号"
    shot(page, "desktop-edit-error")
    page.fill("#id_employees", "1300")
    page.select_option("#id_iip_platform_used", "true")
    navigate(page, lambda: page.click(".form-actions button[type=submit]"))
    assert "已保存修改" in page.inner_text(".messages")
    assert "1,300" in page.inner_text("[data-field=employees]")
    history = page.inner_text(".history")
    assert "从业人员数" in history and "1,280" in history and "1,300" in history
    shot(page, "desktop-detail-after-edit")

    # a typed URL to another county's archive is "not found"
    response = page.goto(f"{live_server.url}/enterprises/{archives.ent_xihu.pk}/")
    assert response.status == 404


def test_officer_sees_filters_and_the_create_form(desktop_page, live_server, archives, shot):
    page = desktop_page
    sign_in(page, live_server, "prov")
    page.goto(live_server.url + "/enterprises/")
    assert page.locator("select[name=region]").count() == 1
    page.select_option("select[name=region]", "360100")
    # counties narrow to the chosen city
    visible_groups = page.eval_on_selector_all(
        "select[name=county] optgroup", "gs => gs.filter(g => !g.hidden).map(g => g.label)"
    )
    assert visible_groups == ["南昌市"]
    navigate(page, lambda: page.click(".filter-actions button[type=submit]"))
    assert "共 6 家企业" in page.inner_text("[data-testid=result-count]")
    shot(page, "desktop-list-officer-filtered")
    navigate(page, lambda: page.click("text=新建企业档案"))
    shot(page, "desktop-create")
    page.goto(f"{live_server.url}/enterprises/{archives.ent_donghu.pk}/edit/")
    shot(page, "desktop-edit-officer")


def test_stylesheet_is_served_and_applied(desktop_page, live_server, world):
    page = desktop_page
    response = page.goto(live_server.url + "/static/css/app.css")
    assert response.status == 200
    sign_in(page, live_server, "dh_comm")
    border = page.eval_on_selector(".topbar", "el => getComputedStyle(el).borderBottomColor")
    assert border == "rgb(200, 16, 46)"
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Noto Sans CJK SC" in font and "Microsoft YaHei" in font


def test_phone_layout(phone_page, live_server, archives, shot):
    page = phone_page
    page.goto(live_server.url + "/")
    shot(page, "phone-login")
    sign_in(page, live_server, "dh_comm")

    def no_horizontal_overflow():
        return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    assert no_horizontal_overflow()
    # the menu is folded behind a button and opens on tap
    toggle = page.locator("[data-nav-toggle]")
    assert toggle.is_visible()
    assert not page.locator(".mainnav").is_visible()
    shot(page, "phone-list")
    toggle.tap()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator(".mainnav a", has_text="企业档案").is_visible()
    assert page.locator(".logout-form button").is_visible()
    shot(page, "phone-menu-open")
    box = page.locator(".mainnav a", has_text="企业档案").bounding_box()
    assert box["height"] >= 44
    navigate(page, lambda: page.locator(".mainnav a", has_text="企业档案").tap())
    assert page.url.endswith("/enterprises/")

    # rows are cards: the name link is a big touch target
    link = page.locator("[data-testid=enterprise-table] td.cell-title a", has_text="东湖电子有限公司")
    assert link.bounding_box()["height"] >= 44
    navigate(page, link.tap)
    assert re.search(r"/enterprises/\d+/$", page.url)
    assert no_horizontal_overflow()
    shot(page, "phone-detail")
    navigate(page, page.locator("text=修改档案").tap)
    assert page.url.endswith("/edit/")
    assert no_horizontal_overflow()
    shot(page, "phone-edit")


def test_phone_layout_for_an_officer(phone_page, live_server, archives, shot):
    page = phone_page
    sign_in(page, live_server, "prov")
    page.goto(live_server.url + "/enterprises/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # filters fold away on a phone until asked for
    assert page.locator("details.more-filters").get_attribute("open") is None
    page.click("details.more-filters > summary")
    assert page.locator("select[name=region]").is_visible()
    shot(page, "phone-list-officer-filters")
    page.goto(f"{live_server.url}/enterprises/{archives.ent_donghu.pk}/edit/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "phone-edit-officer")


def test_language_switch_in_the_browser(desktop_page, live_server, world):
    page = desktop_page
    sign_in(page, live_server, "dh_comm")
    assert page.get_attribute("html", "lang") == "zh-hans"
    navigate(page, lambda: page.click(".lang-switch button[value=en]"))
    assert page.get_attribute("html", "lang") == "en"
    assert page.url == live_server.url + "/"  # the switch comes back to the page it was used on
    navigate(page, lambda: page.click(".lang-switch button[value=zh-hans]"))
    assert page.get_attribute("html", "lang") == "zh-hans"
