"""Reads of findings and recommendations, for an acting user.

- ``recommendation_list`` / ``recommendation_get``: a diagnosis' recommendations through
  ``Recommendation.objects.visible_to(actor)`` (whoever sees the diagnosis sees them: the
  enterprise and its commissioner only once issued); out of scope is 404.
- ``interpretation_for``: the standard paragraphs for the diagnosis' level and total-score band
  (a band is ``[min, max)``; the one ending at full marks includes it), in the reader's language.
- ``matching_solutions``: for each recommendation, the published solutions of admitted providers
  (the public catalogue, the same for every reader) that address one of its scenarios and are
  made for the enterprise's industry division (or for every industry: ``industries`` empty), with
  their provider: two queries whatever the number of recommendations.
- ``findings_overview``: everything the result page shows: interpretation, recommendations in
  order with their texts and solutions, the impact × effort matrix and the phased roadmap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.http import Http404

from diagnosis.models import Diagnosis, Interpretation, Recommendation
from diagnosis.models.findings import Phase
from providers.models import Solution
from providers.selectors.directory import public_solution_list

#: Solutions shown per recommendation.
SOLUTIONS_PER_RECOMMENDATION = 5


def recommendation_list(*, actor, diagnosis: Diagnosis) -> QuerySet[Recommendation]:
    """The recommendations of ``diagnosis`` that ``actor`` may see, in their order. ``actor=None``
    is the report renderer: the diagnosis' own recommendations (its caller has the diagnosis)."""
    base = Recommendation.objects.all() if actor is None else Recommendation.objects.visible_to(actor)
    return base.filter(diagnosis_id=diagnosis.pk).select_related("rule").order_by("position", "id")


def recommendation_get(*, actor, diagnosis: Diagnosis, pk) -> Recommendation:
    try:
        return recommendation_list(actor=actor, diagnosis=diagnosis).get(pk=int(pk))
    except (Recommendation.DoesNotExist, TypeError, ValueError) as exc:
        raise Http404 from exc


def interpretation_for(diagnosis: Diagnosis, language: str) -> dict:
    """``{"level": paragraph, "band": paragraph}`` for the diagnosis' result (``""`` when there
    is no result yet or no paragraph), English for a reader whose language starts with ``en``."""
    result = {"level": "", "band": ""}
    if diagnosis.total_score is None and diagnosis.level is None:
        return result
    total = Decimal(diagnosis.model.total_points)
    score = diagnosis.total_score
    rows = Interpretation.objects.filter(model_id=diagnosis.model_id).filter(
        Q(kind=Interpretation.Kind.LEVEL, level=diagnosis.level or 0)
        | (
            Q(kind=Interpretation.Kind.BAND, band_min__lte=score)
            & (Q(band_max__gt=score) | Q(band_max=total, band_max__gte=score))
            if score is not None
            else Q(pk__in=[])
        )
    )
    for row in rows:
        result[row.kind] = row.text_for(language)
    return result


def _division(diagnosis: Diagnosis) -> str:
    return (diagnosis.enterprise.industry_code or "")[:2]


def matching_solutions(
    *, actor, diagnosis: Diagnosis, recommendations, limit: int = SOLUTIONS_PER_RECOMMENDATION
) -> dict[int, list[Solution]]:
    """``{recommendation id: [solution, …]}`` (see the module); ``actor`` is the reader (the
    catalogue shown is the public one, the same for everyone)."""
    codes = {code for r in recommendations for code in (r.scenario_codes or [])}
    if not codes:
        return {r.pk: [] for r in recommendations}
    industry = Q(industries=[])
    division = _division(diagnosis)
    if division:
        industry |= Q(industries__icontains=f'"{division}"')
    solutions = list(
        public_solution_list()
        .filter(pk__in=Solution.objects.filter(scenarios__code__in=codes).values("pk"))
        .filter(industry)
    )
    found: dict[int, list[Solution]] = {}
    for recommendation in recommendations:
        wanted = set(recommendation.scenario_codes or [])
        found[recommendation.pk] = [s for s in solutions if wanted & {sc.code for sc in s.scenarios.all()}][
            :limit
        ]
    return found


@dataclass
class Row:
    """A recommendation as shown: its number in the list, texts in the reader's language, solutions."""

    number: int
    recommendation: Recommendation
    text: dict
    solutions: list = field(default_factory=list)


@dataclass
class Overview:
    interpretation: dict
    rows: list[Row]
    #: Impact 3 → 1 (top to bottom), each a list of effort 1 → 3 cells: ``(impact, effort, rows)``.
    matrix: list
    #: ``(phase value, label, rows)`` for phases 1, 2, 3.
    phases: list


def findings_overview(*, actor, diagnosis: Diagnosis, language: str) -> Overview:
    """What the result page shows of the findings (see the module); a fixed number of queries."""
    recommendations = list(recommendation_list(actor=actor, diagnosis=diagnosis))
    solutions = matching_solutions(actor=actor, diagnosis=diagnosis, recommendations=recommendations)
    rows = [
        Row(number, r, r.text(language), solutions.get(r.pk, []))
        for number, r in enumerate(recommendations, start=1)
    ]
    matrix = [
        [
            (
                impact,
                effort,
                [
                    row
                    for row in rows
                    if row.recommendation.impact == impact and row.recommendation.effort == effort
                ],
            )
            for effort in (1, 2, 3)
        ]
        for impact in (3, 2, 1)
    ]
    phases = [
        (phase.value, phase.label, [row for row in rows if row.recommendation.phase == phase])
        for phase in Phase
    ]
    return Overview(interpretation_for(diagnosis, language), rows, matrix, phases)
