"""The enterprise portal: self-assessment (scores, prefill of a clinic's diagnosis, who sees it),
contact corrections, requests, comments on the findings; hostile input never a 500."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from diagnosis.models import (
    ContactCorrection,
    Diagnosis,
    DiagnosisComment,
    DiagnosisEvent,
    EnterpriseChange,
    EnterpriseRequest,
    NeedTag,
    SelfAssessment,
)
from diagnosis.selectors.assessment import default_model, model_spec
from diagnosis.services import portal as services
from diagnosis.services.diagnoses import diagnosis_start
from tests.diagnosis.test_services_diagnoses import full_answers, issued

S = SelfAssessment.Status


@pytest.fixture
def spec(db):
    return model_spec(default_model())


def submitted(world, spec) -> SelfAssessment:
    answers, scenarios = full_answers(spec)
    user = world.users["enterprise_user"]
    draft = services.self_assessment_save(
        actor=user, enterprise=world.ent_donghu, answers=answers, scenarios=scenarios
    )
    return services.self_assessment_submit(actor=user, assessment=draft)


# --- self-assessment ----------------------------------------------------------------------------


def test_self_assessment_scores_exactly_and_submits(world, spec):
    user = world.users["enterprise_user"]
    draft = services.self_assessment_save(actor=user, enterprise=world.ent_donghu, answers={}, scenarios={})
    assert draft.status == S.DRAFT and draft.total_score == 0
    with pytest.raises(ValidationError) as caught:
        services.self_assessment_submit(actor=user, assessment=draft)
    assert any("未答题" in m for m in caught.value.messages)
    done = submitted(world, spec)
    assert done.pk == draft.pk and done.status == S.SUBMITTED and done.submitted_by == user
    assert done.total_score == Decimal(100) and isinstance(done.total_score, Decimal)
    assert done.level == 2
    assert done.dimension_scores() == {
        "digital_foundation": Decimal(50),
        "digital_management": Decimal(30),
        "digital_outcomes": Decimal(20),
    }
    with pytest.raises(ValidationError) as caught:
        services.self_assessment_submit(actor=user, assessment=done)
    assert caught.value.code == "state"


def test_only_the_enterprise_fills_it(world, spec):
    for role in ("clinic_staff", "county_officer", "commissioner", "admin"):
        with pytest.raises(PermissionDenied):
            services.self_assessment_save(actor=world.users[role], enterprise=world.ent_donghu, answers={})


def test_bad_answers_are_refused_with_every_problem(world, spec):
    with pytest.raises(ValidationError) as caught:
        services.self_assessment_save(
            actor=world.users["enterprise_user"],
            enterprise=world.ent_donghu,
            answers={"nope": ["A"], "data_collection_coverage": ["ZZ"]},
            scenarios={list(s.code for s in spec.scenarios)[0]: 9},
        )
    assert len(caught.value.message_dict) == 3
    assert not SelfAssessment.objects.exists()


def test_a_clinic_diagnosis_starts_from_the_submitted_self_assessment(world, spec):
    source = submitted(world, spec)
    diagnosis = diagnosis_start(actor=world.users["clinic_staff"], enterprise=world.ent_donghu)
    assert diagnosis.total_score == source.total_score
    assert diagnosis.answers.count() == len(spec.questions)
    event = diagnosis.events.get(action=DiagnosisEvent.Action.PREFILL)
    assert "自评" in event.comment
    client = world_client(world, "clinic_staff")
    page = client.get(reverse("diagnosis:diagnosis_edit", args=[diagnosis.pk]))
    assert page.status_code == 200 and 'data-testid="prefill-note"' in page.content.decode()


def test_a_draft_self_assessment_prefills_nothing(world, spec):
    answers, scenarios = full_answers(spec)
    services.self_assessment_save(
        actor=world.users["enterprise_user"],
        enterprise=world.ent_donghu,
        answers=answers,
        scenarios=scenarios,
    )
    diagnosis = diagnosis_start(actor=world.users["clinic_staff"], enterprise=world.ent_donghu)
    assert diagnosis.answers.count() == 0 and diagnosis.total_score is None
    assert not diagnosis.events.filter(action=DiagnosisEvent.Action.PREFILL).exists()


def test_who_sees_a_self_assessment(world, spec):
    user = world.users["enterprise_user"]
    draft = services.self_assessment_save(actor=user, enterprise=world.ent_donghu, answers={})
    for role in (
        "clinic_staff",
        "provider_staff",
        "county_officer",
        "province_officer",
        "commissioner",
        "admin",
    ):
        assert not SelfAssessment.objects.visible_to(world.users[role]).exists(), role
    assert SelfAssessment.objects.visible_to(user).get() == draft
    done = submitted(world, spec)
    for role in (
        "clinic_staff",
        "provider_staff",
        "county_officer",
        "city_officer",
        "province_officer",
        "admin",
    ):
        assert list(SelfAssessment.objects.visible_to(world.users[role])) == [done], role
    for role in ("commissioner", "other_commissioner", "no_role"):
        assert not SelfAssessment.objects.visible_to(world.users[role]).exists(), role
    url = reverse("diagnosis:self_assessment_detail", args=[done.pk])
    assert world_client(world, "commissioner").get(url).status_code == 404
    page = world_client(world, "clinic_staff").get(url)
    assert page.status_code == 200 and "自评" in page.content.decode()
    archive = reverse("diagnosis:enterprise_detail", args=[world.ent_donghu.pk])
    assert url in world_client(world, "clinic_staff").get(archive).content.decode()
    assert url not in world_client(world, "commissioner").get(archive).content.decode()


def world_client(world, role):
    from django.test import Client

    client = Client()
    client.force_login(world.users[role])
    return client


def test_the_questionnaire_page_keeps_what_was_typed(world, spec):
    client = world_client(world, "enterprise_user")
    url = reverse("diagnosis:portal_self_assessment")
    assert client.get(url).status_code == 200
    question = next(q for q in spec.questions.values() if q.fields)
    field = question.fields[0]
    answer = next(q for q in spec.questions.values() if q.kind == "single")
    response = client.post(
        url,
        {
            f"f-{question.code}-{field.code}": "<script>alert(1)</script>",
            f"q-{answer.code}": answer.options[0].key,
            "save": "1",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert(1)" not in body
    assert f'value="{answer.options[0].key}" checked' in body
    assert not SelfAssessment.objects.exists()
    response = client.post(url, {f"q-{answer.code}": answer.options[0].key, "submit": "1"})
    assert response.status_code == 302  # saved, not yet complete
    assert SelfAssessment.objects.get().status == S.DRAFT
    assert world_client(world, "clinic_staff").get(url).status_code == 404


# --- contact corrections ------------------------------------------------------------------------


def propose(world, **values):
    return services.contact_correction_propose(
        actor=world.users["enterprise_user"], enterprise=world.ent_donghu, values=values, note="联系人已更换"
    )


def test_accepting_a_correction_applies_it_with_history(world):
    correction = propose(world, contact_person="王五", contact_phone="0791-88888888")
    officer = world.users["county_officer"]
    services.contact_correction_accept(actor=officer, correction=correction)
    world.ent_donghu.refresh_from_db()
    assert world.ent_donghu.contact_person == "王五" and world.ent_donghu.contact_phone == "0791-88888888"
    change = EnterpriseChange.objects.filter(enterprise=world.ent_donghu).latest("at")
    assert change.actor == officer and change.source == EnterpriseChange.Source.CORRECTION
    assert change.changes["contact_person"][1] == "王五"
    correction.refresh_from_db()
    assert correction.status == ContactCorrection.Status.ACCEPTED and correction.decided_by == officer
    with pytest.raises(ValidationError):  # decided already
        services.contact_correction_accept(actor=officer, correction=correction)


def test_rejecting_needs_a_reason_and_only_officers_decide(world):
    correction = propose(world, contact_person="王五")
    with pytest.raises(ValidationError) as caught:
        services.contact_correction_reject(
            actor=world.users["county_officer"], correction=correction, reason="  "
        )
    assert "reason" in caught.value.message_dict
    for role in ("enterprise_user", "commissioner", "clinic_staff"):
        with pytest.raises(PermissionDenied):
            services.contact_correction_accept(actor=world.users[role], correction=correction)
    services.contact_correction_reject(
        actor=world.users["city_officer"], correction=correction, reason="号码核实有误"
    )
    correction.refresh_from_db()
    assert correction.status == ContactCorrection.Status.REJECTED and correction.reason == "号码核实有误"
    url = reverse("diagnosis:correction_accept", args=[correction.pk])
    assert world_client(world, "enterprise_user").post(url).status_code == 403
    assert world_client(world, "commissioner").post(url).status_code == 404
    assert world_client(world, "clinic_staff").get(reverse("diagnosis:correction_list")).status_code == 404


def test_a_stale_correction_shows_the_current_value(world):
    from diagnosis.selectors.portal import correction_get, correction_rows
    from diagnosis.services.enterprises import enterprise_update

    correction = propose(world, contact_phone="0791-1")
    enterprise_update(
        actor=world.users["county_officer"], enterprise=world.ent_donghu, data={"contact_phone": "0791-2"}
    )
    rows = correction_rows(correction_get(actor=world.users["county_officer"], pk=correction.pk))
    assert rows[0].stale and rows[0].current == "0791-2" and rows[0].proposed == "0791-1"
    page = world_client(world, "county_officer").get(reverse("diagnosis:correction_list"))
    assert 'data-testid="stale"' in page.content.decode() and "0791-2" in page.content.decode()


def test_correction_input_is_checked(world):
    with pytest.raises(ValidationError) as caught:
        propose(world, contact_phone="1" * 31)
    assert "contact_phone" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        propose(world, contact_person=world.ent_donghu.contact_person)
    assert caught.value.code == "unchanged"
    with pytest.raises(ValidationError):
        propose(world, name="改名")
    client = world_client(world, "enterprise_user")
    response = client.post(
        reverse("diagnosis:portal_correction"),
        {
            "contact_person": "<script>x</script>",
            "contact_phone": "9" * 40,
            "address": "",
            "note": "x" * 10000,
        },
    )
    body = response.content.decode()
    assert response.status_code == 400 and "&lt;script&gt;x&lt;/script&gt;" in body
    assert not ContactCorrection.objects.exists()


# --- requests -----------------------------------------------------------------------------------


def test_request_lifecycle(world):
    tag = NeedTag.objects.create(code="portal-test", name="门户测试需求")
    user = world.users["enterprise_user"]
    item = services.enterprise_request_create(
        actor=user, enterprise=world.ent_donghu, kind="need", text="设备联网", need_tag_ids=[tag.pk]
    )
    assert item.status == EnterpriseRequest.Status.OPEN and list(item.need_tags.all()) == [tag]
    assert set(EnterpriseRequest.objects.visible_to(world.users["commissioner"])) == {item}
    assert not EnterpriseRequest.objects.visible_to(world.users["clinic_staff"]).exists()
    with pytest.raises(PermissionDenied):
        services.enterprise_request_reply(actor=world.users["other_commissioner"], request=item, reply="x")
    with pytest.raises(PermissionDenied):
        services.enterprise_request_reply(actor=user, request=item, reply="x")
    with pytest.raises(ValidationError):
        services.enterprise_request_reply(actor=world.users["commissioner"], request=item, reply=" ")
    services.enterprise_request_reply(actor=world.users["commissioner"], request=item, reply="下周上门")
    item.refresh_from_db()
    assert item.status == EnterpriseRequest.Status.ANSWERED and item.replied_by == world.users["commissioner"]
    services.enterprise_request_reply(
        actor=world.users["county_officer"], request=item, reply="已办结", close=True
    )
    with pytest.raises(ValidationError) as caught:
        services.enterprise_request_reply(actor=world.users["county_officer"], request=item, reply="再答")
    assert caught.value.code == "state"
    page = world_client(world, "enterprise_user").get(reverse("diagnosis:portal"))
    assert "已办结" in page.content.decode()


def test_request_hostile_input(world):
    user = world.users["enterprise_user"]
    with pytest.raises(ValidationError):
        services.enterprise_request_create(actor=user, enterprise=world.ent_donghu, kind="need")
    with pytest.raises(ValidationError):
        services.enterprise_request_create(
            actor=user, enterprise=world.ent_donghu, kind="need", need_tag_ids=["abc"]
        )
    with pytest.raises(ValidationError):
        services.enterprise_request_create(
            actor=user, enterprise=world.ent_donghu, kind="need", need_tag_ids=[999999]
        )
    with pytest.raises(ValidationError):
        services.enterprise_request_create(actor=user, enterprise=world.ent_donghu, kind="x", text="a")
    with pytest.raises(ValidationError):
        services.enterprise_request_create(
            actor=user, enterprise=world.ent_donghu, kind="need", text="x" * 10000
        )
    client = world_client(world, "enterprise_user")
    response = client.post(
        reverse("diagnosis:portal_request_new"),
        {"kind": "need", "need_tags": ["999999"], "text": "我们的<b>需求</b>"},
    )
    assert response.status_code == 400 and "我们的&lt;b&gt;需求&lt;/b&gt;" in response.content.decode()
    assert services.enterprise_request_create(actor=user, enterprise=world.ent_donghu, kind="diagnosis")
    assert not EnterpriseRequest.objects.filter(kind="need").exists()


# --- comments -----------------------------------------------------------------------------------


def test_comments_only_on_issued_diagnoses_with_a_valid_about(world, spec):
    user = world.users["enterprise_user"]
    diagnosis = issued(world, spec)
    comment = services.diagnosis_comment_add(
        actor=user, diagnosis=diagnosis, text="数据有误", about="digital_outcomes"
    )
    with pytest.raises(ValidationError) as caught:
        services.diagnosis_comment_add(actor=user, diagnosis=diagnosis, text="x", about="<script>")
    assert "about" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        services.diagnosis_comment_add(actor=world.users["clinic_staff"], diagnosis=diagnosis, text="x")
    reply = services.diagnosis_comment_reply(
        actor=world.users["clinic_staff"], comment=comment, text="已核实"
    )
    assert reply.reply_to == comment
    with pytest.raises(PermissionDenied):  # the provider did not perform this diagnosis
        services.diagnosis_comment_reply(actor=world.users["provider_staff"], comment=comment, text="x")
    with pytest.raises(PermissionDenied):
        services.diagnosis_comment_reply(actor=user, comment=comment, text="x")
    services.diagnosis_comment_reply(actor=world.users["county_officer"], comment=comment, text="已督办")
    draft = Diagnosis.objects.create(enterprise=world.ent_donghu, organisation=world.provider, number="ZDX")
    with pytest.raises(ValidationError) as caught:
        services.diagnosis_comment_add(actor=user, diagnosis=draft, text="x")
    assert caught.value.code == "state"
    assert DiagnosisComment.objects.visible_to(user).count() == 3
    page = world_client(world, "enterprise_user").get(
        reverse("diagnosis:diagnosis_comments", args=[diagnosis.pk])
    )
    assert page.status_code == 200 and "已督办" in page.content.decode()
    client = world_client(world, "enterprise_user")
    url = reverse("diagnosis:diagnosis_comments", args=[diagnosis.pk])
    response = client.post(url, {"about": "nope", "text": "<script>y</script>"})
    assert response.status_code == 400 and "&lt;script&gt;y&lt;/script&gt;" in response.content.decode()
    assert client.post(url, {"about": "", "text": "x" * 10000}).status_code == 400
    assert (
        client.post(reverse("diagnosis:diagnosis_comments", args=[draft.pk]), {"text": "x"}).status_code
        == 404
    )
    assert world_client(world, "clinic_staff").post(url, {"text": "x"}).status_code == 403


def test_portal_page_shows_issued_diagnoses_never_drafts(world, spec):
    diagnosis = issued(world, spec)
    Diagnosis.objects.create(enterprise=world.ent_donghu, organisation=world.provider, number="ZDDRAFTX")
    page = world_client(world, "enterprise_user").get(reverse("diagnosis:portal"))
    body = page.content.decode()
    assert page.status_code == 200
    assert diagnosis.number in body and "ZDDRAFTX" not in body
    assert "#benchmark" in body and 'data-testid="confirm-link"' in body
    for role in ("clinic_staff", "county_officer", "commissioner"):
        assert world_client(world, role).get(reverse("diagnosis:portal")).status_code == 404


def test_a_comment_can_be_about_one_recommendation(world, spec, client):
    from diagnosis.models import Recommendation

    user = world.users["enterprise_user"]
    diagnosis = issued(world, spec)
    mine = Recommendation.objects.create(diagnosis=diagnosis, title="上线设备联网平台", position=1)
    other = Recommendation.objects.create(diagnosis=issued(world, spec), title="别家的建议", position=1)
    choices = dict(services.comment_about_choices(diagnosis))
    assert choices[f"rec:{mine.pk}"] == "建议 1：上线设备联网平台"
    comment = services.diagnosis_comment_add(
        actor=user, diagnosis=diagnosis, text="预算偏高", about=f"rec:{mine.pk}"
    )
    assert comment.about == f"rec:{mine.pk}"
    with pytest.raises(ValidationError):  # another diagnosis' recommendation
        services.diagnosis_comment_add(actor=user, diagnosis=diagnosis, text="x", about=f"rec:{other.pk}")
    client.force_login(user)
    page = client.get(reverse("diagnosis:diagnosis_comments", args=[diagnosis.pk])).content.decode()
    assert "建议 1：上线设备联网平台" in page and "预算偏高" in page


def test_a_stale_self_assessment_save_is_refused_and_keeps_the_input(world, spec, client):
    """Two users of one enterprise: the second save from a page opened before the first is refused."""
    from diagnosis.models import SelfAssessment

    user = world.users["enterprise_user"]
    question = next(iter(spec.questions.values()))
    option = question.options[0].key
    client.force_login(user)
    url = reverse("diagnosis:portal_self_assessment")
    page = client.get(url).content.decode()
    assert 'name="stamp" value=""' in page
    assert client.post(url, {"stamp": "", f"q-{question.code}": option, "save": "1"}).status_code == 302
    draft = SelfAssessment.objects.get()
    stamp = draft.stamp
    # someone else saves the same draft meanwhile
    services.self_assessment_save(actor=user, enterprise=world.ent_donghu, answers={}, stamp=stamp)
    draft.refresh_from_db()
    assert draft.revision == 1
    response = client.post(url, {"stamp": stamp, f"q-{question.code}": option, "save": "1"})
    assert response.status_code == 400 and "已被本企业其他用户保存或提交" in response.content.decode()
    draft.refresh_from_db()
    assert draft.revision == 1 and draft.answers == {}  # nothing written
    assert f'name="q-{question.code}" value="{option}" checked' in response.content.decode()  # input kept
    # a page opened with no draft, while one was started meanwhile: refused too
    with pytest.raises(ValidationError):
        services.self_assessment_save(actor=user, enterprise=world.ent_donghu, answers={}, stamp="")
