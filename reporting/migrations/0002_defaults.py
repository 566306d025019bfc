"""Default evaluation weights and the 2023 plan's targets (editable data afterwards)."""

from datetime import date
from decimal import Decimal

from django.db import migrations

PLAN = "《江西省制造业数字化转型实施方案》（2023）"

#: (indicator, year, target) for the whole province.
TARGETS = [
    ("clinics_active", 2024, "100"),
    ("clinics_active", 2025, "100"),
    ("commissioners_active", 2024, "3000"),
    ("commissioners_active", 2025, "3000"),
    ("providers_admitted", 2024, "300"),
    ("providers_admitted", 2025, "800"),
    ("solutions_published", 2025, "1200"),
]


def load(apps, schema_editor):
    Weights = apps.get_model("reporting", "EvaluationWeights")
    Target = apps.get_model("reporting", "ProgrammeTarget")
    Region = apps.get_model("regions", "Region")
    Weights.objects.get_or_create(
        effective_from=date(2023, 1, 1),
        defaults={
            "weight_ratings": Decimal("0.40"),
            "weight_on_time": Decimal("0.30"),
            "weight_returns": Decimal("0.20"),
            "weight_qualifications": Decimal("0.10"),
            "note": "默认权重",
        },
    )
    province = Region.objects.filter(level="province").first()
    if province is None:
        return
    for indicator, year, target in TARGETS:
        Target.objects.update_or_create(
            indicator=indicator, year=year, region=province, defaults={"target": Decimal(target), "source": PLAN}
        )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
