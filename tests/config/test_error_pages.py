"""With DEBUG off (as ``make run`` and production serve), errors show the friendly pages in the
visitor's language and never a traceback, the settings or the exception's text."""

import pytest
from django.test import Client, override_settings

from tests.config.error_urls import SECRET_IN_EXCEPTION

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.config.error_urls")]

LEAKS = ["Traceback", "DEBUG = True", "SECRET_KEY", "INSTALLED_APPS", SECRET_IN_EXCEPTION, "Django"]

CASES = [
    # url, status, Chinese heading, English heading
    ("/no-such-page/", 404, "页面不存在", "Page not found"),
    ("/test-boom/", 500, "系统错误", "Server error"),
    ("/test-forbidden/", 403, "没有权限", "Access denied"),
]


@override_settings(DEBUG=False)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(("url", "status", "zh", "en"), CASES)
def test_error_pages_are_friendly_and_reveal_nothing(url, status, zh, en, language):
    client = Client(raise_request_exception=False)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == status
    body = response.content.decode()
    heading = zh if language == "zh-hans" else en
    assert f"<h1>{heading}</h1>" in body
    assert f'lang="{language}"' in body
    for leak in LEAKS:
        assert leak not in body
