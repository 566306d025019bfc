"""Reference data of the service system, loaded by data migrations (idempotent upserts)."""

import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

#: The pool's service categories as the 2023 plan names them (editable afterwards).
SERVICE_CATEGORIES = [
    ("consulting", "咨询诊断"),
    ("industrial_software", "工业软件"),
    ("iip_platform", "工业互联网平台"),
    ("smart_equipment", "智能装备与系统集成"),
    ("network_5g", "网络与5G"),
    ("cloud", "云服务"),
    ("data_security", "数据与安全"),
    ("data_services", "数据服务"),
]


def load_categories(category_model) -> int:
    for order, (code, name) in enumerate(SERVICE_CATEGORIES, 1):
        category_model.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})
    return len(SERVICE_CATEGORIES)


def load_scenarios(scenario_model) -> int:
    with (DATA_DIR / "business_scenarios.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        scenario_model.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "group": row["group"], "sort_order": int(row["sort_order"])},
        )
    return len(rows)
