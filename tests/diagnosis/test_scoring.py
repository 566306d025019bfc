"""diagnosis.scoring: the model read exactly and checked whole, and scoring pinned at its boundaries."""

import copy
import json
import random
from decimal import Decimal

import pytest

from diagnosis.scoring import (
    AnswerError,
    ModelError,
    band_option,
    band_value,
    decimal_text,
    load_json,
    parse_model,
    result_json,
    score,
)
from diagnosis.services.assessment import NATIONAL_2024

SOURCE = NATIONAL_2024.read_bytes()
MODEL = parse_model(SOURCE)


def national() -> dict:
    return load_json(SOURCE)


def errors_of(data) -> list[tuple[str, str]]:
    with pytest.raises(ModelError) as caught:
        parse_model(data)
    return caught.value.errors


# --- the shipped model --------------------------------------------------------------------------


def test_the_national_model_as_shipped():
    assert MODEL.code == "sme-digital-level-2024"
    assert MODEL.total_points == 100
    assert [d.points for d in MODEL.dimensions] == [50, 30, 20]
    assert len(MODEL.questions) == 15
    assert len(MODEL.scenarios) == 16
    assert sum(s.constrained for s in MODEL.scenarios) == 10
    assert [(r.level, r.min_score, r.min_scenarios, r.min_constrained) for r in MODEL.level_rules] == [
        (4, 80, 10, 6),
        (3, 60, 8, 5),
        (2, 40, 6, 3),
        (1, 20, 6, 3),
    ]


def test_numbers_are_read_as_exact_decimals():
    coverage = MODEL.questions["data_collection_coverage"]
    assert coverage.option("B").score == Decimal("0.7")
    assert isinstance(coverage.option("B").score, Decimal)
    assert sum(o.score for o in coverage.options) == Decimal("10.0")
    assert MODEL.questions["digital_management_rules"].option("B").score == Decimal("1.875")


# --- scoring ------------------------------------------------------------------------------------


def all_best() -> dict:
    return {
        q.code: [o.key for o in q.options if not o.exclusive]
        if q.kind == "multi"
        else [max(q.options, key=lambda o: o.score).key]
        for q in MODEL.questions.values()
    }


def test_full_marks_and_nothing():
    best = score(MODEL, all_best(), {s.code: 4 for s in MODEL.scenarios})
    assert (best.total, best.level) == (Decimal(100), 4)
    assert best.dimensions == {"digital_foundation": 50, "digital_management": 30, "digital_outcomes": 20}
    empty = score(MODEL, {}, {})
    assert (empty.total, empty.level) == (0, 0)
    assert empty.scenarios_at_or_above[1] == (0, 0)


def test_multiple_choice_sums_caps_and_exclusive_option():
    q = MODEL.questions["data_collection_coverage"]
    keys = [o.key for o in q.options if not o.exclusive]
    assert score(MODEL, {q.code: keys}, {}).questions[q.code] == Decimal("10")
    assert score(MODEL, {q.code: ["B", "C", "O"]}, {}).questions[q.code] == Decimal("2.3")
    assert score(MODEL, {q.code: ["A"]}, {}).questions[q.code] == 0  # 无, alone
    with pytest.raises(AnswerError) as caught:
        score(MODEL, {q.code: ["A", "B"]}, {})
    assert caught.value.errors == [(f"answers.{q.code}", "无 must be chosen alone")]


def test_multiple_choice_is_capped_at_the_question_points():
    data = national()
    question = data["dimensions"][0]["subdimensions"][0]["questions"][0]  # network_connectivity, 8 points
    question["options"][1]["score"] = Decimal(2)
    model = parse_model(data)
    assert (
        score(model, {"network_connectivity": ["B", "C", "D", "E"]}, {}).questions["network_connectivity"]
        == 8
    )


def test_every_bad_answer_is_reported():
    with pytest.raises(AnswerError) as caught:
        score(
            MODEL,
            {"nope": ["A"], "information_system_coverage": ["B", "C"], "network_connectivity": ["Z"]},
            {"product_design": 5, "unknown": 1, "quality_management": True},
        )
    paths = [path for path, _reason in caught.value.errors]
    assert paths == [
        "answers.nope",
        "answers.information_system_coverage",
        "answers.network_connectivity",
        "scenarios.product_design",
        "scenarios.unknown",
        "scenarios.quality_management",
    ]


def boundary_model() -> object:
    """The national structure and rule with one 100-point question whose options give any total."""
    data = national()
    data["dimensions"] = [
        {
            "code": "all",
            "name": "全部",
            "points": Decimal(100),
            "subdimensions": [
                {
                    "code": "all_sub",
                    "name": "全部",
                    "points": Decimal(100),
                    "questions": [
                        {
                            "code": "q",
                            "title": "总分",
                            "kind": "single",
                            "points": Decimal(100),
                            "options": [
                                {"key": key, "text": key, "score": Decimal(key)}
                                for key in (
                                    "0",
                                    "19.999",
                                    "20",
                                    "39.99",
                                    "40",
                                    "59.9999",
                                    "60",
                                    "79.975",
                                    "80",
                                    "100",
                                )
                            ],
                        }
                    ],
                }
            ],
        }
    ]
    return parse_model(data)


BOUNDARY = boundary_model()
CONSTRAINED = [s.code for s in BOUNDARY.scenarios if s.constrained]
GUIDING = [s.code for s in BOUNDARY.scenarios if not s.constrained]


def scenarios_at(level: int, constrained: int, guiding: int) -> dict:
    return {**dict.fromkeys(CONSTRAINED[:constrained], level), **dict.fromkeys(GUIDING[:guiding], level)}


@pytest.mark.parametrize(
    "total, scenario_levels, expected",
    [
        ("80", scenarios_at(4, 6, 4), 4),  # exactly 80, 10 scenarios at 4, 6 of them constrained
        ("79.975", scenarios_at(4, 6, 4), 3),  # 0.025 short of 80
        ("100", scenarios_at(4, 5, 5), 3),  # 10 at level 4 but one constrained short
        ("100", scenarios_at(4, 6, 3), 3),  # 6 constrained but 9 in all
        ("60", scenarios_at(3, 5, 3), 3),
        ("59.9999", scenarios_at(3, 5, 3), 2),
        ("100", scenarios_at(3, 4, 4), 2),  # 8 at level 3, one constrained short
        ("40", scenarios_at(2, 3, 3), 2),
        ("39.99", scenarios_at(2, 3, 3), 1),
        ("20", scenarios_at(1, 3, 3), 1),
        ("19.999", scenarios_at(1, 3, 3), 0),  # 未达一级
        ("100", scenarios_at(1, 2, 4), 0),  # 6 scenarios, only 2 constrained
        ("100", scenarios_at(1, 3, 2), 0),  # 5 scenarios
        ("0", {}, 0),
    ],
)
def test_level_boundaries(total, scenario_levels, expected):
    result = score(BOUNDARY, {"q": [total]}, scenario_levels)
    assert result.total == Decimal(total)
    assert result.level == expected


def test_more_points_or_higher_scenarios_never_lower_the_level():
    """Property: from random answer sets, raising one answer or one scenario never lowers the level."""
    rng = random.Random(20241)
    questions = list(MODEL.questions.values())
    for _ in range(400):
        answers = {}
        for q in questions:
            if q.kind == "single":
                answers[q.code] = [rng.choice(q.options).key]
            else:
                keys = [o.key for o in q.options if not o.exclusive]
                answers[q.code] = rng.sample(keys, rng.randint(0, len(keys)))
        levels = {s.code: rng.randint(0, 4) for s in MODEL.scenarios}
        levels = {k: v for k, v in levels.items() if v}
        before = score(MODEL, answers, levels)

        q = rng.choice(questions)
        better = copy.deepcopy(answers)
        if q.kind == "single":
            current = q.option(answers[q.code][0]).score
            higher = [o.key for o in q.options if o.score >= current]
            better[q.code] = [rng.choice(higher)]
        else:
            missing = [o.key for o in q.options if not o.exclusive and o.key not in answers[q.code]]
            if missing:
                better[q.code] = [*answers[q.code], rng.choice(missing)]
        raised = dict(levels)
        scenario = rng.choice(MODEL.scenarios).code
        raised[scenario] = min(4, raised.get(scenario, 0) + 1)

        assert score(MODEL, better, levels).total >= before.total
        assert score(MODEL, better, levels).level >= before.level
        assert score(MODEL, answers, raised).level >= before.level


def test_result_json_is_exact_text():
    result = score(MODEL, {"digital_management_rules": ["B"], "data_collection_coverage": ["B"]}, {})
    data = result_json(MODEL, result)
    assert data["total"] == "2.575"
    assert data["dimensions"]["digital_management"] == "1.875"
    assert data["level"] == 0 and data["level_name"] == "未达一级"
    assert decimal_text(Decimal("100.000")) == "100" and decimal_text(Decimal("0.70")) == "0.7"


# --- bands --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, key",
    [
        ("0", "A"),
        ("10", "A"),
        ("10.0001", "B"),
        ("20", "B"),
        ("40", "C"),
        ("60", "D"),
        ("60.5", "E"),
        ("100", "E"),
    ],
)
def test_band_options(value, key):
    assert band_option(MODEL.questions["equipment_digitization_rate"], Decimal(value)) == key


def test_band_value_from_the_counts():
    rate = MODEL.questions["equipment_digitization_rate"]
    assert band_value(rate, {"production_devices": Decimal(40), "digitized_devices": Decimal(12)}) == 30
    assert band_value(rate, {"production_devices": Decimal(0), "digitized_devices": Decimal(0)}) is None
    assert band_value(rate, {"digitized_devices": Decimal(3)}) is None
    networking = MODEL.questions["equipment_networking_rate"]
    assert band_value(
        networking, {"production_devices": Decimal(8), "networked_devices": Decimal(1)}
    ) == Decimal("12.5")
    assert band_option(networking, Decimal("12.5")) == "B"
    assert band_option(rate, Decimal("101")) is None


# --- bad model files ----------------------------------------------------------------------------


def test_not_json():
    assert errors_of(b"{not json")[0][0] == "$"


def test_every_problem_is_reported_with_its_path():
    data = national()
    dims = data["dimensions"]
    dims[0]["points"] = Decimal(51)  # no longer adds up (and the total no longer does)
    del dims[0]["subdimensions"][0]["questions"][1]["options"][2]["score"]  # an option without score
    dims[1]["subdimensions"][0]["code"] = dims[0]["subdimensions"][0]["code"]  # a repeated code
    data["scenarios"][3]["levels"].pop("4")  # a missing descriptor
    data["level_rule"] = [r for r in data["level_rule"] if r["level"] != 2]  # level 2 missing
    errors = dict(errors_of(data))
    assert "dimensions[0].points" in errors
    assert errors["dimensions[0].subdimensions[0].questions[1].options[2].score"] == "is missing"
    assert (
        "dimensions[1].subdimensions[0].code" in errors
        and "repeats" in errors["dimensions[1].subdimensions[0].code"]
    )
    assert "$.total_points" in errors
    assert "scenarios[3].levels.4" in errors
    assert "must give levels 1 to n" in errors["$.level_rule"]


def test_rule_must_be_ordered_and_satisfiable():
    data = national()
    rules = {r["level"]: r for r in data["level_rule"]}
    rules[3]["min_score"] = Decimal(30)  # below level 2's 40
    rules[4]["min_constrained_at_or_above"] = Decimal(11)  # more than the 10 constrained scenarios
    errors = errors_of(data)
    assert ("level_rule[1].min_score", "must be above level 2's 40") in errors
    assert ("level_rule[0].min_constrained_at_or_above", "more than the 10 constrained scenarios") in errors


def test_points_must_be_reachable():
    data = national()
    single = data["dimensions"][0]["subdimensions"][0]["questions"][
        1
    ]  # equipment_digitization_rate, 6 points
    single["options"][4]["score"] = Decimal("5.5")  # the best option no longer gives the 6 points
    multi = data["dimensions"][0]["subdimensions"][0]["questions"][0]  # network_connectivity, 8 points
    multi["options"][1]["score"] = Decimal("1.5")
    errors = dict(errors_of(data))
    assert "the best option scores 5.5" in errors["dimensions[0].subdimensions[0].questions[1].points"]
    assert "add up to 7.5" in errors["dimensions[0].subdimensions[0].questions[0].points"]


def test_bands_must_be_contiguous():
    data = national()
    options = data["dimensions"][0]["subdimensions"][0]["questions"][1]["options"]
    options[2]["band"]["low"] = Decimal(25)  # a gap from 20 to 25
    errors = dict(errors_of(data))
    assert "without gap or overlap" in errors["dimensions[0].subdimensions[0].questions[1].options[2].band"]


def test_decimal_places_limit():
    data = national()
    data["dimensions"][0]["subdimensions"][0]["questions"][0]["options"][1]["score"] = Decimal("2.00001")
    with pytest.raises(ModelError) as caught:
        parse_model(data, max_decimal_places=4)
    assert any("decimal places" in reason for _path, reason in caught.value.errors)


def test_a_file_round_trips_through_json_text():
    text = json.dumps({"a": 1})  # sanity of load_json on ints too
    assert load_json(text) == {"a": Decimal(1)}
