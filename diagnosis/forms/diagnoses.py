"""The diagnosis questionnaire and the review forms.

``Questionnaire`` reads a POST of the questionnaire page (or a diagnosis' stored answers) into the
shape ``diagnosis.services.diagnoses.diagnosis_save`` takes, and back into what the page shows, so
a refused save (a wrong answer, someone else's save in between) shows the person exactly what they
typed. Field names: ``q-<question>`` (a radio, or checkboxes), ``f-<question>-<figure>`` (a raw
figure), ``s-<scenario>`` (a level 0–4, empty for not rated), plus the ``DetailsForm`` fields and
``revision``.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import DateInput
from diagnosis.models import Diagnosis


class DetailsForm(forms.ModelForm):
    class Meta:
        model = Diagnosis
        fields = ["examiners", "onsite_start", "onsite_end", "summary"]
        widgets = {
            "onsite_start": DateInput(),
            "onsite_end": DateInput(),
            "examiners": forms.TextInput(attrs={"placeholder": _("如：张工、李工（多人用顿号分隔）")}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }


class Questionnaire:
    """Answers, figures and scenario levels of one diagnosis, from a POST or from the database."""

    def __init__(self, spec, *, answers=None, figures=None, scenarios=None):
        self.spec = spec
        self.answers: dict[str, list[str]] = answers or {}
        self.figures: dict[str, dict[str, str]] = figures or {}
        self.scenarios: dict[str, str] = scenarios or {}

    @classmethod
    def from_post(cls, spec, data) -> Questionnaire:
        answers, figures, scenarios = {}, {}, {}
        for question in spec.questions.values():
            keys = [k for k in data.getlist(f"q-{question.code}") if isinstance(k, str)][:50]
            if keys:
                answers[question.code] = keys
            values = {}
            for f in question.fields:
                raw = (data.get(f"f-{question.code}-{f.code}") or "").strip()[:40]
                if raw:
                    values[f.code] = raw
            if values:
                figures[question.code] = values
        for scenario in spec.scenarios:
            raw = (data.get(f"s-{scenario.code}") or "").strip()[:2]
            if raw:
                scenarios[scenario.code] = raw
        return cls(spec, answers=answers, figures=figures, scenarios=scenarios)

    @classmethod
    def from_diagnosis(cls, spec, diagnosis: Diagnosis) -> Questionnaire:
        answers, figures = {}, {}
        for answer in diagnosis.answers.select_related("question"):
            if answer.options:
                answers[answer.question.code] = list(answer.options)
            if answer.figures:
                figures[answer.question.code] = dict(answer.figures)
        scenarios = {
            code: str(level)
            for code, level in diagnosis.scenario_levels.values_list("scenario__code", "level")
        }
        return cls(spec, answers=answers, figures=figures, scenarios=scenarios)

    def sections(self, errors: dict | None = None, comments: dict | None = None) -> list[dict]:
        """What the page renders: dimensions → sub-dimensions → questions with their state."""
        errors, comments = errors or {}, comments or {}
        out = []
        for dim in self.spec.dimensions:
            subs = []
            for sub in dim.subdimensions:
                questions = []
                for q in sub.questions:
                    chosen = set(self.answers.get(q.code, []))
                    questions.append(
                        {
                            "q": q,
                            "name": f"q-{q.code}",
                            "multi": q.kind == "multi",
                            "options": [{"o": o, "checked": o.key in chosen} for o in q.options],
                            "fields": [
                                {
                                    "f": f,
                                    "name": f"f-{q.code}-{f.code}",
                                    "value": self.figures.get(q.code, {}).get(f.code, ""),
                                }
                                for f in q.fields
                            ],
                            "errors": errors.get(q.code, []),
                            "comment": comments.get(q.code, ""),
                            "answered": bool(chosen),
                        }
                    )
                subs.append({"sub": sub, "questions": questions})
            out.append({"dim": dim, "subs": subs})
        return out

    def scenario_rows(self, errors: dict | None = None) -> list[dict]:
        errors = errors or {}
        return [
            {
                "s": s,
                "name": f"s-{s.code}",
                "value": self.scenarios.get(s.code, ""),
                "levels": sorted(s.levels.items()),
                "errors": errors.get(s.code, []),
            }
            for s in self.spec.scenarios
        ]


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )


class DisputeForm(forms.Form):
    reasons = forms.CharField(label=_("异议内容"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class CorrectForm(forms.Form):
    reason = forms.CharField(label=_("更正原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
