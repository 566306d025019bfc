"""Reads for the diagnosis report (一企一诊断书): the document's data, and the reports a user sees.

``report_document(diagnosis, language)`` gathers everything the PDF prints, in the order of
``docs/report.md`` (cover, profile, process, result, benchmark, scenarios, findings,
recommendations as a matrix and a roadmap, change since the previous diagnosis, current projects,
sign-off), as plain data — strings, numbers as exact ``Decimal`` text, lists and dicts — in the
reader's language. Plain data so that ``document_hash`` (sha256 of its canonical JSON) says
exactly whether two renders would print the same thing: the report service reuses a version whose
hash and template version match. A fixed number of queries whatever the diagnosis holds.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.charts import radar_svg
from diagnosis.models import Diagnosis, DiagnosisEvent, DiagnosisReport, TransformationProject
from diagnosis.scoring import decimal_text
from diagnosis.selectors.benchmark import MIN_GROUP, peer_benchmark
from diagnosis.selectors.diagnoses import diagnosis_report
from diagnosis.selectors.findings import findings_overview

#: Bump when the report's template or what it prints changes: every report is then made anew
#: on its next request (older versions are kept).
TEMPLATE_VERSION = "2026.12-2"
Action = DiagnosisEvent.Action


def _text(value) -> str:
    """A value as printed: exact decimals without trailing zeros (79.9750 → 79.975, 8.0000 → 8)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return str(value)


def _day(value) -> str:
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return value.isoformat()


def _money(low, high) -> str:
    if low is None and high is None:
        return ""
    if low is not None and high is not None:
        return _("%(a)s–%(b)s 万元") % {"a": low, "b": high}
    if low is not None:
        return _("%(a)s 万元以上") % {"a": low}
    return _("不超过 %(b)s 万元") % {"b": high}


def _last(events, action):
    return next((e for e in reversed(events) if e.action == action), None)


def report_document(diagnosis: Diagnosis, language: str = "zh-hans") -> dict:
    """The document's data in ``language`` (see the module)."""
    with translation.override(language):
        return _document(diagnosis, language)


def _document(diagnosis: Diagnosis, language: str) -> dict:
    diagnosis = Diagnosis.objects.select_related(
        "enterprise__county__parent", "organisation", "model", "previous"
    ).get(pk=diagnosis.pk)
    enterprise = diagnosis.enterprise
    result = diagnosis_report(actor=None, diagnosis=diagnosis)
    spec = result["spec"]
    events = result["events"]
    overview = findings_overview(actor=None, diagnosis=diagnosis, language=language)
    previous = result["previous"]
    submitted, approved, issued = (
        _last(events, Action.SUBMIT),
        _last(events, Action.APPROVE),
        _last(events, Action.ISSUE),
    )
    confirmed, disputed = _last(events, Action.CONFIRM), _last(events, Action.DISPUTE)
    level_names = {0: _("未达一级"), 1: _("一级"), 2: _("二级"), 3: _("三级"), 4: _("四级")}
    level = diagnosis.level or 0
    dimensions = [
        {
            "code": d.code,
            "name": d.name,
            "points": _text(d.points),
            "score": _text(d.score),
            "percent": d.percent,
            "previous": _text(d.previous),
            "change": _text(d.change),
            "parts": [
                {"name": p.name, "points": _text(p.points), "score": _text(p.score), "percent": p.percent}
                for p in d.parts
            ],
        }
        for d in result["dimensions"]
    ]
    benchmark = [
        {
            "label": g.label,
            "size": g.size,
            "shown": g.shown,
            "total": {k: _text(v) for k, v in asdict(g.total).items()},
            "dimensions": {
                code: {k: _text(v) for k, v in asdict(f).items()} for code, f in sorted(g.dimensions.items())
            },
        }
        for g in (peer_benchmark(diagnosis) if diagnosis.issued else [])
    ]
    rows = [
        {
            "number": row.number,
            "title": row.text.get("title", ""),
            "finding": row.text.get("finding", ""),
            "detail": row.text.get("detail", ""),
            "benefit": row.text.get("benefit", ""),
            "priority": str(row.recommendation.get_priority_display()),
            "impact": row.recommendation.impact,
            "effort": row.recommendation.effort,
            "phase": int(row.recommendation.phase),
            "investment": _money(row.recommendation.investment_min, row.recommendation.investment_max),
            "months": row.recommendation.months,
            "solutions": [
                {"title": s.title, "provider": s.provider.name, "price": _money(s.price_min, s.price_max)}
                for s in row.solutions
            ],
        }
        for row in overview.rows
    ]
    projects = [
        {
            "title": p.title,
            "provider": p.provider.name,
            "status": p.get_status_display(),
            "planned": _day(p.planned_completion),
            "investment": decimal_text(
                p.actual_investment if p.actual_investment is not None else p.planned_investment
            )
            if (p.actual_investment is not None or p.planned_investment is not None)
            else "",
        }
        for p in _current_projects(enterprise)
    ]
    return {
        "language": language,
        "cover": {
            "title": _("一企一诊断书"),
            "enterprise": enterprise.name,
            "credit_code": enterprise.credit_code,
            "region": enterprise.county.label_with_city,
            "industry": enterprise.industry_label or "",
            "organisation": diagnosis.organisation.name,
            "examiners": diagnosis.examiners,
            "number": diagnosis.number or "",
            "onsite": " – ".join(d for d in (_day(diagnosis.onsite_start), _day(diagnosis.onsite_end)) if d),
            "issued": _day(diagnosis.issued_at),
            "model": f"{spec.name}（{diagnosis.model.code}）",
        },
        "profile": [
            (_("企业规模"), enterprise.get_size_class_display() if enterprise.size_class else ""),
            (_("规模以上工业企业"), _("是") if enterprise.above_designated_size else _("否")),
            (_("从业人员"), _text(enterprise.employees)),
            (_("营业收入（万元）"), _text(enterprise.revenue)),
            (_("工业总产值（万元）"), _text(enterprise.output_value)),
            (_("地址"), enterprise.address),
            (_("已上云"), _("是") if enterprise.cloud_adopted else _("否")),
            (
                _("生产设备数字化率"),
                f"{enterprise.equipment_digitization_rate}%"
                if enterprise.equipment_digitization_rate is not None
                else "",
            ),
            (
                _("生产设备联网率"),
                f"{enterprise.equipment_networking_rate}%"
                if enterprise.equipment_networking_rate is not None
                else "",
            ),
        ],
        "process": {
            "onsite": " – ".join(d for d in (_day(diagnosis.onsite_start), _day(diagnosis.onsite_end)) if d),
            "examiners": diagnosis.examiners,
            "submitted": _day(submitted.at if submitted else diagnosis.submitted_at),
            "approved": _day(approved.at if approved else diagnosis.approved_at),
            "returns": sum(1 for e in events if e.action == Action.RETURN),
        },
        "result": {
            "level": level,
            "level_name": level_names.get(level, ""),
            "total": _text(diagnosis.total_score),
            "max": _text(diagnosis.model.total_points),
            "verdict": _("综合得分 %(total)s 分，数字化水平为%(level)s。")
            % {"total": _text(diagnosis.total_score), "level": level_names.get(level, "")},
            "interpretation": overview.interpretation,
            "dimensions": dimensions,
            "radar": radar_svg(
                [(d["name"], Decimal(d["score"] or 0), Decimal(d["points"] or 0)) for d in dimensions],
                size=320,
                title=_("各维度得分率"),
            ),
        },
        "benchmark": benchmark,
        "min_group": MIN_GROUP,
        "scenarios": [
            {
                "name": s.name,
                "group": s.group,
                "constrained": s.constrained,
                "level": s.level if s.level is not None else 0,
                "descriptor": s.descriptor,
                "next": s.next_descriptor,
                "previous": s.previous,
            }
            for s in result["scenarios"]
        ],
        "recommendations": rows,
        "matrix": [[[row.number for row in cell] for _i, _e, cell in line] for line in overview.matrix],
        "phases": [
            {"phase": int(value), "label": str(label), "numbers": [row.number for row in phase_rows]}
            for value, label, phase_rows in overview.phases
        ],
        "previous": {
            "number": previous.number or "",
            "issued": _day(previous.issued_at),
            "total": _text(previous.total_score),
            "level_name": level_names.get(previous.level or 0, ""),
        }
        if previous
        else None,
        "projects": projects,
        "signoff": {
            "organisation": diagnosis.organisation.name,
            "examiners": diagnosis.examiners,
            "reviewer": str(approved.actor) if approved and approved.actor else "",
            "reviewed": _day(approved.at) if approved else "",
            "issuer": str(issued.actor) if issued and issued.actor else "",
            "confirmed": _day(confirmed.at) if confirmed else "",
            "confirmed_by": str(confirmed.actor) if confirmed and confirmed.actor else "",
            "disputed": _day(disputed.at) if disputed else "",
        },
    }


def _current_projects(enterprise) -> QuerySet[TransformationProject]:
    return (
        TransformationProject.objects.filter(enterprise=enterprise)
        .exclude(status=TransformationProject.Status.CANCELLED)
        .select_related("provider")
        .order_by("-pk")[:10]
    )


def _plain(value):
    if is_dataclass(value):
        return asdict(value)
    if isinstance(value, Decimal | date | datetime):
        return str(value)
    return str(value)


def document_hash(document: dict) -> str:
    """sha256 of the document's canonical JSON (keys sorted, exact decimals as text)."""
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, default=_plain, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def report_list(*, actor, diagnosis: Diagnosis) -> QuerySet[DiagnosisReport]:
    """The report versions of ``diagnosis`` that ``actor`` sees, newest first per language."""
    return (
        DiagnosisReport.objects.visible_to(actor).filter(diagnosis=diagnosis).order_by("language", "-version")
    )


def report_state(diagnosis, reports) -> dict:
    """The latest version per language and whether one is being made: for the page and its poll."""
    latest, busy = {}, False
    for report in reports:
        if report.status in (DiagnosisReport.Status.PENDING, DiagnosisReport.Status.RUNNING):
            busy = True
        if report.status == DiagnosisReport.Status.DONE and report.language not in latest:
            latest[report.language] = report
    return {"latest": latest, "busy": busy, "versions": list(reports)}


def report_by_code(code: str) -> DiagnosisReport | None:
    """The report a verification code names (public; the caller shows only what the page may)."""
    code = "".join(ch for ch in (code or "").upper() if ch.isalnum())[:16]
    if not code:
        return None
    return (
        DiagnosisReport.objects.select_related("diagnosis__enterprise")
        .filter(verification_code=code, status=DiagnosisReport.Status.DONE)
        .first()
    )


def newer_version_exists(report: DiagnosisReport) -> bool:
    """Whether a later finished version of the same diagnosis' report exists, or a correction of the diagnosis has been issued."""
    newer = DiagnosisReport.objects.filter(
        diagnosis=report.diagnosis,
        language=report.language,
        version__gt=report.version,
        status=DiagnosisReport.Status.DONE,
    ).exists()
    corrected = Diagnosis.objects.filter(
        supersedes=report.diagnosis, status__in=Diagnosis.ISSUED_STATES
    ).exists()
    return newer or corrected


def report_batches(*, actor):
    """The batches ``actor`` sees, newest first."""
    from diagnosis.models import ReportBatch

    return ReportBatch.objects.visible_to(actor).select_related("region", "created_by")


def report_batch_get(*, actor, pk: int):
    from django.http import Http404

    from diagnosis.models import ReportBatch

    try:
        return report_batches(actor=actor).get(pk=pk)
    except ReportBatch.DoesNotExist as exc:
        raise Http404 from exc


def batch_progress(batch) -> dict:
    """``{"total", "asked", "done", "failed", "waiting", "cancelled", "percent", "finished"}`` of a
    batch, counted from its reports' states (one query)."""
    from django.db.models import Count, Q

    from diagnosis.models import ReportBatchItem

    S = DiagnosisReport.Status
    counts = ReportBatchItem.objects.filter(batch=batch).aggregate(
        asked=Count("pk"),
        done=Count("pk", filter=Q(report__status=S.DONE)),
        failed=Count("pk", filter=Q(report__status=S.FAILED)),
        cancelled=Count("pk", filter=Q(report__status=S.CANCELLED)),
    )
    waiting = counts["asked"] - counts["done"] - counts["failed"] - counts["cancelled"]
    total = max(batch.total, counts["asked"])
    preparing = batch.status in (S.PENDING, S.RUNNING)
    finished = not preparing and waiting == 0
    percent = 100 if finished else (int(100 * counts["done"] / total) if total else 0)
    return {**counts, "waiting": waiting, "total": total, "percent": percent, "finished": finished,
            "preparing": preparing}  # fmt: skip


def batch_files(batch):
    """The batch's finished reports, for the zip."""
    return (
        DiagnosisReport.objects.filter(batch_items__batch=batch, status=DiagnosisReport.Status.DONE)
        .select_related("diagnosis__enterprise")
        .order_by("pk")
    )
