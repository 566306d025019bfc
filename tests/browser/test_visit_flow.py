"""A commissioner logs a visit with a photo on a phone-sized screen in Chromium: the first submit
misses the summary and keeps the photo and what was typed, the second logs it; the photo shows on
the visit list and downloads; a draft saved on the way is offered again and finished."""

import io

import pytest
from PIL import Image

from diagnosis.models import Visit, VisitDraft

from .conftest import navigate, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


def _photo(tmp_path):
    path = tmp_path / "车间现场.jpg"
    Image.new("RGB", (64, 48), "steelblue").save(path, "JPEG")
    return path


def test_commissioner_logs_a_visit_with_a_photo(phone_page, live_server, world, shot, tmp_path):
    page = phone_page
    enterprise = world.ent_donghu
    sign_in(page, live_server, world.users["commissioner"].username)
    page.goto(f"{live_server.url}/enterprises/{enterprise.pk}/visits/new/")
    fits(page)
    page.check("input[name=kind][value=onsite]")
    page.fill("#id_people_met", "王总（生产副总）")
    page.locator("input[name=need_tags]").first.check()
    page.set_input_files("#id_attachments", str(_photo(tmp_path)))
    shot(page, "visit-form-phone")
    # no summary: refused, everything kept, the photo included
    navigate(page, lambda: page.click("button[value=save]"))
    assert page.locator("#field-summary .field-error").count() == 1
    assert page.input_value("#id_people_met") == "王总（生产副总）"
    assert "车间现场.jpg" in page.inner_text("[data-testid=pending-attachments]")
    fits(page)
    # save as a draft on the way, come back to it
    page.fill("#id_summary", "查看产线，了解排产痛点")
    navigate(page, lambda: page.click("button[value=draft]"))
    assert VisitDraft.objects.filter(enterprise=enterprise).exists() and not Visit.objects.exists()
    page.goto(f"{live_server.url}/enterprises/{enterprise.pk}/visits/new/")
    assert page.is_visible("[data-testid=visit-draft-note]")
    assert page.input_value("#id_summary") == "查看产线，了解排产痛点"
    assert "车间现场.jpg" in page.inner_text("[data-testid=pending-attachments]")
    navigate(page, lambda: page.click("button[value=save]"))
    visit = Visit.objects.get(enterprise=enterprise)
    assert visit.summary == "查看产线，了解排产痛点" and visit.people_met == "王总（生产副总）"
    assert [a.name for a in visit.attachments.all()] == ["车间现场.jpg"]
    assert not VisitDraft.objects.exists()
    # the visit list shows the photo, which loads as an image through the scoped view
    assert "/visits/" in page.url
    thumb = page.locator("[data-testid=visit-attachments] img").first
    thumb.wait_for()
    thumb.scroll_into_view_if_needed()  # thumbnails load lazily: bring it on screen, wait for it
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    assert page.evaluate("(img) => img.naturalWidth", thumb.element_handle()) == 64
    shot(page, "visit-list-phone")
    fits(page)
    with page.expect_download() as download:
        page.evaluate(
            "(href) => { const a = document.createElement('a'); a.href = href; a.download = ''; "
            "document.body.appendChild(a); a.click(); }",
            thumb.evaluate("(img) => img.parentElement.href"),
        )
    data = open(download.value.path(), "rb").read()
    assert Image.open(io.BytesIO(data)).size == (64, 48)
