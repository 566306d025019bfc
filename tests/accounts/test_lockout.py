"""Sign-in lock-out (django-axes): after ``AXES_FAILURE_LIMIT`` wrong passwords for one username
from one address, that pair is refused for ``AXES_COOLOFF_TIME`` — even the right password — on
the login page (the page again, with a message in the visitor's language, status 429) and on the
API token exchange (a 429 JSON error)."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from tests.factories import make_role_user

pytestmark = pytest.mark.django_db

PASSWORD = "pass12345"  # tests.factories
HERE, ELSEWHERE = "10.0.0.1", "10.0.0.2"


@pytest.fixture(autouse=True)
def axes_enabled(settings):
    settings.AXES_ENABLED = True  # off in config.settings.test (see its docstring)


@pytest.fixture
def officer():
    return make_role_user(Role.CITY_OFFICER, username="locked_officer", region_code="360100")


def sign_in(client: Client, password: str, address: str = HERE, language: str = "zh-hans"):
    return client.post(
        reverse("accounts:login"),
        {"username": "locked_officer", "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_login_page_locks_out_after_the_limit_even_with_the_right_password(officer):
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "wrong")
        assert response.status_code == 200 and "_auth_user_id" not in client.session
    response = sign_in(client, "wrong")  # the failure that reaches the limit
    assert response.status_code == 429

    response = sign_in(client, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    body = response.content.decode()
    assert "已被暂时锁定" in body and "15 分钟" in body
    assert 'value="locked_officer"' in body  # what the person typed is kept
    assert response["Retry-After"] == "900"

    english = sign_in(client, PASSWORD, language="en").content.decode()
    assert "Too many wrong passwords" in english and "15 minutes" in english


def test_lockout_is_per_username_and_address(officer):
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong")
    elsewhere = Client()
    assert sign_in(elsewhere, PASSWORD, address=ELSEWHERE).status_code == 302
    assert "_auth_user_id" in elsewhere.session


def test_a_success_resets_the_count(officer):
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "wrong").status_code == 200
    assert sign_in(client, PASSWORD).status_code == 302


def obtain_token(password: str, address: str = HERE, language: str = "zh-hans"):
    return APIClient().post(
        "/api/v1/auth/token/",
        {"username": "locked_officer", "password": password},
        format="json",
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_api_token_exchange_locks_out_with_a_json_429(officer):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert obtain_token("wrong").status_code == 400
    assert obtain_token("wrong").status_code == 429

    response = obtain_token(PASSWORD)
    assert response.status_code == 429
    assert "token" not in response.data
    assert "已被暂时锁定" in response.data["detail"]
    assert response["Retry-After"] == "900"
    assert "Too many wrong passwords" in obtain_token(PASSWORD, language="en").data["detail"]

    other = obtain_token(PASSWORD, address=ELSEWHERE)
    assert other.status_code == 200 and other.data["token"]


def test_login_page_and_api_share_one_count(officer):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        obtain_token("wrong")
    assert sign_in(Client(), "wrong").status_code == 429
    assert obtain_token(PASSWORD).status_code == 429
