"""core.api: service exceptions become 400/403/404 with DRF's usual bodies, in the person's language."""

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.utils import translation
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from tests.api.conftest import new_credit_code

RAISED = {
    "field": ValidationError({"name": ["名称不能为空。"], "county": ["县区不在辖区内。"]}),
    "plain": ValidationError("状态不允许此操作。"),
    "denied": PermissionDenied("只有省级可以操作。"),
    "denied_bare": PermissionDenied(),
    "missing": ObjectDoesNotExist(),
}


class Raising(APIView):
    def get(self, request, case):
        raise RAISED[case]


class Fine(APIView):
    def get(self, request):
        return Response({"ok": True})


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def call(user, case, language="zh-hans"):
    request = APIRequestFactory().get("/x/", HTTP_ACCEPT_LANGUAGE=language)
    force_authenticate(request, user)
    with translation.override(language):
        response = Raising.as_view()(request, case=case)
        response.render()
    return response


@pytest.mark.parametrize(
    ("case", "status", "body"),
    [
        ("field", 400, {"name": ["名称不能为空。"], "county": ["县区不在辖区内。"]}),
        ("plain", 400, {"non_field_errors": ["状态不允许此操作。"]}),
        ("denied", 403, {"detail": "只有省级可以操作。"}),
        ("denied_bare", 403, {"detail": "没有权限进行此操作。"}),
    ],
)
def test_service_exceptions_map_to_status_and_body(world, case, status, body):
    response = call(world.users["province_officer"], case)
    assert (response.status_code, response.data) == (status, body)


def test_missing_object_is_404_in_the_persons_language(world):
    response = call(world.users["province_officer"], "missing")
    assert response.status_code == 404 and set(response.data) == {"detail"}
    english = call(world.users["province_officer"], "missing", language="en")
    assert english.status_code == 404 and english.data["detail"] == "Not found."
    denied = call(world.users["province_officer"], "denied_bare", language="en")
    assert denied.data == {"detail": "You do not have permission to perform this action."}


def test_other_exceptions_are_not_swallowed(world):
    request = APIRequestFactory().get("/x/")
    force_authenticate(request, world.users["province_officer"])
    assert Fine.as_view()(request).status_code == 200


def test_real_endpoint_service_validation_error_keeps_its_shape(world):
    """The enterprise API: a county outside the officer's region is the service's field error (400)."""
    response = api_client(world.users["city_officer"]).post(
        "/api/v1/enterprises/",
        {"credit_code": new_credit_code("360403"), "name": "辖区外企业", "county": "360403"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["county"]


def test_real_endpoint_duplicate_credit_code_says_nothing_about_the_holder(world):
    response = api_client(world.users["province_officer"]).post(
        "/api/v1/enterprises/",
        {"credit_code": world.ent_jiujiang.credit_code, "name": "重复", "county": "360102"},
        format="json",
    )
    assert response.status_code == 400
    message = response.json()["credit_code"][0]
    assert "不能重复建档" in message and world.ent_jiujiang.name not in message
