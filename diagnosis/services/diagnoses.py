"""Writes of a diagnosis: start, fill, submit, return, approve, issue, confirm, dispute, correct.

Contract (see ``diagnosis.models.diagnoses`` for the states):
- Who may do each step is ``diagnosis.permissions``: ``PermissionDenied`` with a reason otherwise;
  a step from the wrong state is a ``ValidationError`` saying what state it is in.
- ``diagnosis_save`` takes the ``revision`` the person's form was filled from. If someone saved
  in between, nothing is written and a ``ValidationError`` (code ``stale``) says so: the caller
  keeps the person's input and shows it again. Each save bumps ``revision``.
- Answers are checked against the diagnosis' model version (every problem at once, in the
  person's language); band questions pick their option from the raw figures when both counts are
  given (a chosen option that disagrees is an error). Scores are recomputed on every save with
  ``diagnosis.scoring.score`` and kept exactly (``DiagnosisAnswer.score``, ``DiagnosisScore``,
  ``total_score``, ``level``).
- Submitting needs every question answered and every scenario rated (0 = not reached).
- Issued diagnoses are read-only. ``diagnosis_correct`` starts a new draft from an issued one,
  with its answers, ``supersedes`` pointing at it and the reason; the old one is kept.
- Every step writes a ``DiagnosisEvent`` (who, when, comment, per-question comments).
- Subdomains above this one act on a step without this module importing them: they register a
  function with ``on_start`` (the portal prefills the new draft from the enterprise's
  self-assessment through ``diagnosis_prefill``), ``on_submit`` (the findings write the first
  recommendations), ``on_correct`` (the correction keeps them) or ``on_issue`` (issued, confirmed
  or disputed: the report requests its new version). One registry (``_Hooks``): each
  function once (by module and name, so a re-imported module does not register twice), run in
  registration order inside the step's transaction, after the step is written.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from diagnosis.models import (
    Diagnosis,
    DiagnosisAnswer,
    DiagnosisEvent,
    DiagnosisScenario,
    DiagnosisScore,
    Enterprise,
    Question,
    Scenario,
)
from diagnosis.models.assessment import POINTS
from diagnosis.permissions import (
    can_acknowledge_diagnosis,
    can_correct_diagnosis,
    can_fill_diagnosis,
    can_review_diagnosis,
    can_start_diagnosis,
)
from diagnosis.scoring import band_option, band_value, score
from diagnosis.selectors.assessment import model_spec
from diagnosis.services.enterprises import enterprise_record_diagnosis

Status = Diagnosis.Status
Action = DiagnosisEvent.Action


class _Hooks:
    """Functions run at one step of the workflow (see the module): register with the instance as
    a decorator, run with ``run(**kwargs)``."""

    def __init__(self) -> None:
        self.functions: list[Callable] = []

    def __call__(self, fn: Callable) -> Callable:
        key = (fn.__module__, fn.__qualname__)
        self.functions[:] = [f for f in self.functions if (f.__module__, f.__qualname__) != key]
        self.functions.append(fn)
        return fn

    def run(self, **kwargs) -> None:
        for fn in list(self.functions):
            fn(**kwargs)


#: ``fn(actor=…, diagnosis=…)`` after ``diagnosis_start`` created a draft.
on_start = _Hooks()
#: ``fn(actor=…, diagnosis=…)`` when a diagnosis is submitted or resubmitted.
on_submit = _Hooks()
#: ``fn(actor=…, old=…, new=…)`` when a correction of an issued diagnosis is started.
on_correct = _Hooks()
#: ``fn(actor=…, diagnosis=…)`` when a diagnosis is issued, confirmed or disputed (what its
#: report says changes: the reports request a new version in the same transaction).
on_issue = _Hooks()


#: Raw figures: non-negative, at most this many digits before the point and ``POINTS`` decimals.
FIGURE_INTEGER_DIGITS = 12


def _event(diagnosis, action, actor, comment="", question_comments=None) -> DiagnosisEvent:
    return DiagnosisEvent.objects.create(
        diagnosis=diagnosis,
        action=action,
        actor=actor,
        comment=comment,
        question_comments=question_comments or {},
    )


def _number(diagnosis: Diagnosis) -> None:
    """Give a newly saved diagnosis its report number: ZD, the year, the id in six digits."""
    diagnosis.number = f"ZD{timezone.localdate().year}{diagnosis.pk:06d}"
    diagnosis.save(update_fields=["number"])


def _locked(diagnosis: Diagnosis) -> Diagnosis:
    """The row again, locked for this transaction (its state may have moved since it was read)."""
    return (
        Diagnosis.objects.select_for_update()
        .select_related("enterprise__county", "model")
        .get(pk=diagnosis.pk)
    )


def _wrong_state(diagnosis: Diagnosis, wanted: str) -> ValidationError:
    return ValidationError(
        _("该诊断当前为“%(status)s”，不能%(action)s。")
        % {"status": diagnosis.get_status_display(), "action": wanted},
        code="state",
    )


@transaction.atomic
def diagnosis_start(
    *,
    actor,
    enterprise: Enterprise,
    examiners: str = "",
    onsite_start: datetime.date | None = None,
    onsite_end: datetime.date | None = None,
) -> Diagnosis:
    """A new draft diagnosis of ``enterprise`` by the actor's organisation on the default model.

    One diagnosis in progress per enterprise and organisation: starting another while one is not
    yet issued is refused (continue that one)."""
    if not can_start_diagnosis(actor, enterprise):
        raise PermissionDenied(_("只有与该企业建立了服务对接的诊所或服务商人员可以开展诊断。"))
    in_progress = Diagnosis.objects.filter(
        enterprise=enterprise, organisation_id=actor.organisation_id
    ).exclude(status__in=Diagnosis.ISSUED_STATES)
    if in_progress.exists():
        raise ValidationError(
            _("本机构对该企业已有一份尚未出具的诊断，请继续填写那一份。"), code="in_progress"
        )
    previous = (
        Diagnosis.objects.filter(
            enterprise=enterprise, status__in=Diagnosis.ISSUED_STATES, superseded_by__isnull=True
        )
        .order_by("-issued_at", "-id")
        .first()
    )
    diagnosis = Diagnosis(
        enterprise=enterprise,
        organisation_id=actor.organisation_id,
        examiners=(examiners or "").strip(),
        onsite_start=onsite_start,
        onsite_end=onsite_end,
        previous=previous,
        created_by=actor,
    )
    diagnosis.full_clean(exclude=["number", "model"])
    if diagnosis.model_id is None:
        raise ValidationError(_("尚未载入评测模型，无法开展诊断。请联系系统管理员。"), code="no_model")
    diagnosis.save()
    _number(diagnosis)
    _event(diagnosis, Action.CREATE, actor)
    on_start.run(actor=actor, diagnosis=diagnosis)
    return diagnosis


def diagnosis_prefill(
    *, actor, diagnosis: Diagnosis, answers: dict, figures: dict, scenarios: dict, note: str
) -> bool:
    """Fill a new draft's questionnaire from answers given elsewhere (checked against its model
    like a save; answers that no longer fit are left out rather than refused) and record a
    ``PREFILL`` event saying where they came from (``note``). Returns whether anything was filled."""
    if diagnosis.status != Status.DRAFT or diagnosis.revision:
        return False
    spec = model_spec(diagnosis.model)
    try:
        keys, clean_figures, levels = clean_answers(spec, answers, figures, scenarios)
    except ValidationError as exc:
        bad = set(exc.message_dict)
        try:
            keys, clean_figures, levels = clean_answers(
                spec,
                {k: v for k, v in answers.items() if k not in bad},
                {k: v for k, v in figures.items() if k not in bad},
                {k: v for k, v in scenarios.items() if k not in bad},
            )
        except ValidationError:
            return False
    if not (keys or levels):
        return False
    _store(diagnosis, spec, keys, clean_figures, levels)
    diagnosis.save(update_fields=["total_score", "level", "updated_at"])
    _event(diagnosis, Action.PREFILL, actor, note)
    return True


def _figure(value, label: str, errors: list[str]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        errors.append(_("“%(label)s”应为数字。") % {"label": label})
        return None
    if not number.is_finite() or number < 0:
        errors.append(_("“%(label)s”应为不小于 0 的数字。") % {"label": label})
        return None
    _sign, digits, exponent = number.as_tuple()
    places = max(0, -exponent)
    integer_digits = len(digits) + exponent if exponent > 0 else len(digits) - places  # 1E+9 has 10
    if places > POINTS["decimal_places"] or integer_digits > FIGURE_INTEGER_DIGITS:
        errors.append(
            _("“%(label)s”最多 %(digits)d 位整数、%(places)d 位小数。")
            % {"label": label, "digits": FIGURE_INTEGER_DIGITS, "places": POINTS["decimal_places"]}
        )
        return None
    return number


def clean_answers(spec, answers: dict, figures: dict, scenarios: dict) -> tuple[dict, dict, dict]:
    """Answers, figures and scenario levels checked against the model (``ValidationError`` with
    every problem, keyed by question or scenario code); band options picked from the figures."""
    errors: dict[str, list[str]] = {}
    clean_keys: dict[str, list[str]] = {}
    clean_figures: dict[str, dict[str, Decimal]] = {}
    all_figures: dict[str, Decimal] = {}
    for code, raw in (figures or {}).items():
        question = spec.questions.get(code)
        if question is None or not isinstance(raw, dict):
            errors.setdefault(code, []).append(_("没有这道题。"))
            continue
        labels = {f.code: f.label for f in question.fields}
        problems: list[str] = []
        values = {}
        for field_code, value in raw.items():
            if field_code not in labels:
                problems.append(_("没有这项数据：%(code)s") % {"code": field_code})
                continue
            number = _figure(value, labels[field_code], problems)
            if number is not None:
                values[field_code] = number
        if problems:
            errors.setdefault(code, []).extend(problems)
        clean_figures[code] = values
        all_figures.update(values)
    for code, keys in (answers or {}).items():
        question = spec.questions.get(code)
        if question is None:
            errors.setdefault(code, []).append(_("没有这道题。"))
            continue
        keys = [keys] if isinstance(keys, str) else list(keys or [])
        options = [question.option(k) for k in keys]
        if any(o is None for o in options):
            errors.setdefault(code, []).append(_("“%(title)s”没有这个选项。") % {"title": question.title})
            continue
        if len(set(keys)) != len(keys):
            keys = list(dict.fromkeys(keys))
        if question.kind == "single" and len(keys) > 1:
            errors.setdefault(code, []).append(_("“%(title)s”只能选一项。") % {"title": question.title})
        exclusive = [o for o in options if o.exclusive]
        if exclusive and len(keys) > 1:
            errors.setdefault(code, []).append(
                _("“%(title)s”选了“%(option)s”就不能再选其他选项。")
                % {"title": question.title, "option": exclusive[0].text}
            )
        if keys:
            clean_keys[code] = keys
    for question in spec.questions.values():
        value = band_value(question, all_figures)
        if value is None:
            continue
        picked = band_option(question, value)
        chosen = clean_keys.get(question.code)
        if picked is None:
            errors.setdefault(question.code, []).append(
                _("按填报数据计算为 %(value)s%%，超出了各档的范围，请核对数据。") % {"value": round(value, 2)}
            )
        elif chosen and chosen != [picked]:
            errors.setdefault(question.code, []).append(
                _("按填报数据计算为 %(value)s%%，应选“%(option)s”，请核对数据或所选档位。")
                % {"value": round(value, 2), "option": question.option(picked).text}
            )
        else:
            clean_keys[question.code] = [picked]
    known = {s.code for s in spec.scenarios}
    clean_levels: dict[str, int] = {}
    for code, level in (scenarios or {}).items():
        if code not in known:
            errors.setdefault(code, []).append(_("没有这个业务场景。"))
            continue
        if level in (None, ""):
            continue
        try:
            number = int(str(level))
        except ValueError:
            number = -1
        if number not in (0, 1, 2, 3, 4):
            errors.setdefault(code, []).append(_("场景等级应为 0（未达到一级）至 4。"))
            continue
        clean_levels[code] = number
    if errors:
        raise ValidationError(errors)
    return clean_keys, clean_figures, clean_levels


def _store(diagnosis: Diagnosis, spec, keys: dict, figures: dict, levels: dict) -> None:
    """Replace the answers and scenario levels, and store the scores they give."""
    result = score(spec, keys, {code: level for code, level in levels.items() if level})
    questions = {q.code: q for q in Question.objects.filter(model_id=diagnosis.model_id)}
    DiagnosisAnswer.objects.filter(diagnosis=diagnosis).delete()
    DiagnosisAnswer.objects.bulk_create(
        [
            DiagnosisAnswer(
                diagnosis=diagnosis,
                question=questions[code],
                options=keys.get(code, []),
                figures={k: str(v) for k, v in figures.get(code, {}).items()},
                score=result.questions[code] if code in keys else None,
            )
            for code in questions
            if code in keys or figures.get(code)
        ]
    )
    scenario_rows = {s.code: s for s in Scenario.objects.filter(model_id=diagnosis.model_id)}
    DiagnosisScenario.objects.filter(diagnosis=diagnosis).delete()
    DiagnosisScenario.objects.bulk_create(
        [
            DiagnosisScenario(diagnosis=diagnosis, scenario=scenario_rows[c], level=lv)
            for c, lv in levels.items()
        ]
    )
    DiagnosisScore.objects.filter(diagnosis=diagnosis).delete()
    DiagnosisScore.objects.bulk_create(
        [
            DiagnosisScore(diagnosis=diagnosis, kind="dimension", code=c, score=v)
            for c, v in result.dimensions.items()
        ]
        + [
            DiagnosisScore(diagnosis=diagnosis, kind="subdimension", code=c, score=v)
            for c, v in result.subdimensions.items()
        ]
    )
    diagnosis.total_score = result.total
    diagnosis.level = result.level


@transaction.atomic
def diagnosis_save(
    *,
    actor,
    diagnosis: Diagnosis,
    revision: int,
    answers: dict,
    scenarios: dict,
    figures: dict | None = None,
    details: dict | None = None,
) -> Diagnosis:
    """Save the questionnaire (answers, figures, scenario levels) and the details (examiners,
    on-site dates, summary) of a draft or returned diagnosis; see the module's contract."""
    diagnosis = _locked(diagnosis)
    if not can_fill_diagnosis(actor, diagnosis):
        if diagnosis.issued or diagnosis.status in Diagnosis.IN_REVIEW or diagnosis.status == Status.APPROVED:
            raise _wrong_state(diagnosis, _("修改"))
        raise PermissionDenied(_("只有开展诊断的机构人员可以填写诊断。"))
    if int(revision) != diagnosis.revision:
        raise ValidationError(
            _(
                "这份诊断在您打开之后已被他人保存（修订号 %(theirs)d，您的是 %(yours)d）。您填写的内容仍在表单中，请核对最新内容后再保存。"
            )
            % {"theirs": diagnosis.revision, "yours": int(revision)},
            code="stale",
        )
    for name in ("examiners", "onsite_start", "onsite_end", "summary"):
        if details and name in details:
            value = details[name]
            setattr(diagnosis, name, value.strip() if isinstance(value, str) else value)
    diagnosis.full_clean(exclude=["revision", "model", "previous", "supersedes"])
    spec = model_spec(diagnosis.model)
    keys, clean_figures, levels = clean_answers(spec, answers, figures or {}, scenarios)
    _store(diagnosis, spec, keys, clean_figures, levels)
    diagnosis.revision = F("revision") + 1
    diagnosis.save()
    diagnosis.refresh_from_db()
    return diagnosis


def unanswered(spec, answered, rated) -> list[str]:
    """The questions of ``spec`` not in ``answered`` and the scenarios not in ``rated`` (codes),
    as sentences for the person."""
    missing = [
        _("未答题：%(title)s") % {"title": q.title} for q in spec.questions.values() if q.code not in answered
    ]
    missing += [_("场景未评级：%(name)s") % {"name": s.name} for s in spec.scenarios if s.code not in rated]
    return missing


def missing_for_submit(diagnosis: Diagnosis) -> list[str]:
    """What still has to be filled before ``diagnosis`` can be submitted (empty when complete)."""
    spec = model_spec(diagnosis.model)
    answered = set(
        DiagnosisAnswer.objects.filter(diagnosis=diagnosis)
        .exclude(options=[])
        .values_list("question__code", flat=True)
    )
    rated = set(
        DiagnosisScenario.objects.filter(diagnosis=diagnosis).values_list("scenario__code", flat=True)
    )
    missing = unanswered(spec, answered, rated)
    if not diagnosis.examiners:
        missing.append(_("未填写诊断人员。"))
    if not diagnosis.onsite_start:
        missing.append(_("未填写现场诊断日期。"))
    return missing


@transaction.atomic
def diagnosis_submit(*, actor, diagnosis: Diagnosis, comment: str = "") -> Diagnosis:
    """Send a complete draft (or a returned diagnosis, fixed) to the officer for review."""
    diagnosis = _locked(diagnosis)
    if not can_fill_diagnosis(actor, diagnosis):
        if diagnosis.editable:
            raise PermissionDenied(_("只有开展诊断的机构人员可以提交诊断。"))
        raise _wrong_state(diagnosis, _("提交"))
    missing = missing_for_submit(diagnosis)
    if missing:
        raise ValidationError(missing, code="incomplete")
    resubmit = diagnosis.status == Status.RETURNED
    diagnosis.status = Status.RESUBMITTED if resubmit else Status.SUBMITTED
    diagnosis.submitted_at = timezone.now()
    diagnosis.save(update_fields=["status", "submitted_at", "updated_at"])
    _event(diagnosis, Action.RESUBMIT if resubmit else Action.SUBMIT, actor, comment.strip())
    on_submit.run(actor=actor, diagnosis=diagnosis)
    return diagnosis


def _review(actor, diagnosis: Diagnosis, allowed, wanted: str) -> Diagnosis:
    diagnosis = _locked(diagnosis)
    if not can_review_diagnosis(actor, diagnosis):
        raise PermissionDenied(_("只有企业所在地的工信部门可以审核、出具诊断。"))
    if diagnosis.status not in allowed:
        raise _wrong_state(diagnosis, wanted)
    return diagnosis


@transaction.atomic
def diagnosis_return(
    *, actor, diagnosis: Diagnosis, comment: str, question_comments: dict | None = None
) -> Diagnosis:
    """Send a submitted diagnosis back to the clinic with the reasons (overall and per question)."""
    diagnosis = _review(actor, diagnosis, Diagnosis.IN_REVIEW, _("退回"))
    comment = (comment or "").strip()
    spec = model_spec(diagnosis.model)
    per_question = {
        code: text.strip()
        for code, text in (question_comments or {}).items()
        if code in spec.questions and text and text.strip()
    }
    if not comment and not per_question:
        raise ValidationError({"comment": _("请写明退回原因，以便诊断机构修改。")})
    diagnosis.status = Status.RETURNED
    diagnosis.returned_count = F("returned_count") + 1
    diagnosis.save(update_fields=["status", "returned_count", "updated_at"])
    diagnosis.refresh_from_db()
    _event(diagnosis, Action.RETURN, actor, comment, per_question)
    return diagnosis


@transaction.atomic
def diagnosis_approve(*, actor, diagnosis: Diagnosis, comment: str = "") -> Diagnosis:
    diagnosis = _review(actor, diagnosis, Diagnosis.IN_REVIEW, _("审核通过"))
    diagnosis.status = Status.APPROVED
    diagnosis.approved_at = timezone.now()
    diagnosis.save(update_fields=["status", "approved_at", "updated_at"])
    _event(diagnosis, Action.APPROVE, actor, (comment or "").strip())
    return diagnosis


@transaction.atomic
def diagnosis_issue(*, actor, diagnosis: Diagnosis) -> Diagnosis:
    """Issue an approved diagnosis to the enterprise; from now on it is read-only."""
    diagnosis = _review(actor, diagnosis, (Status.APPROVED,), _("出具"))
    diagnosis.status = Status.ISSUED
    diagnosis.issued_at = timezone.now()
    Diagnosis.objects.filter(enterprise_id=diagnosis.enterprise_id, is_current=True).update(is_current=False)
    diagnosis.is_current = True
    diagnosis.save(update_fields=["status", "issued_at", "is_current", "updated_at"])
    _event(diagnosis, Action.ISSUE, actor)
    enterprise_record_diagnosis(enterprise=diagnosis.enterprise, facts=diagnosis_facts(diagnosis))
    on_issue.run(actor=actor, diagnosis=diagnosis)
    return diagnosis


def diagnosis_facts(diagnosis: Diagnosis) -> dict:
    """What the archive keeps of an issued diagnosis: level, score, date, and the equipment
    digitalisation and networking rates (percent, 2 places) from the raw counts when given."""
    spec = model_spec(diagnosis.model)
    figures: dict[str, Decimal] = {}
    for answer in diagnosis.answers.all():
        for code, value in (answer.figures or {}).items():
            figures[code] = Decimal(value)
    rates = {}
    for field, question in (
        ("equipment_digitization_rate", "equipment_digitization_rate"),
        ("equipment_networking_rate", "equipment_networking_rate"),
    ):
        value = band_value(spec.questions[question], figures) if question in spec.questions else None
        rates[field] = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if value is not None else None
    return {
        "digital_level": diagnosis.level,
        "digital_score": diagnosis.total_score,
        "diagnosed_on": timezone.localdate(diagnosis.issued_at),
        **rates,
    }


@transaction.atomic
def diagnosis_confirm(*, actor, diagnosis: Diagnosis, comment: str = "") -> Diagnosis:
    """The enterprise confirms it has received and accepts its issued diagnosis."""
    diagnosis = _locked(diagnosis)
    if not can_acknowledge_diagnosis(actor, diagnosis):
        raise PermissionDenied(_("只有被诊断企业的用户可以确认诊断。"))
    if diagnosis.status != Status.ISSUED or hasattr(diagnosis, "superseded_by"):
        raise _wrong_state(diagnosis, _("确认"))
    diagnosis.status = Status.CONFIRMED
    diagnosis.confirmed_at = timezone.now()
    diagnosis.save(update_fields=["status", "confirmed_at", "updated_at"])
    _event(diagnosis, Action.CONFIRM, actor, (comment or "").strip())
    on_issue.run(actor=actor, diagnosis=diagnosis)
    return diagnosis


@transaction.atomic
def diagnosis_dispute(*, actor, diagnosis: Diagnosis, reasons: str) -> Diagnosis:
    """The enterprise disagrees with its issued diagnosis, saying why; the clinic then corrects it."""
    diagnosis = _locked(diagnosis)
    if not can_acknowledge_diagnosis(actor, diagnosis):
        raise PermissionDenied(_("只有被诊断企业的用户可以对诊断提出异议。"))
    if diagnosis.status != Status.ISSUED or hasattr(diagnosis, "superseded_by"):
        raise _wrong_state(diagnosis, _("提出异议"))
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": _("请写明异议的内容，诊断机构将据此核实更正。")})
    diagnosis.status = Status.DISPUTED
    diagnosis.save(update_fields=["status", "updated_at"])
    _event(diagnosis, Action.DISPUTE, actor, reasons)
    on_issue.run(actor=actor, diagnosis=diagnosis)
    return diagnosis


@transaction.atomic
def diagnosis_correct(*, actor, diagnosis: Diagnosis, reason: str) -> Diagnosis:
    """A new draft correcting an issued diagnosis: same enterprise, organisation and model, its
    answers copied, ``supersedes`` the old one (which is kept as it was)."""
    old = _locked(diagnosis)
    if not can_correct_diagnosis(actor, old):
        if old.issued:
            raise PermissionDenied(_("只有出具该诊断的机构人员可以更正诊断。"))
        raise _wrong_state(old, _("更正"))
    if Diagnosis.objects.filter(supersedes=old).exists():
        raise ValidationError(_("该诊断已有更正版本，请在更正版本上继续。"), code="corrected")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明更正原因。")})
    new = Diagnosis.objects.create(
        enterprise=old.enterprise,
        organisation=old.organisation,
        model=old.model,
        examiners=old.examiners,
        onsite_start=old.onsite_start,
        onsite_end=old.onsite_end,
        summary=old.summary,
        previous=old.previous,
        supersedes=old,
        correction_reason=reason,
        total_score=old.total_score,
        level=old.level,
        created_by=actor,
    )
    _number(new)
    DiagnosisAnswer.objects.bulk_create(
        [
            DiagnosisAnswer(
                diagnosis=new, question_id=a.question_id, options=a.options, figures=a.figures, score=a.score
            )
            for a in old.answers.all()
        ]
    )
    DiagnosisScenario.objects.bulk_create(
        [
            DiagnosisScenario(diagnosis=new, scenario_id=s.scenario_id, level=s.level)
            for s in old.scenario_levels.all()
        ]
    )
    DiagnosisScore.objects.bulk_create(
        [DiagnosisScore(diagnosis=new, kind=s.kind, code=s.code, score=s.score) for s in old.scores.all()]
    )
    _event(new, Action.CORRECT, actor, reason)
    _event(old, Action.CORRECT, actor, reason)
    on_correct.run(actor=actor, old=old, new=new)
    return new
