"""Deterministic demo data: about 2,000 manufacturers in all 100 counties and one user per role.

Contract:
- ``build_plan(counties)`` is a pure function of the county list and ``SEED``: the same regions
  always give the same enterprises (credit codes, names, figures), on any machine and database.
- ``seed_demo()`` writes the plan. It is idempotent: it only creates what is missing (enterprises
  by credit code, users by username, organisations by name, engagements by pair), so a second run
  changes nothing and reports so. ``reset=True`` first removes the demo enterprises (with their
  history, engagements and accounts) and restores the demo accounts to their defaults.
- Everything is written in bulk inside one transaction, with one ``EnterpriseChange`` "create"
  row per enterprise (source: system).

Figures follow the national rules they stand for: the size class is derived from employees and
revenue with the industrial thresholds of 《统计上大中小微型企业划分办法（2017）》, and an
enterprise is above designated size (规上) when its revenue is at least 2,000 万元.
"""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import Organisation, Role, User
from core.history import creation_changes
from diagnosis.models import ENTERPRISE_FIELDS, Engagement, Enterprise, EnterpriseAccount, EnterpriseChange
from regions.codes import CREDIT_CODE_CHARSET, make_credit_code
from regions.models import Region

SEED = 2024
DEMO_PASSWORD = "demo12345"
#: When the demo's enterprises were put on file (see ``seed_demo``).
REGISTER_OPENED = datetime.datetime(2023, 1, 1, tzinfo=datetime.UTC)
TARGET_ENTERPRISES = 2000
MIN_PER_COUNTY = 6
ABOVE_SIZE_REVENUE = Decimal("2000")  # 万元: 规上 threshold for industrial enterprises

CLINIC_NAME = "南昌东湖数字化诊所"
PROVIDER_NAME = "江西赣云数字科技有限公司"
DONGHU = "360102"
NANCHANG = "360100"

# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------

#: Cities whose counties get more enterprises (the province's manufacturing weight).
CITY_WEIGHT = {"360100": 2.4, "360700": 2.2, "360900": 2.2, "360400": 2.0, "361100": 2.0}
#: Counties with a known industrial base get a further boost; 东湖区 needs enough for the demo users.
COUNTY_WEIGHT = {
    "360102": 2.6, "360111": 1.6, "360112": 1.6, "360121": 1.8, "360124": 1.4, "360703": 1.8,
    "360981": 1.6, "360983": 1.5, "360982": 1.4, "361104": 1.4, "360681": 1.3, "360502": 1.5,
}  # fmt: skip

#: Division weights: roughly Jiangxi's manufacturing structure (electronics, electrical, non-ferrous…).
DIVISION_WEIGHT = {
    "13": 7, "14": 4, "15": 3, "16": 0.2, "17": 4, "18": 5, "19": 2.5, "20": 2.5, "21": 4, "22": 2,
    "23": 1.5, "24": 2.5, "25": 0.8, "26": 7, "27": 5, "28": 0.8, "29": 5, "30": 8, "31": 1.5,
    "32": 5, "33": 5, "34": 5, "35": 4.5, "36": 3.5, "37": 1.2, "38": 8, "39": 10, "40": 1.5,
    "41": 1, "42": 1.5, "43": 0.8,
}  # fmt: skip

#: Regional specialities: city → {division: multiplier}.
CITY_AFFINITY = {
    "360200": {"30": 4, "37": 3},  # 景德镇: ceramics, helicopters
    "360300": {"30": 2.5, "26": 1.5},  # 萍乡: industrial ceramics, chemicals
    "360500": {"31": 4, "38": 2},  # 新余: steel, lithium/photovoltaics
    "360600": {"32": 5},  # 鹰潭: copper
    "360700": {"32": 3, "21": 3, "39": 1.5},  # 赣州: tungsten and rare earths, 南康 furniture
    "360900": {"38": 3, "27": 2},  # 宜春: lithium, medicines
    "360100": {"39": 1.5, "36": 2, "37": 2, "27": 1.5},  # 南昌: electronics, cars, aviation
    "361000": {"27": 2, "13": 1.5},  # 抚州
    "361100": {"38": 2, "32": 1.5},  # 上饶: photovoltaics, copper
    "360800": {"39": 2.5},  # 吉安: electronics
    "360400": {"26": 2, "17": 1.5},  # 九江: petrochemicals, textiles
}

#: division → [(4-digit GB/T 4754-2017 class, words usable in a company name)].
INDUSTRY_CLASSES: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "13": [("1311", ("米业", "粮油")), ("1331", ("油脂", "粮油")), ("1351", ("肉类食品", "食品")),
           ("1361", ("水产食品",)), ("1371", ("农产品", "食品")), ("1391", ("淀粉", "生物科技"))],
    "14": [("1411", ("食品",)), ("1431", ("米粉", "食品")), ("1462", ("调味品", "酿造")),
           ("1491", ("营养食品", "生物科技"))],
    "15": [("1512", ("酒业",)), ("1513", ("啤酒",)), ("1524", ("饮品", "食品")), ("1530", ("茶业",))],
    "16": [("1610", ("烟叶",))],
    "17": [("1711", ("纺织", "棉业")), ("1713", ("印染",)), ("1742", ("丝绸", "织造")),
           ("1761", ("针织", "织造"))],
    "18": [("1811", ("服饰",)), ("1819", ("服装", "制衣")), ("1830", ("服饰",))],
    "19": [("1921", ("皮革",)), ("1952", ("鞋业",)), ("1954", ("鞋业",))],
    "20": [("2011", ("木业",)), ("2021", ("木业",)), ("2041", ("竹业", "竹木制品"))],
    "21": [("2110", ("家具", "家居")), ("2130", ("家具",))],
    "22": [("2221", ("纸业",)), ("2231", ("包装", "纸品"))],
    "23": [("2311", ("印刷",)), ("2319", ("印务", "包装印刷"))],
    "24": [("2411", ("文具",)), ("2421", ("乐器",)), ("2439", ("工艺品",)), ("2459", ("玩具",))],
    "25": [("2511", ("石化",)), ("2521", ("焦化",))],
    "26": [("2614", ("化工", "有机硅")), ("2619", ("化工",)), ("2625", ("肥业", "生物科技")),
           ("2641", ("涂料", "化工")), ("2651", ("新材料", "化工")), ("2661", ("化学试剂", "新材料"))],
    "27": [("2710", ("药业", "制药")), ("2720", ("制药", "药业")), ("2730", ("中药饮片", "药业")),
           ("2740", ("药业", "中药")), ("2761", ("生物制药", "生物科技")), ("2770", ("医疗用品", "卫材"))],
    "28": [("2821", ("化纤",)), ("2822", ("化纤", "新材料"))],
    "29": [("2919", ("橡胶",)), ("2922", ("塑业", "管业")), ("2926", ("塑料包装", "塑业")),
           ("2927", ("塑胶", "塑业"))],
    "30": [("3011", ("水泥",)), ("3021", ("建材",)), ("3041", ("玻璃",)), ("3071", ("陶瓷", "建陶")),
           ("3073", ("特种陶瓷", "新材料")), ("3074", ("陶瓷", "瓷业")), ("3075", ("艺术陶瓷", "瓷业"))],
    "31": [("3120", ("钢铁", "特钢")), ("3130", ("钢材",)), ("3140", ("铁合金",))],
    "32": [("3211", ("铜业",)), ("3216", ("铝业",)), ("3231", ("钨业",)), ("3232", ("稀土",)),
           ("3251", ("铜材", "铜业")), ("3252", ("铝材",)), ("3254", ("稀土新材料", "新材料"))],
    "33": [("3311", ("钢构", "钢结构")), ("3324", ("五金",)), ("3360", ("表面处理", "金属制品")),
           ("3381", ("厨具",)), ("3399", ("金属制品", "五金"))],
    "34": [("3411", ("锅炉",)), ("3441", ("泵业",)), ("3443", ("阀门",)), ("3451", ("轴承",)),
           ("3453", ("齿轮", "传动")), ("3491", ("机器人", "智能装备"))],
    "35": [("3511", ("矿山机械", "机械")), ("3525", ("模具",)), ("3532", ("农机",)),
           ("3581", ("医疗器械",)), ("3599", ("智能装备", "机械"))],
    "36": [("3611", ("汽车",)), ("3670", ("汽车零部件", "汽配", "汽车部件"))],
    "37": [("3741", ("航空",)), ("3751", ("摩托车",)), ("3761", ("车业",))],
    "38": [("3811", ("电机", "电气")), ("3821", ("变压器", "电气")), ("3831", ("电缆", "线缆")),
           ("3841", ("锂电", "新能源")), ("3825", ("光伏", "新能源")), ("3872", ("照明", "光电")),
           ("3856", ("电器",))],
    "39": [("3911", ("电子", "计算机")), ("3922", ("通讯", "电子科技")), ("3961", ("智能科技",)),
           ("3972", ("半导体",)), ("3976", ("光电", "光电科技")), ("3981", ("电子",)),
           ("3982", ("电路", "电子科技")), ("3983", ("传感", "智能科技"))],
    "40": [("4011", ("自动化", "仪表")), ("4012", ("电工仪表", "仪表")), ("4040", ("光学",))],
    "41": [("4190", ("制品",))],
    "42": [("4210", ("再生资源",)), ("4220", ("环保科技", "再生资源"))],
    "43": [("4320", ("机电设备",)), ("4330", ("机械设备",))],
}  # fmt: skip

HEAVY_DIVISIONS = {"25", "26", "31", "32", "36", "38"}
LIGHT_DIVISIONS = {"17", "18", "19", "20", "21", "23", "24", "41", "43"}

TRADE_FIRST = (
    "华兴恒盛鑫泰宏金鸿达源瑞联新正益博永昌隆德汇凯中天万丰润安宇通创力科信佳和长明嘉银峰晨浩森腾"
    "赣洪章庐豫锦振远东方美精诚友福旺荣祥泓骏富嘉卓越"
)
TRADE_SECOND = "兴盛达源泰昌隆华丰和安宇通创力科信佳明峰辉晟达鼎晖旭阳泽川海城林杰俊翔恒威光远邦诚成业"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡"
    "贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漆涂"
)
GIVEN_CHARS = "建华明伟芳娜敏静丽强磊军洋勇艳杰娟涛超秀霞平刚桂英文辉鹏飞志红玲斌宇浩凯亮婷琳晨雪梅兰波海"
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
    "157", "158", "159", "166", "173", "177", "180", "181", "182", "183", "186", "187", "188", "189",
    "191", "193", "198", "199",
)  # fmt: skip
ROADS = (
    "创新大道", "工业大道", "科技大道", "兴业路", "富民路", "高新大道", "迎宾大道", "建设路", "产业路",
    "振兴大道", "发展大道", "新城路", "滨江路", "章江路", "赣江大道", "昌东大道", "光明路", "幸福路",
    "园区一路", "园区二路", "纬三路", "经五路", "金山大道", "红星路", "胜利路", "民营路",
)  # fmt: skip
PARK_SUFFIXES = ("工业园区", "经济开发区", "高新技术产业园区", "产业园")
CLOUD_DEPTHS = (
    (Enterprise.CloudDepth.INFRASTRUCTURE, 45),
    (Enterprise.CloudDepth.PLATFORM, 25),
    (Enterprise.CloudDepth.BUSINESS, 20),
    (Enterprise.CloudDepth.DATA, 10),
)
#: Multiplier on each digital rate by size: larger firms adopt more.
SIZE_FACTOR = {"large": 1.9, "medium": 1.4, "small": 0.95, "micro": 0.55}


# ---------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------


def size_class_for(employees: int, revenue: Decimal) -> str:
    """Industrial size class (2017 rules): large/medium/small need both thresholds, micro either."""
    by_employees = 3 if employees >= 1000 else 2 if employees >= 300 else 1 if employees >= 20 else 0
    by_revenue = 3 if revenue >= 40000 else 2 if revenue >= 2000 else 1 if revenue >= 300 else 0
    return ("micro", "small", "medium", "large")[min(by_employees, by_revenue)]


def is_above_designated_size(revenue: Decimal) -> bool:
    return revenue >= ABOVE_SIZE_REVENUE


# ---------------------------------------------------------------------------------------------
# The plan (pure: no database writes)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountyInfo:
    code: str
    name: str
    short_name: str
    city_code: str
    city_name: str
    city_short_name: str


@dataclass
class DemoEnterprise:
    county_code: str
    data: dict[str, Any]

    @property
    def credit_code(self) -> str:
        return self.data["credit_code"]


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    display_name: str
    scope: str  # what the login shows, for the README and the command's table
    region_code: str | None = None
    organisation: str | None = None  # CLINIC_NAME or PROVIDER_NAME
    superuser: bool = False

    def get_role_label(self) -> str:
        return str(Role(self.role).label)


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", Role.ADMIN, "系统管理员", "全部数据 / everything (superuser)", superuser=True),
    DemoUser("sheng", Role.PROVINCE_OFFICER, "王建华", "江西省 360000 全省", region_code="360000"),
    DemoUser("nanchang", Role.CITY_OFFICER, "刘晓东", "南昌市 360100 及所辖县区", region_code=NANCHANG),
    DemoUser("donghu", Role.COUNTY_OFFICER, "陈静", "东湖区 360102", region_code=DONGHU),
    DemoUser("zhuanyuan", Role.COMMISSIONER, "熊伟", "东湖区 360102 分配给本人的企业", region_code=DONGHU),
    DemoUser(
        "zhensuo", Role.CLINIC_STAFF, "胡敏", f"{CLINIC_NAME} 对接的约20家企业", organisation=CLINIC_NAME
    ),
    DemoUser(
        "fuwushang", Role.PROVIDER_STAFF, "周涛", f"{PROVIDER_NAME} 对接的企业", organisation=PROVIDER_NAME
    ),
    DemoUser("qiye", Role.ENTERPRISE_USER, "邹丽", "本企业（东湖区一家企业）"),
)

#: Further commissioners (county tier) with assignments, so the assignment lists are not all 东湖区.
EXTRA_COMMISSIONER_COUNTIES = ("360121", "360703", "360403", "360981", "361104")


@dataclass
class DemoPlan:
    enterprises: list[DemoEnterprise]
    #: credit code → username of the commissioner it is assigned to
    assignments: dict[str, str]
    #: (organisation name, credit code, purpose)
    engagements: list[tuple[str, str, str]]
    #: username → credit code of the enterprise an enterprise user acts for
    enterprise_accounts: dict[str, str]
    users: list[DemoUser] = field(default_factory=list)


def county_infos() -> list[CountyInfo]:
    """All counties, ordered by code, from the database (loaded from the shipped CSV)."""
    rows = Region.objects.counties().select_related("parent").order_by("code")
    return [
        CountyInfo(r.code, r.name, r.short_name, r.parent.code, r.parent.name, r.parent.short_name)
        for r in rows
    ]


def _allocate(rng: random.Random, counties: list[CountyInfo], total: int) -> dict[str, int]:
    counts = {c.code: MIN_PER_COUNTY for c in counties}
    weights = [CITY_WEIGHT.get(c.city_code, 1.0) * COUNTY_WEIGHT.get(c.code, 1.0) for c in counties]
    for county in rng.choices(counties, weights=weights, k=max(0, total - MIN_PER_COUNTY * len(counties))):
        counts[county.code] += 1
    return counts


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def _org_code_body(rng: random.Random) -> str:
    """The 9 characters after the division code: a post-2015 "MA…" code or an old GB 11714 code."""
    if rng.random() < 0.7:
        return "MA" + "".join(rng.choice(CREDIT_CODE_CHARSET) for _ in range(7))
    digits = [rng.randrange(10) for _ in range(8)]
    check = 11 - sum(d * w for d, w in zip(digits, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    return "".join(map(str, digits)) + {10: "X", 11: "0"}.get(check, str(check))


def _serial_for(body: str) -> int:
    """The serial that makes ``make_credit_code`` produce ``body`` as characters 9–17."""
    serial = 0
    for ch in body:
        serial = serial * 31 + CREDIT_CODE_CHARSET.index(ch)
    return serial


def _person(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def _mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _chance(rng: random.Random, base: float, size: str) -> bool:
    return rng.random() < min(0.95, base * SIZE_FACTOR[size])


def archive_fields(
    rng: random.Random,
    *,
    credit_code: str,
    name: str,
    address: str,
    industry_code: str,
    size: str,
    employees: int,
    revenue: Decimal,
    output_value: Decimal,
    cloud: bool,
    certified: bool,
    level: str,
) -> dict:
    """An enterprise's archive fields from its drawn figures, drawing the rest (contact, cloud depth,
    platform, identifier resolution, 5G) from ``rng`` in a fixed order: ``seed_demo`` and
    ``seed_scale`` share it, and the demo's data stay the same for the same seed."""
    return {
        "credit_code": credit_code,
        "name": name,
        "address": address,
        "industry_code": industry_code,
        "above_designated_size": is_above_designated_size(revenue),
        "size_class": size,
        "employees": employees,
        "revenue": revenue,
        "output_value": output_value,
        "contact_person": _person(rng),
        "contact_phone": _mobile(rng),
        "cloud_adopted": cloud,
        "cloud_depth": rng.choices([d for d, _ in CLOUD_DEPTHS], [w for _, w in CLOUD_DEPTHS])[0]
        if cloud
        else "",
        "integration_certified": certified,
        "integration_level": level,
        "iip_platform_used": _chance(rng, 0.31, size),
        "identifier_resolution": _chance(rng, 0.15, size),
        "uses_5g": _chance(rng, 0.10, size),
    }


def _figures(rng: random.Random, division: str) -> tuple[int, Decimal, Decimal]:
    """Employees, revenue and output value (万元) with a plausible revenue per employee."""
    band = rng.random()
    if band < 0.16:
        employees = round(_log_uniform(rng, 5, 19))
    elif band < 0.74:
        employees = round(_log_uniform(rng, 20, 299))
    elif band < 0.95:
        employees = round(_log_uniform(rng, 300, 999))
    else:
        employees = round(_log_uniform(rng, 1000, 6000))
    per_head = _log_uniform(rng, 12, 120)  # 万元 of revenue per employee
    if division in HEAVY_DIVISIONS:
        per_head *= 1.6
    elif division in LIGHT_DIVISIONS:
        per_head *= 0.7
    revenue = Decimal(f"{employees * per_head:.2f}")
    ratio = Decimal(f"{rng.uniform(0.92, 1.12):.4f}")  # output value vs revenue
    output_value = (revenue * ratio).quantize(Decimal("0.01"))
    return employees, revenue, output_value


def build_plan(counties: list[CountyInfo], *, total: int = TARGET_ENTERPRISES, seed: int = SEED) -> DemoPlan:
    """The demo data set for ``counties``: same input, same output."""
    rng = random.Random(seed)
    counts = _allocate(rng, counties, total)
    divisions = sorted(INDUSTRY_CLASSES)
    names: set[str] = set()
    codes: set[str] = set()
    enterprises: list[DemoEnterprise] = []

    for county in counties:
        affinity = CITY_AFFINITY.get(county.city_code, {})
        weights = [DIVISION_WEIGHT[d] * affinity.get(d, 1.0) for d in divisions]
        county_places = [county.name] if county.name.endswith(("县", "市")) else []
        for _ in range(counts[county.code]):
            division = rng.choices(divisions, weights=weights)[0]
            industry_code, words = rng.choice(INDUSTRY_CLASSES[division])
            employees, revenue, output_value = _figures(rng, division)
            size = size_class_for(employees, revenue)

            while True:
                code = make_credit_code(county.code, _serial_for(_org_code_body(rng)))
                if code not in codes:
                    codes.add(code)
                    break
            share_chance = {"large": 0.6, "medium": 0.25, "small": 0.04, "micro": 0.0}[size]
            suffix = "股份有限公司" if rng.random() < share_chance else "有限公司"
            places = ["江西", county.city_short_name, *county_places]
            while True:
                place = rng.choices([*places, ""], weights=[3, 3, *([3] * len(county_places)), 1])[0]
                trade = rng.choice(TRADE_FIRST) + rng.choice(TRADE_SECOND)
                if trade[0] == trade[1]:
                    continue
                name = f"{place}{trade}{rng.choice(words)}{suffix}"
                if name not in names:
                    names.add(name)
                    break

            if rng.random() < 0.75:
                park = county.short_name + rng.choice(PARK_SUFFIXES)
            else:
                park = ""
            address = f"江西省{county.city_name}{county.name}{park}{rng.choice(ROADS)}{rng.randint(1, 999)}号"

            cloud = _chance(rng, 0.62, size)
            certified = _chance(rng, 0.10, size)
            level = ""
            if certified:
                level = rng.choices(
                    ["A", "AA", "AAA"], weights=[55, 38, 7] if size != "large" else [30, 50, 20]
                )[0]
            data = archive_fields(
                rng,
                credit_code=code,
                name=name,
                address=address,
                industry_code=industry_code,
                size=size,
                employees=employees,
                revenue=revenue,
                output_value=output_value,
                cloud=cloud,
                certified=certified,
                level=level,
            )
            enterprises.append(DemoEnterprise(county.code, data))

    # Who is assigned to whom, who is engaged with whom.
    by_county: dict[str, list[str]] = {}
    for ent in enterprises:
        by_county.setdefault(ent.county_code, []).append(ent.credit_code)
    city_of = {c.code: c.city_code for c in counties}
    donghu = by_county.get(DONGHU, [])
    nanchang_others = [
        ent.credit_code
        for ent in enterprises
        if city_of[ent.county_code] == NANCHANG and ent.county_code != DONGHU
    ]

    assignments: dict[str, str] = {}
    for index, code in enumerate(donghu):
        if index % 7 != 6:  # most, not all: the county officer still has unassigned ones to hand out
            assignments[code] = "zhuanyuan"
    users = list(DEMO_USERS)
    for county_code in EXTRA_COMMISSIONER_COUNTIES:
        county = next((c for c in counties if c.code == county_code), None)
        if county is None:
            continue
        username = f"zy{county_code}"
        users.append(
            DemoUser(username, Role.COMMISSIONER, _person(rng), f"{county.name} {county_code} 分配给本人的企业",
                     region_code=county_code)
        )  # fmt: skip
        for code in by_county[county_code]:
            if rng.random() < 0.6:
                assignments[code] = username

    own = donghu[0] if donghu else enterprises[0].credit_code
    clinic_set = [own, *rng.sample(donghu[1:], min(13, max(0, len(donghu) - 1)))]
    clinic_set += rng.sample(nanchang_others, min(6, len(nanchang_others)))
    provider_set = [own, *clinic_set[1:3], *rng.sample(nanchang_others, min(3, len(nanchang_others)))]
    engagements = [(CLINIC_NAME, code, Engagement.Purpose.DIAGNOSIS) for code in clinic_set]
    engagements += [(PROVIDER_NAME, code, Engagement.Purpose.PROJECT) for code in dict.fromkeys(provider_set)]

    return DemoPlan(enterprises, assignments, engagements, {"qiye": own}, users)


# ---------------------------------------------------------------------------------------------
# Writing the plan
# ---------------------------------------------------------------------------------------------


@dataclass
class SeedResult:
    enterprises_created: int = 0
    enterprises_total: int = 0
    users_created: int = 0
    organisations_created: int = 0
    engagements_created: int = 0
    accounts_created: int = 0
    removed: int = 0
    #: seeded enterprises that the current plan does not contain (left by an older version)
    stale: int = 0
    users: list[DemoUser] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(
            (
                self.enterprises_created,
                self.users_created,
                self.organisations_created,
                self.engagements_created,
                self.accounts_created,
                self.removed,
            )
        )


ORGANISATIONS = {
    CLINIC_NAME: {"kind": Organisation.Kind.CLINIC, "region": DONGHU, "serial": 31**8 * 21 + 880_001},
    PROVIDER_NAME: {"kind": Organisation.Kind.PROVIDER, "region": NANCHANG, "serial": 31**8 * 21 + 880_002},
}


def _ensure_organisations(result: SeedResult) -> dict[str, Organisation]:
    organisations = {}
    for name, spec in ORGANISATIONS.items():
        region = Region.objects.get(code=spec["region"])
        org, created = Organisation.objects.get_or_create(
            name=name,
            kind=spec["kind"],
            defaults={"region": region, "credit_code": make_credit_code(region.code, spec["serial"])},
        )
        result.organisations_created += created
        organisations[name] = org
    return organisations


def _user_fields(spec: DemoUser, regions: dict[str, Region], organisations: dict[str, Organisation]) -> dict:
    return {
        "role": spec.role,
        "display_name": spec.display_name,
        "region": regions.get(spec.region_code) if spec.region_code else None,
        "organisation": organisations.get(spec.organisation) if spec.organisation else None,
        "is_superuser": spec.superuser,
        "is_staff": spec.superuser,
        "is_active": True,
        # a reserved domain (RFC 2606): the demo's reminders are "e-mailed" into var/mail/
        "email": f"{spec.username}@example.org",
    }


def _ensure_users(
    plan: DemoPlan, organisations: dict[str, Organisation], result: SeedResult, *, reset: bool
) -> dict[str, User]:
    # One hash for all demo accounts: they share a published password, and hashing it a dozen
    # times would make the seed several seconds slower for nothing.
    password = make_password(DEMO_PASSWORD)
    regions = {
        r.code: r for r in Region.objects.filter(code__in={u.region_code for u in plan.users} - {None})
    }
    users = {}
    for spec in plan.users:
        fields = _user_fields(spec, regions, organisations)
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = User(username=spec.username, password=password, **fields)
            user.full_clean()
            user.save()
            result.users_created += 1
        elif reset:
            for key, value in fields.items():
                setattr(user, key, value)
            user.password = password
            user.full_clean()
            user.save()
        users[spec.username] = user
    return users


def seeded_enterprises():
    """Enterprises the seed created: their "create" history row has source system and no actor."""
    created_by_seed = EnterpriseChange.objects.filter(
        action=EnterpriseChange.Action.CREATE, source=EnterpriseChange.Source.SYSTEM, actor__isnull=True
    )
    return Enterprise.objects.filter(pk__in=created_by_seed.values("enterprise_id"))


def _reset(plan: DemoPlan, result: SeedResult) -> None:
    """Remove the demo enterprises (history, engagements and accounts go with them)."""
    Engagement.objects.filter(organisation__name__in=list(ORGANISATIONS)).delete()
    EnterpriseAccount.objects.filter(user__username__in=list(plan.enterprise_accounts)).delete()
    seeded = list(seeded_enterprises().values_list("pk", flat=True))
    for start in range(0, len(seeded), 500):  # chunks keep SQLite under its variable limit
        result.removed += (
            Enterprise.objects.filter(pk__in=seeded[start : start + 500])
            .delete()[1]
            .get(Enterprise._meta.label, 0)
        )


def _creation_history(obj: Enterprise) -> dict[str, list[Any]]:
    """{field: [None, value]} for each filled field, as ``services.enterprise_create`` records it."""
    return creation_changes(obj, [f for f in ENTERPRISE_FIELDS if getattr(obj, f) not in (None, "")])


@transaction.atomic
def seed_demo(*, reset: bool = False) -> SeedResult:
    """Create whatever part of the demo data set is missing (everything, on an empty database)."""
    counties = county_infos()
    if not counties:
        raise RuntimeError("No counties in the database: run `python manage.py migrate` first.")
    plan = build_plan(counties)
    result = SeedResult(users=plan.users)
    if reset:
        _reset(plan, result)

    organisations = _ensure_organisations(result)
    users = _ensure_users(plan, organisations, result, reset=reset)
    counties_by_code = {r.code: r for r in Region.objects.counties()}

    existing = set(Enterprise.objects.values_list("credit_code", flat=True))
    new = []
    for ent in plan.enterprises:
        if ent.credit_code in existing:
            continue
        commissioner = users.get(plan.assignments.get(ent.credit_code, ""))
        obj = Enterprise(county=counties_by_code[ent.county_code], commissioner=commissioner, **ent.data)
        obj.clean_fields()
        new.append(obj)
    if new:
        Enterprise.objects.bulk_create(new, batch_size=500)
        if any(obj.pk is None for obj in new):  # backends that cannot return ids from a bulk insert
            ids = dict(Enterprise.objects.values_list("credit_code", "pk"))
            for obj in new:
                obj.pk = ids[obj.credit_code]
        EnterpriseChange.objects.bulk_create(
            [
                EnterpriseChange(
                    enterprise=obj,
                    action=EnterpriseChange.Action.CREATE,
                    source=EnterpriseChange.Source.SYSTEM,
                    changes=_creation_history(obj),
                )
                for obj in new
            ],
            batch_size=500,
        )
        # The demo register dates from the programme's start (its 2023 diagnoses and the monthly
        # figures need enterprises on file before them), not from the moment it was seeded.
        Enterprise.objects.filter(pk__in=[obj.pk for obj in new]).update(created_at=REGISTER_OPENED)
    result.enterprises_created = len(new)

    ids = dict(Enterprise.objects.values_list("credit_code", "pk"))
    wanted = {
        (organisations[org].pk, ids[code], purpose) for org, code, purpose in plan.engagements if code in ids
    }
    have = set(
        Engagement.objects.filter(organisation__in=organisations.values()).values_list(
            "organisation_id", "enterprise_id", "purpose"
        )
    )
    missing = sorted(wanted - have)
    Engagement.objects.bulk_create(
        [Engagement(organisation_id=o, enterprise_id=e, purpose=p) for o, e, p in missing]
    )
    result.engagements_created = len(missing)

    for username, code in plan.enterprise_accounts.items():
        user = users[username]
        if code in ids and not EnterpriseAccount.objects.filter(user=user).exists():
            EnterpriseAccount.objects.create(user=user, enterprise_id=ids[code])
            result.accounts_created += 1

    planned = {ent.credit_code for ent in plan.enterprises}
    result.stale = sum(
        1 for code in seeded_enterprises().values_list("credit_code", flat=True) if code not in planned
    )
    result.enterprises_total = Enterprise.objects.count()
    return result
