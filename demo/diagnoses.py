"""Demo diagnoses: the demo clinic's work at every stage, and two years of issued diagnoses.

Contract of ``seed_diagnoses()``:
- The demo clinic (``CLINIC_NAME``, user ``zhensuo``) has one diagnosis at each stage on its
  engaged 东湖区 enterprises — draft (half filled), submitted, returned with comments (overall and
  per question), resubmitted, approved, issued, confirmed, disputed — made through the services,
  so the review history is real; ``donghu`` (东湖区 officer) is the reviewer. Every one submitted
  got its findings and recommendations from the rules on submission (the submit hook of
  ``diagnosis.services.findings``); the bulk cohorts below have none. The demo enterprise
  (user ``qiye``) has a confirmed diagnosis from 2023 and a re-diagnosis issued now and waiting
  for its confirmation, which shows the change since.
- Around them, issued diagnoses of 2023 (``COHORT_2023`` enterprises, mostly level 1: a pyramid)
  and re-diagnoses in 2025 of most of those (mostly levels 2–3: an olive), by the demo's clinics
  and providers, with answers, scenario levels and scores, so lists, benchmarks and figures have
  a lived-in shape.
- Deterministic (``random.Random(SEED)``) and once: nothing is written when diagnoses with answers
  already exist.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Organisation, User
from demo.enterprises import CLINIC_NAME
from diagnosis.models import (
    Diagnosis,
    DiagnosisAnswer,
    DiagnosisEvent,
    DiagnosisScenario,
    DiagnosisScore,
    Engagement,
    Enterprise,
    Question,
    Scenario,
)
from diagnosis.scoring import score
from diagnosis.selectors.assessment import default_model, model_spec
from diagnosis.services import diagnoses as services

SEED = 2026
COHORT_2023 = 400
REDIAGNOSED_SHARE = 0.6
EXAMINERS = ["张伟、刘洋", "王芳、陈杰", "李娜、黄磊", "赵敏、周强", "吴婷、徐斌"]


@dataclass
class DiagnosesResult:
    stages: int = 0
    cohort: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.stages or self.cohort)


def answers_for(spec, rng: random.Random, maturity: float) -> tuple[dict, dict]:
    """An answer set of an enterprise whose digital maturity is ``maturity`` (0–1), with noise."""
    answers = {}
    for q in spec.questions.values():
        options = sorted(q.options, key=lambda o: o.score)
        if q.kind == "single":
            i = max(0, min(len(options) - 1, round(maturity * (len(options) - 1) + rng.uniform(-1.2, 1.2))))
            answers[q.code] = [options[i].key]
        else:
            keys = [o.key for o in q.options if not o.exclusive and rng.random() < maturity]
            answers[q.code] = keys or [o.key for o in q.options if o.exclusive][:1]
    scenarios = {s.code: max(0, min(4, round(maturity * 4 + rng.uniform(-1.0, 1.0)))) for s in spec.scenarios}
    return answers, scenarios


def _moment(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@transaction.atomic
def seed_diagnoses(*, today: date | None = None) -> DiagnosesResult:
    result = DiagnosesResult()
    if DiagnosisAnswer.objects.exists():
        return result
    model = default_model()
    if model is None:
        return result
    today = today or timezone.localdate()
    spec = model_spec(model)
    rng = random.Random(SEED)
    result.stages = _stages(spec, rng, today)
    result.cohort = _cohorts(model, spec, rng, today)
    _complete_activity(model, spec, rng)
    return result


def _complete_activity(model, spec, rng: random.Random) -> int:
    """The providers' activity (``demo.services``) wrote issued diagnoses with dates only, for the
    evaluation: give each a number, its examiners and a scored result, so that every issued
    diagnosis of the demo has a result page and a report."""
    rows = list(
        Diagnosis.objects.filter(status__in=Diagnosis.ISSUED_STATES, total_score__isnull=True).order_by("pk")
    )
    answer_sets = []
    for diagnosis in rows:
        answers, levels = answers_for(spec, rng, rng.betavariate(3.0, 4.0))
        scored = score(spec, answers, {c: v for c, v in levels.items() if v})
        answer_sets.append((answers, levels, scored))
        day = timezone.localdate(diagnosis.issued_at) if diagnosis.issued_at else timezone.localdate()
        diagnosis.model = model
        diagnosis.total_score, diagnosis.level = scored.total, scored.level
        diagnosis.number = f"ZD{day.year}{diagnosis.pk:06d}"
        diagnosis.examiners = rng.choice(EXAMINERS)
        diagnosis.onsite_start = diagnosis.onsite_end = day - timedelta(days=6)
    Diagnosis.objects.bulk_update(
        rows,
        ["model", "total_score", "level", "number", "examiners", "onsite_start", "onsite_end"],
        batch_size=500,
    )
    _write_results(model, rows, answer_sets)
    return len(rows)


def _write_results(model, created, answer_sets) -> None:
    """The answers, scenario levels and scores of bulk-written diagnoses (``answer_sets``: per
    diagnosis ``(answers, levels, scored)``)."""
    questions = {q.code: q.pk for q in Question.objects.filter(model=model)}
    scenarios = {s.code: s.pk for s in Scenario.objects.filter(model=model)}
    answers_rows, level_rows, score_rows = [], [], []
    for diagnosis, (answers, levels, scored) in zip(created, answer_sets, strict=True):
        answers_rows += [
            DiagnosisAnswer(
                diagnosis=diagnosis, question_id=questions[c], options=k, score=scored.questions[c]
            )
            for c, k in answers.items()
        ]
        level_rows += [
            DiagnosisScenario(diagnosis=diagnosis, scenario_id=scenarios[c], level=v)
            for c, v in levels.items()
        ]
        score_rows += [
            DiagnosisScore(diagnosis=diagnosis, kind="dimension", code=c, score=v)
            for c, v in scored.dimensions.items()
        ]
        score_rows += [
            DiagnosisScore(diagnosis=diagnosis, kind="subdimension", code=c, score=v)
            for c, v in scored.subdimensions.items()
        ]
    DiagnosisAnswer.objects.bulk_create(answers_rows, batch_size=1000)
    DiagnosisScenario.objects.bulk_create(level_rows, batch_size=1000)
    DiagnosisScore.objects.bulk_create(score_rows, batch_size=1000)


def _stages(spec, rng: random.Random, today: date) -> int:
    clinic = User.objects.filter(username="zhensuo").first()
    officer = User.objects.filter(username="donghu").first()
    owner = User.objects.filter(username="qiye").first()
    if not (clinic and officer and owner):
        return 0
    own = Enterprise.objects.visible_to(owner).first()
    engaged = list(
        Enterprise.objects.filter(engagements__organisation=clinic.organisation, engagements__active=True)
        .exclude(pk=getattr(own, "pk", None))
        .order_by("credit_code")
    )
    made = 0

    def filled(enterprise, maturity, *, complete=True):
        nonlocal made
        diagnosis = services.diagnosis_start(
            actor=clinic,
            enterprise=enterprise,
            examiners=rng.choice(EXAMINERS),
            onsite_start=today - timedelta(days=rng.randint(10, 40)),
        )
        answers, scenarios = answers_for(spec, rng, maturity)
        if not complete:  # a draft half done
            answers = dict(list(answers.items())[:7])
            scenarios = dict(list(scenarios.items())[:5])
        made += 1
        return services.diagnosis_save(
            actor=clinic,
            diagnosis=diagnosis,
            revision=diagnosis.revision,
            answers=answers,
            scenarios=scenarios,
            details={"summary": "企业数字化基础较好，生产管控与设备管理仍有提升空间。"} if complete else {},
        )

    def submitted(enterprise, maturity):
        return services.diagnosis_submit(actor=clinic, diagnosis=filled(enterprise, maturity))

    def returned(enterprise, maturity):
        return services.diagnosis_return(
            actor=officer,
            diagnosis=submitted(enterprise, maturity),
            comment="设备联网率的佐证材料不足，请补充设备台账后重新提交。",
            question_comments={"equipment_networking_rate": "请附联网设备清单。"},
        )

    def approved(enterprise, maturity):
        return services.diagnosis_approve(actor=officer, diagnosis=submitted(enterprise, maturity))

    def issued(enterprise, maturity):
        return services.diagnosis_issue(actor=officer, diagnosis=approved(enterprise, maturity))

    steps = [
        lambda e: filled(e, 0.4, complete=False),
        lambda e: submitted(e, 0.5),
        lambda e: returned(e, 0.4),
        lambda e: services.diagnosis_submit(actor=clinic, diagnosis=returned(e, 0.45)),
        lambda e: approved(e, 0.55),
        lambda e: issued(e, 0.6),
        lambda e: _acknowledged(issued(e, 0.5), Diagnosis.Status.CONFIRMED, "已收到，认可诊断结论。"),
        lambda e: _acknowledged(issued(e, 0.35), Diagnosis.Status.DISPUTED, "能耗数据口径有误，请核实。"),
    ]
    for enterprise, step in zip(engaged, steps, strict=False):
        step(enterprise)
    if own is not None:
        first = issued(own, 0.3)
        services.diagnosis_confirm(actor=owner, diagnosis=first, comment="已收到诊断书。")
        Diagnosis.objects.filter(pk=first.pk).update(
            created_at=_moment(date(2023, 5, 8)),
            submitted_at=_moment(date(2023, 5, 20)),
            approved_at=_moment(date(2023, 5, 25)),
            issued_at=_moment(date(2023, 5, 26)),
            confirmed_at=_moment(date(2023, 6, 2)),
            onsite_start=date(2023, 5, 10),
        )
        DiagnosisEvent.objects.filter(diagnosis=first).update(at=_moment(date(2023, 5, 26)))
        issued(own, 0.62)  # the 2025 re-diagnosis: its ``previous`` is the 2023 one
    return made


def _acknowledged(diagnosis: Diagnosis, status: str, comment: str) -> Diagnosis:
    """The enterprise's answer to an issued diagnosis, for enterprises without a demo login (the
    demo enterprise ``qiye`` answers its own through the service)."""
    action = (
        DiagnosisEvent.Action.CONFIRM
        if status == Diagnosis.Status.CONFIRMED
        else DiagnosisEvent.Action.DISPUTE
    )
    Diagnosis.objects.filter(pk=diagnosis.pk).update(
        status=status, confirmed_at=timezone.now() if status == Diagnosis.Status.CONFIRMED else None
    )
    DiagnosisEvent.objects.create(diagnosis=diagnosis, action=action, comment=comment)
    return diagnosis


def _cohorts(model, spec, rng: random.Random, today: date) -> int:
    """Issued diagnoses of 2023 and the 2025 re-diagnoses, written in bulk (no review history)."""
    busy = set(Diagnosis.objects.exclude(number=None).values_list("enterprise_id", flat=True))
    enterprises = [
        e
        for e in Enterprise.objects.order_by("credit_code").values_list("pk", flat=True)[: COHORT_2023 * 2]
        if e not in busy
    ][:COHORT_2023]
    organisations = list(
        Organisation.objects.filter(kind__in=[Organisation.Kind.CLINIC, Organisation.Kind.PROVIDER])
        .exclude(name=CLINIC_NAME)
        .order_by("name")
        .values_list("pk", flat=True)
    )
    if not enterprises or not organisations:
        return 0
    plans = []  # (enterprise, organisation, year day, maturity, previous index)
    for enterprise in enterprises:
        org = rng.choice(organisations)
        day = date(2023, 3, 1) + timedelta(days=rng.randrange(270))
        plans.append((enterprise, org, day, rng.betavariate(2.2, 5.0), None))
    for index, (enterprise, org, _day, _m, _p) in enumerate(list(plans)):
        if rng.random() < REDIAGNOSED_SHARE:
            day = date(2025, 3, 1) + timedelta(days=rng.randrange(240))
            if day < today:
                plans.append((enterprise, org, day, rng.betavariate(5.0, 4.0), index))
    rows, answer_sets = [], []
    for enterprise, org, day, maturity, _previous in plans:
        answers, levels = answers_for(spec, rng, maturity)
        scored = score(spec, answers, {c: v for c, v in levels.items() if v})
        answer_sets.append((answers, levels, scored))
        rows.append(
            Diagnosis(
                enterprise_id=enterprise,
                organisation_id=org,
                model=model,
                status=Diagnosis.Status.CONFIRMED,
                examiners=rng.choice(EXAMINERS),
                onsite_start=day,
                onsite_end=day + timedelta(days=1),
                total_score=scored.total,
                level=scored.level,
                submitted_at=_moment(day + timedelta(days=7)),
                approved_at=_moment(day + timedelta(days=12)),
                issued_at=_moment(day + timedelta(days=13)),
                confirmed_at=_moment(day + timedelta(days=20)),
            )
        )
    created = Diagnosis.objects.bulk_create(rows, batch_size=500)
    if any(d.pk is None for d in created):  # a backend that returns no ids
        created = list(Diagnosis.objects.filter(number=None, model=model).order_by("pk"))[-len(rows) :]
    for diagnosis, (_e, _o, day, _m, previous) in zip(created, plans, strict=True):
        diagnosis.number = f"ZD{day.year}{diagnosis.pk:06d}"
        diagnosis.previous_id = created[previous].pk if previous is not None else None
    Diagnosis.objects.bulk_update(created, ["number", "previous"], batch_size=500)
    Diagnosis.objects.filter(pk__in=[d.pk for d in created]).update(
        created_at=F("submitted_at"), updated_at=F("confirmed_at")
    )
    _write_results(model, created, answer_sets)
    # The archive keeps the latest issued result (issuing does this; these rows skip the service).
    latest: dict[int, Diagnosis] = {}
    for diagnosis in created:
        if (
            diagnosis.enterprise_id not in latest
            or diagnosis.issued_at > latest[diagnosis.enterprise_id].issued_at
        ):
            latest[diagnosis.enterprise_id] = diagnosis
    archives = list(Enterprise.objects.filter(pk__in=latest))
    for enterprise in archives:
        found = latest[enterprise.pk]
        enterprise.digital_level = found.level
        enterprise.digital_score = found.total_score
        enterprise.diagnosed_on = timezone.localdate(found.issued_at)
    Enterprise.objects.bulk_update(
        archives, ["digital_level", "digital_score", "diagnosed_on"], batch_size=500
    )
    engaged = set(Engagement.objects.values_list("enterprise_id", "organisation_id"))
    Engagement.objects.bulk_create(
        [
            Engagement(enterprise_id=e, organisation_id=o, purpose=Engagement.Purpose.DIAGNOSIS, active=False)
            for e, o in sorted({(d.enterprise_id, d.organisation_id) for d in created} - engaged)
        ]
    )
    return len(created)
