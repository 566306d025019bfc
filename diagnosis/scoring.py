"""The diagnosis model and its scoring, as pure logic (no Django): parse, validate, score.

A model (the national SME digital-level model, 中小企业数字化水平评测指标) is a JSON document:
dimensions → sub-dimensions → questions → options with points, the business scenarios rated 1–4,
and the level rule. ``parse_model`` reads it with every number as an exact ``Decimal`` (0.7 stays
0.7) and checks it whole, raising ``ModelError`` with the path and reason of every problem found,
not just the first. ``score`` is one pure function of (model, answers, scenario levels).

Contract of ``score(model, answers, scenarios)``:
- ``answers`` maps a question code to the chosen option keys; a question left out scores 0.
  Single choice: at most one key. Multiple choice: the sum of the chosen options' points, capped
  at the question's points; an exclusive option (such as 无) must be chosen alone and then scores
  its own points. Unknown codes or keys, or these rules broken, raise ``AnswerError`` listing
  every problem.
- ``scenarios`` maps a scenario code to its level 1–4; a scenario left out is at level 0.
- Sub-dimension, dimension and total scores are exact sums. The level is the highest level of the
  rule whose minimum score, minimum number of scenarios at or above that level and minimum number
  of constrained (约束性) scenarios at or above it all hold, or 0 (未达一级) when none does.
  Raising points or scenario levels never lowers the level.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

SINGLE = "single"
MULTI = "multi"
KINDS = (SINGLE, MULTI)
SCENARIO_LEVELS = (1, 2, 3, 4)
BELOW_LEVEL_ONE = 0


class ModelError(ValueError):
    """A model file that can't be used; ``errors`` lists ``(path, reason)`` for every problem."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{path}: {reason}" for path, reason in errors))


class AnswerError(ValueError):
    """Answers that don't fit the model; ``errors`` lists ``(path, reason)`` for every problem."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{path}: {reason}" for path, reason in errors))


@dataclass(frozen=True)
class Band:
    """A value range of a band option, e.g. ``(10, 20]`` percent."""

    low: Decimal
    low_inclusive: bool
    high: Decimal
    high_inclusive: bool

    def contains(self, value: Decimal) -> bool:
        above = value > self.low or (self.low_inclusive and value == self.low)
        below = value < self.high or (self.high_inclusive and value == self.high)
        return above and below


@dataclass(frozen=True)
class Option:
    key: str
    text: str
    score: Decimal
    exclusive: bool = False
    band: Band | None = None


@dataclass(frozen=True)
class Field:
    """A raw figure asked with a question (an equipment count, an amount)."""

    code: str
    label: str


@dataclass(frozen=True)
class BandRule:
    """How a band question's option follows from its figures: ``numerator / denominator × 100``
    (percent), the figures named by field code (the denominator may be another question's)."""

    numerator: str
    denominator: str


@dataclass(frozen=True)
class Question:
    code: str
    title: str
    kind: str
    points: Decimal
    options: tuple[Option, ...]
    indicator: str = ""
    description: str = ""
    fields: tuple[Field, ...] = ()
    band_rule: BandRule | None = None

    by_key: Mapping[str, Option] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        if not self.by_key:
            object.__setattr__(self, "by_key", {o.key: o for o in self.options})

    def option(self, key: str) -> Option | None:
        return self.by_key.get(key)


@dataclass(frozen=True)
class SubDimension:
    code: str
    name: str
    points: Decimal
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Dimension:
    code: str
    name: str
    points: Decimal
    subdimensions: tuple[SubDimension, ...]


@dataclass(frozen=True)
class Scenario:
    code: str
    name: str
    group: str
    constrained: bool
    levels: Mapping[int, str]


@dataclass(frozen=True)
class LevelRule:
    level: int
    name: str
    min_score: Decimal
    min_scenarios: int
    min_constrained: int


@dataclass(frozen=True)
class Model:
    code: str
    name: str
    issued_by: str
    total_points: Decimal
    dimensions: tuple[Dimension, ...]
    scenarios: tuple[Scenario, ...]
    level_rules: tuple[LevelRule, ...]  # highest level first
    notes: tuple[str, ...] = ()
    questions: Mapping[str, Question] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        if not self.questions:
            index = {q.code: q for d in self.dimensions for s in d.subdimensions for q in s.questions}
            object.__setattr__(self, "questions", index)

    def level_name(self, level: int) -> str:
        return next((r.name for r in self.level_rules if r.level == level), "")


@dataclass(frozen=True)
class Result:
    total: Decimal
    level: int
    dimensions: Mapping[str, Decimal]
    subdimensions: Mapping[str, Decimal]
    questions: Mapping[str, Decimal]
    #: level → (scenarios at or above it, constrained scenarios at or above it), levels 1–4
    scenarios_at_or_above: Mapping[int, tuple[int, int]]


# --- reading a model -----------------------------------------------------------------------------


def load_json(text: str | bytes) -> object:
    """JSON with every number an exact ``Decimal`` (``0.7`` is Decimal('0.7'), not 0.69999…)."""
    return json.loads(text, parse_float=Decimal, parse_int=Decimal)


class _Checker:
    def __init__(self, max_decimal_places: int | None):
        self.errors: list[tuple[str, str]] = []
        self.max_decimal_places = max_decimal_places

    def error(self, path: str, reason: str) -> None:
        self.errors.append((path, reason))

    def obj(self, value, path: str) -> dict:
        if not isinstance(value, dict):
            self.error(path, "must be an object")
            return {}
        return value

    def text(self, data: dict, key: str, path: str, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.error(f"{path}.{key}", "is missing")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.error(f"{path}.{key}", "must be a non-empty string" if required else "must be a string")
            return ""
        return value.strip()

    def number(self, data: dict, key: str, path: str, *, minimum: Decimal = Decimal(0)) -> Decimal:
        value = data.get(key)
        where = f"{path}.{key}"
        if value is None:
            self.error(where, "is missing")
            return Decimal(0)
        if isinstance(value, bool) or not isinstance(value, Decimal | int):
            try:
                value = Decimal(str(value)) if isinstance(value, str) else None
            except InvalidOperation:
                value = None
            if value is None:
                self.error(where, "must be a number")
                return Decimal(0)
        value = Decimal(value)
        if not value.is_finite():
            self.error(where, "must be a finite number")
            return Decimal(0)
        if value < minimum:
            self.error(where, f"must be at least {minimum}")
        exponent = value.normalize().as_tuple().exponent
        if (
            self.max_decimal_places is not None
            and isinstance(exponent, int)
            and -exponent > self.max_decimal_places
        ):
            self.error(where, f"has more than {self.max_decimal_places} decimal places")
        return value

    def integer(self, data: dict, key: str, path: str) -> int:
        value = self.number(data, key, path)
        if value != value.to_integral_value():
            self.error(f"{path}.{key}", "must be a whole number")
        return int(value)

    def items(self, data: dict, key: str, path: str) -> list:
        value = data.get(key)
        if not isinstance(value, list) or not value:
            self.error(f"{path}.{key}", "must be a non-empty list")
            return []
        return value

    def unique(self, codes: list[tuple[str, str]], what: str) -> None:
        seen: dict[str, str] = {}
        for path, code in codes:
            if not code:
                continue
            if code in seen:
                self.error(path, f"{what} {code!r} repeats {seen[code]}")
            else:
                seen[code] = path


def _band(check: _Checker, data, path: str) -> Band | None:
    if data is None:
        return None
    data = check.obj(data, path)
    low = check.number(data, "low", path, minimum=Decimal("-Infinity"))
    high = check.number(data, "high", path, minimum=Decimal("-Infinity"))
    low_inclusive = data.get("low_inclusive", False)
    high_inclusive = data.get("high_inclusive", True)
    if not isinstance(low_inclusive, bool) or not isinstance(high_inclusive, bool):
        check.error(path, "low_inclusive and high_inclusive must be true or false")
        return None
    if high < low or (high == low and not (low_inclusive and high_inclusive)):
        check.error(path, "high must be above low")
    return Band(low, low_inclusive, high, high_inclusive)


def _question(check: _Checker, data, path: str) -> Question:
    data = check.obj(data, path)
    code = check.text(data, "code", path)
    kind = data.get("kind")
    if kind not in KINDS:
        check.error(f"{path}.kind", f"must be one of {', '.join(KINDS)}")
    points = check.number(data, "points", path)
    options = []
    for i, raw in enumerate(check.items(data, "options", path)):
        opath = f"{path}.options[{i}]"
        raw = check.obj(raw, opath)
        exclusive = raw.get("exclusive", False)
        if not isinstance(exclusive, bool):
            check.error(f"{opath}.exclusive", "must be true or false")
            exclusive = False
        options.append(
            Option(
                key=check.text(raw, "key", opath),
                text=check.text(raw, "text", opath),
                score=check.number(raw, "score", opath),
                exclusive=exclusive,
                band=_band(check, raw.get("band"), f"{opath}.band"),
            )
        )
    check.unique([(f"{path}.options[{i}].key", o.key) for i, o in enumerate(options)], "option key")
    fields = []
    for i, raw in enumerate(data.get("fields") or []):
        fpath = f"{path}.fields[{i}]"
        raw = check.obj(raw, fpath)
        fields.append(Field(code=check.text(raw, "code", fpath), label=check.text(raw, "label", fpath)))
    check.unique([(f"{path}.fields[{i}].code", f.code) for i, f in enumerate(fields)], "field code")
    band_rule = None
    if data.get("band_rule") is not None:
        raw = check.obj(data["band_rule"], f"{path}.band_rule")
        band_rule = BandRule(
            numerator=check.text(raw, "numerator", f"{path}.band_rule"),
            denominator=check.text(raw, "denominator", f"{path}.band_rule"),
        )
    question = Question(
        code=code,
        title=check.text(data, "title", path),
        kind=kind if kind in KINDS else SINGLE,
        points=points,
        options=tuple(options),
        indicator=check.text(data, "indicator", path, required=False),
        description=check.text(data, "description", path, required=False),
        fields=tuple(fields),
        band_rule=band_rule,
    )
    _check_option_points(check, question, path)
    _check_bands(check, question, path)
    return question


def _check_option_points(check: _Checker, question: Question, path: str) -> None:
    """Every option scored within the question's points, and the points reachable exactly."""
    if not question.options:
        return
    for i, option in enumerate(question.options):
        if option.score > question.points:
            check.error(
                f"{path}.options[{i}].score",
                f"{option.score} exceeds the question's {question.points} points",
            )
    if question.kind == SINGLE:
        best = max(o.score for o in question.options)
        if best != question.points:
            check.error(
                f"{path}.points", f"the best option scores {best}, not the question's {question.points}"
            )
        for i, option in enumerate(question.options):
            if option.exclusive:
                check.error(f"{path}.options[{i}].exclusive", "only multiple-choice options can be exclusive")
    else:
        together = sum((o.score for o in question.options if not o.exclusive), Decimal(0))
        if together != question.points:
            check.error(
                f"{path}.points",
                f"the non-exclusive options add up to {together}, not the question's {question.points}",
            )
        if sum(o.exclusive for o in question.options) > 1:
            check.error(f"{path}.options", "at most one option can be exclusive")


def _check_bands(check: _Checker, question: Question, path: str) -> None:
    bands = [(i, o.band) for i, o in enumerate(question.options) if o.band is not None]
    if question.band_rule is None:
        if bands:
            check.error(f"{path}.band_rule", "options have bands but the question has no band_rule")
        return
    if len(bands) != len(question.options):
        check.error(f"{path}.options", "with a band_rule every option needs a band")
        return
    ordered = sorted(bands, key=lambda ib: (ib[1].low, not ib[1].low_inclusive))
    for (_i, a), (j, b) in zip(ordered, ordered[1:], strict=False):
        if a.high != b.low or a.high_inclusive == b.low_inclusive:
            check.error(f"{path}.options[{j}].band", "bands must follow each other without gap or overlap")


def parse_model(source: str | bytes | Mapping, *, max_decimal_places: int | None = None) -> Model:
    """The model in ``source`` (JSON text, or data already read with ``load_json``), checked whole.

    Checks: codes present and unique; dimension points add up to the total, sub-dimension points to
    their dimension's, question points to their sub-dimension's; every option scored, within its
    question's points, the best single-choice option worth the question's points and the
    non-exclusive options of a multiple-choice question adding up to them; band options
    contiguous; scenarios with a descriptor for each of the levels 1–4; the level rule complete
    (levels 1…n once each), ordered (no threshold falls as the level rises) and satisfiable.
    Raises ``ModelError`` listing every problem with its path (``dimensions[0].subdimensions[1]…``).
    """
    check = _Checker(max_decimal_places)
    if isinstance(source, str | bytes):
        try:
            data = load_json(source)
        except ValueError as exc:
            raise ModelError([("$", f"not valid JSON: {exc}")]) from exc
    else:
        data = source
    data = check.obj(data, "$")
    code = check.text(data, "code", "$")
    total = check.number(data, "total_points", "$")

    dimensions = []
    for d, raw in enumerate(check.items(data, "dimensions", "$")):
        dpath = f"dimensions[{d}]"
        raw = check.obj(raw, dpath)
        subs = []
        for s, sraw in enumerate(check.items(raw, "subdimensions", dpath)):
            spath = f"{dpath}.subdimensions[{s}]"
            sraw = check.obj(sraw, spath)
            questions = tuple(
                _question(check, q, f"{spath}.questions[{i}]")
                for i, q in enumerate(check.items(sraw, "questions", spath))
            )
            sub = SubDimension(
                check.text(sraw, "code", spath),
                check.text(sraw, "name", spath),
                check.number(sraw, "points", spath),
                questions,
            )
            added = sum((q.points for q in questions), Decimal(0))
            if questions and added != sub.points:
                check.error(f"{spath}.points", f"its questions add up to {added}, not {sub.points}")
            subs.append(sub)
        dim = Dimension(
            check.text(raw, "code", dpath),
            check.text(raw, "name", dpath),
            check.number(raw, "points", dpath),
            tuple(subs),
        )
        added = sum((s.points for s in subs), Decimal(0))
        if subs and added != dim.points:
            check.error(f"{dpath}.points", f"its sub-dimensions add up to {added}, not {dim.points}")
        dimensions.append(dim)
    added = sum((d.points for d in dimensions), Decimal(0))
    if dimensions and added != total:
        check.error("$.total_points", f"the dimensions add up to {added}, not {total}")

    paths: list[tuple[str, str]] = []
    for d, dim in enumerate(dimensions):
        paths.append((f"dimensions[{d}].code", dim.code))
        for s, sub in enumerate(dim.subdimensions):
            paths.append((f"dimensions[{d}].subdimensions[{s}].code", sub.code))
            for q, question in enumerate(sub.questions):
                paths.append((f"dimensions[{d}].subdimensions[{s}].questions[{q}].code", question.code))
    check.unique(paths, "code")

    scenarios = []
    for i, raw in enumerate(check.items(data, "scenarios", "$")):
        path = f"scenarios[{i}]"
        raw = check.obj(raw, path)
        constrained = raw.get("constrained")
        if not isinstance(constrained, bool):
            check.error(f"{path}.constrained", "must be true or false")
        levels_raw = check.obj(raw.get("levels"), f"{path}.levels")
        levels = {}
        for level in SCENARIO_LEVELS:
            text = levels_raw.get(str(level))
            if not isinstance(text, str) or not text.strip():
                check.error(f"{path}.levels.{level}", "needs the descriptor of this level")
            else:
                levels[level] = text
        extra = set(levels_raw) - {str(level) for level in SCENARIO_LEVELS}
        if extra:
            check.error(f"{path}.levels", f"unknown levels {', '.join(sorted(extra))} (1–4 only)")
        scenarios.append(
            Scenario(
                code=check.text(raw, "code", path),
                name=check.text(raw, "name", path),
                group=check.text(raw, "group", path, required=False),
                constrained=bool(constrained),
                levels=levels,
            )
        )
    check.unique([(f"scenarios[{i}].code", s.code) for i, s in enumerate(scenarios)], "scenario code")

    rules = []
    for i, raw in enumerate(check.items(data, "level_rule", "$")):
        path = f"level_rule[{i}]"
        raw = check.obj(raw, path)
        rules.append(
            LevelRule(
                level=check.integer(raw, "level", path),
                name=check.text(raw, "name", path),
                min_score=check.number(raw, "min_score", path),
                min_scenarios=check.integer(raw, "min_scenarios_at_or_above", path),
                min_constrained=check.integer(raw, "min_constrained_at_or_above", path),
            )
        )
    _check_rule(check, rules, total, scenarios)
    _check_band_figures(check, dimensions)

    if check.errors:
        raise ModelError(check.errors)
    notes = data.get("notes") or data.get("uncertain") or ()
    return Model(
        code=code,
        name=check.text(data, "name", "$"),
        issued_by=check.text(data, "issued_by", "$", required=False),
        total_points=total,
        dimensions=tuple(dimensions),
        scenarios=tuple(scenarios),
        level_rules=tuple(sorted(rules, key=lambda r: -r.level)),
        notes=tuple(str(n) for n in notes) if isinstance(notes, list) else (),
    )


def _check_rule(check: _Checker, rules: list[LevelRule], total: Decimal, scenarios: list[Scenario]) -> None:
    if not rules:
        return
    levels = sorted(r.level for r in rules)
    if levels != list(range(1, len(rules) + 1)) or len(rules) > len(SCENARIO_LEVELS):
        check.error(
            "$.level_rule",
            f"must give levels 1 to n (at most {len(SCENARIO_LEVELS)}) once each, not {levels}",
        )
        return
    constrained = sum(s.constrained for s in scenarios)
    by_level = {r.level: (i, r) for i, r in enumerate(rules)}
    for level in levels:
        i, rule = by_level[level]
        path = f"level_rule[{i}]"
        if rule.min_score > total:
            check.error(f"{path}.min_score", f"{rule.min_score} is above the total points {total}")
        if rule.min_scenarios > len(scenarios):
            check.error(f"{path}.min_scenarios_at_or_above", f"more than the {len(scenarios)} scenarios")
        if rule.min_constrained > constrained:
            check.error(
                f"{path}.min_constrained_at_or_above", f"more than the {constrained} constrained scenarios"
            )
        if rule.min_constrained > rule.min_scenarios:
            check.error(f"{path}.min_constrained_at_or_above", "exceeds min_scenarios_at_or_above")
        if level > 1:
            _j, lower = by_level[level - 1]
            if rule.min_score <= lower.min_score:
                check.error(f"{path}.min_score", f"must be above level {level - 1}'s {lower.min_score}")
            if rule.min_scenarios < lower.min_scenarios or rule.min_constrained < lower.min_constrained:
                check.error(path, f"asks for fewer scenarios than level {level - 1}")


def _check_band_figures(check: _Checker, dimensions: list[Dimension]) -> None:
    """A band rule names figures that exist (its own question's, or another question's)."""
    known = {f.code for d in dimensions for s in d.subdimensions for q in s.questions for f in q.fields}
    for d, dim in enumerate(dimensions):
        for s, sub in enumerate(dim.subdimensions):
            for i, question in enumerate(sub.questions):
                rule = question.band_rule
                if rule is None:
                    continue
                for part in ("numerator", "denominator"):
                    if getattr(rule, part) and getattr(rule, part) not in known:
                        check.error(
                            f"dimensions[{d}].subdimensions[{s}].questions[{i}].band_rule.{part}",
                            f"no question asks for the figure {getattr(rule, part)!r}",
                        )


# --- scoring -------------------------------------------------------------------------------------


def band_value(question: Question, figures: Mapping[str, Decimal]) -> Decimal | None:
    """The percentage a band question's figures give (``None`` while a figure is missing or the
    denominator is 0)."""
    rule = question.band_rule
    if rule is None:
        return None
    numerator, denominator = figures.get(rule.numerator), figures.get(rule.denominator)
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return Decimal(numerator) * 100 / Decimal(denominator)


def band_option(question: Question, value: Decimal) -> str | None:
    """The key of the option whose band holds ``value`` (``None`` outside every band)."""
    return next((o.key for o in question.options if o.band is not None and o.band.contains(value)), None)


def check_answers(model: Model, answers: Mapping, scenarios: Mapping) -> list[tuple[str, str]]:
    """Every reason ``answers`` and ``scenarios`` can't be scored on ``model`` (empty when fine)."""
    errors = []
    if not isinstance(answers, Mapping):
        return [("answers", "must be an object of question code → option keys")]
    if not isinstance(scenarios, Mapping):
        return [("scenarios", "must be an object of scenario code → level 1–4")]
    for code, keys in answers.items():
        path = f"answers.{code}"
        question = model.questions.get(code)
        if question is None:
            errors.append((path, "no such question in this model"))
            continue
        if isinstance(keys, str) or not isinstance(keys, Sequence):
            errors.append((path, "must be a list of option keys"))
            continue
        chosen = []
        for key in keys:
            option = question.by_key.get(key) if isinstance(key, str) else None
            if option is None:
                errors.append((path, f"no option {key!r}"))
            else:
                chosen.append(option)
        if len(chosen) == len(keys) and len({o.key for o in chosen}) != len(chosen):
            errors.append((path, "an option is chosen twice"))
        if question.kind == SINGLE and len(keys) > 1:
            errors.append((path, "single choice: choose one option"))
        if any(o.exclusive for o in chosen) and len(keys) > 1:
            names = "、".join(o.text for o in chosen if o.exclusive)
            errors.append((path, f"{names} must be chosen alone"))
    known = {s.code for s in model.scenarios}
    for code, level in scenarios.items():
        path = f"scenarios.{code}"
        if code not in known:
            errors.append((path, "no such scenario in this model"))
        elif isinstance(level, bool) or not isinstance(level, int | Decimal) or level not in SCENARIO_LEVELS:
            errors.append((path, "the level must be 1, 2, 3 or 4"))
    return errors


def question_score(question: Question, keys: Sequence[str]) -> Decimal:
    """Points of the chosen options (checked answers): multiple choice capped at the question's."""
    options = question.by_key
    total = sum((options[k].score for k in keys if k in options), Decimal(0))
    return total if total < question.points else question.points


def score(model: Model, answers: Mapping, scenarios: Mapping) -> Result:
    """Scores and level of one answer set (see the module's contract); ``AnswerError`` if invalid."""
    errors = check_answers(model, answers, scenarios)
    if errors:
        raise AnswerError(errors)
    questions: dict[str, Decimal] = {}
    subdimensions: dict[str, Decimal] = {}
    dimensions: dict[str, Decimal] = {}
    for dimension in model.dimensions:
        dim_total = Decimal(0)
        for sub in dimension.subdimensions:
            sub_total = Decimal(0)
            for question in sub.questions:
                points = question_score(question, answers.get(question.code, ()))
                questions[question.code] = points
                sub_total += points
            subdimensions[sub.code] = sub_total
            dim_total += sub_total
        dimensions[dimension.code] = dim_total
    total = sum(dimensions.values(), Decimal(0))

    levels = [(int(scenarios.get(s.code, 0)), s.constrained) for s in model.scenarios]
    at_or_above = {
        target: (
            sum(1 for level, _c in levels if level >= target),
            sum(1 for level, constrained in levels if constrained and level >= target),
        )
        for target in SCENARIO_LEVELS
    }
    level = BELOW_LEVEL_ONE
    for rule in model.level_rules:  # highest first
        count, constrained = at_or_above[rule.level]
        if total >= rule.min_score and count >= rule.min_scenarios and constrained >= rule.min_constrained:
            level = rule.level
            break
    return Result(
        total=total,
        level=level,
        dimensions=dimensions,
        subdimensions=subdimensions,
        questions=questions,
        scenarios_at_or_above=at_or_above,
    )


def decimal_text(value: Decimal) -> str:
    """``value`` written exactly, without exponent or trailing zeros (``80``, ``79.975``)."""
    return format(value.normalize(), "f")


def result_json(model: Model, result: Result) -> dict:
    """A ``Result`` as JSON-ready data: decimals as exact strings."""
    return {
        "model": model.code,
        "total": decimal_text(result.total),
        "level": result.level,
        "level_name": model.level_name(result.level) or "未达一级",
        "dimensions": {code: decimal_text(v) for code, v in result.dimensions.items()},
        "subdimensions": {code: decimal_text(v) for code, v in result.subdimensions.items()},
        "scenarios_at_or_above": {
            str(level): {"all": count, "constrained": constrained}
            for level, (count, constrained) in result.scenarios_at_or_above.items()
        },
    }
