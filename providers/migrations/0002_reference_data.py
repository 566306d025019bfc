"""Service categories and the 16 business scenarios of the SME digital-level model (2024)."""

from django.db import migrations


def load(apps, schema_editor):
    from providers.loader import load_categories, load_scenarios

    load_categories(apps.get_model("providers", "ServiceCategory"))
    load_scenarios(apps.get_model("providers", "BusinessScenario"))


class Migration(migrations.Migration):
    dependencies = [("providers", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
