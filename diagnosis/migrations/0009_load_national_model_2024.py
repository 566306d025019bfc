"""Load the national SME digital-level model, 2024 edition (diagnosis/data/sme-digital-level-2024.json),
so a freshly migrated database can diagnose at once. It becomes the default version.

The load goes through the same service as ``manage.py load_assessment_model``, with this
migration's historical models; going back removes the version again.
"""

from types import SimpleNamespace

from django.db import migrations

CODE = "sme-digital-level-2024"


def load(apps, schema_editor):
    from diagnosis.services.assessment import MODEL_NAMES, NATIONAL_2024, assessment_model_load

    models = SimpleNamespace(**{name: apps.get_model("diagnosis", name) for name in MODEL_NAMES})
    assessment_model_load(source=NATIONAL_2024.read_bytes(), make_default=True, models=models)


def unload(apps, schema_editor):
    apps.get_model("diagnosis", "AssessmentModel").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("diagnosis", "0008_assessment_model")]

    operations = [migrations.RunPython(load, unload)]
