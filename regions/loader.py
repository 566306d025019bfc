"""Load the division tree from the CSV shipped with the project (idempotent upsert by code)."""

import csv
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "jiangxi_regions.csv"
DEPTH = {"province": 0, "city": 1, "zone": 1, "county": 2}


def read_rows(path: Path = DATA_FILE) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_regions(region_model, path: Path = DATA_FILE) -> int:
    """Create or update every region in ``path``; parents come before children. Returns the count."""
    rows = sorted(read_rows(path), key=lambda row: DEPTH[row["level"]])
    by_code = {}
    for row in rows:
        parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
        path_value = (parent.path if parent else "") + row["code"] + "/"
        region, _ = region_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "short_name": row["short_name"],
                "level": row["level"],
                "depth": DEPTH[row["level"]],
                "parent": parent,
                "sort_order": int(row["sort_order"]),
                "path": path_value,
            },
        )
        by_code[row["code"]] = region
    return len(by_code)
