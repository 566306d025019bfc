"""The public application cannot overwrite a provider, nor reveal non-public records (issue 6 item 8).

Before: an anonymous submission with the credit code of a rejected (or removed) provider replaced
that provider's name, contacts and qualifications at once, before anyone reviewed it; and a code
with a pending (non-public) application was answered "已申请或已入库". Now every known code is
held apart as a ``ProviderApplication`` the province reviews; the applicant always gets a number.
"""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from providers.models import Provider, ProviderApplication
from providers.services.pool import (
    application_number,
    provider_application_accept,
    provider_application_decline,
    provider_apply,
)
from tests.conftest import ALL_ROLES
from tests.factories import region

from .test_pool_services import QUALS, application
from .test_pool_support import make_provider, pool_fixture  # noqa: F401 (registers the fixture)
from .test_pool_views import form_data

S = Provider.Status
A = ProviderApplication.Status


@pytest.fixture
def rejected(db):
    return make_provider("原机构名称", home="360102", status=S.REJECTED, serves=("360100",))


def _snapshot(provider: Provider) -> tuple:
    provider.refresh_from_db()
    provider.organisation.refresh_from_db()
    return (
        provider.status,
        provider.organisation.name,
        provider.contact_person,
        provider.contact_phone,
        provider.website,
        sorted(provider.qualifications.values_list("name", flat=True)),
        sorted(provider.regions_served.values_list("code", flat=True)),
    )


def test_anonymous_submission_for_a_rejected_code_changes_nothing(client, rejected):
    before = _snapshot(rejected)
    data = form_data(
        credit_code=rejected.credit_code,
        name="冒名顶替公司",
        contact_person="冒名者",
        website="https://evil.example.com",
    )
    response = client.post(reverse("directory:apply"), data)
    assert response.status_code == 302
    assert _snapshot(rejected) == before
    assert not rejected.status_changes.exists()
    held = ProviderApplication.objects.get(provider=rejected)
    assert held.status == A.HELD and held.name == "冒名顶替公司"
    assert held.data["contact_person"] == "冒名者"
    assert held.data["qualifications"][0]["name"] == "ISO 9001 质量管理体系认证"


@pytest.mark.parametrize("status", list(S))
def test_the_answer_is_the_same_whether_or_not_the_code_is_known(client, db, status):
    existing = make_provider("已有记录", home="360102", status=status)
    known = client.post(reverse("directory:apply"), form_data(credit_code=existing.credit_code))
    known_thanks = client.get(reverse("directory:apply_done")).content.decode()
    unknown = client.post(reverse("directory:apply"), form_data())
    unknown_thanks = client.get(reverse("directory:apply_done")).content.decode()
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    numbers = list(ProviderApplication.objects.order_by("pk"))

    # Same page, differing only by the number (and the per-response CSRF mask).
    def neutral(html, number):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html).replace(number, "N")

    assert neutral(known_thanks, numbers[0].number) == neutral(unknown_thanks, numbers[1].number)
    for html in (known_thanks, unknown_thanks):
        assert "已有记录" not in html and "已申请" not in html and "已入库" not in html


def test_province_sees_held_submissions_in_the_queue_and_on_the_provider(client, pool, rejected):
    submission = provider_apply(
        data=application(credit_code=rejected.credit_code, name="新名称"), qualifications=QUALS
    )
    client.force_login(pool.users["province_officer"])
    queue = client.get(reverse("providers:applications")).content.decode()
    assert submission.number in queue and "新名称" in queue and "原机构名称" in queue
    detail = client.get(reverse("providers:provider_detail", args=[rejected.pk])).content.decode()
    assert 'data-testid="held-notice"' in detail and submission.number in detail
    page = client.get(reverse("providers:held_application", args=[submission.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "新名称" in html and "原机构名称" in html and "刘经理" in html


@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r not in ("admin", "province_officer")])
def test_held_submissions_are_the_province_s_only(client, pool, rejected, role):
    submission = provider_apply(data=application(credit_code=rejected.credit_code), qualifications=QUALS)
    client.force_login(pool.users[role])
    assert client.get(reverse("providers:held_application", args=[submission.pk])).status_code == 404
    response = client.post(
        reverse("providers:held_application", args=[submission.pk]), {"decision": "accept", "reason": "x"}
    )
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        provider_application_accept(actor=pool.users[role], application=submission, reason="x")
    submission.refresh_from_db()
    assert submission.status == A.HELD


def test_accepting_updates_the_provider_and_records_it(client, pool, rejected):
    submission = provider_apply(
        data=application(credit_code=rejected.credit_code, name="新名称", website="https://new.example.com"),
        qualifications=QUALS,
    )
    officer = pool.users["province_officer"]
    client.force_login(officer)
    response = client.post(
        reverse("providers:held_application", args=[submission.pk]),
        {"decision": "accept", "reason": "已电话核实为该机构本人提交"},
    )
    assert response.status_code == 302
    rejected.refresh_from_db()
    assert rejected.status == S.APPLIED
    assert rejected.name == "新名称" and rejected.contact_person == "刘经理"
    assert rejected.website == "https://new.example.com"
    assert list(rejected.qualifications.values_list("name", flat=True)) == ["ISO 9001"]
    assert sorted(rejected.regions_served.values_list("code", flat=True)) == ["360100", "360400"]
    change = rejected.status_changes.get()
    assert (change.from_status, change.to_status, change.actor) == (S.REJECTED, S.APPLIED, officer)
    assert submission.number in change.reason and "已电话核实" in change.reason
    submission.refresh_from_db()
    assert (submission.status, submission.decided_by) == (A.ACCEPTED, officer)
    assert application_number(rejected) == submission.number
    # the usual admission decision follows: it is in the queue of applications now
    queue = client.get(reverse("providers:applications"))
    assert rejected.pk in [p.pk for p in queue.context["page"].object_list]
    with pytest.raises(ValidationError):  # decided once
        provider_application_decline(actor=officer, application=submission, reason="again")


def test_accepting_for_an_admitted_provider_keeps_its_status(pool):
    admitted = pool.providers["xihu"]
    submission = provider_apply(
        data=application(credit_code=admitted.credit_code, contact_person="新联系人"), qualifications=QUALS
    )
    provider_application_accept(actor=pool.users["admin"], application=submission, reason="资料更新")
    admitted.refresh_from_db()
    assert admitted.status == S.ADMITTED and admitted.contact_person == "新联系人"
    change = admitted.status_changes.get()
    assert (change.from_status, change.to_status) == (S.ADMITTED, S.ADMITTED)


def test_declining_changes_nothing_but_the_submission(client, pool, rejected):
    before = _snapshot(rejected)
    submission = provider_apply(data=application(credit_code=rejected.credit_code), qualifications=QUALS)
    client.force_login(pool.users["province_officer"])
    url = reverse("providers:held_application", args=[submission.pk])
    response = client.post(url, {"decision": "decline", "reason": ""})
    assert response.status_code == 400 and "请填写处理意见" in response.content.decode()
    response = client.post(url, {"decision": "decline", "reason": "无法核实提交人身份"})
    assert response.status_code == 302
    assert _snapshot(rejected) == before
    submission.refresh_from_db()
    assert submission.status == A.DECLINED and submission.decision_reason == "无法核实提交人身份"
    assert client.get(reverse("providers:applications")).context["held"] == []


def test_a_held_submission_is_judged_by_the_same_rules(db, rejected):
    with pytest.raises(ValidationError) as error:
        provider_apply(
            data=application(credit_code=rejected.credit_code, website="javascript:alert(1)"),
            qualifications=QUALS,
        )
    assert "website" in error.value.error_dict
    far = [{**QUALS[0], "valid_until": timezone.localdate() + timedelta(days=365 * 100)}]
    with pytest.raises(ValidationError):
        provider_apply(data=application(credit_code=rejected.credit_code), qualifications=far)
    assert not ProviderApplication.objects.exists()


def test_two_submissions_for_a_new_code_file_one_and_hold_the_other(db):
    data = application()
    first = provider_apply(data=data, qualifications=QUALS)
    second = provider_apply(
        data={**data, "name": "抢注公司", "home_region": region("360103")}, qualifications=QUALS
    )
    assert (first.status, second.status) == (A.FILED, A.HELD)
    assert second.provider_id == first.provider_id
    assert first.provider.name == "洪城数字科技有限公司"
