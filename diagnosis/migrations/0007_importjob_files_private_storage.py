"""Import uploads and rejects files move to the private storage (core.files), outside MEDIA_ROOT.

Files already stored are moved from MEDIA_ROOT to PRIVATE_MEDIA_ROOT under the same name, so
every existing job's files stay readable (through the scoped download view only). A name whose
file is missing from MEDIA_ROOT, or already present in the private root, is left alone. The
reverse moves them back.
"""

import shutil
from pathlib import Path

from django.conf import settings
from django.db import migrations, models

import core.files


def _move(apps, source_root: Path, target_root: Path) -> None:
    ImportJob = apps.get_model("diagnosis", "ImportJob")
    names = ImportJob.objects.values_list("file", "rejects_file")
    for name in {n for pair in names for n in pair if n}:
        source, target = source_root / name, target_root / name
        if source.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(source), str(target))


def to_private(apps, schema_editor):
    _move(apps, Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT))


def to_public(apps, schema_editor):
    _move(apps, Path(settings.PRIVATE_MEDIA_ROOT), Path(settings.MEDIA_ROOT))


class Migration(migrations.Migration):
    dependencies = [
        ("diagnosis", "0006_register_search_trigram"),
    ]

    operations = [
        migrations.AlterField(
            model_name="importjob",
            name="file",
            field=models.FileField(
                storage=core.files.PrivateStorage(), upload_to="imports/%Y/%m/", verbose_name="文件"
            ),
        ),
        migrations.AlterField(
            model_name="importjob",
            name="rejects_file",
            field=models.FileField(
                blank=True,
                storage=core.files.PrivateStorage(),
                upload_to="imports/rejects/%Y/%m/",
                verbose_name="被拒绝行文件",
            ),
        ),
        migrations.RunPython(to_private, to_public, elidable=True),
    ]
