"""Findings on the pages and in the API: matching solutions (scenario + industry, published and
admitted only, constant queries), the result page (interpretation, findings, matrix, roadmap, in
the reader's language), the clinic's edit pages, read-only once issued, hostile input, scope."""

import html
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnosis.models import Diagnosis, Recommendation
from diagnosis.selectors.assessment import default_model, model_spec
from diagnosis.selectors.diagnoses import diagnosis_get
from diagnosis.selectors.findings import (
    findings_overview,
    interpretation_for,
    matching_solutions,
    recommendation_list,
)
from diagnosis.services.diagnoses import diagnosis_approve, diagnosis_issue, diagnosis_submit
from diagnosis.services.findings import recommendation_save, recommendations_generate
from providers.models import BusinessScenario, Provider, Solution
from tests.diagnosis.test_findings import weak
from tests.providers.test_pool_support import make_provider, make_solution

pytestmark = pytest.mark.django_db


@pytest.fixture
def spec(db):
    return model_spec(default_model())


@pytest.fixture
def generated(world, spec):
    diagnosis = weak(world, spec)  # the enterprise is in C39 (industry_code 3911)
    recommendations_generate(actor=world.users["clinic_staff"], diagnosis=diagnosis)
    return diagnosis


def solution(provider, title, scenario, **extra):
    made = make_solution(provider, title, status=Solution.Status.PUBLISHED, **extra)
    made.scenarios.set([BusinessScenario.objects.get(code=scenario)])
    return made


@pytest.fixture
def catalogue(db):
    admitted = make_provider("赣质云科技有限公司", home="360100")
    suspended = make_provider("暂停服务商有限公司", home="360100", status=Provider.Status.SUSPENDED)
    return {
        "match": solution(admitted, "质量云检测", "quality_management", industries=["39"]),
        "all_industries": solution(admitted, "通用质量管理", "quality_management", industries=[]),
        "other_industry": solution(admitted, "纺织质检", "quality_management", industries=["17"]),
        "other_scenario": solution(admitted, "人事云", "human_resources", industries=[]),
        "draft": make_solution(admitted, "草稿方案", industries=[]),
        "unadmitted": solution(suspended, "暂停方案", "quality_management", industries=[]),
        "decision": solution(admitted, "经营驾驶舱", "decision_support", industries=["39", "38"]),
    }


def test_matching_solutions_by_scenario_and_industry_in_two_queries(
    world, generated, catalogue, django_assert_num_queries
):
    catalogue["draft"].scenarios.set([BusinessScenario.objects.get(code="quality_management")])
    reader = world.users["clinic_staff"]
    diagnosis = diagnosis_get(actor=reader, pk=generated.pk)  # as the page reads it
    recommendations = list(recommendation_list(actor=reader, diagnosis=diagnosis))
    assert len(recommendations) == 5
    with django_assert_num_queries(2):  # the solutions with their providers, their scenarios
        found = matching_solutions(actor=reader, diagnosis=diagnosis, recommendations=recommendations)
        names = {s.provider.organisation.name for hits in found.values() for s in hits}
    titles = {r.rule.code: {s.title for s in found[r.pk]} for r in recommendations}
    assert titles["scn-quality-management"] == {"质量云检测", "通用质量管理"}
    assert titles["scn-decision-support"] == {"经营驾驶舱"}
    assert titles["sub-factors"] == {"人事云"}  # mapped to human_resources and collaborative_office
    assert titles["dim-management"] == {"经营驾驶舱"}
    assert names == {"赣质云科技有限公司"}


def test_the_overview_puts_each_recommendation_in_its_cell_and_phase(world, generated):
    overview = findings_overview(actor=world.users["clinic_staff"], diagnosis=generated, language="zh-hans")
    cells = {(i, e): [row.number for row in rows] for line in overview.matrix for i, e, rows in line}
    assert len(cells) == 9
    for row in overview.rows:
        r = row.recommendation
        assert row.number in cells[(r.impact, r.effort)]
    phases = {phase: [row.number for row in rows] for phase, _label, rows in overview.phases}
    assert sorted(n for numbers in phases.values() for n in numbers) == [1, 2, 3, 4, 5]
    planning = next(row for row in overview.rows if row.recommendation.rule.code == "sub-planning")
    assert planning.number in phases[1]  # impact 3, effort 1: a quick win


def test_the_result_page_shows_interpretation_findings_matrix_and_roadmap(
    client, world, generated, catalogue
):
    client.force_login(world.users["clinic_staff"])
    page = client.get(reverse("diagnosis:diagnosis_detail", args=[generated.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    for testid in (
        "interpretation-level",
        "interpretation-band",
        "recommendations",
        "matrix",
        "roadmap",
        "phase-1",
    ):
        assert f'data-testid="{testid}"' in text
    assert "制定数字化转型规划，明确负责人和年度投入" in text
    assert "质量云检测" in text and "赣质云科技有限公司" in text
    assert "纺织质检" not in text and "暂停方案" not in text and "草稿方案" not in text
    assert 'data-testid="edit-recommendations"' in text


def test_an_english_reader_gets_the_english_texts(client, world, generated):
    client.force_login(world.users["clinic_staff"])
    page = client.get(reverse("diagnosis:diagnosis_detail", args=[generated.pk]), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "Write a digital-transformation plan with a named owner and an annual budget" in text
    expected = interpretation_for(Diagnosis.objects.get(pk=generated.pk), "en")
    assert expected["band"].startswith("Total") and html.escape(expected["band"]) in text
    assert html.escape(expected["level"]) in text


def test_the_result_page_does_not_grow_queries_with_recommendations(client, world, generated, catalogue):
    client.force_login(world.users["clinic_staff"])
    url = reverse("diagnosis:diagnosis_detail", args=[generated.pk])
    client.get(url)  # warm the model spec cache
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    for n in range(5):
        recommendation_save(
            actor=world.users["clinic_staff"],
            diagnosis=generated,
            data={"title": f"补充{n}", "scenario_codes": ["quality_management", "energy_management"]},
        )
    with CaptureQueriesContext(connection) as ten:
        page = client.get(url)
    assert "补充4" in page.content.decode()
    assert len(ten) == len(five)


def test_hostile_text_is_escaped_and_bad_numbers_are_refused(client, world, generated):
    client.force_login(world.users["clinic_staff"])
    add = reverse("diagnosis:recommendation_add", args=[generated.pk])
    base = {"priority": "1", "impact": "3", "effort": "1"}
    response = client.post(add, {**base, "title": "<script>alert(1)</script>", "finding": "<b>粗</b>"})
    assert response.status_code == 302
    page = client.get(reverse("diagnosis:diagnosis_detail", args=[generated.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>粗</b>" not in page
    edit_list = client.get(reverse("diagnosis:recommendations", args=[generated.pk])).content.decode()
    assert "<script>alert(1)</script>" not in edit_list
    count = Recommendation.objects.count()
    for data in (
        {**base, "title": "大数", "investment_max": "9" * 40},
        {**base, "title": "指数", "investment_max": "1e999"},
        {**base, "title": "非数", "investment_min": "NaN"},
        {**base, "title": "倒挂", "investment_min": "50", "investment_max": "10"},
        {**base, "title": "月数", "months": "99999999999999999999"},
        {**base, "title": "影响", "impact": "7"},
        {**base, "title": "x" * 5000},
        {**base, "title": "场景", "scenario_codes": ["<script>"]},
    ):
        response = client.post(add, data)
        assert response.status_code == 400, data
        assert data["title"][:20] in response.content.decode()  # what was typed comes back
    assert Recommendation.objects.count() == count
    refused = client.post(add, {**base, "title": "倒挂", "investment_min": "50", "investment_max": "10"})
    assert "投资上限不能低于下限" in refused.content.decode()


def test_the_edit_form_round_trip_and_a_stale_form(client, world, generated):
    client.force_login(world.users["clinic_staff"])
    rec = generated.recommendations.order_by("position").first()
    url = reverse("diagnosis:recommendation_edit", args=[generated.pk, rec.pk])
    assert rec.title in client.get(url).content.decode()
    data = {
        "title": "改过的建议",
        "priority": "2",
        "impact": "2",
        "effort": "3",
        "phase": "",
        "revision": "0",
    }
    assert client.post(url, data).status_code == 302
    rec.refresh_from_db()
    assert rec.title == "改过的建议" and rec.edited and rec.phase == 3
    stale = client.post(url, {**data, "title": "又改"})
    assert (
        stale.status_code == 400
        and "已被他人修改" in stale.content.decode()
        and "又改" in stale.content.decode()
    )


def test_move_delete_generate_buttons(client, world, generated):
    client.force_login(world.users["clinic_staff"])
    first, second = generated.recommendations.order_by("position")[:2]
    client.post(
        reverse("diagnosis:recommendation_move", args=[generated.pk, first.pk]), {"direction": "down"}
    )
    assert list(generated.recommendations.order_by("position").values_list("pk", flat=True))[:2] == [
        second.pk,
        first.pk,
    ]
    client.post(reverse("diagnosis:recommendation_delete", args=[generated.pk, first.pk]))
    assert generated.recommendations.count() == 4
    response = client.post(reverse("diagnosis:recommendations_generate", args=[generated.pk]))
    assert response.status_code == 302 and generated.recommendations.count() == 5


def issue(world, diagnosis):
    diagnosis = diagnosis_submit(actor=world.users["clinic_staff"], diagnosis=diagnosis)
    diagnosis_approve(actor=world.users["county_officer"], diagnosis=diagnosis)
    return diagnosis_issue(actor=world.users["county_officer"], diagnosis=diagnosis)


def test_issued_is_read_only_with_a_message_and_the_enterprise_sees_it(client, world, generated):
    issued = issue(world, generated)
    rec = issued.recommendations.first()
    client.force_login(world.users["clinic_staff"])
    for method, url, data in (
        ("get", reverse("diagnosis:recommendations", args=[issued.pk]), {}),
        ("post", reverse("diagnosis:recommendations_generate", args=[issued.pk]), {}),
        ("post", reverse("diagnosis:recommendation_add", args=[issued.pk]), {"title": "晚了"}),
        ("get", reverse("diagnosis:recommendation_edit", args=[issued.pk, rec.pk]), {}),
        ("post", reverse("diagnosis:recommendation_delete", args=[issued.pk, rec.pk]), {}),
    ):
        response = getattr(client, method)(url, data, follow=True)
        assert response.status_code == 200 and response.redirect_chain[-1][0] == reverse(
            "diagnosis:diagnosis_detail", args=[issued.pk]
        )
        assert "该诊断已出具，诊断建议只读" in response.content.decode()
    assert issued.recommendations.count() == 5
    page = client.get(reverse("diagnosis:diagnosis_detail", args=[issued.pk])).content.decode()
    assert 'data-testid="edit-recommendations"' not in page
    client.force_login(world.users["enterprise_user"])
    page = client.get(reverse("diagnosis:diagnosis_detail", args=[issued.pk])).content.decode()
    assert rec.title in page and 'data-testid="roadmap"' in page


def test_out_of_scope_is_404_and_others_403(client, world, generated):
    rec = generated.recommendations.first()
    for role in ("county_officer", "enterprise_user", "commissioner", "no_role"):
        client.force_login(world.users[role])
        assert client.get(reverse("diagnosis:recommendations", args=[generated.pk])).status_code == 404
        assert (
            client.get(reverse("diagnosis:recommendation_edit", args=[generated.pk, rec.pk])).status_code
            == 404
        )
        api = client.get(f"/api/v1/diagnoses/{generated.pk}/recommendations/")
        assert api.status_code == 404
    client.force_login(world.users["province_officer"])  # sees the draft, may not edit it
    assert client.get(reverse("diagnosis:recommendations", args=[generated.pk])).status_code == 403
    other = Diagnosis.objects.create(enterprise=world.ent_donghu, organisation=world.provider, number="ZDX1")
    client.force_login(world.users["clinic_staff"])  # a recommendation of another diagnosis: 404
    assert client.get(reverse("diagnosis:recommendation_edit", args=[other.pk, rec.pk])).status_code == 404
    assert client.get(reverse("diagnosis:recommendation_edit", args=[generated.pk, 10**9])).status_code == 404


# --- API -----------------------------------------------------------------------------------------


def api_client(client, user):
    client.force_login(user)
    return client


def test_api_reads_recommendations_with_solutions(client, world, generated, catalogue):
    api_client(client, world.users["clinic_staff"])
    response = client.get(f"/api/v1/diagnoses/{generated.pk}/recommendations/")
    assert response.status_code == 200
    rows = response.json()
    assert [r["position"] for r in rows] == [1, 2, 3, 4, 5]
    quality = next(r for r in rows if r["rule"] == "scn-quality-management")
    assert {s["title"] for s in quality["solutions"]} == {"质量云检测", "通用质量管理"}
    assert quality["solutions"][0]["provider"]["name"] == "赣质云科技有限公司"
    assert isinstance(quality["investment_max"], str) and Decimal(quality["investment_max"]) == Decimal(40)
    english = client.get(
        f"/api/v1/diagnoses/{generated.pk}/recommendations/", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert any(r["title"] == "Manage quality in a digital system" for r in english)


def test_api_writes_with_revision_and_refuses_bad_input(client, world, generated):
    api_client(client, world.users["clinic_staff"])
    base = f"/api/v1/diagnoses/{generated.pk}/recommendations/"
    created = client.post(
        base, {"title": "接口建议", "impact": 3, "effort": 1}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["phase"] == 1
    rec = created.json()
    url = f"{base}{rec['id']}/"
    body = {"revision": rec["revision"], "title": "接口改"}
    assert client.patch(url, json.dumps(body), content_type="application/json").status_code == 200
    stale = client.patch(url, json.dumps(body), content_type="application/json")
    assert stale.status_code == 400
    for bad in (
        {"revision": 1, "investment_min": "50", "investment_max": "10"},
        {"revision": 1, "investment_max": "9" * 40},
        {"revision": 1, "impact": 9},
        {"revision": 1, "title": "x" * 500},
        {"title": "无修订号"},
    ):
        assert client.patch(url, json.dumps(bad), content_type="application/json").status_code == 400, bad
    assert client.post(base, {"detail": "没有标题"}, content_type="application/json").status_code == 400
    assert client.delete(url).status_code == 204
    assert client.post(f"{base}generate/").status_code == 200


def test_api_is_read_only_once_issued(client, world, generated):
    issued = issue(world, generated)
    rec = issued.recommendations.first()
    api_client(client, world.users["clinic_staff"])
    base = f"/api/v1/diagnoses/{issued.pk}/recommendations/"
    assert client.post(base, {"title": "晚了"}, content_type="application/json").status_code == 400
    assert client.delete(f"{base}{rec.pk}/").status_code == 400
    assert client.post(f"{base}generate/").status_code == 400
    api_client(client, world.users["enterprise_user"])
    assert len(client.get(base).json()) == 5
    assert client.post(f"{base}generate/").status_code == 403


def test_hand_added_recommendation_without_scenarios_has_no_solutions(world, generated, catalogue):
    own = recommendation_save(actor=world.users["clinic_staff"], diagnosis=generated, data={"title": "培训"})
    found = matching_solutions(actor=world.users["clinic_staff"], diagnosis=generated, recommendations=[own])
    assert found == {own.pk: []}


def test_hostile_ids_and_revisions_never_fail(client, world, generated):
    rec = generated.recommendations.first()
    client.force_login(world.users["clinic_staff"])
    huge = "99999999999999999999"
    for path in (
        f"/enterprises/diagnoses/{huge}/recommendations/",
        f"/enterprises/diagnoses/{generated.pk}/recommendations/{huge}/",
        f"/api/v1/diagnoses/{huge}/recommendations/",
        "/api/v1/diagnoses/1e5/recommendations/",
        f"/api/v1/diagnoses/{generated.pk}/recommendations/{huge}/",
        f"/api/v1/diagnoses/{generated.pk}/recommendations/abc/",
    ):
        assert client.get(path).status_code == 404, path
    url = reverse("diagnosis:recommendation_edit", args=[generated.pk, rec.pk])
    for revision in ("99999999999999999999999", "abc", "-1", ""):
        data = {"title": "改", "priority": "2", "impact": "2", "effort": "2", "revision": revision}
        assert client.post(url, data).status_code == 400
    for body in (
        {"revision": 10**30, "title": "改"},
        {"revision": "x"},
        {"revision": 0, "scenario_codes": "abc"},
    ):
        response = client.patch(
            f"/api/v1/diagnoses/{generated.pk}/recommendations/{rec.pk}/",
            json.dumps(body),
            content_type="application/json",
        )
        assert response.status_code == 400, body
    response = client.post(
        reverse("diagnosis:recommendation_move", args=[generated.pk, rec.pk]), {"direction": "<script>"}
    )
    assert response.status_code == 302
