"""The dashboard's targets: diagnosis coverage, enterprises transforming and platform penetration
join the plan's targets (editable data afterwards), and the live targets carry over to 2026."""

from decimal import Decimal

from django.db import migrations, models

PLAN = "《江西省制造业数字化转型实施方案》（2023）"

#: (indicator, year, target) for the whole province; rates are percentages.
TARGETS = [
    ("diagnosis_coverage", 2025, "100"),
    ("diagnosis_coverage", 2026, "100"),
    ("ent_transforming", 2025, "10000"),
    ("ent_transforming", 2026, "10000"),
    ("platform_penetration", 2025, "45"),
    ("platform_penetration", 2026, "45"),
    ("clinics_active", 2026, "100"),
    ("commissioners_active", 2026, "3000"),
    ("providers_admitted", 2026, "300"),
]


def load(apps, schema_editor):
    Target = apps.get_model("reporting", "ProgrammeTarget")
    Region = apps.get_model("regions", "Region")
    province = Region.objects.filter(level="province").first()
    if province is None:
        return
    for indicator, year, target in TARGETS:
        Target.objects.get_or_create(
            indicator=indicator, year=year, region=province, defaults={"target": Decimal(target), "source": PLAN}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0008_bulletins"),
    ]

    operations = [
        migrations.AlterField(
            model_name="programmetarget",
            name="indicator",
            field=models.CharField(
                choices=[
                    ("clinics_active", "运营中的数字化诊所"),
                    ("commissioners_active", "在岗数字专员"),
                    ("providers_admitted", "入库服务商"),
                    ("solutions_published", "已发布解决方案"),
                    ("diagnosis_coverage", "规上企业诊断覆盖率（%）"),
                    ("ent_transforming", "开展数字化改造企业数"),
                    ("platform_penetration", "工业互联网平台普及率（%）"),
                ],
                max_length=30,
                verbose_name="指标",
            ),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
