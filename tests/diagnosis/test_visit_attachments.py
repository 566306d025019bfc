"""Visit attachments and drafts: type checked by content, size capped, stored privately, served
only in scope; a failed submit and a draft keep everything, files included."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from diagnosis.models import Visit, VisitAttachment, VisitDraft
from diagnosis.services.visits import pending_attachments_purge

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate().isoformat()


def jpeg_bytes(color="red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(out, "JPEG")
    return out.getvalue()


def photo(name="现场.jpg", data=None):
    return SimpleUploadedFile(name, data if data is not None else jpeg_bytes(), content_type="image/jpeg")


def form_url(world):
    return reverse("diagnosis:visit_log", args=[world.ent_donghu.pk])


def test_a_visit_with_a_photo_and_a_pdf(client, world):
    client.force_login(world.users["commissioner"])
    pdf = SimpleUploadedFile(
        "纪要.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "application/pdf"
    )
    response = client.post(
        form_url(world), {"visited_on": TODAY, "summary": "实地查看产线", "attachments": [photo(), pdf]}
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    files = list(visit.attachments.order_by("pk"))
    assert [(a.name, a.content_type, a.image) for a in files] == [
        ("现场.jpg", "image/jpeg", True),
        ("纪要.pdf", "application/pdf", False),
    ]
    stored = files[0].file.name
    assert stored.startswith("visits/") and "现场" not in stored  # generated name, not the person's
    listing = client.get(reverse("diagnosis:visit_list", args=[world.ent_donghu.pk])).content.decode()
    url = reverse("diagnosis:visit_attachment", args=[world.ent_donghu.pk, files[0].pk])
    assert url in listing
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == jpeg_bytes()
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("page.jpg", b"<html><script>alert(1)</script></html>", "不是可接受的照片或文档"),
        ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "不是可接受的照片或文档"),
        ("fake.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", "无法打开"),
        ("doc.jpg", b"%PDF-1.4\n%%EOF", "与扩展名 .jpg 不符"),
        ("empty.png", b"", "空文件"),
        ("tool.exe", b"MZ\x90\x00\x03", "不是可接受的照片或文档"),
    ],
)
def test_bad_files_are_refused_by_content_and_the_form_keeps_the_rest(client, world, name, data, reason):
    client.force_login(world.users["commissioner"])
    bad = SimpleUploadedFile(name, data, "image/jpeg")
    response = client.post(
        form_url(world), {"visited_on": TODAY, "summary": "保留这段文字", "attachments": [photo(), bad]}
    )
    page = response.content.decode()
    assert response.status_code == 200 and Visit.objects.count() == 0
    assert reason in page and "保留这段文字" in page
    kept = VisitAttachment.objects.get()  # the good photo was stored, pending, and is offered again
    assert kept.visit is None and f'name="attachment" value="{kept.pk}"' in page
    # the person fixes nothing but resubmits without the bad file: the kept photo is attached
    response = client.post(
        form_url(world), {"visited_on": TODAY, "summary": "保留这段文字", "attachment": [kept.pk]}
    )
    assert response.status_code == 302
    assert list(Visit.objects.get().attachments.all()) == [kept]


def test_size_cap(client, world, settings):
    settings.VISIT_ATTACHMENT_MAX_BYTES = 100
    client.force_login(world.users["commissioner"])
    response = client.post(form_url(world), {"visited_on": TODAY, "summary": "s", "attachments": [photo()]})
    assert response.status_code == 200 and "上限" in response.content.decode()
    assert not VisitAttachment.objects.exists()


def test_count_cap(client, world, settings):
    settings.VISIT_ATTACHMENTS_MAX = 2
    client.force_login(world.users["commissioner"])
    response = client.post(
        form_url(world), {"visited_on": TODAY, "summary": "s", "attachments": [photo(), photo(), photo()]}
    )
    assert response.status_code == 200 and "最多 2 个附件" in response.content.decode()
    assert VisitAttachment.objects.count() == 2


def test_a_failed_submit_keeps_the_files(client, world):
    client.force_login(world.users["commissioner"])
    response = client.post(form_url(world), {"visited_on": "", "summary": "", "attachments": [photo()]})
    assert response.status_code == 200
    pending = VisitAttachment.objects.get()
    assert pending.visit is None and pending.name in response.content.decode()
    response = client.post(
        form_url(world), {"visited_on": TODAY, "summary": "补全", "attachment": [pending.pk]}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.visit == Visit.objects.get()


def test_someone_elses_pending_file_cannot_be_taken_or_read(client, world):
    officer = world.users["county_officer"]
    client.force_login(officer)
    client.post(form_url(world), {"visited_on": "", "summary": "", "attachments": [photo()]})
    theirs = VisitAttachment.objects.get()
    client.force_login(world.users["commissioner"])
    response = client.post(
        form_url(world), {"visited_on": TODAY, "summary": "s", "attachment": [theirs.pk, "x", "-1"]}
    )
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.visit is None  # ignored, not attached
    url = reverse("diagnosis:visit_attachment", args=[world.ent_donghu.pk, theirs.pk])
    assert client.get(url).status_code == 404


def test_attachments_follow_the_visits_scope(client, world):
    client.force_login(world.users["commissioner"])
    client.post(form_url(world), {"visited_on": TODAY, "summary": "s", "attachments": [photo()]})
    attachment = VisitAttachment.objects.get()
    url = reverse("diagnosis:visit_attachment", args=[world.ent_donghu.pk, attachment.pk])
    for role, status in [("county_officer", 200), ("other_commissioner", 404), ("enterprise_user", 200)]:
        client.force_login(world.users[role])
        expected = status if world.ent_donghu.pk in world.visible_ids(role) else 404
        assert client.get(url).status_code == expected, role
    # under another enterprise's URL it is a 404 even for someone who sees both
    client.force_login(world.users["province_officer"])
    other = reverse("diagnosis:visit_attachment", args=[world.ent_jiujiang.pk, attachment.pk])
    assert client.get(other).status_code == 404


def test_a_draft_keeps_what_was_typed_and_its_files(client, world):
    client.force_login(world.users["commissioner"])
    data = {"action": "draft", "visited_on": "2026-13-45", "summary": "写了一半", "people_met": "李工",
            "attachments": [photo()]}  # fmt: skip
    response = client.post(form_url(world), data)
    assert response.status_code == 302 and Visit.objects.count() == 0
    draft = VisitDraft.objects.get()
    assert draft.data["visited_on"] == "2026-13-45" and draft.data["summary"] == "写了一半"
    assert draft.attachments.count() == 1
    page = client.get(form_url(world)).content.decode()
    assert "写了一半" in page and "李工" in page and "2026-13-45" in page and "现场.jpg" in page
    # nobody else sees the draft
    client.force_login(world.users["county_officer"])
    assert "写了一半" not in client.get(form_url(world)).content.decode()
    # finishing it logs the visit with the file and removes the draft
    client.force_login(world.users["commissioner"])
    pending = draft.attachments.get()
    response = client.post(
        form_url(world), {"visited_on": TODAY, "summary": "写完了", "attachment": [pending.pk]}
    )
    assert response.status_code == 302
    assert not VisitDraft.objects.exists()
    assert list(Visit.objects.get().attachments.all()) == [pending]


def test_a_draft_can_be_discarded_with_its_files(client, world):
    client.force_login(world.users["commissioner"])
    client.post(form_url(world), {"action": "draft", "summary": "x", "attachments": [photo()]})
    attachment = VisitAttachment.objects.get()
    path = attachment.file.path
    client.post(form_url(world), {"action": "discard"})
    assert not VisitDraft.objects.exists() and not VisitAttachment.objects.exists()
    import os

    assert not os.path.exists(path)


def test_a_draft_shows_on_the_home_page(client, world):
    client.force_login(world.users["commissioner"])
    client.post(form_url(world), {"action": "draft", "summary": "x"})
    page = client.get(reverse("home")).content.decode()
    assert "继续填写走访草稿" in page and world.ent_donghu.name in page


def test_abandoned_pending_files_are_purged(world):
    from datetime import timedelta

    user = world.users["commissioner"]
    from diagnosis.services.visits import attachment_store

    old = attachment_store(actor=user, upload=photo())
    fresh = attachment_store(actor=user, upload=photo())
    VisitAttachment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    assert pending_attachments_purge() == 1
    assert list(VisitAttachment.objects.all()) == [fresh]
    assert pending_attachments_purge() == 0


def test_api_upload_list_and_download(world):
    api = APIClient()
    api.force_authenticate(world.users["commissioner"])
    visit = api.post(
        "/api/v1/visits/",
        {"enterprise": world.ent_donghu.pk, "visited_on": TODAY, "summary": "s"},
        format="json",
    ).json()
    url = f"/api/v1/visits/{visit['id']}/attachments/"
    response = api.post(
        url, {"file": [photo(), SimpleUploadedFile("x.html", b"<html>", "text/html")]}, format="multipart"
    )
    assert response.status_code == 400 and "x.html" in str(response.json())
    assert not VisitAttachment.objects.exists()  # one bad file: none stored
    response = api.post(url, {"file": [photo()]}, format="multipart")
    assert response.status_code == 201
    listed = api.get(url).json()
    assert [a["name"] for a in listed] == ["现场.jpg"]
    assert api.get(listed[0]["download"]).status_code == 200
    assert api.get(f"/api/v1/visits/{visit['id']}/").json()["attachments"][0]["id"] == listed[0]["id"]
    outsider = APIClient()
    outsider.force_authenticate(world.users["other_commissioner"])
    assert outsider.get(listed[0]["download"]).status_code == 404
    assert outsider.post(url, {"file": [photo()]}, format="multipart").status_code == 404
    assert api.post(url, {}, format="multipart").status_code == 400
