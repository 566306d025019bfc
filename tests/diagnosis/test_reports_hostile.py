"""Report routes answer odd input (huge ids, control characters, long codes) with 404 or a page, never a 500."""

import pytest

pytestmark = pytest.mark.django_db


def test_odd_input(client, world):
    client.force_login(world.users["province_officer"])
    huge = "9" * 30
    for url in [
        f"/enterprises/diagnoses/{huge}/report/",
        f"/enterprises/diagnoses/1/reports/{huge}/",
        f"/enterprises/diagnoses/{huge}/report/status/",
        "/verify/?code=%00%ff",
        "/verify/?code=" + "中" * 100,
        "/enterprises/diagnoses/1/report/?lang=%00",
    ]:
        assert client.get(url).status_code in (200, 302, 404), url
    assert (
        client.post(f"/enterprises/diagnoses/{huge}/report/generate/", {"lang": "x" * 10000}).status_code
        == 404
    )
