"""Reads of diagnoses, always for an acting user (``Diagnosis.objects.visible_to``): out of scope is 404.

``diagnosis_report(actor, diagnosis)`` gathers what the result page and the report show: scores per
dimension and sub-dimension against their maximum, every scenario with its level, its descriptor
and what the next level asks, the answers with the options' texts, the review history with the
latest per-question return comments, and the change since the previous diagnosis when the actor
may see that one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404

from diagnosis.models import Diagnosis, DiagnosisEvent, Enterprise
from diagnosis.selectors.assessment import model_spec


def diagnosis_list(
    *, actor, status: str | None = None, enterprise: Enterprise | None = None
) -> QuerySet[Diagnosis]:
    """The diagnoses ``actor`` may see, newest first (optionally of one status or enterprise; an
    unknown status is ignored)."""
    qs = Diagnosis.objects.visible_to(actor).select_related("enterprise", "organisation", "model")
    if status in Diagnosis.Status.values:  # anything else (a typo in a URL) lists every status
        qs = qs.filter(status=status)
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return qs.order_by("-updated_at", "-id")


def diagnosis_in_progress(*, enterprise: Enterprise, organisation_id: int) -> Diagnosis | None:
    """The organisation's diagnosis of ``enterprise`` not yet issued (at most one), or None."""
    return (
        Diagnosis.objects.filter(enterprise=enterprise, organisation_id=organisation_id)
        .exclude(status__in=Diagnosis.ISSUED_STATES)
        .first()
    )


def diagnosis_get(*, actor, pk: int) -> Diagnosis:
    try:
        return (
            Diagnosis.objects.visible_to(actor)
            .select_related("enterprise__county__parent", "organisation", "model", "supersedes")
            .get(pk=pk)
        )
    except Diagnosis.DoesNotExist as exc:
        raise Http404 from exc


@dataclass
class Part:
    code: str
    name: str
    points: Decimal
    score: Decimal
    parts: list = field(default_factory=list)
    previous: Decimal | None = None

    @property
    def percent(self) -> int:
        return int(self.score * 100 / self.points) if self.points else 0

    @property
    def change(self) -> Decimal | None:
        return None if self.previous is None else self.score - self.previous


@dataclass
class ScenarioRow:
    code: str
    name: str
    group: str
    constrained: bool
    level: int | None
    descriptor: str
    next_descriptor: str
    previous: int | None = None


@dataclass
class AnswerRow:
    code: str
    title: str
    kind: str
    points: Decimal
    score: Decimal | None
    chosen: list[str]
    figures: list[tuple[str, str]]
    comment: str = ""


def _scores(diagnosis: Diagnosis) -> dict[tuple[str, str], Decimal]:
    return {
        (kind, code): score for kind, code, score in diagnosis.scores.values_list("kind", "code", "score")
    }


def diagnosis_report(*, actor, diagnosis: Diagnosis) -> dict:
    """What the result page shows of ``diagnosis``. ``actor=None`` is the report renderer: the
    previous diagnosis of the same enterprise is read without a scope (the report is the
    enterprise's own document, and its previous result is part of it)."""
    spec = model_spec(diagnosis.model)
    scores = _scores(diagnosis)
    previous = None
    if diagnosis.previous_id:
        base = Diagnosis.objects.all() if actor is None else Diagnosis.objects.visible_to(actor)
        previous = base.filter(pk=diagnosis.previous_id).first()
    before = _scores(previous) if previous else {}
    dimensions = []
    for dim in spec.dimensions:
        subs = [
            Part(
                sub.code,
                sub.name,
                sub.points,
                scores.get(("subdimension", sub.code), Decimal(0)),
                previous=before.get(("subdimension", sub.code)),
            )
            for sub in dim.subdimensions
        ]
        dimensions.append(
            Part(
                dim.code,
                dim.name,
                dim.points,
                scores.get(("dimension", dim.code), Decimal(0)),
                subs,
                previous=before.get(("dimension", dim.code)),
            )
        )
    levels = dict(diagnosis.scenario_levels.values_list("scenario__code", "level"))
    previous_levels = (
        dict(previous.scenario_levels.values_list("scenario__code", "level")) if previous else {}
    )
    scenarios = [
        ScenarioRow(
            code=s.code,
            name=s.name,
            group=s.group,
            constrained=s.constrained,
            level=levels.get(s.code),
            descriptor=s.levels.get(levels.get(s.code) or 0, ""),
            next_descriptor=s.levels.get((levels.get(s.code) or 0) + 1, ""),
            previous=previous_levels.get(s.code),
        )
        for s in spec.scenarios
    ]
    events = list(DiagnosisEvent.objects.filter(diagnosis=diagnosis).select_related("actor"))
    last_return = next((e for e in reversed(events) if e.action == DiagnosisEvent.Action.RETURN), None)
    comments = last_return.question_comments if last_return else {}
    answers = {a.question.code: a for a in diagnosis.answers.select_related("question")}
    rows = []
    for question in spec.questions.values():
        answer = answers.get(question.code)
        labels = {f.code: f.label for f in question.fields}
        rows.append(
            AnswerRow(
                code=question.code,
                title=question.title,
                kind=question.kind,
                points=question.points,
                score=answer.score if answer else None,
                chosen=[
                    question.option(k).text for k in (answer.options if answer else []) if question.option(k)
                ],
                figures=[(labels.get(k, k), v) for k, v in (answer.figures if answer else {}).items()],
                comment=comments.get(question.code, ""),
            )
        )
    return {
        "spec": spec,
        "dimensions": dimensions,
        "scenarios": scenarios,
        "answers": rows,
        "events": events,
        "last_return": last_return,
        "previous": previous,
        "level_name": spec.level_name(diagnosis.level) if diagnosis.level else "",
    }


@dataclass
class TimelineEntry:
    at: object  # a datetime, or a date for visits
    kind: str  # visit, diagnosis, project, change, assignment
    title: str
    detail: str = ""
    url: str = ""


TIMELINE_LIMIT = 40


def enterprise_timeline(*, actor, enterprise: Enterprise, limit: int = TIMELINE_LIMIT) -> list[TimelineEntry]:
    """One time line of the enterprise: visits, diagnosis steps, projects, archive changes and
    assignments, newest first, each kind read through its own scope for ``actor`` (so an
    enterprise user sees no review comments and no internal assignments). A fixed number of
    queries (one per kind, each sliced to ``limit``)."""
    import datetime

    from django.urls import reverse
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from diagnosis.models import Assignment, EnterpriseChange, TransformationProject, Visit

    def moment(value):
        if isinstance(value, datetime.datetime):
            return value
        return timezone.make_aware(datetime.datetime.combine(value, datetime.time(12)))

    entries: list[TimelineEntry] = []
    for visit in (
        Visit.objects.visible_to(actor)
        .filter(enterprise=enterprise)
        .select_related("commissioner")
        .order_by("-visited_on", "-id")[:limit]
    ):
        entries.append(
            TimelineEntry(
                moment(visit.visited_on),
                "visit",
                _("走访：%(who)s") % {"who": visit.commissioner},
                visit.summary[:120],
                reverse("diagnosis:visit_list", args=[enterprise.pk]),
            )
        )
    public_steps = {DiagnosisEvent.Action.ISSUE, DiagnosisEvent.Action.CONFIRM, DiagnosisEvent.Action.DISPUTE}
    from diagnosis.permissions import sees_review_history

    reviewers = sees_review_history(actor)
    events = (
        DiagnosisEvent.objects.visible_to(actor)
        .filter(diagnosis__enterprise=enterprise)
        .select_related("diagnosis")
    )
    if not reviewers:
        events = events.filter(action__in=public_steps)
    for event in events.order_by("-at", "-id")[:limit]:
        entries.append(
            TimelineEntry(
                event.at,
                "diagnosis",
                _("诊断 %(number)s：%(action)s")
                % {
                    "number": event.diagnosis.number or event.diagnosis_id,
                    "action": event.get_action_display(),
                },
                event.comment[:120] if reviewers else "",
                reverse("diagnosis:diagnosis_detail", args=[event.diagnosis_id]),
            )
        )
    for project in (
        TransformationProject.objects.visible_to(actor).filter(enterprise=enterprise).order_by("-id")[:limit]
    ):
        when = project.completed_on or getattr(project, "created_at", None)
        if when is None:
            continue
        entries.append(
            TimelineEntry(
                moment(when),
                "project",
                _("改造项目：%(title)s") % {"title": project.title},
                project.get_status_display(),
                reverse("diagnosis:project_detail", args=[project.pk]),
            )
        )
    for change in (
        EnterpriseChange.objects.visible_to(actor)
        .filter(enterprise=enterprise)
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    ):
        entries.append(
            TimelineEntry(
                change.at,
                "change",
                _("档案%(action)s（%(source)s）")
                % {"action": change.get_action_display(), "source": change.get_source_display()},
                str(change.actor or _("系统")),
            )
        )
    for assignment in (
        Assignment.objects.visible_to(actor)
        .filter(enterprise=enterprise)
        .select_related("commissioner")
        .order_by("-assigned_at", "-id")[:limit]
    ):
        entries.append(
            TimelineEntry(
                assignment.assigned_at,
                "assignment",
                _("分配数字专员：%(who)s") % {"who": assignment.commissioner},
                assignment.reason,
            )
        )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]
