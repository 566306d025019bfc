"""Reads of the diagnosis models (评测模型): reference data, the same for every user (no scope).

``model_spec`` turns a stored version into the pure ``diagnosis.scoring.Model`` that scoring uses,
parsed from the file exactly as it was loaded and kept per process (a version never changes).
"""

from functools import lru_cache

from django.http import Http404

from diagnosis.models.assessment import AssessmentModel
from diagnosis.scoring import Model, parse_model


def assessment_models():
    """Every loaded version, the default first."""
    return AssessmentModel.objects.all()


def default_model() -> AssessmentModel | None:
    """The version new diagnoses use (``None`` before any is loaded)."""
    return AssessmentModel.objects.filter(is_default=True).first()


def model_get(*, code: str | None = None) -> AssessmentModel:
    """The version ``code`` (the default one without a code); 404 when there is none."""
    qs = AssessmentModel.objects.all()
    found = qs.filter(code=code).first() if code else qs.filter(is_default=True).first()
    if found is None:
        raise Http404
    return found


@lru_cache(maxsize=16)
def _spec(pk: int, sha256: str, source: str) -> Model:
    return parse_model(source)


def model_spec(model: AssessmentModel) -> Model:
    """The scoring definition of ``model`` (parsed once per process and version)."""
    return _spec(model.pk, model.source_sha256, model.source)
