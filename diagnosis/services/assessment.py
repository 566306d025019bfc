"""Loading a diagnosis model version (评测模型) from its JSON file.

Contract of ``assessment_model_load``:
- The file is checked whole by ``diagnosis.scoring.parse_model`` (numbers read as exact decimals,
  with no more decimal places than the database keeps, taken from the model fields). A bad file
  raises ``diagnosis.scoring.ModelError`` listing the path and reason of every problem, and
  nothing is written.
- A version is never changed once loaded. Loading the same file again does nothing (returns the
  row, ``created=False``); a different file under a code already loaded is refused: a new edition
  needs a new code.
- ``make_default`` makes the version the one new diagnoses use (there is exactly one default once
  any version is loaded: the first version loaded becomes it).
- ``models`` lets a data migration pass its historical model classes; by default the app's own.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import SimpleNamespace

from django.db import transaction

from diagnosis.scoring import Model, ModelError, parse_model

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
#: The national SME digital-level model, 2024 edition, as shipped (loaded by migration 0008).
NATIONAL_2024 = DATA_DIR / "sme-digital-level-2024.json"

MODEL_NAMES = ("AssessmentModel", "Dimension", "SubDimension", "Question", "Option", "Scenario", "LevelRule")


def _default_models() -> SimpleNamespace:
    from diagnosis.models import assessment

    return SimpleNamespace(**{name: getattr(assessment, name) for name in MODEL_NAMES})


def decode_source(source: str | bytes) -> str:
    if isinstance(source, str):
        return source
    try:
        return source.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ModelError([("$", f"the file is not UTF-8 text (byte {exc.start})")]) from exc


def assessment_model_load(*, source: str | bytes, make_default: bool = False, models=None):
    """Validate and store one model version; returns ``(AssessmentModel row, created)``."""
    models = models or _default_models()
    text = decode_source(source)
    places = models.Option._meta.get_field("score").decimal_places
    spec = parse_model(text, max_decimal_places=places)
    _check_lengths(spec, models)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with transaction.atomic():
        existing = models.AssessmentModel.objects.select_for_update().filter(code=spec.code).first()
        if existing is not None:
            if existing.source_sha256 != digest:
                raise ModelError(
                    [
                        (
                            "$.code",
                            f"version {spec.code!r} is already loaded with other content: a new edition needs a new code",
                        )
                    ]
                )
            if make_default and not existing.is_default:
                models.AssessmentModel.objects.filter(is_default=True).update(is_default=False)
                models.AssessmentModel.objects.filter(pk=existing.pk).update(is_default=True)
                existing.is_default = True
            return existing, False
        first = not models.AssessmentModel.objects.exists()
        if make_default:
            models.AssessmentModel.objects.filter(is_default=True).update(is_default=False)
        row = models.AssessmentModel.objects.create(
            code=spec.code,
            name=spec.name,
            issued_by=spec.issued_by,
            total_points=spec.total_points,
            is_default=make_default or first,
            source=text,
            source_sha256=digest,
            notes=list(spec.notes),
        )
        _write_parts(row, spec, models)
    return row, True


def _check_lengths(spec: Model, models) -> None:
    """Texts longer than their columns are file errors too (limits from the model fields)."""
    errors = []

    def fits(model_class, field: str, value: str, path: str) -> None:
        limit = model_class._meta.get_field(field).max_length
        if limit and len(value) > limit:
            errors.append((path, f"{field} is {len(value)} characters long, at most {limit}"))

    fits(models.AssessmentModel, "code", spec.code, "$.code")
    fits(models.AssessmentModel, "name", spec.name, "$.name")
    for d, dim in enumerate(spec.dimensions):
        fits(models.Dimension, "name", dim.name, f"dimensions[{d}].name")
        for s, sub in enumerate(dim.subdimensions):
            fits(models.SubDimension, "name", sub.name, f"dimensions[{d}].subdimensions[{s}].name")
            for q, question in enumerate(sub.questions):
                path = f"dimensions[{d}].subdimensions[{s}].questions[{q}]"
                fits(models.Question, "code", question.code, f"{path}.code")
                fits(models.Question, "title", question.title, f"{path}.title")
                for o, option in enumerate(question.options):
                    fits(models.Option, "key", option.key, f"{path}.options[{o}].key")
                    fits(models.Option, "text", option.text, f"{path}.options[{o}].text")
    for i, scenario in enumerate(spec.scenarios):
        fits(models.Scenario, "name", scenario.name, f"scenarios[{i}].name")
    if errors:
        raise ModelError(errors)


def _write_parts(row, spec: Model, models) -> None:
    position = 0
    for d, dim in enumerate(spec.dimensions):
        dimension = models.Dimension.objects.create(
            model=row, code=dim.code, name=dim.name, points=dim.points, position=d
        )
        for s, sub in enumerate(dim.subdimensions):
            subdimension = models.SubDimension.objects.create(
                dimension=dimension, code=sub.code, name=sub.name, points=sub.points, position=s
            )
            for question in sub.questions:
                q = models.Question.objects.create(
                    model=row,
                    subdimension=subdimension,
                    code=question.code,
                    indicator=question.indicator,
                    title=question.title,
                    description=question.description,
                    kind=question.kind,
                    points=question.points,
                    position=position,
                    fields=[{"code": f.code, "label": f.label} for f in question.fields],
                    band_rule=(
                        {
                            "numerator": question.band_rule.numerator,
                            "denominator": question.band_rule.denominator,
                        }
                        if question.band_rule
                        else None
                    ),
                )
                position += 1
                models.Option.objects.bulk_create(
                    [
                        models.Option(
                            question=q,
                            key=option.key,
                            text=option.text,
                            score=option.score,
                            exclusive=option.exclusive,
                            position=o,
                            band_low=option.band.low if option.band else None,
                            band_low_inclusive=option.band.low_inclusive if option.band else False,
                            band_high=option.band.high if option.band else None,
                            band_high_inclusive=option.band.high_inclusive if option.band else True,
                        )
                        for o, option in enumerate(question.options)
                    ]
                )
    models.Scenario.objects.bulk_create(
        [
            models.Scenario(
                model=row,
                code=scenario.code,
                name=scenario.name,
                group=scenario.group,
                constrained=scenario.constrained,
                position=i,
                levels={str(level): text for level, text in scenario.levels.items()},
            )
            for i, scenario in enumerate(spec.scenarios)
        ]
    )
    models.LevelRule.objects.bulk_create(
        [
            models.LevelRule(
                model=row,
                level=rule.level,
                name=rule.name,
                min_score=rule.min_score,
                min_scenarios=rule.min_scenarios,
                min_constrained=rule.min_constrained,
            )
            for rule in spec.level_rules
        ]
    )
