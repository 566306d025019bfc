"""Demo data of the service system, on top of the enterprise demo (``diagnosis.demo``).

Contract:
- ``seed_services()`` creates what is missing of: about 40 providers across the cities (mostly
  admitted, a few applied/suspended/removed, each with its status history, categories, regions
  served and qualifications — some expired), 15 digital clinics and 3 promotion centres (two
  clinics closed, with history), a commissioner registry entry for every demo commissioner plus
  30 more across the tiers (with trainings), about 80 solutions (mostly published), and for the
  monthly evaluation: enterprise ratings, completed transformation projects and diagnoses with
  returned counts over the last three complete months.
- The demo provider organisation (``PROVIDER_NAME``, user ``fuwushang``) becomes an admitted
  Provider and the demo clinic organisation (``CLINIC_NAME``, user ``zhensuo``) gets its Clinic.
- Deterministic: every choice comes from ``random.Random(SEED)`` drawn in a fixed order; dates are
  relative to ``today`` (default: the local date). Idempotent: rows are found by natural keys
  (organisation name, username, solution title) and the activity is written only once, so a
  second run changes nothing. Casework may read providers; nothing here imports reporting (the
  ``seed_demo`` command runs the evaluation afterwards through its management command).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import Organisation, Role, User
from demo.enterprises import CLINIC_NAME, DEMO_PASSWORD, GIVEN_CHARS, PROVIDER_NAME, SURNAMES
from diagnosis.models import (
    Assignment,
    Diagnosis,
    Engagement,
    Enterprise,
    NeedTag,
    ProviderRating,
    TransformationProject,
    Visit,
)
from providers.models import (
    BusinessScenario,
    Clinic,
    ClinicStatusChange,
    CommissionerProfile,
    Provider,
    ProviderStatusChange,
    Qualification,
    ServiceCategory,
    Solution,
    SolutionReview,
    TrainingRecord,
)
from regions.codes import make_credit_code
from regions.models import Region

SEED = 2025
PROVIDER_COUNT = 40
EXTRA_COMMISSIONERS = 30
SOLUTION_COUNT = 80
SERIAL_BASE = 31**8 * 21 + 890_000

CITY_CODES = (
    "360100", "360200", "360300", "360400", "360500", "360600", "360700", "360800", "360900", "361000", "361100",
)  # fmt: skip
TRADE_NAMES = (
    "赣数", "洪智", "豫章", "庐山", "井冈", "章贡", "瓷都", "鄱湖", "赣江", "昌北", "红谷", "青云", "滕王",
    "信江", "抚河", "袁州", "萍实", "仙女湖", "龙虎", "三清", "武功", "明月", "匡庐", "云岭", "智联", "数创",
    "融通", "工联", "智造", "云帆", "星火", "鼎新", "恒远", "博睿", "卓信", "华拓", "中赣", "汇智", "启明", "领航",
)  # fmt: skip
BUSINESS = ("数字科技", "信息技术", "智能科技", "工业互联网", "软件", "云计算", "数据科技", "自动化技术")
QUALIFICATIONS = (
    ("信息系统建设和服务能力评估（CS2）", "中国电子信息行业联合会"),
    ("ISO 9001 质量管理体系认证", "中国质量认证中心"),
    ("ISO/IEC 27001 信息安全管理体系认证", "中国网络安全审查技术与认证中心"),
    ("CMMI 3 级", "CMMI Institute"),
    ("高新技术企业证书", "江西省科学技术厅"),
    ("两化融合管理体系评定证书", "两化融合管理体系评定机构"),
)
SOLUTION_WORDS = (
    ("MES 生产执行", "production_management"), ("设备联网与预测性维护", "equipment_management"),
    ("质量追溯", "quality_management"), ("能耗在线监测", "energy_management"),
    ("智能仓储 WMS", "warehousing_logistics"), ("供应链协同", "procurement_management"),
    ("计划排程 APS", "planning_scheduling"), ("安全生产监测", "safety_production"),
    ("云 ERP 财务", "financial_management"), ("CRM 营销", "marketing_management"),
    ("产品设计协同", "product_design"), ("售后服务管理", "after_sales_service"),
)  # fmt: skip
INDUSTRY_DIVISIONS = ("13", "17", "26", "27", "30", "32", "33", "34", "35", "36", "38", "39")
TRAININGS = (
    "数字专员业务培训（省级）",
    "中小企业数字化水平评测实务",
    "工业互联网平台应用培训",
    "诊断报告撰写规范",
)


@dataclass
class ServicesResult:
    providers_created: int = 0
    clinics_created: int = 0
    commissioners_created: int = 0
    profiles_created: int = 0
    solutions_created: int = 0
    ratings_created: int = 0
    projects_created: int = 0
    diagnoses_created: int = 0
    assignments_created: int = 0
    visits_created: int = 0

    @property
    def changed(self) -> bool:
        return any(vars(self).values())


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2))))


def _moment(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _months_back(today: date, n: int) -> tuple[date, date]:
    """(first day, last day) of the n-th complete month before ``today`` (n = 1: last month)."""
    first = today.replace(day=1)
    for _ in range(n):
        first = (first - timedelta(days=1)).replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


def _ensure_providers(
    rng: random.Random, result: ServicesResult, regions: dict[str, Region]
) -> list[Provider]:
    categories = list(ServiceCategory.objects.order_by("sort_order"))
    now = timezone.now()
    specs = [(PROVIDER_NAME, "360100", Provider.Status.ADMITTED)]
    for i in range(PROVIDER_COUNT):
        status = Provider.Status.ADMITTED
        if i in (7, 23, 31):
            status = Provider.Status.APPLIED
        elif i in (11, 29):
            status = Provider.Status.SUSPENDED
        elif i == 37:
            status = Provider.Status.REMOVED
        specs.append(
            (f"江西{TRADE_NAMES[i]}{BUSINESS[i % len(BUSINESS)]}有限公司", CITY_CODES[i % 11], status)
        )
    existing = {p.organisation.name: p for p in Provider.objects.select_related("organisation")}
    providers = []
    for index, (name, city, status) in enumerate(specs):
        # Draw the same numbers whether or not the row exists, so later choices stay deterministic.
        cats = rng.sample(categories, rng.choice((1, 2, 2, 3)))
        served = rng.sample(CITY_CODES, rng.choice((1, 2, 3)))
        quals = rng.sample(QUALIFICATIONS, rng.choice((1, 2, 3)))
        expiries = [rng.random() < 0.2 for _ in quals]
        contact = _person(rng)
        applied_days = rng.randrange(200, 700)
        if name in existing:
            provider = existing[name]
            if name == PROVIDER_NAME and provider.status != Provider.Status.ADMITTED:
                provider.status = Provider.Status.ADMITTED
                provider.save(update_fields=["status"])
            providers.append(provider)
            continue
        org = Organisation.objects.filter(name=name, kind=Organisation.Kind.PROVIDER).first()
        if org is None:
            org = Organisation.objects.create(
                name=name,
                kind=Organisation.Kind.PROVIDER,
                region=regions[city],
                credit_code=make_credit_code(city, SERIAL_BASE + index),
            )
        applied_at = now - timedelta(days=applied_days)
        provider = Provider.objects.create(
            organisation=org,
            home_region=regions[city],
            contact_person=contact,
            contact_phone=f"0791-8{index:03d}{index:04d}"[:13],
            description=f"{name}面向制造业企业提供数字化转型服务。",
            status=status,
            applied_at=applied_at,
            status_changed_at=applied_at + timedelta(days=30),
        )
        provider.categories.set(cats)
        provider.regions_served.set([regions[c] for c in {city, *served}])
        steps = [("", Provider.Status.APPLIED, "提交入库申请")]
        if status != Provider.Status.APPLIED:
            steps.append(
                (Provider.Status.APPLIED, Provider.Status.ADMITTED, "材料齐全，专家评审通过，准予入库")
            )
        if status == Provider.Status.SUSPENDED:
            steps.append(
                (Provider.Status.ADMITTED, Provider.Status.SUSPENDED, "服务企业投诉较多，暂停接单整改")
            )
        if status == Provider.Status.REMOVED:
            steps.append(
                (Provider.Status.ADMITTED, Provider.Status.REMOVED, "连续两次评价为 D 级，经审查予以出库")
            )
        ProviderStatusChange.objects.bulk_create(
            [
                ProviderStatusChange(
                    provider=provider,
                    from_status=f,
                    to_status=t,
                    reason=r,
                    at=applied_at + timedelta(days=30 * n),
                )
                for n, (f, t, r) in enumerate(steps)
            ]
        )
        today = timezone.localdate()
        Qualification.objects.bulk_create(
            [
                Qualification(
                    provider=provider,
                    name=qname,
                    issuer=issuer,
                    number=f"Q{index:03d}{q}",
                    valid_from=today - timedelta(days=1100),
                    valid_until=today - timedelta(days=40) if expired else today + timedelta(days=400),
                )
                for q, ((qname, issuer), expired) in enumerate(zip(quals, expiries, strict=True))
            ]
        )
        result.providers_created += 1
        providers.append(provider)
    return providers


def _ensure_clinics(
    rng: random.Random, result: ServicesResult, regions: dict[str, Region], providers
) -> None:
    operators = [p.organisation for p in providers if p.status == Provider.Status.ADMITTED]
    counties = {
        c: list(Region.objects.filter(parent__code=c, level="county").order_by("code")) for c in CITY_CODES
    }
    picks = {c: rng.sample(counties[c], 2) for c in CITY_CODES}
    specs = [(CLINIC_NAME, Clinic.Kind.CLINIC, regions["360102"], operators[0], Clinic.Status.OPEN)]
    for i in range(14):
        city = CITY_CODES[i % 11]
        county = picks[city][i // 11]
        status = Clinic.Status.CLOSED if i in (5, 12) else Clinic.Status.OPEN
        specs.append((f"{county.name}数字化诊所", Clinic.Kind.CLINIC, county, rng.choice(operators), status))
    for city in ("360100", "360700", "360400"):
        specs.append(
            (
                f"{regions[city].name}数字化转型促进中心",
                Clinic.Kind.CENTRE,
                regions[city],
                None,
                Clinic.Status.OPEN,
            )
        )
    have = set(Clinic.objects.values_list("organisation__name", flat=True))
    for name, kind, region, operator, status in specs:
        capacity = rng.randrange(10, 40)
        industries = rng.sample(INDUSTRY_DIVISIONS, 2)
        if name in have:
            continue
        have.add(name)
        org_kind = Organisation.Kind.CLINIC if kind == Clinic.Kind.CLINIC else Organisation.Kind.CENTRE
        org, _created = Organisation.objects.get_or_create(
            name=name, kind=org_kind, defaults={"region": region}
        )
        clinic = Clinic.objects.create(
            organisation=org,
            kind=kind,
            operator=operator or org,
            region=region,
            monthly_capacity=capacity,
            industries=industries,
            status=status,
        )
        history = [ClinicStatusChange(clinic=clinic, to_status=Clinic.Status.OPEN, reason="挂牌运营")]
        if status == Clinic.Status.CLOSED:
            history.append(
                ClinicStatusChange(
                    clinic=clinic,
                    from_status=Clinic.Status.OPEN,
                    to_status=Clinic.Status.CLOSED,
                    reason="运营主体调整，暂停服务",
                )
            )
        ClinicStatusChange.objects.bulk_create(history)
        result.clinics_created += 1


def _ensure_commissioners(rng: random.Random, result: ServicesResult, regions: dict[str, Region]) -> None:
    counties = list(Region.objects.counties().order_by("code"))
    password = None
    for i in range(EXTRA_COMMISSIONERS):
        region = (
            regions["360000"] if i < 4 else regions[CITY_CODES[i % 11]] if i < 14 else rng.choice(counties)
        )
        name = _person(rng)
        username = f"zy_demo_{i + 1:02d}"
        if User.objects.filter(username=username).exists():
            continue
        password = password or make_password(DEMO_PASSWORD)
        User.objects.create(
            username=username, password=password, role=Role.COMMISSIONER, region=region, display_name=name
        )
        result.commissioners_created += 1
    tiers = {"province": CommissionerProfile.Tier.PROVINCE, "city": CommissionerProfile.Tier.CITY,
             "zone": CommissionerProfile.Tier.CITY, "county": CommissionerProfile.Tier.COUNTY}  # fmt: skip
    missing = User.objects.filter(
        role=Role.COMMISSIONER, region__isnull=False, commissioner_profile__isnull=True
    )
    for user in missing.select_related("region").order_by("username"):
        profile = CommissionerProfile.objects.create(
            user=user,
            tier=tiers[user.region.level],
            employer=f"{user.region.name}工业和信息化局",
            registered_on=date(2023, 6, 1) + timedelta(days=len(user.username) * 7),
        )
        TrainingRecord.objects.bulk_create(
            [
                TrainingRecord(commissioner=profile, title=title, held_on=date(2024, 3 + n * 4, 15),
                               hours=Decimal("8.0") * (n + 1), organiser="江西省工业和信息化厅")
                for n, title in enumerate(TRAININGS[: 1 + user.pk % 2])
            ]
        )  # fmt: skip
        result.profiles_created += 1


def _ensure_solutions(rng: random.Random, result: ServicesResult, providers) -> None:
    scenarios = {s.code: s for s in BusinessScenario.objects.all()}
    authors = [p for p in providers if p.status in (Provider.Status.ADMITTED, Provider.Status.SUSPENDED)]
    have = set(Solution.objects.values_list("title", flat=True))
    now = timezone.now()
    for i in range(SOLUTION_COUNT):
        provider = authors[i % len(authors)]
        words, scenario = SOLUTION_WORDS[i % len(SOLUTION_WORDS)]
        industry = rng.choice(INDUSTRY_DIVISIONS)
        low = Decimal(rng.randrange(2, 30))
        high = low + Decimal(rng.randrange(5, 80)) + Decimal("0.5")
        deployment = rng.choice(Solution.Deployment.values)
        status = (
            Solution.Status.DRAFT
            if i % 16 == 3
            else Solution.Status.SUBMITTED
            if i % 16 == 9
            else Solution.Status.PUBLISHED
        )
        title = f"{provider.organisation.name[2:6]}{words}解决方案（{i + 1:02d}）"
        if title in have:
            continue
        solution = Solution.objects.create(
            provider=provider,
            title=title,
            summary=f"面向中小制造企业的{words}，小快轻准、按需订阅，一般 1–3 个月上线。",
            industries=[industry],
            price_min=low,
            price_max=high,
            deployment=deployment,
            status=status,
            published_at=now - timedelta(days=i * 3) if status == Solution.Status.PUBLISHED else None,
        )
        solution.scenarios.set(
            [s for code, s in scenarios.items() if code == scenario] or list(scenarios.values())[:1]
        )
        if status != Solution.Status.DRAFT:
            reviews = [SolutionReview(solution=solution, from_status="draft", to_status="submitted")]
            if status == Solution.Status.PUBLISHED:
                reviews.append(
                    SolutionReview(
                        solution=solution, from_status="submitted", to_status="published", reason="审核通过"
                    )
                )
            SolutionReview.objects.bulk_create(reviews)
        result.solutions_created += 1


def _ensure_activity(rng: random.Random, result: ServicesResult, providers, today: date) -> None:
    """Ratings, completed projects and diagnoses over the last three complete months, once."""
    active = [p for p in providers if p.status in (Provider.Status.ADMITTED, Provider.Status.SUSPENDED)]
    if ProviderRating.objects.filter(provider__in=active).exists():
        return
    enterprises = list(Enterprise.objects.order_by("credit_code").values_list("pk", flat=True)[:600])
    if not enterprises:
        return
    # Quality of each provider: most decent, two poor ones (graded D twice → flagged), one idle.
    quality = {p.pk: rng.uniform(0.55, 0.97) for p in active}
    for poor in active[5:7]:
        quality[poor.pk] = 0.2
    idle = active[9].pk if len(active) > 9 else None
    ratings, rating_days, projects, diagnoses = [], [], [], []
    for n in (3, 2, 1):
        first, last = _months_back(today, n)
        span = (last - first).days + 1
        for provider in active:
            q = quality[provider.pk]
            count = rng.randrange(2, 9)
            project_count = rng.randrange(0, 5)
            diagnosis_count = rng.randrange(0, 7)
            if provider.pk == idle:
                continue
            for _ in range(count):
                score = max(1, min(5, round(1 + 4 * q + rng.uniform(-0.8, 0.8))))
                ratings.append(
                    ProviderRating(enterprise_id=rng.choice(enterprises), provider=provider, score=score)
                )
                rating_days.append(first + timedelta(days=rng.randrange(span)))
            for k in range(project_count):
                done = first + timedelta(days=rng.randrange(span))
                late = rng.random() > q
                projects.append(
                    TransformationProject(
                        enterprise_id=rng.choice(enterprises), provider=provider, title=f"数字化改造项目 {n}-{k + 1}",
                        status=TransformationProject.Status.COMPLETED,
                        planned_investment=Decimal(rng.randrange(20, 400)),
                        planned_completion=done - timedelta(days=rng.randrange(3, 30)) if late else done + timedelta(days=rng.randrange(0, 20)),
                        completed_on=done,
                    )
                )  # fmt: skip
            for _ in range(diagnosis_count):
                day = first + timedelta(days=rng.randrange(span))
                returned = rng.random() > q + 0.1
                diagnoses.append(
                    Diagnosis(
                        enterprise_id=rng.choice(enterprises), organisation_id=provider.organisation_id,
                        status=Diagnosis.Status.ISSUED, returned_count=rng.choice((1, 2)) if returned else 0,
                        submitted_at=_moment(day), issued_at=_moment(min(day + timedelta(days=5), last), 16),
                    )
                )  # fmt: skip
    created = ProviderRating.objects.bulk_create(ratings, batch_size=500)
    # rated_at is auto_now_add: set the demo dates afterwards, one update per day.
    by_day: dict[date, list[int]] = {}
    if any(r.pk is None for r in created):
        created = list(ProviderRating.objects.filter(provider__in=active).order_by("pk"))
    for rating, day in zip(created, rating_days, strict=True):
        by_day.setdefault(day, []).append(rating.pk)
    for day, ids in sorted(by_day.items()):
        ProviderRating.objects.filter(pk__in=ids).update(rated_at=_moment(day))
    TransformationProject.objects.bulk_create(projects, batch_size=500)
    Diagnosis.objects.bulk_create(diagnoses, batch_size=500)
    # The demo provider's staff see the enterprises it rated and served.
    demo = next(p for p in active if p.organisation.name == PROVIDER_NAME)
    served = {r.enterprise_id for r in ratings if r.provider_id == demo.pk}
    have = set(
        Engagement.objects.filter(organisation=demo.organisation).values_list("enterprise_id", flat=True)
    )
    Engagement.objects.bulk_create(
        [
            Engagement(enterprise_id=e, organisation=demo.organisation, purpose=Engagement.Purpose.PROJECT)
            for e in sorted(served - have)
        ]
    )
    result.ratings_created = len(ratings)
    result.projects_created = len(projects)
    result.diagnoses_created = len(diagnoses)


VISIT_SUMMARIES = [
    ("了解企业生产管理现状，车间仍以纸质工单为主。", "希望引入轻量化MES，实现工单电子化和报工统计。"),
    ("走访设备部门，关键设备缺少运行数据采集。", "需要设备联网和预测性维护方案。"),
    ("企业已上云部署财务软件，业务系统尚未打通。", "希望实现财务与采购、库存数据协同。"),
    ("企业负责人有数字化改造意愿，但对投入回报有顾虑。", "希望先做诊断，了解补贴和服务券政策。"),
    ("质量检验仍依赖人工抽检，追溯困难。", "需要质量追溯与在线检测方案。"),
    ("仓储物流环节库存账实不符问题突出。", "希望上线WMS并与ERP对接。"),
]
#: The need tags each summary above found (by ``NeedTag.code``), how the visit happened and whom it met.
VISIT_TAGS = [
    ("mes",),
    ("equipment_networking", "energy"),
    ("cloud", "erp"),
    ("diagnosis", "financing", "policy"),
    ("quality",),
    ("warehouse", "erp"),
]
VISIT_KINDS = ["onsite", "onsite", "onsite", "phone", "online", "meeting"]
PEOPLE_MET = ["王总（总经理）", "李经理（生产部）", "陈工（设备科）", "刘主管（信息化）", "周会计（财务部）"]


def _ensure_casework(result: ServicesResult, today: date) -> None:
    """Open assignment rows for the assigned demo enterprises and visits over the last 75 days, once.

    Uses its own ``random.Random(SEED + 1)`` so the rest of the demo stays exactly as before.
    """
    rng = random.Random(SEED + 1)
    assigned = list(
        Enterprise.objects.filter(commissioner__isnull=False)
        .exclude(Exists(Assignment.objects.filter(enterprise=OuterRef("pk"), ended_at__isnull=True)))
        .order_by("credit_code")
        .values_list("pk", "commissioner_id")
    )
    Assignment.objects.bulk_create(
        [
            Assignment(enterprise_id=pk, commissioner_id=commissioner, reason="演示数据")
            for pk, commissioner in assigned
        ]
    )
    result.assignments_created = len(assigned)
    if Visit.objects.exists():
        return
    visits = []
    for pk, commissioner in (
        Enterprise.objects.filter(commissioner__isnull=False)
        .order_by("credit_code")
        .values_list("pk", "commissioner_id")
    ):
        if rng.random() > 0.55:
            continue
        for _n in range(rng.choice((1, 1, 2))):
            visited_on = today - timedelta(days=rng.randint(0, 75))
            which = rng.randrange(len(VISIT_SUMMARIES))
            summary, needs = VISIT_SUMMARIES[which]
            due = visited_on + timedelta(days=rng.randint(14, 45))
            done = due < today and rng.random() < 0.6
            visit = Visit(
                enterprise_id=pk,
                commissioner_id=commissioner,
                visited_on=visited_on,
                summary=summary,
                needs=needs,
                follow_up_due=due,
                followed_up_on=min(due, today) if done else None,
                kind=rng.choice(VISIT_KINDS),
                people_met=rng.choice(PEOPLE_MET),
            )
            visit.demo_tags = VISIT_TAGS[which]
            visits.append(visit)
    Visit.objects.bulk_create(visits)
    tags = dict(NeedTag.objects.values_list("code", "pk"))
    Through = Visit.need_tags.through
    Through.objects.bulk_create(
        [
            Through(visit_id=v.pk, needtag_id=tags[code])
            for v in visits
            for code in v.demo_tags
            if code in tags
        ]
    )
    result.visits_created = len(visits)


def _demo_photo(label: int) -> bytes:
    """A small JPEG standing in for a site photo (a workshop-ish gradient with a number)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), (70 + label * 20 % 120, 110, 150))
    draw = ImageDraw.Draw(image)
    for x in range(0, 320, 40):
        draw.rectangle([x + 5, 150, x + 30, 230], fill=(200, 200, 190))
    draw.text((12, 12), f"DEMO {label}", fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _ensure_visit_files(today: date) -> None:
    """The demo commissioner's three latest visits get a site photo each, and one of their other
    enterprises an unfinished draft with a photo (once: nothing is added when they exist)."""
    from django.core.files.base import ContentFile

    from accounts.models import User
    from diagnosis.models import VisitAttachment, VisitDraft

    commissioner = User.objects.filter(username="zhuanyuan").first()
    if commissioner is None or VisitAttachment.objects.filter(uploaded_by=commissioner).exists():
        return
    latest = list(Visit.objects.filter(commissioner=commissioner).order_by("-visited_on", "-pk")[:3])
    for n, visit in enumerate(latest, start=1):
        photo = _demo_photo(n)
        attachment = VisitAttachment(
            visit=visit, uploaded_by=commissioner, name=f"现场照片{n}.jpg", content_type="image/jpeg",
            size=len(photo), image=True,
        )  # fmt: skip
        attachment.file.save(f"demo-{n}.jpg", ContentFile(photo), save=False)
        attachment.save()
    visited = {v.enterprise_id for v in latest}
    target = (
        Enterprise.objects.filter(commissioner=commissioner)
        .exclude(pk__in=visited)
        .order_by("credit_code")
        .first()
    )
    if target is not None and not VisitDraft.objects.filter(author=commissioner).exists():
        draft = VisitDraft.objects.create(
            enterprise=target,
            author=commissioner,
            data={"visited_on": today.isoformat(), "kind": "onsite", "people_met": "王总（总经理）",
                  "summary": "（草稿）查看了冲压车间，设备联网情况待补充。", "need_tags": [], "needs": "",
                  "follow_up_due": ""},
        )  # fmt: skip
        photo = _demo_photo(9)
        attachment = VisitAttachment(
            draft=draft, uploaded_by=commissioner, name="冲压车间.jpg", content_type="image/jpeg",
            size=len(photo), image=True,
        )  # fmt: skip
        attachment.file.save("demo-draft.jpg", ContentFile(photo), save=False)
        attachment.save()


@transaction.atomic
def seed_services(*, today: date | None = None) -> ServicesResult:
    """Create whatever part of the service-system demo is missing (see the module docstring)."""
    today = today or timezone.localdate()
    rng = random.Random(SEED)
    result = ServicesResult()
    regions = {r.code: r for r in Region.objects.filter(level__in=["province", "city", "county"])}
    if "360000" not in regions:
        raise RuntimeError("No regions in the database: run `python manage.py migrate` first.")
    if not Organisation.objects.filter(name=PROVIDER_NAME).exists():
        raise RuntimeError("Run the enterprise demo (diagnosis.demo.seed_demo) first.")
    providers = _ensure_providers(rng, result, regions)
    _ensure_clinics(rng, result, regions, providers)
    _ensure_commissioners(rng, result, regions)
    _ensure_solutions(rng, result, providers)
    _ensure_activity(rng, result, providers, today)
    _ensure_casework(result, today)
    _ensure_visit_files(today)
    return result


@transaction.atomic
def reset_activity() -> int:
    """Remove the demo's projects, diagnoses and ratings on seeded enterprises (they protect the
    enterprises from ``seed_demo(reset=True)``); returns how many rows went. Providers, clinics,
    commissioners and solutions stay (they are found again by name)."""
    from demo.enterprises import seeded_enterprises

    seeded = seeded_enterprises().values("pk")
    from diagnosis.models import DiagnosisReport, ProjectAttachment, ServiceVoucher

    removed = ServiceVoucher.objects.filter(enterprise__in=seeded).delete()[0]  # their ledgers hold projects
    for attachment in ProjectAttachment.objects.filter(project__enterprise__in=seeded):
        attachment.file.delete(save=False)
    removed += TransformationProject.objects.filter(enterprise__in=seeded).delete()[0]
    reports = DiagnosisReport.objects.filter(diagnosis__enterprise__in=seeded)
    for report in reports.exclude(file=""):
        report.file.delete(save=False)
    removed += reports.delete()[0]
    removed += Diagnosis.objects.filter(enterprise__in=seeded).delete()[0]
    removed += ProviderRating.objects.filter(enterprise__in=seeded).delete()[0]
    from diagnosis.models import VisitAttachment, VisitDraft

    files = VisitAttachment.objects.filter(
        Q(visit__enterprise__in=seeded) | Q(draft__enterprise__in=seeded) | Q(visit__isnull=True)
    )
    for attachment in files:
        attachment.file.delete(save=False)
    removed += files.delete()[0]
    removed += VisitDraft.objects.filter(enterprise__in=seeded).delete()[0]
    removed += Visit.objects.filter(enterprise__in=seeded).delete()[0]
    removed += Assignment.objects.filter(enterprise__in=seeded).delete()[0]
    return removed
