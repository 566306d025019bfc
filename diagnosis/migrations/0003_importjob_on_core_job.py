# ImportJob moves onto the shared job lifecycle (core.jobs), step 1 of 2: the new columns, then
# the data (its eight statuses become a phase plus a lifecycle status). Step 2 (0004, its own
# transaction) narrows the status column and drops updated_at.

import django.utils.timezone
from django.db import migrations, models

# FAILED and CANCELLED read the same in either phase; a failed job that holds counts got past its
# preview (only a finished preview stores counts), so it failed while importing.
MAPPING = {
    "pending_preview": ("preview", "pending"),
    "previewing": ("preview", "running"),
    "previewed": ("preview", "done"),
    "pending_import": ("import", "pending"),
    "importing": ("import", "running"),
    "done": ("import", "done"),
    "cancelled": ("preview", "cancelled"),
}


def statuses_to_phases(apps, schema_editor):
    ImportJob = apps.get_model("diagnosis", "ImportJob")
    for job in ImportJob.objects.all().iterator():
        if job.status == "failed":
            counted = job.created_count or job.updated_count or job.unchanged_count or job.rejected_count
            job.phase = "import" if counted else "preview"
        else:
            job.phase, job.status = MAPPING.get(job.status, ("preview", "failed"))
        # updated_at was the heartbeat; it also tells when a job became due or ended.
        job.run_after = job.updated_at if job.status == "pending" else job.created_at
        if job.status == "running":
            job.heartbeat_at = job.started_at = job.updated_at
            job.attempts = max(job.attempts, 1)
        elif job.status in ("done", "failed", "cancelled"):
            job.finished_at = job.updated_at
        job.save(
            update_fields=["phase", "status", "run_after", "heartbeat_at", "started_at", "finished_at", "attempts"]
        )


def phases_to_statuses(apps, schema_editor):
    ImportJob = apps.get_model("diagnosis", "ImportJob")
    back = {pair: old for old, pair in MAPPING.items()}
    for job in ImportJob.objects.all().iterator():
        job.status = back.get((job.phase, job.status), job.status)
        job.updated_at = job.finished_at or job.heartbeat_at or job.run_after
        job.save(update_fields=["status", "updated_at"])


class Migration(migrations.Migration):

    dependencies = [
        ('diagnosis', '0002_casework_for_service_system'),
    ]

    operations = [
        migrations.AddField(
            model_name='importjob',
            name='finished_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='完成时间'),
        ),
        migrations.AddField(
            model_name='importjob',
            name='heartbeat_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='最近心跳'),
        ),
        migrations.AddField(
            model_name='importjob',
            name='max_attempts',
            field=models.PositiveSmallIntegerField(default=3, verbose_name='最多尝试次数'),
        ),
        migrations.AddField(
            model_name='importjob',
            name='phase',
            field=models.CharField(choices=[('preview', '校验'), ('import', '导入')], default='preview', max_length=10, verbose_name='阶段'),
        ),
        migrations.AddField(
            model_name='importjob',
            name='run_after',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='可开始时间'),
        ),
        migrations.AddField(
            model_name='importjob',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='开始时间'),
        ),
        migrations.AlterField(
            model_name='importjob',
            name='attempts',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='已尝试次数'),
        ),
        migrations.AlterField(
            model_name='importjob',
            name='created_at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='上传时间'),
        ),
        migrations.RunPython(statuses_to_phases, phases_to_statuses),
    ]
