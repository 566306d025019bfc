"""Diagnosis pages: start from the archive, fill the questionnaire, the review steps, what each role sees."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from diagnosis.models import Diagnosis
from diagnosis.selectors.assessment import default_model, model_spec

pytestmark = pytest.mark.django_db
Status = Diagnosis.Status


def signed_in(client, user):
    client.force_login(user)
    return client


def full_post(spec, revision: int, *, level: int = 3, submit: bool = False) -> dict:
    data = {
        "revision": str(revision),
        "examiners": "张工、李工",
        "onsite_start": timezone.localdate().isoformat(),
        "onsite_end": timezone.localdate().isoformat(),
        "summary": "总体情况良好",
    }
    for q in spec.questions.values():
        if q.kind == "multi":
            data[f"q-{q.code}"] = [o.key for o in q.options if not o.exclusive]
        else:
            data[f"q-{q.code}"] = max(q.options, key=lambda o: o.score).key
    for s in spec.scenarios:
        data[f"s-{s.code}"] = str(level)
    if submit:
        data["submit"] = "1"
    return data


@pytest.fixture
def spec(db):
    return model_spec(default_model())


def start(client, world) -> Diagnosis:
    signed_in(client, world.users["clinic_staff"])
    page = client.get(reverse("diagnosis:enterprise_detail", args=[world.ent_donghu.pk]))
    assert 'data-testid="start-diagnosis"' in page.content.decode()
    response = client.post(reverse("diagnosis:diagnosis_start", args=[world.ent_donghu.pk]))
    diagnosis = Diagnosis.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "diagnosis:diagnosis_edit", args=[diagnosis.pk]
    )
    return diagnosis


def test_the_questionnaire_round_trip(client, world, spec):
    diagnosis = start(client, world)
    edit = reverse("diagnosis:diagnosis_edit", args=[diagnosis.pk])
    page = client.get(edit).content.decode()
    assert page.count('data-testid="question-') == 15 and page.count('data-testid="scenario-') == 16
    assert "企业网络建设连接情况" in page

    response = client.post(edit, full_post(spec, 0))
    assert response.status_code == 302
    diagnosis.refresh_from_db()
    assert (diagnosis.total_score, diagnosis.level, diagnosis.revision) == (100, 3, 1)
    page = client.get(edit).content.decode()
    assert 'value="张工、李工"' in page
    assert re.search(r'name="q-network_connectivity" value="B" checked', page)
    assert re.search(r'<option value="3" selected>', page)


def test_a_stale_save_keeps_what_was_typed(client, world, spec):
    diagnosis = start(client, world)
    edit = reverse("diagnosis:diagnosis_edit", args=[diagnosis.pk])
    client.post(edit, full_post(spec, 0))
    mine = full_post(spec, 0, level=1)  # filled from revision 0, someone saved revision 1 meanwhile
    mine["examiners"] = "王工（我的输入）"
    response = client.post(edit, mine)
    assert response.status_code == 400
    page = response.content.decode()
    assert "已被他人保存" in page
    assert 'value="王工（我的输入）"' in page
    assert re.search(r'<option value="1" selected>', page)
    diagnosis.refresh_from_db()
    assert diagnosis.examiners == "张工、李工" and diagnosis.level == 3


def test_bad_answers_come_back_with_the_reasons(client, world, spec):
    diagnosis = start(client, world)
    edit = reverse("diagnosis:diagnosis_edit", args=[diagnosis.pk])
    data = full_post(spec, 0)
    data["q-network_connectivity"] = ["A", "B"]
    data["f-equipment_digitization_rate-production_devices"] = "abc"
    data["onsite_end"] = "1999-01-01"
    response = client.post(edit, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "就不能再选其他选项" in page and "应为数字" in page
    assert 'value="abc"' in page
    diagnosis.refresh_from_db()
    assert diagnosis.revision == 0


def test_the_whole_review_through_the_pages(client, world, spec):
    diagnosis = start(client, world)
    detail = reverse("diagnosis:diagnosis_detail", args=[diagnosis.pk])
    response = client.post(
        reverse("diagnosis:diagnosis_edit", args=[diagnosis.pk]), full_post(spec, 0, submit=True)
    )
    assert response.status_code == 302 and response["Location"] == detail
    diagnosis.refresh_from_db()
    assert diagnosis.status == Status.SUBMITTED

    signed_in(client, world.users["county_officer"])
    page = client.get(detail).content.decode()
    assert 'data-testid="approve"' in page and 'data-testid="return-form"' in page
    client.post(
        reverse("diagnosis:diagnosis_return", args=[diagnosis.pk]),
        {"comment": "请补充网络建设材料", "c-network_connectivity": "缺少网络拓扑图"},
    )
    diagnosis.refresh_from_db()
    assert diagnosis.status == Status.RETURNED

    signed_in(client, world.users["clinic_staff"])
    edit_page = client.get(reverse("diagnosis:diagnosis_edit", args=[diagnosis.pk])).content.decode()
    assert "请补充网络建设材料" in edit_page and "缺少网络拓扑图" in edit_page
    client.post(reverse("diagnosis:diagnosis_submit", args=[diagnosis.pk]))
    diagnosis.refresh_from_db()
    assert diagnosis.status == Status.RESUBMITTED

    signed_in(client, world.users["county_officer"])
    client.post(reverse("diagnosis:diagnosis_approve", args=[diagnosis.pk]))
    client.post(reverse("diagnosis:diagnosis_issue", args=[diagnosis.pk]))
    diagnosis.refresh_from_db()
    assert diagnosis.status == Status.ISSUED

    signed_in(client, world.users["enterprise_user"])
    page = client.get(detail).content.decode()
    assert 'data-testid="confirm"' in page
    assert "请补充网络建设材料" not in page  # internal review history stays with the reviewers
    assert (
        reverse("diagnosis:diagnosis_detail", args=[diagnosis.pk])
        in client.get(reverse("diagnosis:diagnosis_list")).content.decode()
    )
    client.post(reverse("diagnosis:diagnosis_confirm", args=[diagnosis.pk]))
    diagnosis.refresh_from_db()
    assert diagnosis.status == Status.CONFIRMED


def test_a_step_from_the_wrong_state_says_why(client, world, spec):
    diagnosis = start(client, world)
    signed_in(client, world.users["county_officer"])
    # a draft is not the officer's to see yet
    assert client.post(reverse("diagnosis:diagnosis_approve", args=[diagnosis.pk])).status_code == 404
    signed_in(client, world.users["clinic_staff"])
    response = client.post(reverse("diagnosis:diagnosis_submit", args=[diagnosis.pk]), follow=True)
    assert "未答题" in response.content.decode()
    diagnosis.refresh_from_db()
    assert diagnosis.status == Status.DRAFT


def test_english_pages(client, world, spec):
    diagnosis = start(client, world)
    client.post(reverse("diagnosis:diagnosis_edit", args=[diagnosis.pk]), full_post(spec, 0))
    page = client.get(
        reverse("diagnosis:diagnosis_detail", args=[diagnosis.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Diagnosis result" in page and "Level 3" in page and "Scores by dimension" in page
    edit = client.get(
        reverse("diagnosis:diagnosis_edit", args=[diagnosis.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Save and submit" in edit


def test_the_home_page_says_whose_turn_it_is(client, world, spec):
    diagnosis = start(client, world)
    client.post(reverse("diagnosis:diagnosis_edit", args=[diagnosis.pk]), full_post(spec, 0, submit=True))
    signed_in(client, world.users["county_officer"])
    assert "1 份诊断待审核" in client.get(reverse("home")).content.decode()
    client.post(reverse("diagnosis:diagnosis_return", args=[diagnosis.pk]), {"comment": "补充材料"})
    assert "份诊断待审核" not in client.get(reverse("home")).content.decode()
    signed_in(client, world.users["clinic_staff"])
    assert "1 份诊断被退回" in client.get(reverse("home")).content.decode()
    client.post(reverse("diagnosis:diagnosis_submit", args=[diagnosis.pk]))
    signed_in(client, world.users["county_officer"])
    client.post(reverse("diagnosis:diagnosis_approve", args=[diagnosis.pk]))
    assert "1 份诊断已审核通过，待出具" in client.get(reverse("home")).content.decode()
    client.post(reverse("diagnosis:diagnosis_issue", args=[diagnosis.pk]))
    signed_in(client, world.users["enterprise_user"])
    assert "1 份诊断书已出具，请查看并确认" in client.get(reverse("home")).content.decode()


def test_the_enterprise_page_has_one_timeline(client, world, spec):
    from diagnosis.models import Visit
    from diagnosis.services.enterprises import enterprise_update

    enterprise_update(
        actor=world.users["county_officer"],
        enterprise=world.ent_donghu,
        data={"address": "南昌市东湖区时间线路1号"},
    )
    Visit.objects.create(
        enterprise=world.ent_donghu,
        commissioner=world.users["commissioner"],
        visited_on=timezone.localdate(),
        summary="时间线走访",
    )
    diagnosis = start(client, world)
    client.post(reverse("diagnosis:diagnosis_edit", args=[diagnosis.pk]), full_post(spec, 0, submit=True))
    signed_in(client, world.users["county_officer"])
    client.post(reverse("diagnosis:diagnosis_return", args=[diagnosis.pk]), {"comment": "内部退回意见"})
    page = client.get(reverse("diagnosis:enterprise_detail", args=[world.ent_donghu.pk])).content.decode()
    timeline = page.split('data-testid="timeline"')[1].split("</section>")[0]
    for kind in ("visit", "diagnosis", "change"):
        assert f'data-kind="{kind}"' in timeline, kind
    assert "时间线走访" in timeline and "内部退回意见" in timeline

    signed_in(client, world.users["enterprise_user"])
    page = client.get(reverse("diagnosis:enterprise_detail", args=[world.ent_donghu.pk])).content.decode()
    timeline = page.split('data-testid="timeline"')[1].split("</section>")[0]
    assert "内部退回意见" not in timeline and 'data-kind="diagnosis"' not in timeline  # not issued yet
    assert "时间线走访" in timeline
