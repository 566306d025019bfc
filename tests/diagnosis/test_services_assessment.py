"""Loading diagnosis model versions: the migration's national model, the service, the commands, the admin."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from diagnosis.models import AssessmentModel, LevelRule, Option, Question, Scenario
from diagnosis.scoring import ModelError, load_json
from diagnosis.selectors.assessment import default_model, model_get, model_spec
from diagnosis.services.assessment import NATIONAL_2024, assessment_model_load

pytestmark = pytest.mark.django_db
CODE = "sme-digital-level-2024"


def edition(tmp_path, *, code="test-model-2026", change=None) -> bytes:
    data = json.loads(NATIONAL_2024.read_text(encoding="utf-8"))
    data["code"] = code
    if change:
        change(data)
    return json.dumps(data, ensure_ascii=False).encode()


def test_a_migrated_database_has_the_national_model_as_default():
    model = default_model()
    assert model.code == CODE and model.is_default
    assert model.total_points == 100
    assert Question.objects.filter(model=model).count() == 15
    assert Option.objects.filter(question__model=model).count() == 79
    assert Scenario.objects.filter(model=model, constrained=True).count() == 10
    assert list(LevelRule.objects.filter(model=model).values_list("level", "min_score")) == [
        (4, Decimal(80)),
        (3, Decimal(60)),
        (2, Decimal(40)),
        (1, Decimal(20)),
    ]
    assert Option.objects.get(question__code="data_collection_coverage", key="O").score == Decimal("0.9")
    band = Option.objects.get(question__code="equipment_digitization_rate", key="B")
    assert (band.band_low, band.band_low_inclusive, band.band_high, band.band_high_inclusive) == (
        10,
        False,
        20,
        True,
    )
    assert model_spec(model).questions["network_connectivity"].points == 8


def test_loading_the_same_file_again_changes_nothing():
    before = Option.objects.count()
    model, created = assessment_model_load(source=NATIONAL_2024.read_bytes())
    assert not created and model.code == CODE
    assert Option.objects.count() == before


def test_a_changed_file_under_a_loaded_code_is_refused(tmp_path):
    changed = edition(tmp_path, code=CODE, change=lambda d: d.update(name="改过的名称"))
    with pytest.raises(ModelError) as caught:
        assessment_model_load(source=changed)
    assert caught.value.errors[0][0] == "$.code"
    assert AssessmentModel.objects.get(code=CODE).name == "中小企业数字化水平评测指标（2024年版）"


def test_a_new_edition_can_become_the_default(tmp_path):
    model, created = assessment_model_load(source=edition(tmp_path), make_default=True)
    assert created and model.is_default
    assert AssessmentModel.objects.filter(is_default=True).get() == model
    assert model_get().code == "test-model-2026"
    assert model_get(code=CODE).is_default is False
    again, created = assessment_model_load(source=NATIONAL_2024.read_bytes(), make_default=True)
    assert not created and again.is_default
    assert AssessmentModel.objects.filter(is_default=True).get().code == CODE


def test_a_bad_file_writes_nothing_and_says_every_problem(tmp_path):
    def spoil(data):
        data["dimensions"][0]["points"] = 49
        data["dimensions"][2]["subdimensions"][0]["questions"][0]["options"][1]["score"] = "x"
        data["level_rule"][0]["min_score"] = 120

    before = (AssessmentModel.objects.count(), Question.objects.count())
    with pytest.raises(ModelError) as caught:
        assessment_model_load(source=edition(tmp_path, change=spoil))
    paths = [path for path, _ in caught.value.errors]
    assert "dimensions[0].points" in paths
    assert "dimensions[2].subdimensions[0].questions[0].options[1].score" in paths
    assert "level_rule[0].min_score" in paths
    assert (AssessmentModel.objects.count(), Question.objects.count()) == before


def test_limits_come_from_the_model_fields(tmp_path):
    def spoil(data):
        data["dimensions"][0]["subdimensions"][0]["questions"][0]["options"][1]["score"] = 2.00001
        data["dimensions"][0]["subdimensions"][0]["questions"][0]["options"][1]["text"] = "长" * 501

    with pytest.raises(ModelError) as caught:
        assessment_model_load(source=edition(tmp_path, change=spoil))
    reasons = " ".join(reason for _path, reason in caught.value.errors)
    assert "more than 4 decimal places" in reasons


def test_text_too_long_for_its_column(tmp_path):
    def spoil(data):
        data["dimensions"][0]["subdimensions"][0]["questions"][0]["options"][1]["text"] = "长" * 501

    with pytest.raises(ModelError) as caught:
        assessment_model_load(source=edition(tmp_path, change=spoil))
    assert caught.value.errors == [
        (
            "dimensions[0].subdimensions[0].questions[0].options[1].text",
            "text is 501 characters long, at most 500",
        )
    ]


def test_not_utf8():
    with pytest.raises(ModelError):
        assessment_model_load(source="{}".encode("utf-16"))


# --- commands -----------------------------------------------------------------------------------


def test_load_command_reports_every_error_and_exits_1(tmp_path):
    path = tmp_path / "bad.json"
    path.write_bytes(edition(tmp_path, change=lambda d: d["dimensions"][0].update(points=1)))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("load_assessment_model", str(path), stderr=err)
    assert "dimensions[0].points" in err.getvalue()
    assert not AssessmentModel.objects.filter(code="test-model-2026").exists()


def test_load_command_loads(tmp_path):
    path = tmp_path / "good.json"
    path.write_bytes(edition(tmp_path))
    out = StringIO()
    call_command("load_assessment_model", str(path), stdout=out)
    assert "test-model-2026" in out.getvalue()
    assert AssessmentModel.objects.get(code="test-model-2026").is_default is False


def test_score_command_scores_in_order_and_keeps_going(tmp_path):
    rates = {"equipment_digitization_rate": ["E"], "digital_management_rules": ["B", "C"]}
    entries = [
        {"answers": rates, "scenarios": {"product_design": 3}},
        {"answers": {"network_connectivity": ["A", "B"]}, "scenarios": {}},
        {"answers": {}, "scenarios": {"product_design": 9}},
        {"answers": {}},
    ]
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("diagnosis_score", str(path), "--json", stdout=out)
    results = load_json(out.getvalue())
    assert len(results) == 4
    assert results[0]["total"] == "9.75" and results[0]["level"] == 0
    assert results[0]["dimensions"] == {
        "digital_foundation": "6",
        "digital_management": "3.75",
        "digital_outcomes": "0",
    }
    assert results[1]["errors"][0]["path"] == "answers.network_connectivity"
    assert results[2]["errors"][0]["path"] == "scenarios.product_design"
    assert results[3]["total"] == "0"


def test_score_command_other_model_and_bad_files(tmp_path):
    path = tmp_path / "answers.json"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(CommandError, match="没有评测模型"):
        call_command("diagnosis_score", str(path), "--model", "nope", "--json")
    path.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="JSON"):
        call_command("diagnosis_score", str(path), "--json")
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(CommandError, match="列表"):
        call_command("diagnosis_score", str(path), "--json")


# --- admin --------------------------------------------------------------------------------------


def test_admin_shows_models_read_only(admin_client):
    model = default_model()
    assert admin_client.get(reverse("admin:diagnosis_assessmentmodel_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:diagnosis_assessmentmodel_change", args=[model.pk]))
    assert page.status_code == 200 and "数字化基础" in page.content.decode()
    assert admin_client.get(reverse("admin:diagnosis_assessmentmodel_add")).status_code == 403
    response = admin_client.post(
        reverse("admin:diagnosis_assessmentmodel_delete", args=[model.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert AssessmentModel.objects.filter(pk=model.pk).exists()
    question = Question.objects.get(model=model, code="network_connectivity")
    assert admin_client.get(reverse("admin:diagnosis_question_change", args=[question.pk])).status_code == 200
