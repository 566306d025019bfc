"""Every role's main pages fit a 390 px phone in Chinese and in English (no sideways scrolling),
and every role lands on its home page (工作台) with its own panels.

Screenshots: ``var/screenshots/width-<role>-<language>-<page>.png`` and ``home-<role>-<language>.png``.
"""

import datetime
import re

import pytest
from django.utils import timezone

from diagnosis.models import Visit
from providers.loader import load_categories, load_scenarios
from providers.models import BusinessScenario, ServiceCategory, Solution
from tests.factories import EnterpriseFactory, region

from .conftest import PHONE, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["zh-hans", "en"]

#: role → (username, pages after signing in; "{ent}" is an enterprise the role may see, "{provider}" its provider)
PAGES = {
    "province_officer": ("prov", [
        "/", "/enterprises/", "/enterprises/{ent}/", "/enterprises/import/", "/enterprises/import/jobs/",
        "/enterprises/import/help/", "/providers/pool/", "/providers/pool/applications/", "/providers/solutions/",
        "/providers/solutions/reviews/", "/providers/clinics/", "/providers/commissioners/",
        "/reporting/providers/league/", "/reporting/targets/", "/enterprises/projects/",
        "/enterprises/projects/outcome/", "/enterprises/vouchers/", "/reporting/stats/", "/reporting/dashboard/",
        "/reporting/stats/tables/new/",
    ]),
    "city_officer": ("nc_city", ["/", "/enterprises/", "/providers/clinics/", "/reporting/targets/", "/reporting/dashboard/"]),
    "county_officer": ("dh_county", [
        "/", "/enterprises/", "/enterprises/assign/", "/providers/commissioners/", "/enterprises/corrections/",
        "/enterprises/requests/", "/enterprises/follow-ups/overdue/", "/enterprises/reports/batches/",
        "/reporting/dashboard/",
    ]),
    "commissioner": ("dh_comm", [
        "/", "/enterprises/caseload/", "/enterprises/{ent}/", "/enterprises/{ent}/visits/", "/enterprises/{ent}/visits/new/",
        "/accounts/notifications/",
    ]),
    "clinic_staff": ("clinic1", ["/", "/enterprises/", "/enterprises/{ent}/", "/providers/clinics/"]),
    "provider_staff": ("prov_staff", [
        "/", "/providers/pool/mine/", "/providers/solutions/", "/reporting/my-evaluation/", "/providers/clinics/",
    ]),
    "enterprise_user": ("ent_user", [
        "/", "/enterprises/{ent}/", "/enterprises/portal/", "/enterprises/portal/self-assessment/",
        "/enterprises/portal/correction/", "/enterprises/portal/requests/new/", "/enterprises/requests/",
        "/enterprises/projects/", "/enterprises/{ent}/projects/new/",
    ]),
    "anonymous": ("", ["/directory/", "/directory/apply/", "/accounts/login/", "/verify/"]),
}  # fmt: skip

#: the home page's panels each role must see
HOME_PANELS = {
    "province_officer": {"region", "statistics", "network"},
    "city_officer": {"region", "statistics", "network"},
    "county_officer": {"region", "statistics", "network"},
    "commissioner": {"caseload", "revisit"},
    "clinic_staff": {"engaged"},
    "provider_staff": {"engaged", "provider"},
    "enterprise_user": {"archive", "commissioner"},
}


@pytest.fixture
def busy_world(world):
    """The shared world with long names, visits (overdue and due) and a provider with solutions."""
    if not ServiceCategory.objects.exists():
        load_categories(ServiceCategory)
    if not BusinessScenario.objects.exists():
        load_scenarios(BusinessScenario)
    from tests.providers.test_pool_support import make_provider, make_solution

    commissioner = world.users["commissioner"]
    today = timezone.localdate()
    for i in range(4):
        ent = EnterpriseFactory(
            county=region("360102"),
            commissioner=commissioner,
            name=f"江西洪都智能装备制造股份有限公司第{i}分公司",
        )
        Visit.objects.create(
            enterprise=ent, commissioner=commissioner, visited_on=today - datetime.timedelta(days=20),
            summary="了解设备联网需求", needs="希望实现生产数据采集与设备联网",
            follow_up_due=today + datetime.timedelta(days=(-5 if i % 2 else 5)),
        )  # fmt: skip
    provider = make_provider("赣云科技服务商", home="360100", serves=("360100",), organisation=world.provider)
    make_solution(provider, "面向中小制造企业的轻量化生产管理云平台（MES）", status=Solution.Status.PUBLISHED)
    make_solution(provider, "设备联网草稿", status=Solution.Status.RETURNED)
    # the portal: a pending contact correction with a long address and an open request
    from diagnosis.services import portal

    owner = world.users["enterprise_user"]
    portal.contact_correction_propose(
        actor=owner, enterprise=world.ent_donghu, note="联系人已更换",
        values={"contact_person": "欧阳晓明", "address": "江西省南昌市东湖区八一大道一百二十八号洪都智能装备产业园三号厂房"},
    )  # fmt: skip
    portal.enterprise_request_create(
        actor=owner,
        enterprise=world.ent_donghu,
        kind="need",
        text="希望实现主要生产设备联网和生产数据自动采集" * 3,
    )
    # the commissioner's daily reminders (a long notification on their notifications page)
    from diagnosis.services.reminders import reminders_run

    reminders_run(day=today)
    return world


def _set_language(page, live_server, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


def _overflow(page) -> dict:
    return page.evaluate("({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", list(PAGES))
def test_main_pages_fit_a_phone(phone_page, live_server, busy_world, shot, role, language):
    page = phone_page
    _set_language(page, live_server, language)
    username, paths = PAGES[role]
    if username:
        sign_in(page, live_server, username)
    too_wide = []
    for path in paths:
        url = live_server.url + path.format(ent=busy_world.ent_donghu.pk)
        response = page.goto(url)
        assert response.status == 200, (role, path, response.status)
        assert page.get_attribute("html", "lang") == language
        width = _overflow(page)
        name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
        shot(page, f"width-{role}-{language}-{name}")
        # a page wider than the screen makes a phone browser zoom out (innerWidth grows with it)
        if width["scroll"] > width["inner"] or width["inner"] > PHONE["width"]:
            too_wide.append((path, width))
    assert not too_wide, f"{role} ({language}): wider than {PHONE['width']} px: {too_wide}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", list(HOME_PANELS))
def test_each_role_lands_on_its_home(phone_page, live_server, busy_world, shot, role, language):
    page = phone_page
    _set_language(page, live_server, language)
    sign_in(page, live_server, PAGES[role][0])
    assert page.url == live_server.url + "/"
    panels = set(page.eval_on_selector_all("[data-panel]", "els => els.map(e => e.dataset.panel)"))
    assert panels == HOME_PANELS[role]
    assert page.locator("[data-testid=home-todos]").is_visible()
    width = _overflow(page)
    assert width["scroll"] <= width["inner"] <= PHONE["width"], width
    shot(page, f"home-{role}-{language}")
    if role == "commissioner":
        # overdue and not-yet-due follow-ups are told apart on the home page and the caseload
        todos = page.eval_on_selector_all("[data-todo]", "els => els.map(e => e.dataset.todo)")
        assert todos[0] == "overdue" and "due_soon" in todos
        page.goto(live_server.url + "/enterprises/caseload/")
        overdue = page.locator("[data-testid=caseload-table] [data-follow-up=overdue]").first
        due = page.locator("[data-testid=caseload-table] [data-follow-up=due]").first
        assert overdue.evaluate("e => getComputedStyle(e).backgroundColor") != due.evaluate(
            "e => getComputedStyle(e).backgroundColor"
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_signed_out_phone_shows_sign_in_and_language(phone_page, live_server, busy_world, shot, language):
    page = phone_page
    _set_language(page, live_server, language)
    page.goto(live_server.url + "/directory/")
    assert page.locator("[data-testid=sign-in-link]").is_visible()
    assert page.locator(".lang-switch").is_visible()
    shot(page, f"directory-signed-out-{language}")
    page.locator("[data-testid=sign-in-link]").tap()
    page.wait_for_url(re.compile(r"/accounts/login/\?next=/directory/"))
