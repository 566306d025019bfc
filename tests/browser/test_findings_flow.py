"""Findings in Chromium on a phone-sized screen: the clinic generates recommendations, edits one,
and the result page's matrix and roadmap fit the 390 px screen in Chinese and in English."""

import pytest

from diagnosis.selectors.assessment import default_model, model_spec
from tests.diagnosis.test_findings import weak

from .conftest import navigate, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_generate_edit_and_read_the_roadmap(phone_page, live_server, world, shot, language):
    page = phone_page
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    diagnosis = weak(world, model_spec(default_model()))
    sign_in(page, live_server, world.users["clinic_staff"].username)
    page.goto(f"{live_server.url}/enterprises/diagnoses/{diagnosis.pk}/")
    assert page.locator("[data-testid=no-recommendations]").is_visible()
    navigate(page, lambda: page.click("[data-testid=edit-recommendations]"))
    navigate(page, lambda: page.click("[data-testid=generate]"))
    fits(page)
    shot(page, f"recommendations-edit-phone-{language}")
    navigate(page, lambda: page.click("[data-testid=rec-1] a.btn"))
    page.fill("#id_title", "诊所修改后的第一条建议")
    fits(page)
    navigate(page, lambda: page.click("[data-testid=recommendation-form] button[type=submit]"))
    page.goto(f"{live_server.url}/enterprises/diagnoses/{diagnosis.pk}/")
    assert "诊所修改后的第一条建议" in page.inner_text("[data-testid=recommendations]")
    assert page.locator("[data-testid=matrix]").is_visible()
    assert page.locator("[data-testid=phase-1]").is_visible()
    assert page.locator("[data-testid=interpretation-band]").is_visible()
    fits(page)
    shot(page, f"recommendations-result-phone-{language}")
