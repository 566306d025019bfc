"""Demo transformation projects, acceptances and service vouchers.

Contract of ``seed_projects()``: once (nothing is written when an acceptance exists), deterministic
(``random.Random(SEED)``), returns how many projects it made:
- accepted projects of the enterprises diagnosed in 2023 and re-diagnosed in 2025: the project
  answers the 2023 diagnosis, runs between the two and is accepted after the re-diagnosis, so its
  before/after levels are the two diagnoses' (the 2023 pyramid, the 2025 olive) — the acceptance is
  computed by ``diagnosis.services.acceptance``'s own before/after reads;
- projects in every other state around the demo officers' regions (南昌市, 东湖区): planned, in
  progress (some with an overdue milestone), completed and waiting for acceptance, cancelled;
- service vouchers: issued, partly redeemed on running projects (with their ledger), one used up,
  one expired.
Money is in 万元 with exact shares (subsidy ≤ 30 % of the cost, the seeded rule).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from diagnosis.models import (
    Diagnosis,
    Enterprise,
    ProjectAcceptance,
    ProjectEvent,
    ProjectMilestone,
    ProjectType,
    ProviderRating,
    ServiceVoucher,
    TransformationProject,
    VoucherEntry,
)
from diagnosis.services.acceptance import assessment_after, assessment_before
from providers.models import Provider

SEED = 2031
ACCEPTED_MAX = 120
Status = TransformationProject.Status
TITLES = [
    ("smart-factory", "数字化车间建设"), ("cloud", "企业上云与 MES 部署"), ("5g-industrial-internet", "5G 全连接车间"),
    ("energy-management", "能源管理系统"), ("data-security", "数据安全防护"), ("cloud", "ERP 与供应链协同"),
]  # fmt: skip
MILESTONES = ["需求调研与方案设计", "系统部署与设备联网", "试运行与培训", "上线验收准备"]


def _moment(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _money(rng: random.Random) -> dict:
    total = Decimal(rng.randrange(30, 600))
    subsidy = (total * Decimal(rng.choice((10, 15, 20, 25))) / 100).quantize(Decimal("0.1"))
    discount = (total * Decimal(rng.choice((3, 5, 8))) / 100).quantize(Decimal("0.1"))
    return {"investment": total, "subsidy": subsidy, "discount": discount, "own": total - subsidy - discount}


def _set_money(project: TransformationProject, stage: str, money: dict) -> None:
    for share, value in money.items():
        setattr(project, f"{stage}_{share}", value)


def _project(rng, enterprise_id, provider, types, *, status, start, due, planned, actual=None, **extra):
    code, title = rng.choice(TITLES)
    project = TransformationProject(
        enterprise_id=enterprise_id, provider=provider, title=title, status=status, start_date=start,
        planned_completion=due, description="按诊断建议分阶段实施，先试点后推广。", **extra,
    )  # fmt: skip
    _set_money(project, "planned", planned)
    if actual:
        _set_money(project, "actual", actual)
    project.save()
    project.types.set([types[code]] if code in types else [])
    ProjectEvent.objects.create(project=project, action=ProjectEvent.Action.CREATE, comment="演示数据")
    return project


@transaction.atomic
def seed_projects(*, today: date | None = None) -> int:
    today = today or timezone.localdate()
    if ProjectAcceptance.objects.exists():
        return 0
    providers = list(Provider.objects.admitted().select_related("organisation").order_by("pk")[:30])
    officer = User.objects.filter(username="sheng").first()
    if not providers:
        return 0
    rng = random.Random(SEED)
    types = {t.code: t for t in ProjectType.objects.all()}
    made = 0
    # 1. accepted: the 2023 diagnosis → project → the 2025 re-diagnosis → acceptance
    firsts = {}
    for d in Diagnosis.objects.filter(status__in=Diagnosis.ISSUED_STATES, level__isnull=False).order_by(
        "issued_at"
    ):
        firsts.setdefault(d.enterprise_id, []).append(d)
    pairs = [
        (rows[0], rows[-1]) for rows in firsts.values()
        if len(rows) >= 2 and rows[0].issued_at.year == 2023 and rows[-1].issued_at.year >= 2025
    ][:ACCEPTED_MAX]  # fmt: skip
    for before, after in pairs:
        start = before.issued_at.date() + timedelta(days=rng.randrange(30, 120))
        done = after.issued_at.date() - timedelta(days=rng.randrange(20, 60))
        if done <= start:
            continue
        money = _money(rng)
        provider = rng.choice(providers)
        project = _project(
            rng, before.enterprise_id, provider, types, status=Status.COMPLETED, start=start,
            due=done + timedelta(days=rng.choice((-15, 0, 10, 30))), planned=money, actual=money,
            diagnosis=before, started_on=start, completed_on=done,
        )  # fmt: skip
        was, now = assessment_before(project), assessment_after(project)
        if now is None:
            project.delete()
            continue
        check = after.issued_at.date() + timedelta(days=rng.randrange(5, 25))
        check = min(check, today)
        accepted_at = _moment(check, 15)
        rating = ProviderRating.objects.create(
            enterprise_id=project.enterprise_id, provider=provider, project=project,
            score=rng.choice((3, 4, 4, 5, 5)), comment="实施规范，响应及时。",
        )  # fmt: skip
        ProviderRating.objects.filter(pk=rating.pk).update(rated_at=accepted_at - timedelta(days=3))
        ProjectAcceptance.objects.create(
            project=project, enterprise_report="建设内容全部完成，系统稳定运行，生产效率明显提升。",
            enterprise_reported_at=accepted_at - timedelta(days=3), satisfaction=rating.score,
            satisfaction_comment=rating.comment, rating=rating,
            provider_report="按合同完成全部交付内容，已完成操作培训并移交运维。",
            provider_reported_at=accepted_at - timedelta(days=2), site_check_on=check,
            site_inspectors="县工信局 王工、李工", site_check_record="现场查看系统运行和数据采集情况，与申报内容一致。",
            before_source=was.source if was else "", before_level=was.level if was else None,
            before_total=was.total if was else None, after_source=now.source, after_level=now.level,
            after_total=now.total, accepted_by=officer, accepted_at=accepted_at, comment="同意通过验收。",
            dimension_changes={
                code: [str(was.dimensions.get(code)) if was and code in was.dimensions else None, str(value)]
                for code, value in now.dimensions.items()
            },
        )  # fmt: skip
        TransformationProject.objects.filter(pk=project.pk).update(
            status=Status.ACCEPTED, accepted_at=accepted_at
        )
        made += 1
    # 2. every other state, around the demo officers' regions
    local = list(
        Enterprise.objects.filter(county__path__startswith="360000/360100/").order_by("credit_code")
        .values_list("pk", flat=True)[:200]
    )  # fmt: skip
    donghu = [
        pk
        for pk in Enterprise.objects.filter(county__code="360102")
        .order_by("credit_code")
        .values_list("pk", flat=True)[:40]
    ]
    pool = donghu + [pk for pk in local if pk not in donghu]
    own = User.objects.filter(username="qiye").first()
    own_enterprise = Enterprise.objects.visible_to(own).first() if own else None
    if own_enterprise is not None:
        pool = [own_enterprise.pk] + [pk for pk in pool if pk != own_enterprise.pk]
    running = []
    for index, enterprise_id in enumerate(pool[:60]):
        state = (Status.IN_PROGRESS, Status.COMPLETED, Status.PLANNED, Status.IN_PROGRESS, Status.CANCELLED)[
            index % 5
        ]
        planned = _money(rng)
        start = today - timedelta(days=rng.randrange(40, 200))
        due = start + timedelta(days=rng.randrange(120, 300))
        extra, actual = {}, None
        if state in (Status.IN_PROGRESS, Status.COMPLETED):
            extra["started_on"] = start
        if state == Status.COMPLETED:
            actual = planned
            extra["completed_on"] = min(today - timedelta(days=rng.randrange(3, 30)), due)
            extra["completed_on"] = max(extra["completed_on"], start + timedelta(days=30))
        if state == Status.PLANNED:
            start, due = (
                today + timedelta(days=rng.randrange(10, 60)),
                today + timedelta(days=rng.randrange(120, 240)),
            )
        if state == Status.CANCELLED:
            extra["cancel_reason"] = "企业调整投资计划，项目暂缓。"
        project = _project(
            rng, enterprise_id, rng.choice(providers), types, status=state, start=start, due=due,
            planned=planned, actual=actual, **extra,
        )  # fmt: skip
        for position, title in enumerate(MILESTONES):
            when = start + timedelta(days=30 * (position + 1))
            finished = state == Status.COMPLETED or (
                state == Status.IN_PROGRESS and when < today and rng.random() < 0.7
            )
            ProjectMilestone.objects.create(
                project=project, title=title, due_on=when, position=position,
                done_on=min(when + timedelta(days=rng.randrange(0, 10)), today) if finished else None,
            )  # fmt: skip
        if state == Status.IN_PROGRESS:
            running.append(project)
        made += 1
    # 3. vouchers: issued to the running projects' enterprises, partly redeemed
    for index, project in enumerate(running[:12]):
        enterprise = Enterprise.objects.select_related("county").get(pk=project.enterprise_id)
        amount = Decimal(rng.choice((5, 10, 20, 30)))
        expires = today + timedelta(days=rng.randrange(60, 300)) if index != 11 else today - timedelta(days=5)
        voucher = ServiceVoucher.objects.create(
            number=f"FWQ{today.year}D{index + 1:05d}", enterprise=enterprise, issuer_region=enterprise.county,
            amount=amount, purpose="数字化改造服务券（诊断后改造）", expires_on=expires, issued_by=officer,
        )  # fmt: skip
        VoucherEntry.objects.create(
            voucher=voucher, kind="issue", amount=amount, balance_after=amount, actor=officer
        )
        spent = amount if index == 0 else (amount / 2 if index % 2 else Decimal(0))
        limit = (project.planned_investment or 0) * Decimal("0.3") - (project.planned_subsidy or 0)
        if spent and spent <= limit:
            voucher.redeemed = spent
            voucher.status = ServiceVoucher.Status.USED if spent == amount else ServiceVoucher.Status.ACTIVE
            voucher.save(update_fields=["redeemed", "status"])
            VoucherEntry.objects.create(
                voucher=voucher, kind="redeem", amount=spent, balance_after=amount - spent, project=project,
                provider=project.provider, actor=officer, note="抵扣服务费",
            )  # fmt: skip
    return made
