"""Writes of findings and recommendations: loading the rules and interpretations, generating a
diagnosis' recommendations from them, and the clinic's edits.

Contract of ``findings_load`` (``manage.py load_findings``, migration ``0017_findings``):
- The file (JSON, numbers read as exact decimals) names an assessment model already loaded and
  holds ``interpretations`` (``levels``: one paragraph for each level 0–4; ``bands``: total-score
  bands ``[min, max)`` that cover 0 to the model's full marks without gaps or overlaps, the last
  one including its max) and ``rules``. It is checked whole: a bad file raises ``FindingsError``
  listing the path and reason of every problem, and nothing is written.
- Rules are matched by ``code``: created, or updated to the file's content; rules only in the
  database (added in the admin) are kept. Interpretations are replaced by the file's. Loading the
  same file again changes nothing (idempotent).

Contract of the recommendation writes:
- Who: staff of the diagnosing organisation while the diagnosis is editable (draft, returned):
  ``diagnosis.permissions.can_edit_recommendations``. Anyone else: ``PermissionDenied``; the
  diagnosing staff on a diagnosis in review or issued: ``ValidationError`` (code ``state``)
  saying it is read-only.
- ``recommendations_generate`` evaluates the active rules of the diagnosis' model on its current
  scores and scenario levels: a dimension or sub-dimension rule fires when score / maximum is
  below ``below_ratio``, a scenario rule when the scenario's level is below ``below_level``
  (scenarios not rated yet fire nothing). Generated recommendations the clinic has not edited are
  replaced; edited and hand-added ones are kept (a rule whose recommendation was edited does not
  add a second one). All are then ordered by priority and renumbered.
- A diagnosis submitted or resubmitted without any recommendation gets them generated (the
  ``on_submit`` hook of ``diagnosis.services.diagnoses``); a correction of an issued diagnosis
  starts with a copy of its recommendations (``on_correct``).
- ``recommendation_save`` checks ``revision`` (the one the form was filled from): if someone
  saved in between, nothing is written (``ValidationError`` code ``stale``). Values are checked
  by ``full_clean`` (investment min ≤ max, ranges, lengths) and the scenarios against the
  diagnosis' model; the phase defaults to the one derived from impact and effort (``default_phase``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from diagnosis.models import Diagnosis, DiagnosisScenario, DiagnosisScore
from diagnosis.models.findings import (
    MAX_MONTHS,
    FindingRule,
    Priority,
    Recommendation,
    Subject,
    default_phase,
)
from diagnosis.permissions import can_edit_recommendations, is_diagnosing_staff
from diagnosis.scoring import ModelError
from diagnosis.selectors.assessment import model_spec
from diagnosis.services.diagnoses import on_correct, on_submit

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
#: The rules and interpretations shipped for the 2024 national model (loaded by migration 0015).
FINDINGS_2024 = DATA_DIR / "findings-2024.json"

MODEL_NAMES = ("AssessmentModel", "Dimension", "SubDimension", "Scenario", "FindingRule", "Interpretation")
#: The texts a rule carries, Chinese and English.
RULE_TEXTS = ("finding", "title", "detail", "benefit")
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


class FindingsError(ModelError):
    """A findings file that can't be used; ``errors`` lists ``(path, reason)`` for every problem."""


# --- loading ------------------------------------------------------------------------------------


def _default_models() -> SimpleNamespace:
    from diagnosis.models import assessment, findings

    return SimpleNamespace(
        AssessmentModel=assessment.AssessmentModel,
        Dimension=assessment.Dimension,
        SubDimension=assessment.SubDimension,
        Scenario=assessment.Scenario,
        FindingRule=findings.FindingRule,
        Interpretation=findings.Interpretation,
    )


@dataclass
class _Checker:
    errors: list

    def add(self, path: str, reason: str) -> None:
        self.errors.append((path, reason))

    def text(
        self, data: dict, key: str, path: str, *, required: bool = False, limit: int | None = None
    ) -> str:
        value = data.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.add(f"{path}.{key}", "must be a string")
            return ""
        value = value.strip()
        if required and not value:
            self.add(f"{path}.{key}", "is required")
        if limit and len(value) > limit:
            self.add(f"{path}.{key}", f"is {len(value)} characters long, at most {limit}")
        return value

    def integer(self, data, key, path, low: int, high: int, *, required=True, default=None) -> int | None:
        value = data.get(key)
        if value is None:
            if required:
                self.add(f"{path}.{key}", f"is required (a whole number {low}–{high})")
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.add(f"{path}.{key}", f"must be a whole number from {low} to {high}, not {value!r}")
            return default
        return value

    def decimal(self, data, key, path, *, field, low=None, high=None, required=False) -> Decimal | None:
        value = data.get(key)
        if value is None:
            if required:
                self.add(f"{path}.{key}", "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
            self.add(f"{path}.{key}", f"must be a number, not {value!r}")
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.add(f"{path}.{key}", f"must be a number, not {value!r}")
            return None
        if not number.is_finite():
            self.add(f"{path}.{key}", "must be a finite number")
            return None
        _sign, digits, exponent = number.as_tuple()
        places = max(0, -exponent)
        integer_digits = len(digits) + exponent if exponent > 0 else max(0, len(digits) - places)
        if places > field.decimal_places or integer_digits > field.max_digits - field.decimal_places:
            self.add(
                f"{path}.{key}",
                f"at most {field.max_digits - field.decimal_places} digits before the point "
                f"and {field.decimal_places} after",
            )
            return None
        if (low is not None and number < low) or (high is not None and number > high):
            self.add(f"{path}.{key}", f"must lie between {low} and {high}, not {number}")
            return None
        return number


def parse_findings(text: str, models) -> tuple[object, list[dict], list[dict]]:
    """Check a findings file against its assessment model; ``(model row, interpretations, rules)``
    as field dicts, or ``FindingsError`` with every problem."""
    try:
        data = json.loads(text, parse_float=Decimal)
    except ValueError as exc:
        raise FindingsError([("$", f"not valid JSON: {exc}")]) from exc
    if not isinstance(data, dict):
        raise FindingsError([("$", "must be an object with model, interpretations and rules")])
    check = _Checker([])
    code = data.get("model")
    model = models.AssessmentModel.objects.filter(code=code).first() if isinstance(code, str) else None
    if model is None:
        raise FindingsError([("$.model", f"no assessment model {code!r} is loaded (load it first)")])
    dimensions = set(models.Dimension.objects.filter(model=model).values_list("code", flat=True))
    subdimensions = set(
        models.SubDimension.objects.filter(dimension__model=model).values_list("code", flat=True)
    )
    scenarios = set(models.Scenario.objects.filter(model=model).values_list("code", flat=True))
    targets = {
        Subject.DIMENSION: dimensions,
        Subject.SUBDIMENSION: subdimensions,
        Subject.SCENARIO: scenarios,
    }
    interpretation_fields = {f.name: f for f in models.Interpretation._meta.get_fields()}
    rule_fields = {f.name: f for f in models.FindingRule._meta.get_fields()}
    rows: list[dict] = []

    block = data.get("interpretations")
    if not isinstance(block, dict):
        check.add("$.interpretations", "must be an object with levels and bands")
        block = {}
    levels = block.get("levels")
    if not isinstance(levels, list):
        check.add("$.interpretations.levels", "must be a list")
        levels = []
    seen_levels: set[int] = set()
    for i, item in enumerate(levels):
        path = f"$.interpretations.levels[{i}]"
        if not isinstance(item, dict):
            check.add(path, "must be an object with level, text, text_en")
            continue
        level = check.integer(item, "level", path, 0, 4)
        text_zh = check.text(item, "text", path, required=True)
        text_en = check.text(item, "text_en", path)
        if level is None:
            continue
        if level in seen_levels:
            check.add(f"{path}.level", f"level {level} has a paragraph already")
            continue
        seen_levels.add(level)
        rows.append(
            {
                "kind": "level",
                "level": level,
                "band_min": None,
                "band_max": None,
                "text": text_zh,
                "text_en": text_en,
            }
        )
    for level in sorted(set(range(5)) - seen_levels):
        check.add("$.interpretations.levels", f"no paragraph for level {level}")

    bands = block.get("bands")
    if not isinstance(bands, list) or not bands:
        check.add("$.interpretations.bands", "must be a non-empty list")
        bands = []
    parsed_bands = []
    for i, item in enumerate(bands):
        path = f"$.interpretations.bands[{i}]"
        if not isinstance(item, dict):
            check.add(path, "must be an object with min, max, text, text_en")
            continue
        low = check.decimal(item, "min", path, field=interpretation_fields["band_min"], required=True)
        high = check.decimal(item, "max", path, field=interpretation_fields["band_max"], required=True)
        text_zh = check.text(item, "text", path, required=True)
        text_en = check.text(item, "text_en", path)
        if low is None or high is None:
            continue
        if high <= low:
            check.add(path, f"max {high} must be above min {low}")
            continue
        parsed_bands.append((low, high, path, text_zh, text_en))
    parsed_bands.sort(key=lambda b: (b[0], b[1]))
    total = Decimal(model.total_points)
    if parsed_bands:
        if parsed_bands[0][0] != 0:
            check.add(parsed_bands[0][2], f"the lowest band starts at {parsed_bands[0][0]}, not 0 (a gap)")
        if parsed_bands[-1][1] != total:
            check.add(
                parsed_bands[-1][2],
                f"the highest band ends at {parsed_bands[-1][1]}, not the full marks {total}",
            )
        for before, after in zip(parsed_bands, parsed_bands[1:], strict=False):
            if after[0] > before[1]:
                check.add(after[2], f"gap between {before[1]} and {after[0]} (after {before[2]})")
            elif after[0] < before[1]:
                check.add(after[2], f"overlaps {before[2]} ({after[0]} is below its max {before[1]})")
    for low, high, _path, text_zh, text_en in parsed_bands:
        rows.append(
            {
                "kind": "band",
                "level": None,
                "band_min": low,
                "band_max": high,
                "text": text_zh,
                "text_en": text_en,
            }
        )

    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list):
        check.add("$.rules", "must be a list")
        raw_rules = []
    rules: list[dict] = []
    codes: set[str] = set()
    title_limit = rule_fields["title"].max_length
    for i, item in enumerate(raw_rules):
        path = f"$.rules[{i}]"
        if not isinstance(item, dict):
            check.add(path, "must be an object")
            continue
        rule_code = check.text(item, "code", path, required=True, limit=rule_fields["code"].max_length)
        if rule_code and not SLUG.match(rule_code):
            check.add(f"{path}.code", "only letters, digits, - and _")
        elif rule_code in codes:
            check.add(f"{path}.code", f"{rule_code!r} is used by another rule")
        codes.add(rule_code)
        subject = item.get("subject")
        target = item.get("target")
        below_ratio = below_level = None
        if subject not in Subject.values:
            check.add(f"{path}.subject", f"must be one of {', '.join(Subject.values)}, not {subject!r}")
        else:
            if target not in targets[subject]:
                check.add(f"{path}.target", f"the model has no {subject} {target!r}")
            if subject == Subject.SCENARIO:
                below_level = check.integer(item, "below_level", path, 1, 4)
                if item.get("below_ratio") is not None:
                    check.add(f"{path}.below_ratio", "a scenario rule fires on below_level only")
            else:
                below_ratio = check.decimal(
                    item, "below_ratio", path, field=rule_fields["below_ratio"], low=0, high=1, required=True
                )
                if item.get("below_level") is not None:
                    check.add(f"{path}.below_level", "a dimension rule fires on below_ratio only")
        low = check.decimal(item, "investment_min", path, field=rule_fields["investment_min"], low=0)
        high = check.decimal(item, "investment_max", path, field=rule_fields["investment_max"], low=0)
        if low is not None and high is not None and high < low:
            check.add(f"{path}.investment_max", f"{high} is below investment_min {low}")
        mapped = item.get("scenarios", [])
        if not isinstance(mapped, list) or not all(isinstance(c, str) for c in mapped):
            check.add(f"{path}.scenarios", "must be a list of scenario codes")
            mapped = []
        for c in mapped:
            if c not in scenarios:
                check.add(f"{path}.scenarios", f"the model has no scenario {c!r}")
        active = item.get("active", True)
        if not isinstance(active, bool):
            check.add(f"{path}.active", "must be true or false")
            active = True
        fields = {
            "subject": subject,
            "target": target,
            "below_ratio": below_ratio,
            "below_level": below_level,
            "priority": check.integer(item, "priority", path, 1, 3, default=Priority.MEDIUM),
            "impact": check.integer(item, "impact", path, 1, 3, default=2),
            "effort": check.integer(item, "effort", path, 1, 3, default=2),
            "investment_min": low,
            "investment_max": high,
            "months": check.integer(item, "months", path, 1, MAX_MONTHS, required=False),
            "scenario_codes": list(dict.fromkeys(mapped)),
            "active": active,
            "position": i,
        }
        for name in RULE_TEXTS:
            limit = title_limit if name == "title" else None
            fields[name] = check.text(item, name, path, required=name == "title", limit=limit)
            fields[f"{name}_en"] = check.text(item, f"{name}_en", path, limit=limit)
        rules.append({"code": rule_code, **fields})
    if check.errors:
        raise FindingsError(check.errors)
    return model, rows, rules


def findings_load(*, source: str | bytes, models=None) -> dict:
    """Validate and store a findings file (see the module's contract). Returns counts:
    ``{"model", "created", "updated", "unchanged", "interpretations"}``."""
    models = models or _default_models()
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FindingsError([("$", f"the file is not UTF-8 text (byte {exc.start})")]) from exc
    with transaction.atomic():
        model, interpretations, rules = parse_findings(source, models)
        counts = {"model": model.code, "created": 0, "updated": 0, "unchanged": 0, "interpretations": 0}
        existing = {r.code: r for r in models.FindingRule.objects.select_for_update().filter(model=model)}
        for fields in rules:
            code = fields.pop("code")
            row = existing.get(code)
            if row is None:
                models.FindingRule.objects.create(model=model, code=code, **fields)
                counts["created"] += 1
                continue
            changed = [name for name, value in fields.items() if getattr(row, name) != value]
            if changed:
                for name in changed:
                    setattr(row, name, fields[name])
                row.save(update_fields=changed)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        current = {
            (i.kind, i.level, i.band_min, i.band_max, i.text, i.text_en)
            for i in models.Interpretation.objects.filter(model=model)
        }
        wanted = {
            (r["kind"], r["level"], r["band_min"], r["band_max"], r["text"], r["text_en"])
            for r in interpretations
        }
        if current != wanted:
            models.Interpretation.objects.filter(model=model).delete()
            models.Interpretation.objects.bulk_create(
                [models.Interpretation(model=model, **r) for r in interpretations]
            )
        counts["interpretations"] = len(interpretations)
    return counts


# --- recommendations ----------------------------------------------------------------------------


def _locked(diagnosis: Diagnosis) -> Diagnosis:
    return Diagnosis.objects.select_for_update().select_related("model").get(pk=diagnosis.pk)


def _editable(actor, diagnosis: Diagnosis) -> Diagnosis:
    """The diagnosis locked, when ``actor`` may change its recommendations (see the contract)."""
    diagnosis = _locked(diagnosis)
    if can_edit_recommendations(actor, diagnosis):
        return diagnosis
    if is_diagnosing_staff(actor, diagnosis):
        if diagnosis.issued:
            raise ValidationError(_("该诊断已出具，诊断建议只读，不能再修改。"), code="state")
        raise ValidationError(
            _("该诊断当前为“%(status)s”，诊断建议不能修改。") % {"status": diagnosis.get_status_display()},
            code="state",
        )
    raise PermissionDenied(_("只有开展诊断的机构人员可以修改诊断建议。"))


def triggered_rules(diagnosis: Diagnosis) -> list[tuple[FindingRule, str]]:
    """The active rules of the diagnosis' model that its current result fires, with the name of
    the dimension, sub-dimension or scenario each is about, in rule order. Nothing before the
    questionnaire was first saved (no scores yet)."""
    if diagnosis.total_score is None:
        return []
    spec = model_spec(diagnosis.model)
    points: dict[tuple[str, str], tuple[str, Decimal]] = {}
    for dim in spec.dimensions:
        points[(Subject.DIMENSION, dim.code)] = (dim.name, dim.points)
        for sub in dim.subdimensions:
            points[(Subject.SUBDIMENSION, sub.code)] = (sub.name, sub.points)
    scores = {
        (kind, code): score
        for kind, code, score in DiagnosisScore.objects.filter(diagnosis=diagnosis).values_list(
            "kind", "code", "score"
        )
    }
    names = {s.code: s.name for s in spec.scenarios}
    levels = dict(
        DiagnosisScenario.objects.filter(diagnosis=diagnosis).values_list("scenario__code", "level")
    )
    fired = []
    for rule in FindingRule.objects.filter(model_id=diagnosis.model_id, active=True).order_by(
        "position", "id"
    ):
        if rule.subject == Subject.SCENARIO:
            level = levels.get(rule.target)
            if level is not None and rule.below_level is not None and level < rule.below_level:
                fired.append((rule, names.get(rule.target, rule.target)))
            continue
        known = points.get((rule.subject, rule.target))
        if known is None or rule.below_ratio is None:
            continue
        name, maximum = known
        score = scores.get((rule.subject, rule.target), Decimal(0))
        if maximum and score / maximum < rule.below_ratio:
            fired.append((rule, name))
    return fired


def _from_rule(diagnosis: Diagnosis, rule: FindingRule, name: str) -> Recommendation:
    return Recommendation(
        diagnosis=diagnosis,
        rule=rule,
        subject=rule.subject,
        subject_code=rule.target,
        subject_name=name[:100],
        finding=rule.finding,
        title=rule.title,
        detail=rule.detail,
        benefit=rule.benefit,
        priority=rule.priority,
        impact=rule.impact,
        effort=rule.effort,
        investment_min=rule.investment_min,
        investment_max=rule.investment_max,
        months=rule.months,
        scenario_codes=list(rule.scenario_codes or []),
        phase=default_phase(rule.impact, rule.effort),
    )


def _generate(diagnosis: Diagnosis) -> list[Recommendation]:
    existing = list(Recommendation.objects.filter(diagnosis=diagnosis))
    kept = [r for r in existing if r.edited or r.rule_id is None]
    covered = {r.rule_id for r in kept if r.rule_id}
    Recommendation.objects.filter(pk__in=[r.pk for r in existing if r not in kept]).delete()
    new = [
        _from_rule(diagnosis, rule, name)
        for rule, name in triggered_rules(diagnosis)
        if rule.pk not in covered
    ]
    for recommendation in new:
        recommendation.full_clean(exclude=["diagnosis", "rule"])
    ordered = sorted(
        [(r, (r.priority, 0, r.position)) for r in kept]
        + [(r, (r.priority, 1, r.rule.position)) for r in new],
        key=lambda pair: pair[1],
    )
    for position, (recommendation, _key) in enumerate(ordered, start=1):
        recommendation.position = position
    if kept:
        Recommendation.objects.bulk_update(kept, ["position"])
    Recommendation.objects.bulk_create(new)
    return [r for r, _key in ordered]


@transaction.atomic
def recommendations_generate(*, actor, diagnosis: Diagnosis) -> list[Recommendation]:
    """(Re)generate the recommendations of ``diagnosis`` from the rules (see the module's contract);
    returns them all in order."""
    diagnosis = _editable(actor, diagnosis)
    if diagnosis.total_score is None:
        raise ValidationError(_("请先保存诊断答题，再根据得分生成诊断建议。"), code="no_scores")
    return _generate(diagnosis)


@on_submit
def recommendations_on_submit(*, actor, diagnosis: Diagnosis) -> None:
    """A diagnosis sent for review without any recommendation gets them from the rules."""
    if not Recommendation.objects.filter(diagnosis=diagnosis).exists():
        _generate(diagnosis)


@on_correct
def recommendations_on_correct(*, actor, old: Diagnosis, new: Diagnosis) -> None:
    """A correction starts with the recommendations of the diagnosis it corrects (as they were
    issued, edited ones included); the old diagnosis keeps its own."""
    fields = [
        f.name
        for f in Recommendation._meta.concrete_fields
        if f.name not in ("id", "diagnosis", "revision", "created_at", "updated_at")
    ]
    Recommendation.objects.bulk_create(
        [
            Recommendation(diagnosis=new, **{name: getattr(row, name) for name in fields})
            for row in Recommendation.objects.filter(diagnosis=old).order_by("position", "id")
        ]
    )


#: What the clinic may change in a recommendation.
EDITABLE_FIELDS = (
    "subject_name",
    "finding",
    "title",
    "detail",
    "benefit",
    "priority",
    "impact",
    "effort",
    "investment_min",
    "investment_max",
    "months",
    "phase",
    "scenario_codes",
)


@transaction.atomic
def recommendation_save(
    *,
    actor,
    diagnosis: Diagnosis,
    data: dict,
    recommendation: Recommendation | None = None,
    revision: int | None = None,
) -> Recommendation:
    """Add a recommendation by hand (``recommendation`` None) or change one; ``data`` holds
    ``EDITABLE_FIELDS`` (a ``phase`` of None: derived from impact and effort). See the contract."""
    diagnosis = _editable(actor, diagnosis)
    if recommendation is None:
        last = Recommendation.objects.filter(diagnosis=diagnosis).aggregate(m=Max("position"))["m"] or 0
        row = Recommendation(diagnosis=diagnosis, position=last + 1, edited=True)
    else:
        row = (
            Recommendation.objects.select_for_update()
            .filter(diagnosis=diagnosis, pk=recommendation.pk)
            .first()
        )
        if row is None:
            raise ValidationError(_("这条建议已被删除。"), code="gone")
        if revision is None or int(revision) != row.revision:
            raise ValidationError(
                _("这条建议在您打开之后已被他人修改。您填写的内容仍在表单中，请核对最新内容后再保存。"),
                code="stale",
            )
    for name in EDITABLE_FIELDS:
        if name in data:
            value = data[name]
            setattr(row, name, value.strip() if isinstance(value, str) else value)
    if not row.subject_code and row.scenario_codes:  # a hand-added one is about its first scenario
        row.subject = Subject.SCENARIO
        row.subject_code = row.scenario_codes[0]
    derive = data.get("phase") in (None, "") if "phase" in data else row.pk is None
    if derive and isinstance(row.impact, int) and isinstance(row.effort, int):
        row.phase = default_phase(row.impact, row.effort)
    row.edited = True
    row.full_clean(exclude=["diagnosis", "rule", "revision"])
    known = {s.code for s in model_spec(diagnosis.model).scenarios}
    unknown = [c for c in row.scenario_codes if c not in known]
    if unknown:
        raise ValidationError(
            {"scenario_codes": _("没有这些业务场景：%(codes)s") % {"codes": "、".join(unknown[:10])}}
        )
    row.scenario_codes = list(dict.fromkeys(row.scenario_codes))
    if row.pk:
        row.revision = F("revision") + 1
    row.save()
    row.refresh_from_db()
    return row


def _row(diagnosis: Diagnosis, recommendation: Recommendation) -> Recommendation:
    row = Recommendation.objects.select_for_update().filter(diagnosis=diagnosis, pk=recommendation.pk).first()
    if row is None:
        raise ValidationError(_("这条建议已被删除。"), code="gone")
    return row


@transaction.atomic
def recommendation_delete(*, actor, diagnosis: Diagnosis, recommendation: Recommendation) -> None:
    """Remove a recommendation (generated or hand-added); the others keep their order."""
    diagnosis = _editable(actor, diagnosis)
    _row(diagnosis, recommendation).delete()
    _renumber(diagnosis)


def _renumber(diagnosis: Diagnosis) -> list[Recommendation]:
    rows = list(Recommendation.objects.filter(diagnosis=diagnosis).order_by("position", "id"))
    for position, row in enumerate(rows, start=1):
        row.position = position
    Recommendation.objects.bulk_update(rows, ["position"])
    return rows


@transaction.atomic
def recommendation_move(*, actor, diagnosis: Diagnosis, recommendation: Recommendation, up: bool) -> None:
    """Move a recommendation one place up or down the list (nothing at either end)."""
    diagnosis = _editable(actor, diagnosis)
    _row(diagnosis, recommendation)
    rows = _renumber(diagnosis)
    index = next(i for i, r in enumerate(rows) if r.pk == recommendation.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(rows):
        return
    rows[index].position, rows[other].position = rows[other].position, rows[index].position
    Recommendation.objects.bulk_update([rows[index], rows[other]], ["position"])
