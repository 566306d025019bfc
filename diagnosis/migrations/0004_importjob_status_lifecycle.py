# ImportJob on core.jobs, step 2 of 2 (after the data migration, in its own transaction): the
# status column holds the shared lifecycle only; updated_at gave way to heartbeat_at, started_at
# and finished_at.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('diagnosis', '0003_importjob_on_core_job'),
    ]

    operations = [
        migrations.AlterField(
            model_name='importjob',
            name='status',
            field=models.CharField(choices=[('pending', '等待处理'), ('running', '正在处理'), ('done', '已完成'), ('failed', '失败'), ('cancelled', '已取消')], db_index=True, default='pending', max_length=10, verbose_name='状态'),
        ),
        migrations.RemoveField(
            model_name='importjob',
            name='updated_at',
        ),
    ]
