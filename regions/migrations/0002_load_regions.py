"""Load the province, its cities, counties and the 赣江新区 zone from regions/data/jiangxi_regions.csv."""

from django.db import migrations


def load(apps, schema_editor):
    from regions.loader import load_regions

    load_regions(apps.get_model("regions", "Region"))


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
