"""Findings and recommendations: the rules file (what a bad one says), generation from weak
dimensions and low scenarios, edits kept, read-only once issued, the submit hook, phases, the
interpretation paragraphs at band boundaries."""

import copy
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from diagnosis.models import FindingRule, Interpretation, Recommendation
from diagnosis.models.findings import Phase, default_phase
from diagnosis.selectors.assessment import default_model, model_spec
from diagnosis.selectors.findings import interpretation_for
from diagnosis.services.diagnoses import (
    diagnosis_approve,
    diagnosis_correct,
    diagnosis_issue,
    diagnosis_return,
    diagnosis_save,
    diagnosis_submit,
)
from diagnosis.services.findings import (
    FINDINGS_2024,
    FindingsError,
    findings_load,
    recommendation_delete,
    recommendation_move,
    recommendation_save,
    recommendations_generate,
    triggered_rules,
)
from tests.diagnosis.test_services_diagnoses import DETAILS, full_answers, started

SHIPPED = json.loads(FINDINGS_2024.read_text("utf-8"))


@pytest.fixture
def spec(db):
    return model_spec(default_model())


def weak_answers(spec) -> tuple[dict, dict]:
    """Full marks everywhere but 数字化管理 (its questions at their lowest option), scenarios at
    2 but 质量管理 at 1 and 决策支持 at 0."""
    answers, scenarios = full_answers(spec)
    for dim in spec.dimensions:
        if dim.code != "digital_management":
            continue
        for sub in dim.subdimensions:
            for q in sub.questions:
                answers[q.code] = [min(q.options, key=lambda o: o.score).key]
    scenarios.update({"quality_management": 1, "decision_support": 0})
    return answers, scenarios


def weak(world, spec):
    answers, scenarios = weak_answers(spec)
    return diagnosis_save(
        actor=world.users["clinic_staff"],
        diagnosis=started(world),
        revision=0,
        answers=answers,
        scenarios=scenarios,
        details=DETAILS,
    )


def clinic(world):
    return world.users["clinic_staff"]


# --- the file -------------------------------------------------------------------------------------


def test_the_shipped_file_is_loaded_by_the_migration_and_reloading_changes_nothing(db):
    model = default_model()
    assert FindingRule.objects.filter(model=model).count() == len(SHIPPED["rules"]) == 28
    assert set(
        FindingRule.objects.filter(model=model, subject="scenario").values_list("target", flat=True)
    ) == {s.code for s in model_spec(model).scenarios}
    assert Interpretation.objects.filter(model=model, kind="level").count() == 5
    ids = set(Interpretation.objects.values_list("pk", flat=True))
    counts = findings_load(source=FINDINGS_2024.read_bytes())
    assert counts["created"] == counts["updated"] == 0 and counts["unchanged"] == 28
    assert set(Interpretation.objects.values_list("pk", flat=True)) == ids
    rule = FindingRule.objects.get(code="scn-quality-management")
    assert isinstance(rule.investment_max, Decimal) and rule.below_level == 2


def test_a_rule_added_in_the_admin_is_kept_and_a_changed_file_updates(db):
    model = default_model()
    FindingRule.objects.create(
        model=model,
        code="province-own",
        subject="scenario",
        target="product_design",
        below_level=3,
        title="省定",
    )
    data = copy.deepcopy(SHIPPED)
    data["rules"][0]["title"] = "新标题"
    counts = findings_load(source=json.dumps(data, ensure_ascii=False, default=str))
    assert counts["updated"] == 1 and counts["unchanged"] == 27
    assert FindingRule.objects.get(code=data["rules"][0]["code"]).title == "新标题"
    assert FindingRule.objects.filter(code="province-own").exists()


def bad_file_errors(mutate) -> list[tuple[str, str]]:
    data = copy.deepcopy(SHIPPED)
    mutate(data)
    with pytest.raises(FindingsError) as caught:
        findings_load(source=json.dumps(data, ensure_ascii=False))
    return caught.value.errors


def test_a_bad_file_lists_every_problem_with_its_path_and_writes_nothing(db):
    before = list(FindingRule.objects.values_list("pk", "title"))

    def mutate(data):
        del data["interpretations"]["levels"][3]  # no paragraph for level 3
        data["interpretations"]["bands"][1]["min"] = 25  # gap 20–25
        data["interpretations"]["bands"][3]["max"] = 85  # overlaps the last band
        data["rules"][0]["target"] = "no_such_dimension"
        data["rules"][1]["below_ratio"] = 1.5
        data["rules"][2]["investment_min"] = 50
        data["rules"][2]["investment_max"] = 10
        data["rules"][3]["code"] = data["rules"][4]["code"]
        data["rules"][20]["below_level"] = 7
        data["rules"][21]["scenarios"] = ["flying"]
        data["rules"][22]["title"] = ""
        data["rules"][23]["impact"] = True

    errors = dict(bad_file_errors(mutate))
    assert errors["$.interpretations.levels"] == "no paragraph for level 3"
    assert "gap between 20 and 25" in errors["$.interpretations.bands[1]"]
    assert "overlaps" in errors["$.interpretations.bands[4]"]
    assert "no_such_dimension" in errors["$.rules[0].target"]
    assert "between 0 and 1" in errors["$.rules[1].below_ratio"]
    assert "below investment_min" in errors["$.rules[2].investment_max"]
    assert "used by another rule" in errors["$.rules[4].code"]
    assert "from 1 to 4" in errors["$.rules[20].below_level"]
    assert "flying" in errors["$.rules[21].scenarios"]
    assert errors["$.rules[22].title"] == "is required"
    assert "$.rules[23].impact" in errors
    assert list(FindingRule.objects.values_list("pk", "title")) == before


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d["interpretations"]["bands"].pop(0), "$.interpretations.bands[0]"),  # starts at 20
        (lambda d: d["interpretations"]["bands"].pop(), "$.interpretations.bands[3]"),  # ends at 80
        (lambda d: d.update(model="no-such-model"), "$.model"),
        (lambda d: d["rules"][0].update(investment_max="1e400"), "$.rules[0].investment_max"),
        (lambda d: d["rules"][0].update(investment_max=10**20), "$.rules[0].investment_max"),
        (lambda d: d["rules"][0].update(below_ratio=None), "$.rules[0].below_ratio"),
    ],
)
def test_bands_must_cover_the_full_range_and_numbers_must_fit(db, mutate, path):
    assert path in dict(bad_file_errors(mutate))


def test_not_json_and_not_utf8_are_file_errors(db):
    with pytest.raises(FindingsError):
        findings_load(source="{not json")
    with pytest.raises(FindingsError):
        findings_load(source=b"\xff\xfe\x00")


def test_the_command_reports_errors_and_loads(db, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"model": "sme-digital-level-2024", "interpretations": {}, "rules": []}))
    with pytest.raises(CommandError):
        call_command("load_findings", str(bad))
    assert "$.interpretations.levels" in capsys.readouterr().err
    call_command("load_findings")
    assert "28" in capsys.readouterr().out


# --- generation ----------------------------------------------------------------------------------


def test_generation_from_a_weak_dimension_and_low_scenarios(world, spec):
    diagnosis = weak(world, spec)
    made = recommendations_generate(actor=clinic(world), diagnosis=diagnosis)
    codes = {r.rule.code for r in made}
    # 数字化管理 and both its sub-dimensions are weak; two scenarios below level 2; nothing else
    assert codes == {
        "dim-management",
        "sub-planning",
        "sub-factors",
        "scn-quality-management",
        "scn-decision-support",
    }
    assert [r.position for r in made] == [1, 2, 3, 4, 5]
    assert [r.priority for r in made] == sorted(r.priority for r in made)
    quality = next(r for r in made if r.rule.code == "scn-quality-management")
    assert quality.subject_name == "质量管理" and quality.scenario_codes == ["quality_management"]
    assert quality.phase == default_phase(quality.impact, quality.effort)


def test_no_scores_yet_means_nothing_to_generate(world):
    diagnosis = started(world)
    assert triggered_rules(diagnosis) == []
    with pytest.raises(ValidationError) as caught:
        recommendations_generate(actor=clinic(world), diagnosis=diagnosis)
    assert caught.value.code == "no_scores"


def test_regenerating_keeps_edited_and_hand_added_ones(world, spec):
    diagnosis = weak(world, spec)
    made = recommendations_generate(actor=clinic(world), diagnosis=diagnosis)
    quality = next(r for r in made if r.rule.code == "scn-quality-management")
    edited = recommendation_save(
        actor=clinic(world),
        diagnosis=diagnosis,
        recommendation=quality,
        revision=0,
        data={"title": "质检改造（诊所修改）"},
    )
    assert edited.edited and edited.revision == 1
    own = recommendation_save(
        actor=clinic(world),
        diagnosis=diagnosis,
        data={"title": "手工补充的建议", "priority": 3, "impact": 3, "effort": 1, "phase": None},
    )
    assert own.rule is None and own.phase == Phase.QUICK_WINS
    again = recommendations_generate(actor=clinic(world), diagnosis=diagnosis)
    assert len(again) == 6
    titles = [r.title for r in again]
    assert "质检改造（诊所修改）" in titles and "手工补充的建议" in titles
    assert (
        Recommendation.objects.filter(diagnosis=diagnosis, rule__code="scn-quality-management").count() == 1
    )
    assert [r.position for r in Recommendation.objects.filter(diagnosis=diagnosis)] == [1, 2, 3, 4, 5, 6]


def test_a_stale_edit_is_refused_and_changes_nothing(world, spec):
    diagnosis = weak(world, spec)
    first = recommendations_generate(actor=clinic(world), diagnosis=diagnosis)[0]
    recommendation_save(
        actor=clinic(world), diagnosis=diagnosis, recommendation=first, revision=0, data={"title": "甲"}
    )
    with pytest.raises(ValidationError) as caught:
        recommendation_save(
            actor=clinic(world), diagnosis=diagnosis, recommendation=first, revision=0, data={"title": "乙"}
        )
    assert caught.value.code == "stale"
    first.refresh_from_db()
    assert first.title == "甲"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "x", "investment_min": Decimal("50"), "investment_max": Decimal("10")}, "investment_max"),
        ({"title": "x", "investment_max": Decimal("1" + "0" * 20)}, "investment_max"),
        ({"title": "x", "investment_min": Decimal("-1")}, "investment_min"),
        ({"title": "x", "impact": 9}, "impact"),
        ({"title": "x", "months": 9999}, "months"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "x", "scenario_codes": ["flying"]}, "scenario_codes"),
        ({"title": "x", "scenario_codes": "quality_management"}, "scenario_codes"),
    ],
)
def test_bad_values_are_refused(world, spec, data, field):
    diagnosis = weak(world, spec)
    with pytest.raises(ValidationError) as caught:
        recommendation_save(actor=clinic(world), diagnosis=diagnosis, data=data)
    assert field in caught.value.message_dict
    assert not Recommendation.objects.filter(diagnosis=diagnosis).exists()


def test_delete_and_move(world, spec):
    diagnosis = weak(world, spec)
    made = recommendations_generate(actor=clinic(world), diagnosis=diagnosis)
    recommendation_move(actor=clinic(world), diagnosis=diagnosis, recommendation=made[2], up=True)
    order = list(Recommendation.objects.filter(diagnosis=diagnosis).values_list("pk", flat=True))
    assert order[1] == made[2].pk and order[2] == made[1].pk
    recommendation_move(
        actor=clinic(world), diagnosis=diagnosis, recommendation=made[0], up=True
    )  # top: no-op
    recommendation_delete(actor=clinic(world), diagnosis=diagnosis, recommendation=made[0])
    assert list(Recommendation.objects.filter(diagnosis=diagnosis).values_list("position", flat=True)) == [
        1,
        2,
        3,
        4,
    ]


def test_only_the_diagnosing_clinic_edits_and_only_while_editable(world, spec):
    diagnosis = weak(world, spec)
    recommendations_generate(actor=clinic(world), diagnosis=diagnosis)
    for role in ("provider_staff", "county_officer", "enterprise_user", "admin"):
        with pytest.raises(PermissionDenied):
            recommendations_generate(actor=world.users[role], diagnosis=diagnosis)
    diagnosis = diagnosis_submit(actor=clinic(world), diagnosis=diagnosis)
    with pytest.raises(ValidationError) as caught:
        recommendation_save(actor=clinic(world), diagnosis=diagnosis, data={"title": "审核中不能加"})
    assert caught.value.code == "state"
    diagnosis = diagnosis_return(actor=world.users["county_officer"], diagnosis=diagnosis, comment="补充")
    recommendation_save(actor=clinic(world), diagnosis=diagnosis, data={"title": "退回后可以加"})
    diagnosis = diagnosis_submit(actor=clinic(world), diagnosis=diagnosis)
    diagnosis_approve(actor=world.users["county_officer"], diagnosis=diagnosis)
    diagnosis = diagnosis_issue(actor=world.users["county_officer"], diagnosis=diagnosis)
    first = diagnosis.recommendations.first()
    for run in (
        lambda: recommendations_generate(actor=clinic(world), diagnosis=diagnosis),
        lambda: recommendation_save(actor=clinic(world), diagnosis=diagnosis, data={"title": "出具后"}),
        lambda: recommendation_save(
            actor=clinic(world),
            diagnosis=diagnosis,
            recommendation=first,
            revision=first.revision,
            data={"title": "改"},
        ),
        lambda: recommendation_delete(actor=clinic(world), diagnosis=diagnosis, recommendation=first),
        lambda: recommendation_move(actor=clinic(world), diagnosis=diagnosis, recommendation=first, up=False),
    ):
        with pytest.raises(ValidationError) as caught:
            run()
        assert caught.value.code == "state" and "已出具" in caught.value.messages[0]
    assert diagnosis.recommendations.count() == 6


def test_submitting_without_recommendations_generates_them_once(world, spec):
    diagnosis = weak(world, spec)
    diagnosis = diagnosis_submit(actor=clinic(world), diagnosis=diagnosis)
    assert diagnosis.recommendations.count() == 5
    diagnosis = diagnosis_return(actor=world.users["county_officer"], diagnosis=diagnosis, comment="改")
    recommendation_delete(
        actor=clinic(world), diagnosis=diagnosis, recommendation=diagnosis.recommendations.first()
    )
    diagnosis_submit(actor=clinic(world), diagnosis=diagnosis)  # has some: left alone
    assert diagnosis.recommendations.count() == 4


@pytest.mark.parametrize(
    ("impact", "effort", "phase"),
    [(3, 1, 1), (2, 1, 1), (1, 1, 2), (3, 2, 2), (2, 2, 2), (1, 2, 3), (3, 3, 3), (1, 3, 3)],
)
def test_default_phase_puts_quick_wins_first(impact, effort, phase):
    assert default_phase(impact, effort) == phase


# --- interpretations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "band"),
    [
        ("0", 0),
        ("19.9999", 0),
        ("20", 20),  # exactly at a band's min: that band
        ("39.9999", 20),
        ("40", 40),
        ("80", 80),
        ("100", 80),  # full marks: the last band includes its max
    ],
)
def test_the_band_paragraph_at_the_boundaries(world, score, band):
    from diagnosis.models import Diagnosis

    diagnosis = Diagnosis(model=default_model(), total_score=Decimal(score), level=2)
    expected = Interpretation.objects.get(kind="band", band_min=band)
    texts = interpretation_for(diagnosis, "zh-hans")
    assert texts["band"] == expected.text
    assert texts["level"] == Interpretation.objects.get(kind="level", level=2).text
    assert interpretation_for(diagnosis, "en")["band"] == expected.text_en


def test_no_result_no_paragraph(db):
    from diagnosis.models import Diagnosis

    assert interpretation_for(Diagnosis(model=default_model()), "zh-hans") == {"level": "", "band": ""}
    level0 = interpretation_for(Diagnosis(model=default_model(), total_score=Decimal(5), level=0), "zh-hans")
    assert level0["level"].startswith("企业尚未达到一级")


def test_a_rule_edited_in_the_admin_is_checked(db):
    rule = FindingRule.objects.get(code="scn-quality-management")
    for field, value, error in (
        ("target", "flying", "target"),
        ("scenario_codes", ["flying"], "scenario_codes"),
        ("below_ratio", Decimal("0.5"), "below_ratio"),  # a scenario rule fires on its level
        ("investment_min", Decimal("999"), "investment_max"),
    ):
        candidate = FindingRule.objects.get(pk=rule.pk)
        setattr(candidate, field, value)
        with pytest.raises(ValidationError) as caught:
            candidate.full_clean()
        assert error in caught.value.message_dict, field
    dimension = FindingRule.objects.get(code="dim-foundation")
    dimension.below_ratio = None
    with pytest.raises(ValidationError) as caught:
        dimension.full_clean()
    assert "below_ratio" in caught.value.message_dict


def test_the_admin_edits_rules(admin_client, db):
    rule = FindingRule.objects.get(code="scn-quality-management")
    page = admin_client.get(f"/admin/diagnosis/findingrule/{rule.pk}/change/")
    assert page.status_code == 200 and rule.title in page.content.decode()
    interpretation = Interpretation.objects.filter(kind="band").first()
    assert admin_client.get(f"/admin/diagnosis/interpretation/{interpretation.pk}/change/").status_code == 200
    assert admin_client.get("/admin/diagnosis/interpretation/add/").status_code == 403


def test_a_correction_starts_with_the_issued_recommendations(world, spec):
    diagnosis = weak(world, spec)
    made = recommendations_generate(actor=clinic(world), diagnosis=diagnosis)
    recommendation_save(
        actor=clinic(world),
        diagnosis=diagnosis,
        recommendation=made[0],
        revision=0,
        data={"title": "诊所改过"},
    )
    diagnosis = diagnosis_submit(actor=clinic(world), diagnosis=diagnosis)
    diagnosis_approve(actor=world.users["county_officer"], diagnosis=diagnosis)
    issued = diagnosis_issue(actor=world.users["county_officer"], diagnosis=diagnosis)
    correction = diagnosis_correct(actor=clinic(world), diagnosis=issued, reason="更正")
    copied = list(correction.recommendations.order_by("position"))
    original = list(issued.recommendations.order_by("position"))
    assert [(r.title, r.rule_id, r.edited, r.position) for r in copied] == [
        (r.title, r.rule_id, r.edited, r.position) for r in original
    ]
    assert copied[0].title == "诊所改过" and copied[0].revision == 0
    recommendation_delete(actor=clinic(world), diagnosis=correction, recommendation=copied[0])
    assert issued.recommendations.count() == 5  # the issued one keeps its own
